"""Card feedback in the registry's audit trail on both back ends: SQLite and a throwaway PostgreSQL server
(tests/registry/pgserver.py, as the registry tests use; RAREBONE_SKIP_PG=1 skips it locally, CI must not)."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))
import pgserver  # noqa: E402

from rarebone.cdshooks.feedback import CardIndex, FeedbackStore  # noqa: E402

ITEMS = [{"card": "c-1", "outcome": "accepted", "acceptedSuggestions": [{"id": "s-1"}],
          "outcomeTimestamp": "2026-11-30T10:00:00Z"},
         {"card": "c-2", "outcome": "overridden", "overrideReason": {"userComment": "already referred"},
          "outcomeTimestamp": "2026-11-30T10:01:00Z"}]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite'}"
        return
    if os.environ.get("RAREBONE_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped by RAREBONE_SKIP_PG=1 (local opt-out; CI must run them)")
    try:
        url, stop = pgserver.start()
    except pgserver.PgUnavailable as exc:
        pytest.fail(str(exc))
    try:
        yield pgserver.new_database(url)
    finally:
        stop()


def test_feedback_rows_in_the_audit_trail(db_url):
    cards = CardIndex()
    cards.add("c-1", "fhir:p-1", "rarebone-patient-view", "hook-1")
    store = FeedbackStore(db_url)
    assert store.store("rarebone-patient-view", ITEMS, "cds-hooks https://ehr.example", cards) == 2
    known = store.rows("fhir:p-1")
    assert len(known) == 1 and known[0]["after"]["acceptedSuggestions"] == [{"id": "s-1"}]
    assert known[0]["after"]["hookInstance"] == "hook-1" and known[0]["actor"] == "cds-hooks https://ehr.example"
    unknown = store.rows("unknown")
    assert [r["after"]["card"] for r in unknown] == ["c-2"]
    from rarebone.registry.store import history

    assert [h["action"] for h in history(store.engine(), "fhir:p-1")] == ["cds-feedback"]  # `registry history`

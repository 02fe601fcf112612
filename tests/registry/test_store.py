"""Store: idempotent upserts, the audit trail, per-record transactions — on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rarebone.errors import InputError
from rarebone.registry import demo, models as m, store


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_schema_is_at_head_after_open(engine):
    from rarebone.registry import db

    assert db.current_revision(engine) == "0004"


def test_import_is_idempotent(engine):
    records = list(demo.generate(30, seed=3))
    first = store.import_records(engine, [("demo", r) for r in records])
    assert (first.inserted, first.unchanged, first.rejected) == (30, 0, [])
    again = store.import_records(engine, [("demo", r) for r in records])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 30)
    assert _count(engine, m.PatientRow) == 30
    assert _count(engine, m.AuditRow) == 30  # nothing re-audited when nothing changed


def test_update_is_audited_with_before_and_after(engine):
    record = {"patient": {"patient_key": "P-1", "sex": "male", "diagnosis": "MIOP"},
              "transplants": [{"donor_relation": "father", "followup_days": 100.0}]}
    store.import_records(engine, [("a.csv row 2", record)], who="tester")
    # diagnosis, not sex: changing sex is an identity change and needs allow_identity_change (tests/adversarial)
    changed = {"patient": {"patient_key": "P-1", "sex": "male", "diagnosis": "IOP"},
               "transplants": [{"donor_relation": "mother", "followup_days": 100.0}]}
    summary = store.import_records(engine, [("b.csv row 2", changed)], who="tester")
    assert summary.updated == 1
    history = store.history(engine, "P-1")
    assert [h["action"] for h in history] == ["insert", "update"]
    update = history[1]
    assert update["actor"] == "tester" and update["source"] == "b.csv row 2"
    assert update["changed"] == ["patient.diagnosis", "transplants"]
    assert update["before"]["patient"]["diagnosis"] == "MIOP" and update["after"]["patient"]["diagnosis"] == "IOP"
    assert update["before"]["transplants"][0]["donor_relation"] == "father"
    assert update["after"]["transplants"][0]["donor_relation"] == "mother"


def test_delete_leaves_a_trace(engine):
    store.import_records(engine, [("x", {"patient": {"patient_key": "P-2", "sex": "male"},
                                         "complications": [{"kind": "vod", "day": 12}]})])
    with Session(engine) as session, session.begin():
        store.delete(session, "P-2", who="tester", reason="withdrawn consent")
    assert _count(engine, m.PatientRow) == 0
    assert _count(engine, m.ComplicationRow) == 0  # children go with the patient
    last = store.history(engine, "P-2")[-1]
    assert last["action"] == "delete" and last["after"] is None
    assert last["before"]["complications"] == [{"kind": "vod", "day": 12.0}]


def test_bad_record_is_rejected_alone(engine):
    good = {"patient": {"patient_key": "P-3"}}
    bad = {"patient": {"patient_key": "P-4", "no_such_field": 1}}
    summary = store.import_records(engine, [("r2", good), ("r3", bad), ("r4", InputError("broken", path="x"))])
    assert summary.inserted == 1 and len(summary.rejected) == 2
    assert summary.rejected[0].startswith("r3: ")
    assert _count(engine, m.PatientRow) == 1
    assert _count(engine, m.AuditRow) == 1

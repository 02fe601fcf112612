"""Registry fixtures: every registry test runs against SQLite and against a real, throwaway PostgreSQL server
(``pgserver.py``: 127.0.0.1, free port, temp folder, non-root user ``rarebone-pg`` when running as root).

If the server binaries are missing the PostgreSQL tests FAIL; ``RAREBONE_SKIP_PG=1`` skips them, for local
use only (CI must not set it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import pgserver  # noqa: E402


@pytest.fixture(scope="session")
def pg_server():
    if os.environ.get("RAREBONE_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped by RAREBONE_SKIP_PG=1 (local opt-out; CI must run them)")
    try:
        url, stop = pgserver.start()
    except pgserver.PgUnavailable as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty registry URL on each back end."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    return pgserver.new_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def engine(db_url):
    from rarebone.registry import db

    engine = db.open_registry(db_url, create=True)
    yield engine
    engine.dispose()

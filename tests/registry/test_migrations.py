"""Alembic: upgrade from an empty database and from the previous revision, on both back ends."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from rarebone.registry import db
from rarebone.registry.models import Base


def test_upgrade_from_empty_matches_the_models(db_url):
    engine = db.make_engine(db_url)
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == "0004"
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # Tables, columns, types, nullability, indexes and unique constraints of the migrations = the ORM models.
    assert diffs == []
    engine.dispose()


def test_upgrade_from_previous_revision_keeps_data(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0001")
    assert "cno_visits" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO patients (patient_key, synthetic, sex, content_hash, updated_at) "
                          "VALUES ('OLD-1', false, 'female', 'x', :at)"), {"at": dt.datetime.now(dt.timezone.utc)})
    db.upgrade(engine)
    assert db.current_revision(engine) == "0004"
    assert {"cno_visits", "lesions"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sex FROM patients WHERE patient_key = 'OLD-1'")).scalar() == "female"
    db.upgrade(engine)  # idempotent at head
    engine.dispose()

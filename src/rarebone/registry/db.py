"""Where the registry lives and how to open it: URL resolution, engine, migrations.

Order: ``--db URL`` (or a plain file path), then ``RAREBONE_DB``, then ``rarebone.sqlite`` in the user data
directory (platformdirs). PostgreSQL: ``postgresql+psycopg://user@host:port/db``.
"""

from __future__ import annotations

import os
from pathlib import Path

from rarebone.errors import RegistryError

ENV_VAR = "RAREBONE_DB"
READ_ONLY = "rarebone_read_only"  # execution option: a reading transaction (SQLite: no write lock)
HEAD = "head"


def resolve_url(db: str | None = None) -> str:
    value = db or os.environ.get(ENV_VAR)
    if not value:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("rarebone", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'rarebone.sqlite'}"
    if "://" not in value:  # a plain path means a SQLite file
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    if not value.startswith(("sqlite://", "postgresql+psycopg://")):
        raise RegistryError("database URL must be sqlite:///FILE or postgresql+psycopg://...", path="--db", value=value)
    return value


def make_engine(url: str):
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 120})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every sqlite test
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=120000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # writers take the lock up front: no deadlock between concurrent importers
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine, revision: str = HEAD) -> None:
    """Bring the schema to ``revision`` (idempotent; safe when several processes start at once)."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # serialise concurrent first-time upgrades
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(72731)")
        command.upgrade(_alembic_config(connection), revision)


def current_revision(engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def open_registry(db: str | None = None, *, create: bool = False):
    """An engine on an up-to-date registry. Without ``create``, a missing SQLite file is an error."""
    from rarebone.extras import require

    require("registry")  # before "no registry here": installing the extra comes first
    url = resolve_url(db)
    if url.startswith("sqlite:///") and not create:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise RegistryError("no registry here; run `rarebone registry init` first", source=str(path))
    engine = make_engine(url)
    try:
        upgrade(engine)
    except Exception as exc:  # connection refused, bad credentials, ...
        if type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
            raise RegistryError(f"cannot open the registry: {str(exc).splitlines()[0]}", source=_safe(url)) from None
        raise
    return engine


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}@{host}"
    return url


def reader(engine):
    """The same engine for reading only (reports, exports): on SQLite it does not take the write lock."""
    return engine.execution_options(**{READ_ONLY: True})

"""Where the registry lives and how to open it: URL resolution, engine, migrations.

Order: ``--db URL`` (or a plain file path), then ``RAREBONE_DB``, then ``rarebone.sqlite`` in the user data
directory (platformdirs). PostgreSQL: ``postgresql+psycopg://user@host:port/db``.
"""

from __future__ import annotations

import os
import re
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
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # patient data: owner only
        return f"sqlite:///{folder / 'rarebone.sqlite'}"
    if "://" not in value:  # a plain path means a SQLite file
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    if not value.startswith(("sqlite://", "postgresql+psycopg://")):
        raise RegistryError("database URL must be sqlite:///FILE or postgresql+psycopg://...", path="--db",
                            value=mask_url(value))
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


def create_private_file(path: Path) -> None:
    """Create an empty SQLite file readable by its owner only (0600) before SQLite does it under the umask
    (usually 0644). SQLite gives its -wal and -shm files the mode of the database file. An existing file is left
    as it is."""
    if str(path) in ("", ":memory:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise RegistryError(f"cannot create the registry file: {exc.strerror}", source=mask_url(str(path))) from None


def open_registry(db: str | None = None, *, create: bool = False):
    """An engine on an up-to-date registry. Without ``create``, a missing SQLite file is an error."""
    from rarebone.extras import require

    require("registry")  # before "no registry here": installing the extra comes first
    url = resolve_url(db)
    if url.startswith("sqlite:///") and not create:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise RegistryError("no registry here; run `rarebone registry init` first", source=mask_url(str(path)))
    if url.startswith("sqlite:///") and create:
        create_private_file(Path(url.removeprefix("sqlite:///")))
    engine = make_engine(url)
    try:
        upgrade(engine)
    except Exception as exc:  # connection refused, bad credentials, ...
        if type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
            raise RegistryError(f"cannot open the registry: {mask_url(str(exc).splitlines()[0], url)}",
                                source=mask_url(url)) from None
        raise
    return engine


# the password may itself contain '@' or ':' (unencoded): it runs to the last '@' before the host
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:@/?#\s]*):(?P<secret>\S*)@(?=[^@\s/?#]*(?:[/?#\s]|$))")
_MIN_SECRET_PIECE = 3  # shorter pieces of a split password would mask ordinary words of the message
_SECRET_PARAM = re.compile(r"(?i)(?P<key>\b(?:password|passwd|pwd|pass|sslpassword|sslkey_password|secret|token|"
                           r"api_?key|access_token)\s*=\s*)(?P<secret>'[^']*'|\"[^\"]*\"|[^&;\s]*)")


def mask_url(text: str, url: str | None = None) -> str:
    """Any database URL or connection string with its secrets replaced by ***: the password of
    scheme://user:password@host (every scheme, supported or not) and password=/token=... in a query string or a
    libpq "key=value" string. With ``url``, every secret of that URL is also masked wherever it appears in
    ``text`` (a driver may split an unencoded '@' differently and echo part of the password as a host name).
    Every message, warning and `registry info` that names a database goes through here."""
    text = str(text)
    if url:
        for secret in _secrets(url):
            text = text.replace(secret, "***")
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _SECRET_PARAM.sub(lambda m: f"{m['key']}***", text)


def _secrets(url: str) -> list[str]:
    found = [m["secret"] for m in _USERINFO.finditer(url)] + [m["secret"].strip("'\"") for m in _SECRET_PARAM.finditer(url)]
    pieces = {piece for s in found for piece in [s, *re.split(r"[@:]", s)] if len(piece) >= _MIN_SECRET_PIECE}
    return sorted(pieces, key=len, reverse=True)  # longest first: a piece never hides the rest of a secret


def reader(engine):
    """The same engine for reading only (reports, exports): on SQLite it does not take the write lock."""
    return engine.execution_options(**{READ_ONLY: True})

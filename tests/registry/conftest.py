"""Registry fixtures: every registry test runs against SQLite and against a real, throwaway PostgreSQL server.

The PostgreSQL server is started once per session on 127.0.0.1 (free port, temp folder) as a non-root user
(when running as root: system user ``rarebone-pg``, created if missing, commands through ``runuser -u``).
If the server binaries are missing the PostgreSQL tests FAIL; ``RAREBONE_SKIP_PG=1`` skips them, for local
use only (CI must not set it).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

PG_USER = "rarebone-pg"


def _find(binary: str) -> str | None:
    found = shutil.which(binary)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{binary}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_server():
    if os.environ.get("RAREBONE_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped by RAREBONE_SKIP_PG=1 (local opt-out; CI must run them)")
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql "
                    "(.ci/run does) or set RAREBONE_SKIP_PG=1 for a local run")
    if os.geteuid() == 0:
        if subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                           check=True, capture_output=True)
    base = Path(tempfile.mkdtemp(prefix="rarebone-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, user=PG_USER)
    data, log = base / "data", base / "server.log"
    subprocess.run(_as_user([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"]),
                   check=True, capture_output=True)
    port = _free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    started = subprocess.run(_as_user([pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"]),
                             capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr or started.stdout} {log.read_text() if log.exists() else ''}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def new_pg_database(server_url: str) -> str:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty registry URL on each back end."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    return new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def engine(db_url):
    from rarebone.registry import db

    engine = db.open_registry(db_url, create=True)
    yield engine
    engine.dispose()

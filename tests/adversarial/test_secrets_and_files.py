"""Issue 11 item 4: no database password in any message, patient files owner-only, no terminal escape codes
from patient text."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.conftest import EXAMPLES, run_cli

SECRET = "hunter2"


@pytest.mark.parametrize("url", [
    f"mysql://root:{SECRET}@db.example/x",                      # unsupported scheme
    f"oracle://scott:{SECRET}@h:1521/x?mode=1",                 # unsupported scheme
    f"postgresql://alice@127.0.0.1:1/reg?password={SECRET}",    # password in the query string
    f"postgresql://alice:{SECRET}@127.0.0.1:1/reg",             # password in the userinfo
    f"postgresql://alice:p@{SECRET}@127.0.0.1:1/reg",           # unencoded '@' inside the password
    f"postgresql+psycopg://alice@127.0.0.1:1/reg?sslmode=disable&PASSWORD={SECRET}",
])
def test_no_command_prints_a_database_password(url, tmp_path):
    for args in (["registry", "init", "--db", url], ["registry", "export", "--db", url],
                 ["report", "--db", url]):
        r = run_cli(*args)
        assert r.returncode != 0
        assert SECRET not in r.stdout + r.stderr, (args, r.stderr)
        assert "***" in r.stderr or "database URL" in r.stderr, r.stderr


@pytest.mark.parametrize("text, masked", [
    (f"mysql://root:{SECRET}@db/x", "mysql://root:***@db/x"),
    (f"host=h password={SECRET} dbname=x", "host=h password=*** dbname=x"),
    (f"postgresql://u@h/d?token={SECRET}&a=1", "postgresql://u@h/d?token=***&a=1"),
    ("sqlite:////tmp/registry.sqlite", "sqlite:////tmp/registry.sqlite"),
])
def test_mask_url_masks_every_form(text, masked):
    from rarebone.registry.db import mask_url

    assert mask_url(text) == masked


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_sqlite_registry_and_its_wal_are_owner_only_under_the_default_umask(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "reg.sqlite"
        for args in (["init"], ["demo", "--patients", "5"]):
            r = run_cli("registry", *args, "--db", str(db))
            assert r.returncode == 0, r.stderr
        from rarebone.registry import db as dbm

        engine = dbm.open_registry(str(db))  # an open connection: the -wal and -shm files exist now
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
            files = [p for p in tmp_path.iterdir() if p.name.startswith("reg.sqlite")]
            assert len(files) >= 2, files
            for path in files:
                assert _mode(path) == 0o600, (path.name, oct(_mode(path)))
        engine.dispose()
    finally:
        os.umask(old)


def test_reports_are_written_owner_only_under_the_default_umask(tmp_path):
    old = os.umask(0o022)
    try:
        for fmt in ("text", "json", "html"):
            out = tmp_path / f"a.{fmt}"
            r = run_cli("assess", str(EXAMPLES / "tcirg1-infant.json"), "--format", fmt, "-o", str(out))
            assert r.returncode == 0, r.stderr
            assert _mode(out) == 0o600, (fmt, oct(_mode(out)))
    finally:
        os.umask(old)


def test_escape_codes_in_patient_text_do_not_reach_the_terminal(tmp_path):
    data = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    data["subject"]["id"] = "P\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x9b1m\rX"
    path = tmp_path / "esc.json"
    path.write_text(json.dumps(data))
    r = run_cli("assess", str(path))
    assert r.returncode == 0, r.stderr
    assert "P]0;pwned[2J[31mRED1mX" in r.stdout   # the text is kept, the control characters are gone
    for ch in ("\x1b", "\x07", "\x9b", "\r"):
        assert ch not in r.stdout
    assert "\n" in r.stdout and "\t" not in data["subject"]["id"]


def test_strip_controls_keeps_newline_tab_and_crlf():
    from rarebone.report.terminal import strip_controls

    assert strip_controls("a\tb\nc\r\nd\x1b[0m\x00\x7f\x85e\rf") == "a\tb\nc\r\nd[0mef"

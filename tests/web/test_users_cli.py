"""`rarebone users` and `python -m rarebone.web.first_login` (what `make run` uses)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "rarebone", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_users_add_list_disable(tmp_path):
    db = str(tmp_path / "r.sqlite")
    password = "a long passphrase 42"
    done = cli("users", "add", "anna", "--role", "pharmacist", "--name", "Anna Example", "--password-stdin", "--db", db,
               stdin=password + "\n")
    assert done.returncode == 0, done.stderr
    assert password not in done.stdout + done.stderr
    listed = cli("users", "list", "--db", db).stdout
    assert "anna" in listed and "pharmacist" in listed and "active" in listed and password not in listed
    assert cli("users", "disable", "anna", "--db", db).returncode == 0
    assert "DISABLED" in cli("users", "list", "--db", db).stdout

    from rarebone.registry import db as dbm
    from rarebone.web import accounts

    engine = dbm.open_registry(db)
    assert accounts.verify(engine, "anna", password) is None  # disabled
    accounts.set_disabled(engine, "anna", False)
    assert accounts.verify(engine, "anna", password).role == "pharmacist"
    engine.dispose()


def test_users_add_refuses_bad_input_with_one_line(tmp_path):
    db = str(tmp_path / "r.sqlite")
    bad_role = cli("users", "add", "bob", "--role", "surgeon", "--password-stdin", "--db", db, stdin="x" * 20 + "\n")
    assert bad_role.returncode == 2 and "role must be one of clinician, pharmacist, researcher, admin" in bad_role.stderr
    assert "Traceback" not in bad_role.stderr
    short = cli("users", "add", "bob", "--role", "clinician", "--password-stdin", "--db", db, stdin="x" * 11 + "\n")
    assert short.returncode == 2 and "password shorter than 12 characters" in short.stderr
    ok = cli("users", "add", "bob", "--role", "clinician", "--password-stdin", "--db", db, stdin="x" * 12 + "\n")
    assert ok.returncode == 0, ok.stderr
    again = cli("users", "add", "bob", "--role", "clinician", "--password-stdin", "--db", db, stdin="y" * 12 + "\n")
    assert again.returncode == 2 and "exists" in again.stderr


def test_users_add_has_no_password_option():
    done = cli("users", "add", "--help")
    assert "--password-stdin" in done.stdout
    assert "--password " not in done.stdout and "--password=" not in done.stdout


def test_first_login_file_is_owner_only_and_password_never_printed(tmp_path):
    import os

    db, out = str(tmp_path / "demo.sqlite"), tmp_path / "out" / "first-login.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = [sys.executable, "-m", "rarebone.web.first_login", "--db", db, "--out", str(out)]
    done = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    password = out.read_text().split("password:")[1].strip()
    assert password not in done.stdout + done.stderr and len(password) >= 24
    from rarebone.registry import db as dbm
    from rarebone.web import accounts

    engine = dbm.open_registry(db)
    assert accounts.verify(engine, "clinician", password).role == "clinician"
    again = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert "unchanged" in again.stdout and out.read_text().split("password:")[1].strip() == password
    engine.dispose()

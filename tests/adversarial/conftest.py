"""Run the CLI in process (the HPO is loaded once) and check the rule for bad input: exit 0 or 2, and on 2 one
line on stderr, never a traceback."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TODAY = "2026-11-30"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip() and not line.startswith("wrote ")]


def run_inprocess(*argv: str, env: dict | None = None) -> Run:
    """``rarebone ARGV`` in this process. An exception escaping the CLI boundary is NOT caught: it fails the test
    with its traceback, which is the point."""
    from rarebone.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    old = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Run(code, out.getvalue(), err.getvalue())


def assert_clean(run: Run, *, batch: bool = False) -> None:
    """Exit 0 or 2; on 2, a one-line error (a batch: one line per bad item and a count); never a traceback."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code in (0, 2), (run.code, run.stderr)
    if run.code == 2 and not batch:
        assert len(run.error_lines) == 1, run.stderr
        assert run.error_lines[0].startswith("rarebone: error: "), run.stderr


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Dates are judged against one fixed "today" (the injectable clock), so the tests never depend on the day."""
    monkeypatch.setenv("RAREBONE_TODAY", TODAY)


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = tmp_path / "registry.sqlite"
    monkeypatch.setenv("RAREBONE_DB", str(path))
    return path

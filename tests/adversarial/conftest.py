"""Shared fixtures of the adversarial suite: run the CLI in process (the HPO is loaded once) and check the rule for
bad input (exit 0 or 2, and on 2 one line on stderr, never a traceback); a loopback HTTP server that records every
request, and phenopackets whose subject id tries to break out of the page-header CSS."""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES as PHENOPACKETS

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



class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self):  # noqa: N802 - http.server naming
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body{display:none}")

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def loopback_server():
    """A real HTTP server on 127.0.0.1 that records the path of every request it receives."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def hostile_ids(base: str) -> list[str]:
    """Subject ids that try to leave the CSS string of the printed page header (issue 11 item 2)."""
    return [
        "P1\f}}}@page{@bottom-left{content:none}}body{display:none}",
        "P2\"}}} @import url(" + base + "/import.css); body{background:url(" + base + "/bg.png)}",
        "P3</style><link rel=stylesheet href=" + base + "/link.css><style>",
        "P4\\\"}}}@font-face{font-family:x;src:url(" + base + "/font.woff)}",
        "P5\n}}}@page{@top-left{content:url(" + base + "/margin.png)}}",
    ]


def hostile_phenopacket(tmp_path, subject_id: str):
    data = json.loads((PHENOPACKETS / "tcirg1-infant.json").read_text())
    data["subject"]["id"] = subject_id
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    return path

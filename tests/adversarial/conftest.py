"""Hostile input for the printed and exported outputs: a loopback HTTP server that records every request, and
phenopackets whose subject id tries to break out of the page-header CSS."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from tests.conftest import EXAMPLES


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
    data = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    data["subject"]["id"] = subject_id
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    return path

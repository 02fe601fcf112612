"""`rarebone serve --cds-only` and the workbench with the CDS Hooks service under /cds, as real processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _registry(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    subprocess.run([sys.executable, "-m", "rarebone", "registry", "init", "--db", url], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True)
    return url


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rarebone", "serve", *args], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _get(url: str, proc: subprocess.Popen, deadline_s: float = 60) -> httpx.Response:
    end = time.monotonic() + deadline_s
    while True:
        if proc.poll() is not None:
            pytest.fail(f"server exited: {proc.stderr.read()[-500:]}")
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > end:
                raise
            time.sleep(0.3)


ISSUERS = {"RAREBONE_CDS_ISSUERS": "https://ehr.example.org=https://ehr.example.org/jwks.json"}


def test_cds_only_serves_discovery_at_the_root(tmp_path):
    port = _port()
    proc = _start(["--cds-only", "--port", str(port), "--db", _registry(tmp_path)], ISSUERS)
    try:
        # discovery, like every call, needs the EHR's JWT: 401 (not 404) shows the service answers there
        assert _get(f"http://127.0.0.1:{port}/cds-services", proc).status_code == 401
        unsigned = httpx.post(f"http://127.0.0.1:{port}/cds-services/rarebone-patient-view", json={}, timeout=10)
        assert unsigned.status_code == 401 and "error" in json.dumps(unsigned.json()).lower()
        assert httpx.get(f"http://127.0.0.1:{port}/signin", timeout=10).status_code == 404  # no workbench
    finally:
        proc.terminate()
        proc.wait(10)


def test_workbench_mounts_the_cds_service_when_issuers_are_configured(tmp_path):
    port = _port()
    proc = _start(["--port", str(port), "--db", _registry(tmp_path)], ISSUERS)
    try:
        discovery = _get(f"http://127.0.0.1:{port}/cds/cds-services", proc)
        assert discovery.status_code == 401 and discovery.headers["content-type"].startswith("application/json")
        assert httpx.get(f"http://127.0.0.1:{port}/cds/nothing", timeout=10).status_code == 404
        assert httpx.get(f"http://127.0.0.1:{port}/signin", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_cds_only_without_a_trusted_issuer_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAREBONE_CDS_")}
    done = subprocess.run([sys.executable, "-m", "rarebone", "serve", "--cds-only", "--port", str(_port())],
                          cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "issuer" in done.stderr and "Traceback" not in done.stderr


def test_cds_only_workers_on_a_port_in_use_is_one_line_and_status_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "rarebone", "serve", "--cds-only", "--workers", "2", "--port",
                               str(port), "--db", f"sqlite:///{tmp_path / 'r.sqlite'}"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **ISSUERS}, capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 2
    assert f"rarebone: error: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr.splitlines()
    assert "Traceback" not in done.stderr

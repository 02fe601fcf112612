"""``python -m rarebone.cdshooks --workers 2``: each worker listens on its own socket of the port's SO_REUSEPORT group
(so the kernel spreads connections over their accept queues), answers signed calls, is started again when it dies,
and all stop on SIGTERM. A real supervisor process, real workers, real sockets, read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rarebone.cdshooks.workers import reuse_port_available

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not reuse_port_available() or not Path("/proc/net/tcp").exists(),
                                reason="SO_REUSEPORT and /proc (Linux) needed")


def _children(pid: int) -> list[int]:
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
    return out


def _workers(pid: int) -> list[int]:
    """The supervisor's worker processes (not multiprocessing's resource tracker)."""
    found = []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return sorted(found)


def _sockets(pid: int) -> set[int]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _tcp(port: int) -> list[tuple[str, int]]:
    """(state, inode) of every IPv4 TCP socket whose local port is ``port``."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            rows.append((fields[3], int(fields[9])))
    return rows


LISTEN, ESTABLISHED = "0A", "01"


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_workers_each_with_its_own_accept_queue_restarted_and_stopped(ehr, tmp_path):
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RAREBONE_CDS_BASE_URL=base, RAREBONE_CDS_ISSUERS=f"{ehr.url}={ehr.url}/jwks.json",
               RAREBONE_CDS_REGISTRY_DB=f"sqlite:///{tmp_path}/r.sqlite", PYTHONPATH=str(ROOT / "src"))
    supervisor = subprocess.Popen([sys.executable, "-m", "rarebone.cdshooks", "--port", str(port), "--workers", "2"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "log").open("w"))
    try:
        listening = _wait(lambda: (lambda rows: rows if len(rows) == 2 else None)(
            [inode for state, inode in _tcp(port) if state == LISTEN]), 120, "two listening sockets")
        workers = _wait(lambda: (lambda w: w if len(w) == 2 else None)(_workers(supervisor.pid)), 10, "two workers")
        # one listening socket in each worker, none in the supervisor
        assert [len(_sockets(w) & set(listening)) for w in workers] == [1, 1]
        assert not _sockets(supervisor.pid) & set(listening)
        # 40 keep-alive connections, each answered by a signed discovery call; held open, then counted per worker
        clients = [httpx.Client(timeout=30) for _ in range(40)]
        try:
            for client in clients:
                r = client.get(base + "/cds-services",
                               headers={"Authorization": f"Bearer {ehr.sign(base + '/cds-services')}"})
                assert r.status_code == 200 and r.json()["services"]
            established = {inode for state, inode in _tcp(port) if state == ESTABLISHED}
            per_worker = [len(_sockets(w) & established) for w in workers]
            assert sum(per_worker) == 40 and min(per_worker) >= 1, per_worker  # all on one: 2 x 2^-40
        finally:
            for client in clients:
                client.close()
        # a worker that dies is replaced, and the port keeps two listening sockets
        os.kill(workers[0], signal.SIGKILL)
        replaced = _wait(lambda: (lambda w: w if len(w) == 2 and workers[0] not in w else None)(
            _workers(supervisor.pid)), 60, "a replacement worker")
        assert workers[1] in replaced
        _wait(lambda: len([1 for state, _ in _tcp(port) if state == LISTEN]) == 2, 120, "the replacement listening")
        r = httpx.get(base + "/cds-services", headers={"Authorization": f"Bearer {ehr.sign(base + '/cds-services')}"},
                      timeout=30)
        assert r.status_code == 200
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
        assert not [1 for state, _ in _tcp(port) if state == LISTEN]
        assert not any(Path(f"/proc/{w}").exists() and b"spawn_main" in Path(f"/proc/{w}/cmdline").read_bytes()
                       for w in replaced)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def test_port_in_use_is_one_line_and_status_2(ehr, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        env = dict(os.environ, RAREBONE_CDS_BASE_URL=f"http://127.0.0.1:{port}",
                   RAREBONE_CDS_ISSUERS=f"{ehr.url}={ehr.url}/jwks.json",
                   RAREBONE_CDS_REGISTRY_DB=f"sqlite:///{tmp_path}/r.sqlite", PYTHONPATH=str(ROOT / "src"))
        done = subprocess.run([sys.executable, "-m", "rarebone.cdshooks", "--port", str(port), "--workers", "2"],
                              env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if "rarebone: error" in line]
    assert lines == [f"rarebone: error: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert "Traceback" not in done.stderr

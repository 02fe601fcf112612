"""``python -m rarebone.cdshooks --workers 2``: the supervisor alone listens and deals the connections to the workers
in turn (40 connections: 20 and 20), the workers answer signed calls on them and refuse a token the other worker
has seen (shared jti store), a dead worker is replaced, and all stop on SIGTERM (its private directory removed).
A real supervisor process, real workers, real sockets, counted from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rarebone.cdshooks.workers import PRIVATE_PREFIX, handing_available, take_handed_connections
from rarebone.core.files import remove_stale_private_dirs

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not handing_available() or not Path("/proc/net/tcp").exists(),
                                reason="passing sockets between processes and /proc (Linux) needed")


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


def _open_files(pid: int) -> list[str]:
    """What the process's file descriptors point at (one closed while we read is skipped)."""
    targets = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
    return targets


def _sockets(pid: int) -> set[int]:
    return {int(t[8:-1]) for t in _open_files(pid) if t.startswith("socket:[")}


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


def test_connections_dealt_in_turn_to_two_workers_restarted_and_stopped(ehr, tmp_path):
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RAREBONE_CDS_BASE_URL=base, RAREBONE_CDS_ISSUERS=f"{ehr.url}={ehr.url}/jwks.json",
               RAREBONE_CDS_REGISTRY_DB=f"sqlite:///{tmp_path}/r.sqlite", PYTHONPATH=str(ROOT / "src"))
    log = tmp_path / "log"
    supervisor = subprocess.Popen([sys.executable, "-m", "rarebone.cdshooks", "--port", str(port), "--workers", "2"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))

    def ready(pids) -> bool:  # the supervisor logs each worker that told it it is ready (only those get connections)
        text = log.read_text()
        return all(f"worker {pid} ready" in text for pid in pids)

    def discovery(client=None) -> int:
        if client is None:  # a connection of its own, closed after the call
            with httpx.Client(timeout=60) as own:
                return discovery(own)
        return client.get(base + "/cds-services",
                          headers={"Authorization": f"Bearer {ehr.sign(base + '/cds-services')}"}).status_code

    try:
        workers = _wait(lambda: (lambda w: w if len(w) == 2 else None)(_workers(supervisor.pid)), 60, "two workers")
        _wait(lambda: ready(workers), 120, "both workers ready")
        assert discovery() == 200
        # the supervisor holds the only listening socket; the workers listen on nothing
        listening = {inode for state, inode in _tcp(port) if state == LISTEN}
        assert len(listening) == 1 and listening <= _sockets(supervisor.pid)
        assert not any(_sockets(w) & listening for w in workers)
        # 40 keep-alive connections, each answered by a signed discovery call; held open, then counted per worker
        clients = [httpx.Client(timeout=60) for _ in range(40)]
        try:
            assert [discovery(c) for c in clients] == [200] * 40
            established = {inode for state, inode in _tcp(port) if state == ESTABLISHED}
            assert [len(_sockets(w) & established) for w in workers] == [20, 20]
            assert not _sockets(supervisor.pid) & established  # handed over, not kept
        finally:
            for client in clients:
                client.close()
        # one token on two new connections, which are dealt to the two workers in turn: the second is a replay
        token = ehr.sign(base + "/cds-services")
        answers = []
        for _ in range(2):
            with httpx.Client(timeout=60) as client:
                answers.append(client.get(base + "/cds-services", headers={"Authorization": f"Bearer {token}"}))
        assert answers[0].status_code == 200
        assert answers[1].status_code == 401 and "replay" in answers[1].json()["error"]
        # a worker that dies is replaced; calls keep being answered
        os.kill(workers[0], signal.SIGKILL)
        replaced = _wait(lambda: (lambda w: w if len(w) == 2 and workers[0] not in w else None)(
            _workers(supervisor.pid)), 60, "a replacement worker")
        assert workers[1] in replaced
        assert [discovery() for _ in range(4)] == [200] * 4  # dealt to the ready worker while the new one loads
        _wait(lambda: ready(replaced), 120, "the replacement ready")
        assert [discovery() for _ in range(4)] == [200] * 4
        # the shared nonce file, as the worker that answered first has it open: in an owner-only directory
        files = {Path(t) for t in _open_files(workers[1]) if t.endswith("/nonces.sqlite")}
        assert len(files) == 1
        private = next(iter(files)).parent
        assert private.name.startswith(f"rarebone-cds-{supervisor.pid}-") and private.stat().st_mode & 0o777 == 0o700
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
        assert not private.exists()
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


def test_private_directory_left_by_a_killed_supervisor_is_removed_by_the_next(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a PID whose process has ended
    stale = tmp_path / f"rarebone-cds-{gone.pid}-k3j_x9"
    (stale / "sub").mkdir(parents=True)
    (stale / "nonces.sqlite").write_bytes(b"x")
    running = tmp_path / f"rarebone-cds-{os.getppid()}-abc123"  # a live process: its supervisor may still run
    running.mkdir()
    mine = tmp_path / f"rarebone-cds-{os.getpid()}-abc123"  # this process's own: another thread may use it
    other = [mine, tmp_path / f"rarebone-cds-{gone.pid}", tmp_path / f"rarebone-cds-x{gone.pid}-abc",
             tmp_path / f"rarebone-pdf-{gone.pid}-abc", tmp_path / "other"]
    for path in other:
        path.mkdir()
    file_not_dir = tmp_path / f"rarebone-cds-{gone.pid}-file"
    file_not_dir.write_text("")
    assert remove_stale_private_dirs(PRIVATE_PREFIX, str(tmp_path)) == [stale]
    assert not stale.exists()
    assert running.exists() and file_not_dir.exists() and all(p.exists() for p in other)
    assert remove_stale_private_dirs(PRIVATE_PREFIX, str(tmp_path / "missing")) == []


def test_a_worker_takes_every_waiting_connection_at_once_then_sees_the_supervisor_go():
    supervisor_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    worker_end.setblocking(False)
    pairs = [socket.socketpair() for _ in range(5)]
    try:
        assert take_handed_connections(worker_end) == []  # nothing handed yet: not the end
        for ours, _theirs in pairs[:3]:
            socket.send_fds(supervisor_end, [b"c"], [ours.fileno()])
        taken = take_handed_connections(worker_end)  # one message each: all three in one call
        assert len(taken) == 3
        for i, connection in enumerate(taken):  # the very connections handed, in order
            pairs[i][1].sendall(b"call %d" % i)
            assert connection.recv(16) == b"call %d" % i and connection.getblocking() is False
            connection.close()
        for ours, _theirs in pairs[3:]:
            socket.send_fds(supervisor_end, [b"c"], [ours.fileno()])
        supervisor_end.close()
        last = take_handed_connections(worker_end)  # handed before the supervisor went: still served
        assert len(last) == 2
        for connection in last:
            connection.close()
        assert take_handed_connections(worker_end) is None
    finally:
        worker_end.close()
        for a, b in pairs:
            a.close()
            b.close()

"""Several worker processes for the CDS Hooks service, each with its own listening socket (SO_REUSEPORT).

Why not uvicorn's ``--workers``: there the workers share one listening socket, and each accepts every connection
waiting when it wakes. An EHR (or the reverse proxy in front of us) opens its keep-alive connections in a burst,
and whichever worker woke first took most of them and kept them: with 50 connections we measured splits of 48/2,
40/10 and 36/14 between two workers (benchmarks/bench_cds_hooks.py, docs/ehr-integration.md). A call waits for
the calls queued before it on its own worker, so the connections of the crowded worker waited two to three times
as long while the other worker sat idle. With SO_REUSEPORT the kernel gives each worker its own accept queue and
spreads new connections over them by a hash of the addresses, whatever the workers are doing.

The supervisor (this process) never listens itself. It checks that the port is free, starts the workers
(``spawn``: nothing of its state is shared), starts a worker again if one dies, and stops them all on SIGINT or
SIGTERM. Where SO_REUSEPORT does not exist (not Linux or BSD) uvicorn's own workers are used, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time

log = logging.getLogger("rarebone.cdshooks")

BACKLOG = 2048  # uvicorn's default
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def reuse_port_available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


def _worker(settings_json: str, host: str, port: int, options: dict) -> None:
    """One worker process: its own socket in the port's SO_REUSEPORT group, its own service object."""
    import uvicorn

    from rarebone.cdshooks.service import serve_app
    from rarebone.cdshooks.settings import CdsSettings

    # the per-call log line (route, status, duration, cards) as in one-process mode; a spawned process starts
    # without the parent's logging configuration
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    sock = _listening_socket(host, port)
    app = serve_app(CdsSettings.model_validate_json(settings_json))
    uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])


def check_port_free(host: str, port: int) -> None:
    """Raise OSError (address in use, or not ours to bind) before any worker starts. The probe does not set
    SO_REUSEPORT, so it also fails when another process holds the port in a group of its own."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve_workers(settings, host: str, port: int, workers: int, **options) -> int:
    """Run ``workers`` worker processes until SIGINT or SIGTERM; returns the exit status."""
    check_port_free(host, port)
    context = multiprocessing.get_context("spawn")
    settings_json = settings.model_dump_json()
    stopping = False

    def start() -> multiprocessing.Process:
        process = context.Process(target=_worker, args=(settings_json, host, port, options), daemon=False)
        process.start()
        return process

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    log.info("supervisor %d: %d workers on %s:%d, each with its own accept queue (SO_REUSEPORT)", os.getpid(),
             workers, host, port)
    restarts: list[float] = []
    try:
        while not stopping:
            time.sleep(0.25)
            for i, process in enumerate(processes):
                if stopping or process.is_alive():
                    continue
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                if len(restarts) > 5 * workers:  # a worker that cannot start would otherwise be restarted forever
                    log.error("workers keep exiting (last exit status %s); stopping", process.exitcode)
                    stopping = True
                    return 1
                log.warning("worker %d exited (status %s); starting another", process.pid, process.exitcode)
                processes[i] = start()
        return 0
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the calls in flight, then exits
        deadline = time.monotonic() + 15
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for s, handler in previous.items():
            signal.signal(s, handler)

"""Several worker processes for the CDS Hooks service, with connections dealt to them in turn.

Why not uvicorn's ``--workers``: there the workers share one listening socket, and each accepts every connection
waiting when it wakes. An EHR (or the reverse proxy in front of us) opens its keep-alive connections in a burst,
and whichever worker woke first took most of them and kept them: with 50 connections we measured splits of 48/2,
40/10 and 36/14 between two workers (docs/ehr-integration.md). A call waits for the calls queued before it on its
own worker, so the crowded worker's calls waited two to three times as long while the other worker sat idle.
SO_REUSEPORT (a socket per worker, the kernel choosing by a hash of the addresses) was tried next: it spreads
connections at random, and splits of 15/35, 18/32 and 19/31 still came up in three benchmark runs of 50.

So, as Node.js's cluster module does by default on Linux, the supervisor accepts each connection itself and hands
it to the next worker in turn over a Unix socket (SCM_RIGHTS); the worker serves it exactly as if it had accepted it
(uvicorn's own protocol, ``loop.connect_accepted_socket``). 50 connections become 25 and 25. The supervisor's cost
is one accept and one sendmsg per connection, not per call (keep-alive). It also starts a worker again when one
dies and stops them all on SIGINT or SIGTERM. The workers record each JWT's jti in one SQLite file in the
supervisor's private directory (auth.SharedNonces), so a token replayed on a connection another worker serves is
refused as it would be by one process. Without SCM_RIGHTS (Windows) uvicorn's workers are used, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import selectors
import signal
import socket
import time

log = logging.getLogger("rarebone.cdshooks")

BACKLOG = 2048  # uvicorn's default
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def handing_available() -> bool:
    return hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def take_handed_connections(channel: socket.socket) -> list[socket.socket] | None:
    """Every connection the supervisor has handed over and the worker has not taken yet (non-blocking sockets);
    None once the supervisor has closed the channel.

    All of them now, not one per turn of the event loop: each hand-off is its own message and one read returns one,
    while a busy worker's turn of the loop answers every call in flight first. With one per turn, a burst of 25 new
    connections made the last wait for ~300 calls (2 s at 50 callers; docs/cds-speed-log.md)."""
    taken: list[socket.socket] = []
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(channel, 64, 64)
        except BlockingIOError:
            return taken
        except OSError:
            data, fds = b"", []
        for fd in fds:
            connection = socket.socket(fileno=fd)
            connection.setblocking(False)
            taken.append(connection)
        if not data:
            if taken:  # serve what arrived before the end; the next read reports the end again
                return taken
            return None


def _worker(settings_json: str, channel: socket.socket, options: dict) -> None:
    """One worker process: its own service object, serving the connections the supervisor hands it."""
    import asyncio

    import uvicorn

    from rarebone.cdshooks.service import serve_app
    from rarebone.cdshooks.settings import CdsSettings

    # the per-call log line (route, status, duration, cards) as in one-process mode; a spawned process starts
    # without the parent's logging configuration
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    app = serve_app(CdsSettings.model_validate_json(settings_json))

    class HandedConnectionsServer(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=[])  # no listening socket of its own
            if self.should_exit:
                return
            loop = asyncio.get_running_loop()
            config = self.config

            def protocol():  # as uvicorn.Server.startup builds it for the connections it accepts itself
                return config.http_protocol_class(config=config, server_state=self.server_state,
                                                  app_state=self.lifespan.state, _loop=loop)

            def receive() -> None:
                handed = take_handed_connections(channel)
                if handed is None:  # the supervisor is gone: finish the calls in flight and stop
                    loop.remove_reader(channel.fileno())
                    self.should_exit = True
                    return
                for connection in handed:
                    loop.create_task(loop.connect_accepted_socket(protocol, connection))

            channel.setblocking(False)
            loop.add_reader(channel.fileno(), receive)
            channel.send(b"r")  # ready: the supervisor deals connections only to workers that said so

    HandedConnectionsServer(uvicorn.Config(app, **options)).run()


PRIVATE_PREFIX = "rarebone-cds-"


def serve_workers(settings, listener: socket.socket, workers: int, **options) -> int:
    """Deal the connections of ``listener`` (listening, non-blocking) to ``workers`` worker processes until SIGINT
    or SIGTERM; returns the exit status."""
    import shutil
    import tempfile

    host, port = listener.getsockname()[:2]
    context = multiprocessing.get_context("spawn")
    # every worker records the JWTs' jti in one file, so a token replayed to another worker is refused too
    from rarebone.core.files import remove_stale_private_dirs

    for path in remove_stale_private_dirs(PRIVATE_PREFIX):
        log.info("removed %s, left by a supervisor that was killed", path)
    # named with our PID, so that the next supervisor can tell it was left behind if we are killed
    private = tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-")  # owner-only (0700)
    nonce_db = os.path.join(private, "nonces.sqlite")
    from rarebone.cdshooks.auth import SharedNonces

    SharedNonces(nonce_db).close()  # the file and its table made once here, not by workers racing at start
    settings_json = settings.model_copy(update={"nonce_db": nonce_db}).model_dump_json()
    stopping = False

    def start() -> tuple[multiprocessing.Process, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        process = context.Process(target=_worker, args=(settings_json, theirs, options), daemon=False)
        process.start()
        theirs.close()
        ours.setblocking(False)
        return process, ours

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    pool = [start() for _ in range(workers)]
    log.info("supervisor %d: %d workers on %s:%d, connections dealt in turn", os.getpid(), workers, host, port)
    selector = selectors.DefaultSelector()
    ready: set[int] = set()  # indexes into pool of the workers that said they are ready
    listening = False
    turn = 0
    restarts: list[float] = []

    def watch(i: int) -> None:
        selector.register(pool[i][1], selectors.EVENT_READ, i)

    for i in range(len(pool)):
        watch(i)
    try:
        while not stopping:
            # accept only while some worker can take the connection; until then it waits in the kernel's backlog
            if ready and not listening:
                selector.register(listener, selectors.EVENT_READ, None)
                listening = True
            elif not ready and listening:
                selector.unregister(listener)
                listening = False
            for key, _ in selector.select(timeout=0.25):
                if key.data is not None:  # a worker's channel: "ready", or closed because the worker is gone
                    i = key.data
                    try:
                        said = pool[i][1].recv(64)
                    except BlockingIOError:
                        continue
                    except OSError:
                        said = b""
                    if said:
                        if i not in ready:
                            log.info("worker %d ready", pool[i][0].pid)
                        ready.add(i)
                    else:
                        ready.discard(i)
                        selector.unregister(pool[i][1])
                    continue
                while not stopping and ready:
                    try:
                        connection, _ = listener.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError as exc:  # e.g. out of file descriptors: the EHR retries, the log says why
                        log.error("accept failed: %s", exc.strerror or exc)
                        break
                    with connection:  # our copy is closed when handed; the worker holds its own
                        if connection.family in (socket.AF_INET, socket.AF_INET6):
                            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        for _ in range(len(pool)):  # the next ready worker in turn that takes it
                            i, turn = turn, (turn + 1) % len(pool)
                            if i not in ready:
                                continue
                            try:
                                socket.send_fds(pool[i][1], [b"c"], [connection.fileno()])
                                break
                            except OSError:  # gone, or its channel full: the next one
                                continue
            for i, (process, channel) in enumerate(pool):
                if stopping or process.is_alive():
                    continue
                ready.discard(i)
                if channel.fileno() != -1:
                    try:
                        selector.unregister(channel)
                    except KeyError:
                        pass
                    channel.close()
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                if len(restarts) > 5 * workers:  # a worker that cannot start would otherwise be restarted forever
                    log.error("workers keep exiting (last exit status %s); stopping", process.exitcode)
                    return 1
                log.warning("worker %d exited (status %s); starting another", process.pid, process.exitcode)
                pool[i] = start()
                watch(i)
        return 0
    finally:
        selector.close()
        listener.close()
        for process, channel in pool:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the calls in flight, then exits
        deadline = time.monotonic() + 15
        for process, channel in pool:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
            channel.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
        shutil.rmtree(private, ignore_errors=True)

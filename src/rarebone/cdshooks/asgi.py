"""The lean HTTP layer of the CDS Hooks service (setting ``http_layer = "lean"``, the default).

Why: with 50 calls in flight a call waits for the ~49 before it, so p99 is set by the CPU each call costs. The
FastAPI route spent about 1 ms of it per call on routing, dependency resolution, ``jsonable_encoder`` and the
hop to a worker thread (where the call then competed with the event loop for the GIL). Here the two hot routes
(``GET /cds-services`` and ``POST /cds-services/{id}`` for a known id) are read straight from the ASGI scope,
the body parsed with ``json.loads`` exactly as before, and the call run on the event loop itself: the work is
CPU-bound under the GIL, so a thread adds switching and no parallelism. A call that must wait on the network
(the issuer's JWKS not cached, or prefetch keys to fetch from ``fhirServer``) raises NeedsIO before it waits
and goes on in a worker thread (FIFO limiter of ``worker_threads``), so the loop never blocks on I/O.

Everything else (feedback, unknown service ids, other methods and paths, HEAD, trailing slashes, lifespan) is
passed to the FastAPI router built on the SAME service object, so those answers are the FastAPI layer's by
construction. Validation, errors and log lines of the hot routes come from the same functions as the FastAPI
layer's (``service.answer``, ``CdsService.call``); tests/cdshooks/test_lean_layer.py compares the bytes.
"""

from __future__ import annotations

import asyncio
import json
import time
from types import SimpleNamespace

from rarebone.cdshooks.blocking import NeedsIO
from rarebone.cdshooks.service import CdsService, answer, fastapi_app, hook_work, parse_json, with_cors
from rarebone.cdshooks.settings import CdsSettings

_PREFIX = "/cds-services"
_JSON_TYPE = (b"content-type", b"application/json")
_CHALLENGE = (b"www-authenticate", b'Bearer error="invalid_token"')


def _render(status: int, payload: dict) -> tuple[list, bytes]:
    """Starlette's JSONResponse, byte for byte: same encoder options, same header order."""
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")
    headers = [(b"content-length", str(len(body)).encode("latin-1")), _JSON_TYPE]
    return ([_CHALLENGE] + headers if status == 401 else headers), body


def _route_path(scope) -> str:
    """The path below a mount point (starlette's get_route_path): the workbench mounts the service at /cds."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root) and len(path) > len(root) and path[len(root)] == "/":
        return path[len(root):]
    return path


def _authorization(scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":  # ASGI header names are lower-case; the first one wins, as in Starlette
            return value.decode("latin-1")
    return None


class LeanCdsApp:
    """ASGI application: the hot routes here, the rest on the FastAPI router sharing ``self.cds``."""

    def __init__(self, settings: CdsSettings) -> None:
        self.settings = settings
        self.cds = CdsService(settings)
        from rarebone.phenotype.ontology import ontology

        # loaded now, not by the first call (it is part of what tune_gc moves out of the collector's way); the label
        # index too, which a command reads only for a label in older wording
        ontology().labels()
        from rarebone.intake.fhir.text import recogniser

        recogniser()  # the text phrase table (~0.3 s CPU): at start-up, not in the first EHR call that carries text
        self.cds.warm_up()  # and the rest of what a first call would load (~0.3-0.6 s)
        self.state = SimpleNamespace(cds=self.cds)  # as FastAPI's app.state: tests reach the service object here
        self.fallback = fastapi_app(settings, self.cds, cors=False)
        self.app = with_cors(self._dispatch, settings)
        self.limiter = None  # anyio CapacityLimiter, created inside the event loop on first use
        self.turns = Turns()

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)

    async def _dispatch(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            method, path = scope["method"], _route_path(scope)
            if method == "POST" and path.startswith(_PREFIX + "/"):
                service_id = path[len(_PREFIX) + 1:]
                if service_id in self.cds.services:
                    raw = await _body(receive)
                    if raw is None:
                        return  # the client went away
                    await self._answer(send, f"{_PREFIX}/{service_id}", _authorization(scope),
                                       hook_work(self.cds, service_id, parse_json(raw)), "service",
                                       scope.get("client"))
                    return
            elif method == "GET" and path == _PREFIX:
                await self._answer(send, _PREFIX, _authorization(scope), lambda _c, _io: self.cds.discovery(),
                                   "discovery", scope.get("client"))
                return
        await self.fallback(scope, receive, send)

    async def _answer(self, send, path: str, authorization: str | None, work, label: str, client=None) -> None:
        await self.turns.wait(client)
        started = time.perf_counter()
        try:
            status, payload = answer(self.cds, path, authorization, work, label, started, io=False)
            self.turns.answered(client)
        except NeedsIO as pending:
            import anyio
            import anyio.to_thread

            if self.limiter is None:
                self.limiter = anyio.CapacityLimiter(self.settings.worker_threads)
            claims = pending.claims
            status, payload = await anyio.to_thread.run_sync(
                lambda: answer(self.cds, path, authorization, work, label, started, io=True, claims=claims),
                limiter=self.limiter)
        headers, body = _render(status, payload)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class Turns:
    """The order in which the calls read in one turn of the event loop are run: the connection answered longest ago
    first, which is, as near as the server can tell, the order in which the calls arrived.

    Why: run as soon as read, they ran in the order epoll listed their sockets, and epoll (level-triggered) lists
    the sockets it has just reported before one whose data arrives after it was polled. A connection whose next
    request came in just after a turn had begun was last in the next turn, answered last, and so just missed the
    turn after that again: with 50 callers on 2 workers, the calls of the two or three last connections of each
    worker waited two turns instead of one, and made the p99 (docs/cds-speed-log.md). The calls of a turn
    still run one after the other without going back to the loop in between (each writes its own answer at once):
    a queue that went back to the loop after every call kept the order too, but cost ~0.5 ms more CPU a call."""

    KEEP = 4096  # connections remembered; past that, those not answered for a minute are forgotten (an order hint)

    def __init__(self) -> None:
        self.waiting: list = []  # (when that connection was last answered, arrival index, future) of this turn
        self.last: dict = {}  # client address (host, port) -> monotonic time of its last answer

    async def wait(self, client) -> None:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self.waiting:  # after every call read in this turn has come here
            loop.call_soon(self._release)
        self.waiting.append((self.last.get(client, 0.0), len(self.waiting), future))
        await future

    def _release(self) -> None:
        turn, self.waiting = sorted(self.waiting, key=lambda w: w[:2]), []
        for _, _, future in turn:
            if not future.done():  # the caller went away while it waited
                future.set_result(None)

    def answered(self, client) -> None:
        now = time.monotonic()
        self.last[client] = now
        if len(self.last) > self.KEEP:
            self.last = {c: t for c, t in self.last.items() if now - t < 60}
            if len(self.last) > self.KEEP // 2:  # many live connections: start again rather than prune every call
                self.last = {client: now}


async def _body(receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def tune_gc() -> None:
    """For a process that serves CDS Hooks calls only (``python -m rarebone.cdshooks``, ``serve --cds-only``):
    the knowledge base and the HPO ontology (~170,000 objects, loaded once) are frozen out of the cyclic
    collector, and the first generation is collected after 10,000 allocations instead of 700. Each call builds
    tens of thousands of short-lived objects that reference counting frees; with the default threshold the
    collector ran several times per call and scanned whatever was alive then. Measured in process on distinct
    charts: collector time per call from ~0.5-0.9 ms to ~0.15 ms (docs/cds-speed-log.md). Not done
    when the service is mounted in the workbench (that process has other work)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)

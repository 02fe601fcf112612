"""The app factory: ``create_app(WebSettings) -> FastAPI``. Routers are listed in ROUTERS (one line per page
module); security headers, the session cookie, CSRF and the error pages are installed here for all of them."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from rarebone.errors import RareboneError
from rarebone.web.deps import SignInRequired, csrf_protect
from rarebone.web.sessions import COOKIE, SessionStore
from rarebone.web.settings import WebSettings

log = logging.getLogger("rarebone.web")

# Every page module under rarebone.web.pages, in the order their routes are tried. Add yours with one line.
ROUTERS = (
    "rarebone.web.pages.auth",
    "rarebone.web.pages.home",
    "rarebone.web.pages.patients",
    "rarebone.web.pages.assessment",
    "rarebone.web.pages.hpo",
    "rarebone.web.pages.imports",
    "rarebone.web.pages.admin",
    "rarebone.web.pages.transplant",
    "rarebone.web.pages.cno",
    "rarebone.web.pages.cohort",
)

# No inline script or style anywhere (templates load /static files only), so the policy can forbid both.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATIC = Path(__file__).parent / "static"


class WorkbenchState:
    """What the pages share: engines, sessions, the sign-in limiter, the job pool. On ``app.state.workbench``."""

    def __init__(self, settings: WebSettings) -> None:
        from rarebone.registry import db as dbm
        from rarebone.web.jobs import JobPool
        from rarebone.web.ratelimit import FailureLimiter

        self.settings = settings
        self.engine = dbm.open_registry(settings.db_url, create=settings.create_db)
        self.read_engine = dbm.reader(self.engine)
        self.sessions = SessionStore(settings.idle_minutes * 60, settings.max_session_hours * 3600)
        self.limiter = FailureLimiter(settings.signin_window_minutes * 60, settings.signin_failures_per_account,
                                      settings.signin_failures_per_address)
        self.jobs = JobPool(settings.job_workers)

    def account(self, user_id: int):
        from rarebone.web import accounts

        return accounts.get(self.read_engine, user_id)

    def close(self) -> None:
        self.jobs.shutdown()
        self.engine.dispose()


def create_app(settings: WebSettings) -> FastAPI:
    import importlib

    from contextlib import asynccontextmanager

    workbench = WorkbenchState(settings)

    @asynccontextmanager
    async def lifespan(_app):
        if settings.warm_up:
            import threading

            threading.Thread(target=_warm_up, args=(settings,), name="rarebone-warm-up", daemon=True).start()
        yield
        workbench.close()

    app = FastAPI(title="rarebone workbench", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  dependencies=[Depends(csrf_protect)],  # every unsafe method of every router: CSRF checked
                  lifespan=lifespan)
    app.state.workbench = workbench
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    _install_middleware(app, settings)
    _install_error_pages(app)
    return app


def _warm_up(settings: WebSettings) -> None:
    """Load the knowledge base, the ontology, the term index and the differential's disease index in the
    background at start, so that the first assessment after a restart is not a five-second wait (measured)."""
    try:
        from rarebone.web.hpo_search import index
        from rarebone.web.pages.assessment import assess_record

        index()
        assess_record({"patient": {"patient_key": "warm-up"},
                       "phenotypes": [{"hpo_id": "HP:0000648", "label": "Optic atrophy", "excluded": False}]},
                      settings.differential_top)
    except Exception:  # a failure here shows again, with its message, on the first real page that needs it
        log.exception("warm-up failed")


def _install_middleware(app: FastAPI, settings: WebSettings) -> None:
    @app.middleware("http")
    async def headers_and_cookie(request: Request, call_next):
        response: Response = await call_next(request)
        security_headers(request, response, settings.secure_cookies)
        session = getattr(request.state, "web_session", None)
        if session is not None and request.cookies.get(COOKIE) != session.sid:
            response.set_cookie(COOKIE, session.sid, httponly=True, samesite="lax", secure=settings.secure_cookies,
                                path="/")
        return response


def security_headers(request: Request, response: Response, https: bool = False) -> Response:
    h = response.headers
    h["Content-Security-Policy"] = CSP
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"
    h["X-Frame-Options"] = "DENY"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if not request.url.path.startswith("/static/"):
        h["Cache-Control"] = "no-store"  # patient pages must not stay in a shared computer's cache
    if https:
        h["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


_PLAIN = {400: "The request could not be understood.", 401: "Please sign in.",
          403: "Your role does not give access to this page.", 404: "There is no such page.",
          405: "This page cannot be used that way.", 413: "The file is too large.",
          422: "Some fields of the form are missing or not valid."}


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    from rarebone.web.templating import render

    return render(request, "errors/error.html", status_code=status, status=status, message=message)


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired):
        if _wants_json(request):
            return JSONResponse({"error": "Please sign in."}, status_code=401)
        from urllib.parse import quote

        target = "/signin?next=" + quote(request.url.path) + ("&expired=1" if exc.expired else "")
        return RedirectResponse(target, status_code=303)

    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)  # FastAPI's HTTPException too; unknown paths (404), 405
    async def http_error(request: Request, exc: StarletteHTTPException):
        import http

        default = http.HTTPStatus(exc.status_code).phrase if exc.status_code in http.HTTPStatus._value2member_map_ else ""
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != default and exc.status_code < 500 else None
        return _error(request, exc.status_code, detail or _PLAIN.get(exc.status_code, "The request failed."))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return _error(request, 422, _PLAIN[422])

    @app.exception_handler(RareboneError)
    async def rarebone_error(request: Request, exc: RareboneError):
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("workbench error on %s %s", request.method, request.url.path)  # the server log, not the page
        # this handler runs outside the middleware stack: the headers are set here
        return security_headers(request, _error(request, 500, "Something went wrong on the server; the error was "
                                                "logged and the change, if any, was not saved."))

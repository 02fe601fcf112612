"""Sign-in and sign-out. Failures are rate-limited per account and per client address (web/ratelimit.py); a
successful sign-in gets a new session id (no session fixation)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from rarebone.web.deps import state, web_session
from rarebone.web.templating import render

router = APIRouter()
log = logging.getLogger("rarebone.web")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme): an open redirect would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/signin")
def signin_page(request: Request, next: str = "/", expired: int = 0):
    return render(request, "signin.html", next=_safe_next(next), expired=bool(expired), error=None, username="")


@router.post("/signin")
def signin(request: Request, username: str = Form("", max_length=200), password: str = Form("", max_length=1000),
           next: str = Form("/", max_length=2000)):
    from rarebone.web import accounts

    st = state(request)
    address = request.client.host if request.client else "unknown"
    username = username.strip().lower()
    if st.limiter.blocked(username, address):
        log.warning("sign-in refused by the rate limit for account %r from %s", username[:64], address)
        return render(request, "signin.html", status_code=429, next=_safe_next(next), expired=False,
                      username=username, error="Too many failed sign-ins; wait a few minutes and try again.")
    account = accounts.verify(st.engine, username, password)
    if account is None:
        st.limiter.fail(username, address)
        log.info("failed sign-in for account %r from %s", username[:64], address)  # never the password
        return render(request, "signin.html", status_code=401, next=_safe_next(next), expired=False,
                      username=username, error="User name or password not recognised, or the account is disabled.")
    st.limiter.succeed(username)
    old = web_session(request)
    st.sessions.drop(old.sid)
    session = st.sessions.new()  # a fresh id and CSRF token once signed in
    session.user_id, session.username, session.role = account.id, account.username, account.role
    session.display_name = account.display_name
    request.state.web_session = session
    log.info("sign-in: %s (%s) from %s", account.username, account.role, address)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/signout")
def signout(request: Request):
    st = state(request)
    st.sessions.drop(web_session(request).sid)
    request.state.web_session = st.sessions.new()
    return RedirectResponse("/signin", status_code=303)

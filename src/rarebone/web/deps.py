"""The dependencies every page uses (docs/workbench.md "Adding a page").

- ``current_user``: the signed-in account, or a redirect to the sign-in page.
- ``require_role("clinician", "admin")``: the account, or 403 for any other role.
- ``ReadDb`` / ``WriteDb`` (``Depends`` of ``db_read`` / ``db_write``): a SQLAlchemy session per request on the
  registry (a reading one takes no write lock on SQLite; a writing one commits when the page function returns
  without an error, before the response is sent, else rolls back).
- ``csrf_protect``: installed on the whole app (create_app), so every POST/PUT/PATCH/DELETE is checked; a form sends
  the ``csrf_token`` field (``{{ csrf_field() }}`` in templates), a script sends the ``X-CSRF-Token`` header.
- ``audit(request, action, patient_key)``: a row in the registry's audit trail under the signed-in user.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Iterator

from fastapi import Depends, HTTPException, Request

from rarebone.web.sessions import COOKIE, Session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequired(Exception):
    """Raised by ``current_user``; the app turns it into a redirect to /signin (or 401 for JSON)."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    display_name: str | None

    @property
    def actor(self) -> str:
        """The author written into the audit trail: always the signed-in account, never the OS user or an
        environment variable (registry.store.actor() is the command line's fallback and is never used here)."""
        return f"{self.username}@workbench"


def state(request: Request):
    return request.app.state.workbench


def web_session(request: Request) -> Session:
    """The browser's session (anonymous ones too: the sign-in form needs a CSRF token), created on first use.
    The middleware in app.py sets the cookie."""
    cached = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    st = state(request)
    session, expired = st.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        session = st.sessions.new()
        request.state.session_expired = expired
    request.state.web_session = session
    return session


def current_user(request: Request) -> User:
    session = web_session(request)
    if session.user_id is None:
        raise SignInRequired(expired=getattr(request.state, "session_expired", False))
    account = state(request).account(session.user_id)
    if account is None or account.disabled:  # disabled on the command line while signed in
        state(request).sessions.drop(session.sid)
        raise SignInRequired()
    return User(account.id, account.username, account.role, account.display_name)


def require_role(*roles: str):
    def check(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(403, "Your role does not give access to this page.")
        return user

    return check


def db_read(request: Request) -> Iterator:
    from sqlalchemy.orm import Session as DbSession

    with DbSession(state(request).read_engine) as session:
        yield session


def db_write(request: Request) -> Iterator:
    """Commits after the page function returns; an exception rolls everything back (audit rows included)."""
    from sqlalchemy.orm import Session as DbSession

    with DbSession(state(request).engine) as session:
        with session.begin():
            yield session


async def csrf_protect(request: Request) -> None:
    if request.method not in UNSAFE:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        raise HTTPException(403, "This form was sent from another site and was refused.")
    session = web_session(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches the parsed form: the page's Form(...) fields still work
        sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise HTTPException(403, "This form has expired or was not sent by this workbench; reload the page and try again.")


def audit(request: Request, user: User, action: str, patient_key: str, *, source: str | None = None,
          session=None, release=None) -> None:
    """One audit row (``view``, ``export``, ``assess``, ...) under the signed-in user. Changes to a record are
    audited by registry.store.upsert itself (pass ``who=user.actor``). Given ``session``, the row joins that
    transaction; otherwise it is written in its own short one. Pass the page's reading session as ``release``
    (when the page has read all it needs): it is closed first, so that a request never holds two pooled
    connections at once (with many users, requests each holding one and waiting for a second would starve the
    pool)."""
    from rarebone.registry.models import AuditRow

    if release is not None:
        release.close()

    row = AuditRow(at=dt.datetime.now(dt.timezone.utc), actor=user.actor, action=action, patient_key=patient_key,
                   source=(source or f"workbench {request.method} {request.url.path}")[:300], changed=None,
                   before=None, after=None)
    if session is not None:
        session.add(row)
        return
    from sqlalchemy.orm import Session as DbSession

    with DbSession(state(request).engine) as own, own.begin():
        own.add(row)


def flash(request: Request, message: str) -> None:
    web_session(request).flash.append(message)


async def form_data(request: Request):
    """The submitted form (for pages whose fields are not fixed, such as rows of HPO terms); parsed once."""
    return await request.form()


# Use these in page signatures (``db=WriteDb``): the session closes, and a writing one commits, when the page
# function returns, before the response leaves, so the next page (after a redirect) sees the change.
ReadDb = Depends(db_read, scope="function")
WriteDb = Depends(db_write, scope="function")

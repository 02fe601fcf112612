"""Server-side sessions: the cookie carries only a random id; the session (user, CSRF token, times) stays in this
process. Signing out or an idle timeout deletes it, so a copied cookie is useless afterwards. One process serves
every user (``rarebone serve``); a restart signs everyone out, which is the safe direction.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "rarebone_session"


@dataclass
class Session:
    sid: str
    csrf: str
    created: float
    last_seen: float
    user_id: int | None = None
    username: str | None = None
    role: str | None = None
    display_name: str | None = None
    flash: list[str] = field(default_factory=list)  # one-time messages for the next page


class SessionStore:
    def __init__(self, idle_seconds: float, max_seconds: float, clock=time.monotonic) -> None:
        self.idle_seconds, self.max_seconds, self._clock = idle_seconds, max_seconds, clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self) -> Session:
        now = self._clock()
        session = Session(sid=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), created=now, last_seen=now)
        with self._lock:
            self._sweep(now)
            self._sessions[session.sid] = session
        return session

    def get(self, sid: str | None) -> tuple[Session | None, bool]:
        """(session, expired): expired is True when the id was known but timed out (the page says so)."""
        if not sid:
            return None, False
        now = self._clock()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None, False
            if now - session.last_seen > self.idle_seconds or now - session.created > self.max_seconds:
                del self._sessions[sid]
                return None, session.user_id is not None
            session.last_seen = now
            return session, False

    def drop(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    def drop_user(self, user_id: int) -> None:
        """Every session of an account (disabled, or password changed)."""
        with self._lock:
            for sid in [s.sid for s in self._sessions.values() if s.user_id == user_id]:
                del self._sessions[sid]

    def _sweep(self, now: float) -> None:
        stale = [sid for sid, s in self._sessions.items()
                 if now - s.last_seen > self.idle_seconds or now - s.created > self.max_seconds]
        for sid in stale:
            del self._sessions[sid]

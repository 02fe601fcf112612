"""Failed sign-ins counted per account and per client address in a sliding window (in this process)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class FailureLimiter:
    def __init__(self, window_seconds: float, per_account: int, per_address: int, clock=time.monotonic) -> None:
        self.window, self.per_account, self.per_address, self._clock = window_seconds, per_account, per_address, clock
        self._fails: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> int:
        q = self._fails.get(key)
        if not q:
            return 0
        while q and now - q[0] > self.window:
            q.popleft()
        return len(q)

    def blocked(self, account: str, address: str) -> bool:
        now = self._clock()
        with self._lock:
            return (self._count("u:" + account.lower(), now) >= self.per_account
                    or self._count("a:" + address, now) >= self.per_address)

    MAX_KEYS = 100_000  # guessed user names must not grow the table without end

    def fail(self, account: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._fails) >= self.MAX_KEYS:
                for key in [k for k, q in self._fails.items() if not q or now - q[-1] > self.window]:
                    del self._fails[key]
            self._fails["u:" + account.lower()].append(now)
            self._fails["a:" + address].append(now)

    def succeed(self, account: str) -> None:
        with self._lock:
            self._fails.pop("u:" + account.lower(), None)

"""Login rate limiting: a sliding window of attempts per client address.

Kept in the process: each replica limits what reaches it, which bounds a
guessing attack by the number of replicas; no credential is checked more often
than that. Failed bearer tokens count as attempts too.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from starlette.requests import Request

from greenroom.errors import GreenroomError

WINDOW_SECONDS = 60.0
MAX_TRACKED_CLIENTS = 100_000


class TooManyAttempts(GreenroomError):  # noqa: N818 - reads as what happened
    status_code = 429
    name = "TooManyAttempts"


class SignInRateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, request: Request) -> None:
        """Count one attempt from this request's client; refuse it past the limit."""
        if self.per_minute <= 0:
            return
        client = request.client.host if request.client else "unknown"
        now = time.monotonic()
        with self._lock:
            if len(self._attempts) > MAX_TRACKED_CLIENTS:
                self._forget_idle(now)
            window = self._attempts.setdefault(client, deque())
            while window and now - window[0] > WINDOW_SECONDS:
                window.popleft()
            if len(window) >= self.per_minute:
                raise TooManyAttempts(
                    "Too many sign-in attempts from your address; wait a minute and try again."
                )
            window.append(now)

    def _forget_idle(self, now: float) -> None:
        for client in [c for c, w in self._attempts.items() if not w or now - w[-1] > 60]:
            del self._attempts[client]


def sign_in_limiter(request: Request) -> SignInRateLimiter:
    """The process's limiter, built from the settings on first use."""
    runtime = request.app.state.runtime
    settings = runtime.settings.auth
    return runtime.service(  # type: ignore[no-any-return]
        "auth.sign_in_limiter", lambda _: SignInRateLimiter(settings.sign_in_attempts_per_minute)
    )

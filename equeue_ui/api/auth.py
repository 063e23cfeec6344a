"""Who calls the API: a personal access token in ``Authorization: Bearer``, and nothing else.

Cookies are never read, so a page of another site that makes the browser send eQueue's
cookies gets nowhere (no CSRF surface); a token never travels in a URL. Each token may make
``requests_per_minute`` requests in any minute (a sliding window); the count is kept in the
process's memory: with several processes behind a load balancer a token gets that many per
process, which is enough to stop a runaway loop and needs no shared store.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from equeue_ui.errors import ForbiddenError, RateLimitedError
from equeue_ui.i18n import msg, msg_n
from equeue_ui.services import api_tokens
from equeue_ui.services.api_tokens import ApiCaller

WINDOW_S = 60.0
DEFAULT_REQUESTS_PER_MINUTE = 120

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A personal access token (eq_…) made on the profile page.",
)


class TokenRateLimited(RateLimitedError):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            msg_n(
                "Too many requests with this token. Try again in {n} second.",
                "Too many requests with this token. Try again in {n} seconds.",
                retry_after_s,
            )
        )
        self.headers = {"Retry-After": str(retry_after_s)}


class RateLimit:
    """A sliding window of request times per token, in this process."""

    def __init__(
        self,
        requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = requests_per_minute
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}

    def take(self, token_id: int) -> None:
        """Count a request of the token, or refuse it with the seconds until one is free."""
        now = self._clock()
        recent = self._recent.setdefault(token_id, deque())
        while recent and recent[0] <= now - WINDOW_S:
            recent.popleft()
        if len(recent) >= self.limit:
            raise TokenRateLimited(max(1, math.ceil(recent[0] + WINDOW_S - now)))
        recent.append(now)
        if len(self._recent) > 10_000:  # forget tokens idle for a whole window
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for token_id in [t for t, r in self._recent.items() if not r or r[-1] <= now - WINDOW_S]:
            del self._recent[token_id]


Caller = Callable[..., Awaitable[ApiCaller]]


def caller_dependency(limit: RateLimit) -> Caller:
    async def current_caller(
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    ) -> ApiCaller:
        secret = credentials.credentials if credentials is not None else None
        found = await api_tokens.authenticate(secret)
        limit.take(found.token_id)
        return found

    return current_caller


def scoped(current_caller: Caller, scope: str) -> Caller:
    """A dependency that hands over the caller if its token has ``scope``."""

    async def with_scope(caller: ApiCaller = Depends(current_caller)) -> ApiCaller:
        if not caller.allows(scope):
            raise ForbiddenError(msg("This token lacks the scope {scope}.", scope=scope))
        return caller

    return with_scope

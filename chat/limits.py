"""Per-learner caps on the work that costs AI calls, and throttling of failed logins, in Redis.

The caps count in fixed windows: one Redis counter per learner, cap and window
(`findus:limit:<cap>:<user id>:<window number>`), which expires with its window. A request adds
one to each counter it spends and is refused with `RateLimited` when any goes past its cap; a
refused request, or one whose work then fails, takes its counts back, so only stored work counts.

When Redis cannot be reached the caps fail open, with a log line: a posted message is stored in
the database and its jobs are reconciled once Redis is back, so refusing it would cost the learner
more than the cap saves.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.asyncio as aioredis
from django.conf import settings

from chat import redis_clients

log = logging.getLogger("findus.limits")


class RateLimited(Exception):
    """A cap is used up: `detail` says so in plain words, `retry_after` in seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True)
class Cap:
    """At most `setting` uses per learner in each window of `window` seconds (0 turns it off)."""

    name: str
    setting: str
    window: int
    refusal: str  # formatted with {cap} and {wait}, the wait in words

    @property
    def cap(self) -> int:
        return getattr(settings, self.setting)


MESSAGES_PER_MINUTE = Cap(
    "messages-minute",
    "FINDUS_MESSAGES_PER_MINUTE",
    60,
    "You are sending messages faster than findus allows ({cap} a minute). "
    "Wait {wait} and send it again.",
)
MESSAGES_PER_DAY = Cap(
    "messages-day",
    "FINDUS_MESSAGES_PER_DAY",
    86400,
    "You have sent {cap} messages today, the most findus allows in a day. "
    "You can write again in {wait}, after midnight UTC.",
)
ENDS_PER_MINUTE = Cap(
    "ends-minute",
    "FINDUS_ENDS_PER_MINUTE",
    60,
    "You have ended {cap} conversations in the last minute, the most findus allows. "
    "Wait {wait} and try again.",
)
EXPORTS_PER_HOUR = Cap(
    "exports-hour",
    "FINDUS_EXPORTS_PER_HOUR",
    3600,
    "You have asked for {cap} exports in the last hour, the most findus allows. "
    "Wait {wait} and try again.",
)

PRACTICE_REQUESTS_PER_HOUR = Cap(
    "practice-requests-hour",
    "FINDUS_PRACTICE_REQUESTS_PER_HOUR",
    3600,
    "You have asked for more exercises {cap} times in the last hour, the most findus allows. "
    "Practise the new cards, and ask again in {wait}.",
)


@contextlib.asynccontextmanager
async def spend(user_id: int, *caps: Cap) -> AsyncIterator[None]:
    """Count one use of each cap around the block's work; raise RateLimited if one is used up.

    The use is given back if the block raises, so a post refused later (say, to an ended
    conversation) costs nothing.
    """
    caps = tuple(cap for cap in caps if cap.cap > 0)
    now = time.time()
    keys = {cap: f"findus:limit:{cap.name}:{user_id}:{int(now // cap.window)}" for cap in caps}
    counted = await _count(keys, user_id)
    if counted:
        over = [cap for cap in caps if counted[cap] > cap.cap]
        if over:
            await _give_back(keys.values())
            raise _refusal(over, now)
    try:
        yield
    except Exception:
        if counted:
            await _give_back(keys.values())
        raise


async def _count(keys: dict[Cap, str], user_id: int) -> dict[Cap, int] | None:
    """Add one to each counter; return the new counts, or None when Redis is unreachable."""
    if not keys:
        return None
    try:
        pipe = _redis().pipeline(transaction=True)
        for cap, key in keys.items():
            pipe.incr(key)
            pipe.expire(key, cap.window)
        results = await pipe.execute()
    except aioredis.RedisError as error:
        log.warning("limits not checked for user %s: Redis is unreachable (%s)", user_id, error)
        return None
    return dict(zip(keys, results[::2], strict=True))


async def _give_back(keys) -> None:
    try:
        pipe = _redis().pipeline(transaction=True)
        for key in keys:
            pipe.decr(key)
        await pipe.execute()
    except aioredis.RedisError as error:
        log.warning("a refused request's count was not given back: %s", error)


async def forget_counts(user_id: int) -> int:
    """Delete every cap counter of one learner (a deleted account); return how many there were."""
    client = _redis()
    keys = [key async for key in client.scan_iter(match=f"findus:limit:*:{user_id}:*", count=500)]
    if keys:
        await client.delete(*keys)
    return len(keys)


def _refusal(over: list[Cap], now: float) -> RateLimited:
    # With several caps used up, name the one that lasts longest: that is the real wait.
    waits = {cap: math.ceil(cap.window - now % cap.window) for cap in over}
    cap = max(over, key=waits.__getitem__)
    wait = max(waits[cap], 1)
    return RateLimited(cap.refusal.format(cap=cap.cap, wait=in_words(wait)), wait)


class LoginThrottle:
    """Failed logins of one username from one address, counted for FINDUS_LOGIN_FAILURES_WINDOW
    seconds from the first; at FINDUS_LOGIN_FAILURES_LIMIT, logins are refused until it ends.

    The key is a hash, so Redis holds neither usernames nor addresses.
    """

    def __init__(self, username: str, address: str) -> None:
        digest = hashlib.sha256(f"{username.casefold()}\0{address}".encode()).hexdigest()
        self.key = f"findus:login-failures:{digest[:32]}"

    async def check(self) -> None:
        """Raise RateLimited while this username and address have too many recent failures."""
        limit = settings.FINDUS_LOGIN_FAILURES_LIMIT
        if limit <= 0:
            return
        try:
            failures, ttl = await _redis().pipeline().get(self.key).ttl(self.key).execute()
        except aioredis.RedisError as error:
            log.warning("failed logins not checked: Redis is unreachable (%s)", error)
            return
        if failures is not None and int(failures) >= limit:
            wait = max(ttl, 1)
            raise RateLimited(
                f"Too many failed logins for this username. Try again in {in_words(wait)}, "
                "or ask whoever runs this findus to reset your password.",
                wait,
            )

    async def failed(self) -> None:
        window = settings.FINDUS_LOGIN_FAILURES_WINDOW
        try:
            # NX: the window starts at the first failure and is not stretched by later ones.
            await _redis().pipeline().incr(self.key).expire(self.key, window, nx=True).execute()
        except aioredis.RedisError as error:
            log.warning("a failed login was not counted: Redis is unreachable (%s)", error)

    async def succeeded(self) -> None:
        try:
            await _redis().delete(self.key)
        except aioredis.RedisError as error:
            log.warning("failed logins not cleared: Redis is unreachable (%s)", error)


def client_address(request) -> str:
    """Return the caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.META.get("REMOTE_ADDR", "")


def in_words(seconds: int) -> str:
    """Return a wait as a person would say it: "45 seconds", "12 minutes", "3 hours"."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    if seconds < 90 * 60:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


def _redis() -> aioredis.Redis:
    # No retries (redis_clients.LIMITS): a down Redis fails open fast; a connection broken by a
    # Redis restart is dropped by the pool, so only the call that meets it fails open.
    return redis_clients.async_client(redis_clients.LIMITS)

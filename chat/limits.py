"""Per-learner caps on the work that costs AI calls, and throttling of failed logins, in Redis.

The caps count in fixed windows: one Redis counter per learner, cap and window
(`findus:limit:<cap>:<user id>:<window number>`), which expires with its window. A request adds
one to each counter it spends and is refused with `RateLimited` when any goes past its cap; a
refused request, or one whose work then fails, takes its counts back, so only stored work counts.

A budget (the tokens a learner's jobs use in a UTC day) counts the same way, but the workers add
to it, as each job's result is stored (`count_tokens`); a request only reads it, in the same
round trip, and is refused once it has reached its cap. Work already queued may take a learner
past it: the budget refuses the next message, it does not stop the jobs.

When Redis cannot be reached the caps fail open, with a log line: a posted message is stored in
the database and its jobs are reconciled once Redis is back, so refusing it would cost the learner
more than the cap saves. Tokens a worker cannot count are not counted again later, and a budget
counter Redis loses starts again from zero: the cap is a brake, not the books. What the jobs
really used is on their Job rows, which the admin's "Token use" page adds up.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import ClassVar

import redis
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

    # A request spends one use itself; a budget's units are spent by the workers instead.
    spent_by_request: ClassVar[bool] = True

    @property
    def cap(self) -> int:
        return getattr(settings, self.setting)

    def key(self, user_id: int, now: float) -> str:
        """Return the Redis key of the learner's counter for the window `now` falls in."""
        return f"findus:limit:{self.name}:{user_id}:{int(now // self.window)}"

    def used_up(self, count: int) -> bool:
        # The count includes the request being checked.
        return count > self.cap


@dataclass(frozen=True)
class Budget(Cap):
    """At most `setting` units (tokens) per learner in each window, counted by the workers.

    A request spends none of it and is refused once the count has reached the cap.
    """

    spent_by_request: ClassVar[bool] = False

    def used_up(self, count: int) -> bool:
        return count >= self.cap


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
TOKENS_PER_DAY = Budget(
    "tokens-day",
    "FINDUS_TOKENS_PER_DAY",
    86400,
    "You have used today's {cap:,} tokens of tutoring, the most findus allows in a day. "
    "You can write again in {wait}, after midnight UTC.",
)


@contextlib.asynccontextmanager
async def spend(user_id: int, *caps: Cap) -> AsyncIterator[None]:
    """Count one use of each cap around the block's work; raise RateLimited if one is used up.

    The use is given back if the block raises, so a post refused later (say, to an ended
    conversation) costs nothing. A budget among the caps is only read, in the same round trip.
    """
    caps = tuple(cap for cap in caps if cap.cap > 0)
    now = time.time()
    keys = {cap: cap.key(user_id, now) for cap in caps}
    spent = [key for cap, key in keys.items() if cap.spent_by_request]
    counted = await _count(keys, user_id)
    if counted:
        over = [cap for cap in caps if cap.used_up(counted[cap])]
        if over:
            await _give_back(spent)
            raise _refusal(over, now)
    try:
        yield
    except Exception:
        if counted:
            await _give_back(spent)
        raise


async def _count(keys: dict[Cap, str], user_id: int) -> dict[Cap, int] | None:
    """Add one to each counter a request spends and read each budget; return the counts, or
    None when Redis is unreachable."""
    if not keys:
        return None
    try:
        pipe = _redis().pipeline(transaction=True)
        for cap, key in keys.items():
            if cap.spent_by_request:
                pipe.incr(key)
                pipe.expire(key, cap.window)
            else:
                pipe.get(key)
        results = iter(await pipe.execute())
    except aioredis.RedisError as error:
        log.warning("limits not checked for user %s: Redis is unreachable (%s)", user_id, error)
        return None
    counts = {}
    for cap in keys:
        counts[cap] = int(next(results) or 0)
        if cap.spent_by_request:
            next(results)  # EXPIRE's answer
    return counts


def count_tokens(*, user_id: int | None, tokens: int) -> None:
    """Add a stored job's tokens to its learner's count for today (TOKENS_PER_DAY).

    For the worker, once the job's result is committed. Counted whether or not the budget is on,
    so turning it on takes effect at once. Best effort: with Redis unreachable the tokens go
    uncounted, with a log line (the Job row keeps them). A job for nobody counts for nobody.
    """
    if user_id is None or tokens <= 0:
        return
    key = TOKENS_PER_DAY.key(user_id, time.time())
    client = redis_clients.client(redis_clients.COUNT_TOKENS, settings.REDIS_URL)
    pipe = client.pipeline(transaction=True)
    pipe.incrby(key, tokens)
    pipe.expire(key, TOKENS_PER_DAY.window)
    try:
        pipe.execute()
    except redis.RedisError as error:
        log.warning(
            "%s tokens of user %s not counted: Redis is unreachable (%s)", tokens, user_id, error
        )


async def _give_back(keys) -> None:
    try:
        pipe = _redis().pipeline(transaction=True)
        for key in keys:
            pipe.decr(key)
        await pipe.execute()
    except aioredis.RedisError as error:
        log.warning("a refused request's count was not given back: %s", error)


async def forget_counts(user_id: int) -> int:
    """Delete every cap and budget counter of one learner (a deleted account); return how many
    there were."""
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

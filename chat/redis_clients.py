"""Every Redis client findus makes, from one place, each with the timeouts its use needs.

A web request must never hang on Redis, a worker must not stall a job on a live update, and the
live-update listener must wait for messages as long as it takes. So each use has its own named
settings, and its clients are made once (per event loop, for asyncio ones) and reused.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from functools import cache

import redis
import redis.asyncio as aioredis
from django.conf import settings
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry


@dataclass(frozen=True)
class Use:
    """How long one use of Redis may wait: to connect, and for each answer (None: forever)."""

    name: str
    connect_timeout: float
    read_timeout: float | None
    # Retries hide a blip but make a down Redis slow to notice; uses that fail open take none.
    retries: int = 0


# A worker telling open pages what changed: best effort, and a job must not wait long on it.
PUBLISH = Use("publish", connect_timeout=2, read_timeout=2, retries=1)
# Per-learner caps and login throttling on the send path: they fail open, so fail fast.
LIMITS = Use("limits", connect_timeout=1, read_timeout=1)
# A worker adding a stored job's tokens to its learner's daily count: best effort (the Job row
# keeps them), a job must not wait long on it, and one retry hides a blip.
COUNT_TOKENS = Use("count-tokens", connect_timeout=2, read_timeout=2, retries=1)
# The web's one pub/sub connection for live updates: it blocks reading until a message comes.
LISTEN = Use("listen", connect_timeout=2, read_timeout=None)
# /healthz: reports Redis down within two seconds; one retry reconnects after a Redis restart.
HEALTH = Use("health", connect_timeout=1, read_timeout=1, retries=1)
# Is the broker back? The sender asks while its circuit is open; each ask holds up a request.
BROKER_PING = Use("broker-ping", connect_timeout=0.5, read_timeout=0.5)


def _options(use: Use) -> dict:
    return {
        "socket_connect_timeout": use.connect_timeout,
        "socket_timeout": use.read_timeout,
    }


@cache
def client(use: Use, url: str | None = None) -> redis.Redis:
    """Return the shared blocking client for `use` (thread-safe: it keeps a connection pool)."""
    return redis.Redis.from_url(
        url or settings.REDIS_URL, **_options(use), retry=Retry(NoBackoff(), use.retries)
    )


# An asyncio client belongs to the loop it was made on: one per loop, use and URL. uvicorn runs
# one loop per process; a loop that goes away takes its clients along.
_async_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[Use, str], aioredis.Redis]
] = weakref.WeakKeyDictionary()


def async_client(use: Use, url: str | None = None) -> aioredis.Redis:
    """Return this event loop's client for `use`, made on first use."""
    url = url or settings.REDIS_URL
    per_loop = _async_clients.setdefault(asyncio.get_running_loop(), {})
    found = per_loop.get((use, url))
    if found is None:
        found = per_loop[(use, url)] = aioredis.Redis.from_url(
            url, **_options(use), retry=AsyncRetry(NoBackoff(), use.retries)
        )
    return found

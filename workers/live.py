"""Tell open pages what changed, through Redis pub/sub. Best effort: the database is the truth."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

import redis
from django.conf import settings

from chat.events import channel_name

log = logging.getLogger("findus.live")


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def publish(conversation_id: int, event: str, data: dict[str, Any]) -> None:
    """Publish one event; a page that misses it catches up from the API when it reconnects."""
    try:
        _client().publish(
            channel_name(conversation_id), json.dumps({"event": event, "data": data}, default=str)
        )
    except redis.RedisError as error:
        log.warning("could not publish %s for conversation %s: %s", event, conversation_id, error)

"""Tell open pages what changed, through Redis pub/sub. Best effort: the database is the truth.

Workers and the web publish here; chat/events.py relays a conversation's channel to its open
pages as Server-Sent Events.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

from chat import redis_clients

log = logging.getLogger("findus.live")


def conversation_channel(conversation_id: int) -> str:
    return f"findus:conversation:{conversation_id}"


def learner_channel(learner_id: int) -> str:
    """The channel of a learner's jobs that belong to no conversation (an export, say)."""
    return f"findus:learner:{learner_id}"


def publish(channel: str, event: str, data: dict[str, Any]) -> None:
    """Publish one event; a page that misses it catches up from the API when it reconnects."""
    try:
        redis_clients.client(redis_clients.PUBLISH).publish(
            channel, json.dumps({"event": event, "data": data}, default=str)
        )
    except redis.RedisError as error:
        log.warning("could not publish %s on %s: %s", event, channel, error)

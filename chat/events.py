"""Live updates: one Redis pub/sub connection per web process, shared by every open stream.

Job changes and reply deltas are published to `findus:conversation:<id>` (chat/live.py). Each
open Server-Sent Events stream registers a bounded queue for its conversation's channel here;
the channel is subscribed while at least one stream listens, and a closed tab releases its
queue at once. Events are not
stored: a page that (re)connects refetches the conversation, so nothing is lost in a gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis

from chat import redis_clients
from chat.live import conversation_channel

log = logging.getLogger("findus.events")

# A listener this far behind is cut off; its page reconnects and refetches.
QUEUE_LIMIT = 500
HEARTBEAT_SECONDS = 15.0
CLOSED = object()
# Published on a channel whose streams must end: their learner deleted the account.
STREAM_END = "stream.end"


class Hub:
    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue]] = {}
        self._redis: aioredis.Redis | None = None
        self._pubsub: aioredis.client.PubSub | None = None
        self._reader: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def listener_count(self) -> int:
        return sum(len(queues) for queues in self._listeners.values())

    @contextlib.asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[asyncio.Queue]:
        queue: asyncio.Queue = asyncio.Queue(QUEUE_LIMIT)
        await self._add(channel, queue)
        try:
            yield queue
        finally:
            await self._remove(channel, queue)

    async def _add(self, channel: str, queue: asyncio.Queue) -> None:
        async with self._lock:
            await self._ensure_connected()
            queues = self._listeners.setdefault(channel, set())
            if not queues:
                await self._pubsub.subscribe(channel)
            queues.add(queue)

    async def _remove(self, channel: str, queue: asyncio.Queue) -> None:
        async with self._lock:
            queues = self._listeners.get(channel, set())
            queues.discard(queue)
            if queues:
                return
            self._listeners.pop(channel, None)
            if self._pubsub is not None:
                with contextlib.suppress(aioredis.RedisError):
                    await self._pubsub.unsubscribe(channel)

    async def _ensure_connected(self) -> None:
        loop = asyncio.get_running_loop()
        if self._reader is not None and not self._reader.done() and self._loop is loop:
            return
        self._redis = redis_clients.async_client(redis_clients.LISTEN)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        # A pub/sub connection needs a first subscription before it can be read.
        await self._pubsub.subscribe("findus:hub")
        for channel in self._listeners:
            await self._pubsub.subscribe(channel)
        self._loop = loop
        self._reader = loop.create_task(self._read(self._pubsub))

    async def _read(self, pubsub: aioredis.client.PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                channel = message["channel"].decode()
                for queue in list(self._listeners.get(channel, ())):
                    try:
                        queue.put_nowait(message["data"])
                    except asyncio.QueueFull:
                        # Too far behind: end that stream; its page reconnects and refetches.
                        _close(queue)
        except (aioredis.RedisError, OSError) as error:
            log.warning("live updates lost their Redis connection: %s", error)
        finally:
            # Every open stream ends; browsers reconnect and refetch the conversation.
            for queues in self._listeners.values():
                for queue in queues:
                    _close(queue)


def _close(queue: asyncio.Queue) -> None:
    with contextlib.suppress(asyncio.QueueEmpty):
        while queue.full():
            queue.get_nowait()
    queue.put_nowait(CLOSED)


hub = Hub()


def sse(event: str, data: Any, *, retry_ms: int | None = None) -> bytes:
    lines = []
    if retry_ms is not None:
        lines.append(f"retry: {retry_ms}")
    lines.append(f"event: {event}")
    lines.append(f"data: {json.dumps(data, default=str)}")
    return ("\n".join(lines) + "\n\n").encode()


async def conversation_stream(conversation_id: int) -> AsyncIterator[bytes]:
    """Yield SSE frames for one conversation until the client goes away or Redis drops."""
    async with hub.listen(conversation_channel(conversation_id)) as queue:
        # Tell the page it is connected: it refetches state now, so nothing sent before is lost.
        yield sse("ready", {"conversation_id": conversation_id}, retry_ms=2000)
        while True:
            try:
                raw = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if raw is CLOSED:
                return
            message = json.loads(raw)
            if message["event"] == STREAM_END:
                return
            yield sse(message["event"], message["data"])

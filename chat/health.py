"""GET /healthz: is the database up, is Redis up, does a worker answer?"""

from __future__ import annotations

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from chat import redis_clients
from findus.celery import app

WORKER_PING_TIMEOUT = 1.0


async def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": await sync_to_async(_database)(),
        "redis": await _redis(),
    }
    checks["worker"] = (
        await sync_to_async(_worker, thread_sensitive=False)()
        if checks["redis"]["ok"]
        else {"ok": False, "error": "Redis is down, so no worker can be asked."}
    )
    healthy = checks["database"]["ok"] and checks["redis"]["ok"]
    body = {"status": "ok" if healthy and checks["worker"]["ok"] else "degraded", **checks}
    body["ai_model"] = settings.FINDUS_AI_MODEL
    return JsonResponse(body, status=200 if healthy else 503)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return {"ok": False, "error": str(error)}
    return {"ok": True, "vendor": connection.vendor}


async def _redis() -> dict:
    try:
        await redis_clients.async_client(redis_clients.HEALTH).ping()
    except aioredis.RedisError as error:
        return {"ok": False, "error": str(error)}
    return {"ok": True}


def _worker() -> dict:
    try:
        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT) or []
    except Exception as error:
        return {"ok": False, "error": str(error)}
    workers = sorted(name for reply in replies for name in reply)
    return {"ok": bool(workers), "workers": workers}

"""Small helpers for API tests."""

from __future__ import annotations

import json
import time
from typing import Any

from django.test import Client

SENTENCE = "Yo tengo un perro y el es muy bonita. Me gusta mucho la cassa."
PASSWORD = "a-long-test-passphrase-42"


def register(client: Client, username: str = "ana") -> dict[str, Any]:
    response = client.post(
        "/api/auth/register",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def start_conversation(client: Client, **fields: str) -> dict[str, Any]:
    body = {"language": "es", "feedback_language": "en", "level": "A2", **fields}
    response = client.post("/api/conversations", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def post_message(client: Client, conversation_id: int, text: str = SENTENCE) -> dict[str, Any]:
    response = client.post(
        f"/api/conversations/{conversation_id}/messages",
        json.dumps({"text": text}),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    return response.json()


def wait_for_jobs(client: Client, conversation_id: int, *, timeout: float = 30) -> dict[str, Any]:
    """Poll the conversation until no job is queued or running; return its last state."""
    deadline = time.monotonic() + timeout
    while True:
        detail = client.get(f"/api/conversations/{conversation_id}").json()
        if all(job["state"] in ("succeeded", "failed") for job in detail["jobs"]):
            return detail
        if time.monotonic() > deadline:
            raise AssertionError(f"jobs still pending after {timeout}s: {detail['jobs']}")
        time.sleep(0.1)


def task_result(task_id: str, *, timeout: float = 10):
    """Return the task's django-celery-results row once the worker has recorded its outcome.

    The worker records it just after the task returns, so a moment after the job row is final.
    """
    from django_celery_results.models import TaskResult

    from tests.processes import wait_for

    outcomes = TaskResult.objects.filter(task_id=task_id, status__in=["SUCCESS", "FAILURE"])
    return wait_for(
        outcomes.first,
        timeout=timeout,
        what=f"the TaskResult of task {task_id}",
    )

"""What the web sends to the broker: one message per job, in its own queue, with ids only."""

from __future__ import annotations

import json

import pytest

from chat.models import Job
from tests.helpers import post_message, register, start_conversation

pytestmark = pytest.mark.django_db(transaction=True)


def queued_messages(redis_client, queue: str) -> list[dict]:
    return [json.loads(raw) for raw in redis_client.lrange(queue, 0, -1)]


def test_each_job_is_one_message_in_its_own_queue_carrying_only_its_id(client, clean_redis_db):
    # No worker runs in this module, so the messages stay where the web put them.
    register(client)
    conversation = start_conversation(client)
    post_message(client, conversation["id"])
    client.post(f"/api/conversations/{conversation['id']}/end")

    expected = {"replies": "reply", "analysis": "analysis", "reviews": "review"}
    for queue, kind in expected.items():
        [message] = queued_messages(clean_redis_db, queue)
        job = Job.objects.get(kind=kind)
        assert message["headers"]["id"] == job.celery_task_id
        assert message["headers"]["argsrepr"] == f"[{job.pk}]"
        assert "perro" not in json.dumps(message)
    assert clean_redis_db.llen("maintenance") == 0
    clean_redis_db.delete(*expected)


def test_nothing_is_sent_when_the_request_is_rejected(client, clean_redis_db):
    register(client)
    conversation = start_conversation(client)
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages",
        {"text": " "},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert all(clean_redis_db.llen(q) == 0 for q in ("replies", "analysis", "reviews"))

"""The whole learner path through the API, with a real worker process and the offline tutor."""

from __future__ import annotations

import pytest

from chat.models import Job
from tests.helpers import (
    SENTENCE,
    post_message,
    register,
    start_conversation,
    task_result,
    wait_for_jobs,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_spanish_message_gets_a_reply_and_exact_spans_from_a_worker(client, local_worker):
    register(client)
    conversation = start_conversation(client)
    posted = post_message(client, conversation["id"])
    assert {job["kind"] for job in posted["jobs"]} == {"reply", "analysis"}
    assert {job["state"] for job in posted["jobs"]} == {"queued"}

    detail = wait_for_jobs(client, conversation["id"])

    assert {job["state"] for job in detail["jobs"]} == {"succeeded"}
    learner, tutor = detail["messages"]
    assert learner["text"] == SENTENCE
    assert tutor["role"] == "tutor" and tutor["in_reply_to_id"] == learner["id"]
    assert tutor["text"].strip()
    issues = learner["analysis"]["issues"]
    found = {(i["start"], i["end"], i["original"], i["suggestion"]) for i in issues}
    assert (56, 61, "cassa", "casa") in found
    for issue in issues:
        assert SENTENCE[issue["start"] : issue["end"]] == issue["original"]
    assert "casa" in learner["analysis"]["corrected_text"]
    assert detail["offline_tutor"] is True


def test_every_job_has_a_task_result_without_learner_text(client, local_worker):
    register(client)
    conversation = start_conversation(client)
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"])

    for job in Job.objects.all():
        assert job.model_name == "local"
        assert job.attempts == 1
        assert job.started_at and job.finished_at and job.finished_at >= job.started_at
        result = task_result(job.celery_task_id)
        assert result.status == "SUCCESS"
        assert result.task_args == f"({job.pk},)" or str(job.pk) in result.task_args
        assert "perro" not in (result.task_args or "") + (result.task_kwargs or "")
        assert "perro" not in (result.result or "")


def test_ending_a_conversation_yields_a_sanitized_review(client, local_worker):
    register(client)
    conversation = start_conversation(client)
    post_message(client, conversation["id"])
    post_message(client, conversation["id"], "Me gusta la playa y el mar.")
    wait_for_jobs(client, conversation["id"])

    response = client.post(f"/api/conversations/{conversation['id']}/end")
    assert response.status_code == 202
    assert response.json()["kind"] == "review"
    detail = wait_for_jobs(client, conversation["id"])
    assert detail["state"] == "ended"

    review = client.get(f"/api/conversations/{conversation['id']}/review").json()
    assert review["job"]["state"] == "succeeded"
    content = review["review"]["content"]
    assert 3 <= len(content["exercises"]) <= 5
    assert content["estimated_level"] is None  # the offline review claims no level
    quoted = [example for issue in content["recurring_issues"] for example in issue["examples"]]
    assert any(example in SENTENCE for example in quoted)
    assert "<script" not in review["review"]["html"]
    assert "<h2>" in review["review"]["html"]


def test_a_message_to_an_ended_conversation_is_409_and_not_stored(client, local_worker):
    register(client)
    conversation = start_conversation(client)
    assert client.post(f"/api/conversations/{conversation['id']}/end").status_code == 202
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages",
        {"text": "Hola"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "ended" in response.json()["detail"]
    assert wait_for_jobs(client, conversation["id"])["messages"] == []

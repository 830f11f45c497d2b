"""The real provider path (pydantic-ai's OpenAI chat model over HTTP) against a faked provider.

The worker here talks to tests/fakeai.py on loopback, with 3 attempts and sub-second backoff.
"""

from __future__ import annotations

import pytest
from django_celery_results.models import TaskResult

from chat.models import GrammarAnalysis, Job
from tests.helpers import SENTENCE, post_message, register, start_conversation, wait_for_jobs
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(client, provider_worker, fake):
    register(client)
    return start_conversation(client)


def _analysis_job() -> Job:
    return Job.objects.get(kind="analysis")


def test_a_real_provider_answer_is_stored_with_spans_moved_onto_the_quote(
    client, conversation, fake
):
    post_message(client, conversation["id"])
    detail = wait_for_jobs(client, conversation["id"])

    learner, tutor = detail["messages"]
    assert tutor["text"] == "¡Muy bien! ¿Y qué te gusta hacer?"
    [issue] = learner["analysis"]["issues"]
    # The fake said start=0; the worker moved the span onto the quoted word.
    assert (issue["start"], issue["end"]) == (56, 61)
    assert SENTENCE[56:61] == "cassa"
    job = _analysis_job()
    assert job.model_name == "fake-1"
    assert (job.input_tokens, job.output_tokens) == (42, 7)
    assert fake.calls("analysis") == 1 and fake.calls("reply") == 1


@pytest.mark.parametrize("fault", ["429", "500", "503"])
def test_a_transient_fault_is_retried_to_success(client, conversation, fake, fault):
    fake.script([fault, fault])
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"])

    jobs = Job.objects.all()
    assert {job.state for job in jobs} == {"succeeded"}
    assert sum(job.attempts for job in jobs) == 4  # two failed attempts, then one each
    assert fake.calls() == 4
    assert GrammarAnalysis.objects.count() == 1


def test_a_timeout_is_retried(client, conversation, fake):
    fake.script(["slow:6"])  # longer than FINDUS_AI_REQUEST_TIMEOUT=3
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"], timeout=40)

    jobs = list(Job.objects.all())
    assert {job.state for job in jobs} == {"succeeded"}
    assert sorted(job.attempts for job in jobs) == [1, 2]


def test_transient_faults_past_the_maximum_fail_with_a_clear_reason(client, conversation, fake):
    fake.default = "500"
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"], timeout=40)

    for job in Job.objects.all():
        assert job.state == "failed"
        assert job.attempts == 3
        assert "Gave up after 3 attempts" in job.last_error
        assert "500" in job.last_error
        # The job row is failed just before the task raises; its TaskResult follows a moment later.
        wait_for(
            lambda job=job: TaskResult.objects.filter(
                task_id=job.celery_task_id, status="FAILURE"
            ).exists(),
            timeout=10,
            what="the TaskResult to record the failure",
        )
    # Never more calls than counted attempts: no retries multiplied across layers. (On a loaded
    # machine an attempt can time out before its request reaches the provider.)
    assert 4 <= fake.calls() <= sum(job.attempts for job in Job.objects.all()) == 6
    assert not GrammarAnalysis.objects.exists()


def test_a_permanent_400_fails_at_once_without_retrying(client, conversation, fake):
    fake.default = "400"
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"])

    for job in Job.objects.all():
        assert job.state == "failed"
        assert job.attempts == 1
        assert "HTTP 400" in job.last_error
    assert fake.calls() == 2


def test_one_malformed_answer_is_repaired_by_the_models_own_retry(client, conversation, fake):
    fake.script(["malformed"])  # only the first request; the reply streams and is unaffected
    post_message(client, conversation["id"], "Hola, me gusta la cassa.")
    wait_for_jobs(client, conversation["id"])

    job = _analysis_job()
    assert job.state == "succeeded" and job.attempts == 1
    assert GrammarAnalysis.objects.get().issues[0]["original"] == "cassa"


def test_always_malformed_output_fails_the_job_without_task_retries(client, conversation, fake):
    fake.default = "malformed"
    response = client.post(f"/api/conversations/{conversation['id']}/end")
    assert response.status_code == 202
    wait_for_jobs(client, conversation["id"])

    job = Job.objects.get(kind="review")
    assert job.state == "failed"
    assert job.attempts == 1
    assert "unusable" in job.last_error or "validation" in job.last_error.lower()
    assert fake.calls("review") == 3  # the first answer and the model's two own retries


def test_a_job_out_of_attempts_gets_a_fresh_budget_when_its_owner_retries_it(
    client, conversation, fake
):
    fake.default = "500"
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"], timeout=40)
    job = _analysis_job()
    assert (job.state, job.attempts) == ("failed", 3)

    # The provider still fails: the retry makes three more attempts, not none.
    assert client.post(f"/api/jobs/{job.pk}/retry").status_code == 202
    wait_for_jobs(client, conversation["id"], timeout=40)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 6)
    assert "Gave up after 3 attempts" in job.last_error
    assert fake.calls("analysis") <= 6

    fake.default = "ok"
    assert client.post(f"/api/jobs/{job.pk}/retry").status_code == 202
    wait_for_jobs(client, conversation["id"])
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == ("succeeded", 7, "")


def test_a_failed_job_is_retried_by_its_owner_to_success(client, conversation, fake):
    fake.default = "400"
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"])
    job = _analysis_job()
    assert job.state == "failed"

    fake.default = "ok"
    response = client.post(f"/api/jobs/{job.pk}/retry")
    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    wait_for_jobs(client, conversation["id"])
    job.refresh_from_db()
    assert job.state == "succeeded" and job.attempts == 2 and job.last_error == ""
    assert GrammarAnalysis.objects.count() == 1
    assert client.post(f"/api/jobs/{job.pk}/retry").status_code == 409

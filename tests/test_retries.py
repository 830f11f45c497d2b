"""Retries to the last attempt of the budget, a provider's Retry-After kept in bounds, and what
a failed job keeps on record: the model it tried and who asked for a retry.

The worker allows 5 attempts with sub-second backoff; no beat runs here, so no reconciler can
make up for a retry chain that breaks.
"""

from __future__ import annotations

import pytest

from chat.models import Job, JobRerun
from tests.conftest import start_provider_worker
from tests.helpers import (
    post_message,
    register,
    start_conversation,
    task_result,
    wait_for_jobs,
)
from tests.processes import wait_for
from workers.runner import retry_countdown

pytestmark = pytest.mark.django_db(transaction=True)

MAX_ATTEMPTS = 5
BACKOFF_MAX = 1.0


@pytest.fixture(scope="module")
def retrying_worker(django_db_setup, fake_ai, clean_redis_db):
    worker = start_provider_worker(
        "worker-retries",
        fake_ai,
        FINDUS_JOB_MAX_ATTEMPTS=str(MAX_ATTEMPTS),
        FINDUS_RETRY_BACKOFF_BASE="0.1",
        FINDUS_RETRY_BACKOFF_MAX=str(BACKOFF_MAX),
    )
    yield worker
    worker.stop()
    clean_redis_db.flushdb()


@pytest.fixture
def conversation(client, retrying_worker, fake):
    register(client)
    return start_conversation(client)


def analysis_job() -> Job:
    return Job.objects.get(kind="analysis")


def test_the_last_attempt_of_the_budget_runs_after_its_backoff_with_no_failure_before_it(
    client, conversation, fake, retrying_worker
):
    fake.script(["500"] * (MAX_ATTEMPTS - 1), kind="analysis")
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"], timeout=30)

    job = analysis_job()
    assert (job.state, job.attempts) == ("succeeded", MAX_ATTEMPTS)
    assert fake.calls("analysis") == MAX_ATTEMPTS
    assert task_result(job.celery_task_id).status == "SUCCESS"
    # Celery counted no failure on the way: every retry was a retry.
    log = retrying_worker.output()
    assert "raised unexpected" not in log and "MaxRetriesExceeded" not in log


def test_a_retry_after_longer_than_the_longest_backoff_is_cut_to_it(
    client, conversation, fake, settings
):
    fake.script(["429:3600"], kind="analysis")  # the provider asks for an hour
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"], timeout=20)

    job = analysis_job()
    assert (job.state, job.attempts) == ("succeeded", 2)
    settings.FINDUS_RETRY_BACKOFF_MAX = 120
    assert 60 <= retry_countdown(1, asked=3600) <= 120
    assert retry_countdown(1, asked=None) <= settings.FINDUS_RETRY_BACKOFF_BASE


def test_a_failed_job_names_the_model_it_tried(client, conversation, fake):
    fake.default = "500"
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"], timeout=40)

    job = analysis_job()
    assert job.state == "failed"
    assert job.model_name == "openai-chat:fake-1"


def test_a_learners_retry_is_on_record_like_an_operators_re_run(client, conversation, fake):
    fake.default = "400"
    post_message(client, conversation["id"])
    wait_for_jobs(client, conversation["id"])
    job = analysis_job()
    assert job.state == "failed"

    fake.default = "ok"
    assert client.post(f"/api/jobs/{job.pk}/retry").status_code == 202
    wait_for(lambda: Job.objects.get(pk=job.pk).state == "succeeded", timeout=20,
             what="the retried job to succeed")  # fmt: skip

    [record] = JobRerun.objects.filter(job=job)
    assert (record.via, record.by_name, record.previous_state) == ("learner", "ana", "failed")
    assert record.by.username == "ana"
    assert "400" in record.previous_error

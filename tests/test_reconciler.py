"""The reconciler and the result expiry, with real workers, a real beat and a real Redis.

Each test starts its own processes: some must begin with no worker consuming, one kills its
worker. The model is the fake provider (tests/fakeai.py), scripted per test.
"""

from __future__ import annotations

import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.utils import timezone
from django_celery_results.models import TaskResult

from chat import kinds, services
from chat.models import Conversation, Job
from findus.celery import app
from tests.helpers import PASSWORD, SENTENCE
from tests.processes import Process, child_env, start_worker, wait_for
from workers.reconcile import reconcile, task_ids_in_broker

pytestmark = pytest.mark.django_db(transaction=True)

FINISHED = (Job.State.SUCCEEDED, Job.State.FAILED)


@pytest.fixture
def processes(clean_redis_db):
    """Processes a test started; stopped after it, then the messages they left are dropped."""
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()
    clean_redis_db.flushdb()


@pytest.fixture
def conversation() -> Conversation:
    learner = User.objects.create_user("ana", password=PASSWORD)
    return services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )


def start_provider_worker(processes: list[Process], fake, name: str, **env: str) -> Process:
    worker = start_worker(
        name,
        FINDUS_AI_MODEL="openai-chat:fake-1",
        OPENAI_BASE_URL=fake.url,
        OPENAI_API_KEY="test-key",
        FINDUS_RETRY_BACKOFF_BASE="0.2",
        FINDUS_RETRY_BACKOFF_MAX="1",
        **env,
    )
    processes.append(worker)
    return worker


def start_beat(processes: list[Process], schedule: Path, **env: str) -> Process:
    args = [sys.executable, "-m", "celery", "-A", "findus", "beat", "--loglevel", "INFO",
            "--schedule", str(schedule)]  # fmt: skip
    beat = Process("beat-reconcile", args, child_env(**env))
    processes.append(beat)
    wait_for(lambda: "beat: Starting" in beat.output(), timeout=30, what="beat to start")
    return beat


def settled(*jobs: Job, timeout: float = 30) -> list[Job]:
    def finished() -> list[Job] | None:
        fresh = [Job.objects.get(pk=job.pk) for job in jobs]
        return fresh if all(job.state in FINISHED for job in fresh) else None

    return wait_for(finished, timeout=timeout, interval=0.1, what="jobs to finish")


def test_a_queued_job_whose_message_waits_in_redis_is_left_alone(conversation, settings):
    settings.FINDUS_RECONCILE_QUEUED_AFTER = 0
    _, jobs = services.post_message(conversation=conversation, text=SENTENCE)

    assert reconcile() == {"resent": 0, "failed": 0, "left": 2}
    for job in jobs:
        assert Job.objects.get(pk=job.pk).celery_task_id == job.celery_task_id


def test_a_job_whose_message_redis_lost_is_resent_by_beat_and_finishes(
    conversation, fake, processes, clean_redis_db, tmp_path
):
    _, jobs = services.post_message(conversation=conversation, text=SENTENCE)
    lost_task_ids = {job.celery_task_id for job in jobs}
    assert lost_task_ids <= task_ids_in_broker()
    # What a Redis restart without persistence does to the messages waiting in the queues.
    clean_redis_db.delete(*kinds.queues())
    assert not lost_task_ids & task_ids_in_broker()

    worker = start_provider_worker(
        processes, fake, "worker-reconcile-lost", FINDUS_RECONCILE_QUEUED_AFTER="1"
    )
    start_beat(processes, tmp_path / "celerybeat-schedule", FINDUS_RECONCILE_INTERVAL="1")
    jobs = settled(*jobs)

    assert {job.state for job in jobs} == {"succeeded"}
    assert {job.celery_task_id for job in jobs}.isdisjoint(lost_task_ids)
    assert [job.attempts for job in jobs] == [1, 1]  # the lost deliveries never ran
    assert fake.calls("reply") == 1 and fake.calls("analysis") == 1
    log = worker.output()
    assert "reconciler: resent=" in log
    for job in jobs:
        assert f"job={job.pk} kind={job.kind} state=queued attempt=0" in log


def test_jobs_a_live_worker_is_running_or_retrying_are_left_alone(
    conversation, fake, processes, settings
):
    # The reconciler looks at every queued job at once; running ones past an 8s limit.
    settings.FINDUS_RECONCILE_QUEUED_AFTER = 0
    settings.CELERY_TASK_TIME_LIMIT = 8
    settings.FINDUS_RECONCILE_RUNNING_GRACE = 0
    start_provider_worker(
        processes, fake, "worker-reconcile-live",
        CELERY_TASK_SOFT_TIME_LIMIT="6", CELERY_TASK_TIME_LIMIT="8",
    )  # fmt: skip
    # One job's first attempt fails, so it waits out a retry countdown; then both run slowly.
    fake.script(["500"])
    fake.default = "slow:2"
    _, jobs = services.post_message(conversation=conversation, text=SENTENCE)
    task_ids = [job.celery_task_id for job in jobs]
    rounds: list[dict[str, int]] = []

    def reconciled_until_finished() -> list[Job] | None:
        rounds.append(reconcile())
        fresh = [Job.objects.get(pk=job.pk) for job in jobs]
        return fresh if all(job.state in FINISHED for job in fresh) else None

    jobs = wait_for(reconciled_until_finished, timeout=30, interval=0.1, what="jobs to finish")

    assert len(rounds) > 5
    assert all(round["resent"] == round["failed"] == 0 for round in rounds), rounds
    assert any(round["left"] for round in rounds)  # it did look at the queued jobs
    assert {job.state for job in jobs} == {"succeeded"}
    assert [job.celery_task_id for job in jobs] == task_ids
    # One attempt each, plus the retry after the 500 (a loaded machine may add one more retry,
    # never a re-send): every provider call belongs to a counted attempt.
    attempts = [job.attempts for job in jobs]
    assert all(1 <= n <= 2 for n in attempts) and 2 in attempts
    assert fake.calls() == sum(attempts)


def test_a_job_whose_worker_died_is_resent_and_finished_by_another_worker(
    conversation, fake, processes, settings
):
    settings.CELERY_TASK_TIME_LIMIT = 1
    settings.FINDUS_RECONCILE_RUNNING_GRACE = 0
    first = start_provider_worker(processes, fake, "worker-reconcile-dies")
    fake.default = "slow:60"
    review = services.end_conversation(conversation=conversation)
    wait_for(lambda: fake.calls("review") == 1, timeout=20, what="the model to be asked")
    assert Job.objects.get(pk=review.pk).state == "running"

    first.stop(signal.SIGKILL)
    fake.default = "ok"
    start_provider_worker(processes, fake, "worker-reconcile-takes-over")
    wait_for(lambda: reconcile()["resent"], timeout=10, interval=0.2, what="a re-send")
    [review] = settled(review)

    assert review.state == "succeeded"
    assert review.attempts == 2
    assert fake.calls("review") == 2


def test_a_job_whose_worker_died_on_its_last_attempt_is_failed_with_the_reason(
    conversation, fake, processes, settings
):
    settings.FINDUS_JOB_MAX_ATTEMPTS = 2
    settings.CELERY_TASK_TIME_LIMIT = 1
    settings.FINDUS_RECONCILE_RUNNING_GRACE = 0
    worker = start_provider_worker(
        processes, fake, "worker-reconcile-last-attempt", FINDUS_JOB_MAX_ATTEMPTS="2"
    )
    fake.script(["500"])  # the first attempt fails and is retried...
    fake.default = "slow:60"  # ...and the worker dies during the second, its last
    review = services.end_conversation(conversation=conversation)
    wait_for(lambda: fake.calls("review") == 2, timeout=20, what="the last attempt to run")
    review.refresh_from_db()
    assert (review.state, review.attempts) == ("running", 2)

    worker.stop(signal.SIGKILL)
    wait_for(lambda: reconcile()["failed"], timeout=10, interval=0.2, what="the job to fail")

    review.refresh_from_db()
    assert review.state == "failed"
    assert review.last_error == (
        "Gave up after 2 attempts. "
        "The worker running it stopped (still marked running past the time limit)."
    )
    assert review.finished_at is not None
    assert review.attempts == 2
    assert fake.calls("review") == 2


def test_beat_schedules_the_reconciler_and_the_expiry_of_task_results():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    reconciler = schedule["reconcile-jobs"]
    assert reconciler["task"] == "findus.maintenance.reconcile_jobs"
    assert reconciler["schedule"] == django_settings.FINDUS_RECONCILE_INTERVAL
    expiry = schedule["expire-task-results"]
    assert expiry["task"] == "celery.backend_cleanup"
    assert expiry["schedule"] == crontab(hour=django_settings.FINDUS_RESULT_CLEANUP_HOUR, minute=0)
    for entry in (reconciler, expiry):
        assert entry["options"]["queue"] == "maintenance"
    app.loader.import_default_modules()
    assert {"findus.maintenance.reconcile_jobs", "celery.backend_cleanup"} <= set(app.tasks)
    assert app.conf.result_expires == django_settings.CELERY_RESULT_EXPIRES


def test_the_expiry_task_deletes_only_task_results_older_than_result_expires(fake, processes):
    start_provider_worker(processes, fake, "worker-expiry", CELERY_RESULT_EXPIRES="3600")
    now = timezone.now()
    old = TaskResult.objects.create(task_id="old", status="SUCCESS")
    recent = TaskResult.objects.create(task_id="recent", status="SUCCESS")
    TaskResult.objects.filter(pk=old.pk).update(date_done=now - timedelta(hours=2))
    TaskResult.objects.filter(pk=recent.pk).update(date_done=now - timedelta(minutes=30))

    app.send_task("celery.backend_cleanup", queue="maintenance")

    wait_for(lambda: not TaskResult.objects.filter(pk=old.pk).exists(), timeout=20,
             what="the old result to be deleted")  # fmt: skip
    assert TaskResult.objects.filter(pk=recent.pk).exists()

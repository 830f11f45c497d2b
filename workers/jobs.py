"""Running a job: claim it, do the AI work outside any transaction, record the outcome, retry.

Every task in workers/ is a thin adapter over `run_job`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NoReturn

from celery import Task
from celery.signals import task_prerun
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone

from chat.models import Job
from workers import ai, live

log = logging.getLogger("findus.jobs")


@dataclass
class Outcome:
    """What a job's AI work produced, to be written in one short transaction."""

    save: Callable[[], None]
    model_name: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    event: dict[str, Any] = field(default_factory=dict)


class PermanentFailure(Exception):
    """The job cannot succeed by trying again; the message says why."""


class JobFailed(Exception):
    """The job ended failed; its reason is stored on the job row."""


def run_job(task: Task, job_id: int, work: Callable[[Job], Outcome]) -> str:
    """Run one delivery of a job's task and return what happened, for the task's result."""
    close_old_connections()
    try:
        job = claim(job_id=job_id, task_id=task.request.id)
    except DatabaseError as error:
        # The database is unreachable: nothing was claimed, so try the delivery again later.
        log.warning("job=%s could not be claimed, database error: %s", job_id, error)
        raise task.retry(countdown=backoff(task.request.retries + 1), max_retries=20) from error
    if job is None:
        return "skipped"
    log_transition(job)
    live.publish(job.conversation_id, "job", job_event(job))
    try:
        outcome = work(job)
    except Exception as error:
        _handle_failure(task, job, error)
    # The model's answer is in memory: wait out a brief database outage rather than lose it.
    while_the_database_is_down(job, lambda: _record_success(job, outcome))
    return "succeeded"


@task_prerun.connect
def wait_for_the_database(**_: object) -> None:
    """Before a delivery starts, wait out a database outage, up to the hard time limit.

    Celery records each task as started in the database (the result backend) before the task
    runs. If that write fails, the threads pool drops the delivery without acknowledging it, so
    its worker slot stays taken until the worker restarts: a few outages would leave a worker
    that takes no more work. Waiting here instead costs nothing, as no job can run without the
    database anyway.
    """
    deadline = time.monotonic() + settings.CELERY_TASK_TIME_LIMIT
    tries = 0
    while True:
        try:
            connection.ensure_connection()
            return
        except (OperationalError, InterfaceError) as error:
            tries += 1
            if time.monotonic() >= deadline:
                return  # Let Celery fail the delivery; the reconciler re-sends the job.
            log.warning("database unreachable before a task starts, waiting: %s", error)
            connection.close()
            time.sleep(backoff(tries))


def claim(*, job_id: int, task_id: str) -> Job | None:
    """Mark the job running for this delivery; return None if there is nothing to do.

    The guarded update is what keeps two deliveries of one task from both running it: a job
    that succeeded, failed, or belongs to a newer task id (an admin re-run, a reconciler
    re-send) is left alone. A job still marked running past the hard time limit was claimed by a
    worker that died, so it may be claimed again.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, started_at__lt=stale)
    updated = Job.objects.filter(
        claimable,
        Job.with_attempts_left(),
        pk=job_id,
        celery_task_id=task_id,
    ).update(state=Job.State.RUNNING, started_at=now, finished_at=None, attempts=F("attempts") + 1)
    if not updated:
        # Nothing got updated: another delivery got there first, or the job is done.
        _fail_if_out_of_attempts(job_id=job_id, task_id=task_id)
        return None
    return Job.objects.select_related("conversation", "message").get(pk=job_id)


def _fail_if_out_of_attempts(*, job_id: int, task_id: str) -> None:
    # A job re-delivered after its last attempt died with its worker ends failed, not stuck.
    Job.objects.exclude(Job.with_attempts_left()).filter(
        pk=job_id,
        celery_task_id=task_id,
        state__in=[Job.State.QUEUED, Job.State.RUNNING],
    ).update(
        state=Job.State.FAILED,
        finished_at=timezone.now(),
        last_error="Gave up: every allowed attempt was used up (the last one did not finish).",
    )


def while_the_database_is_down[T](job: Job, write: Callable[[], T]) -> T:
    """Run a short write of the job's outcome, trying again while the database is unreachable.

    It keeps trying until the job's hard time limit: past that the reconciler counts the job as
    orphaned and sends it again, and this attempt's write would be discarded anyway. Each try
    opens a fresh connection, since the old one died with the outage.
    """
    deadline = (job.started_at or timezone.now()) + timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT
    )
    tries = 0
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError) as error:
            tries += 1
            if timezone.now() >= deadline:
                raise
            log.warning("job=%s database unreachable, trying again: %s", job.pk, error)
            connection.close()
            time.sleep(backoff(tries))


def _record_success(job: Job, outcome: Outcome) -> None:
    with transaction.atomic():
        still_ours = Job.objects.filter(
            pk=job.pk, celery_task_id=job.celery_task_id, state=Job.State.RUNNING
        ).select_for_update()
        if not still_ours.exists():
            # Someone re-queued or finished the job while we ran: their attempt wins.
            log.info("job=%s kind=%s result discarded: the job moved on", job.pk, job.kind)
            return
        outcome.save()
        job.state = Job.State.SUCCEEDED
        job.finished_at = timezone.now()
        job.last_error = ""
        job.model_name = outcome.model_name
        job.input_tokens = outcome.input_tokens
        job.output_tokens = outcome.output_tokens
        job.save(
            update_fields=[
                "state", "finished_at", "last_error", "model_name", "input_tokens",
                "output_tokens",
            ]
        )  # fmt: skip
    log_transition(job)
    live.publish(job.conversation_id, "job", {**job_event(job), **outcome.event})


def _handle_failure(task: Task, job: Job, error: Exception) -> NoReturn:
    reason = ai.describe(error)
    while_the_database_is_down(
        job, lambda: job.refresh_from_db(fields=["attempts", "run_started_at_attempt"])
    )
    # A database outage during the work is nobody's fault: try again, like a provider's 5xx.
    transient = (
        ai.is_transient(error) or isinstance(error, OperationalError | InterfaceError)
    ) and not isinstance(error, PermanentFailure)
    if transient and not job.out_of_attempts:
        countdown = max(ai.retry_after(error) or 0.0, backoff(job.attempts_this_run))
        while_the_database_is_down(job, lambda: _finish(job, Job.State.QUEUED, reason))
        log.info("job=%s kind=%s retry in %.1fs: %s", job.pk, job.kind, countdown, reason)
        raise task.retry(countdown=countdown, max_retries=None, exc=error)
    if transient:
        reason = f"Gave up after {job.attempts_this_run} attempts. Last error: {reason}"
    else:
        log.warning("job=%s kind=%s failed permanently: %s", job.pk, job.kind, reason)
    while_the_database_is_down(job, lambda: _finish(job, Job.State.FAILED, reason))
    # Raising marks the TaskResult FAILURE, so Flower and its metrics count the failure too.
    raise JobFailed(reason) from error


def _finish(job: Job, state: str, reason: str) -> None:
    updated = Job.objects.filter(
        pk=job.pk, celery_task_id=job.celery_task_id, state=Job.State.RUNNING
    ).update(
        state=state,
        last_error=reason,
        finished_at=timezone.now() if state == Job.State.FAILED else None,
    )
    if updated:
        job.refresh_from_db()
        log_transition(job)
        live.publish(job.conversation_id, "job", job_event(job))


def backoff(attempt: int) -> float:
    """Return the wait before attempt `attempt + 1`: exponential, capped, with full jitter."""
    ceiling = min(
        settings.FINDUS_RETRY_BACKOFF_MAX,
        settings.FINDUS_RETRY_BACKOFF_BASE * 2 ** max(attempt - 1, 0),
    )
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def job_event(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "message_id": job.message_id,
        "attempts": job.attempts,
        "last_error": job.last_error,
    }


def log_transition(job: Job) -> None:
    """Log one line per state change: job, kind, state, attempt and time since queued or started."""
    since = job.started_at or job.queued_at
    duration = (timezone.now() - since).total_seconds() if since else 0.0
    log.info(
        "job=%s kind=%s state=%s attempt=%s duration=%.3fs",
        job.pk, job.kind, job.state, job.attempts, duration,
    )  # fmt: skip

"""Running one delivery of a job: claim it, do its kind's work outside any transaction, record the
outcome, and decide about retrying. Every state change goes through chat/jobs.py.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from celery import Task
from celery.signals import task_prerun
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from chat import jobs
from chat.kinds import JobKind, PermanentFailure
from chat.models import Job
from workers import ai, heartbeat

log = logging.getLogger("findus.jobs")

DATABASE_DOWN = (OperationalError, InterfaceError)


class JobFailed(Exception):
    """The job ended failed; its reason is stored on the job row."""


def run_job(task: Task, kind: JobKind, job_id: int) -> str:
    """Run one delivery of a job's task and return what happened, for the task's result.

    The connection the claim uses was opened (or checked) just before, by
    `wait_for_the_database`; closing it here as obsolete would open another for nothing (a
    whole PostgreSQL connect per job without a pool).
    """
    try:
        job = jobs.claim(
            job_id=job_id,
            task_id=task.request.id,
            worker=task.request.hostname or "",
            model_name=settings.FINDUS_AI_MODEL,
        )
    except DatabaseError as error:
        # The database is unreachable: nothing was claimed, so try the delivery again later.
        log.warning("job=%s could not be claimed, database error: %s", job_id, error)
        raise task.retry(countdown=backoff(task.request.retries + 1), max_retries=20) from error
    if job is None:
        return "skipped"
    try:
        with heartbeat.running(job):
            done = kind.work(job)
    except Exception as error:
        return _after_failure(task, job, error)
    try:
        # The model's answer is in memory: wait out a brief database outage rather than lose it.
        while_the_database_is_down(job, lambda: jobs.succeed(job, done, store=kind.store))
    except Exception as error:  # the result could not be stored: fail the job, don't loop
        return _after_failure(task, job, error)
    return "succeeded"


def _after_failure(task: Task, job: Job, error: Exception) -> str:
    """Queue the job for another attempt after a transient error, or fail it; raise for Celery."""
    reason = ai.describe(error)
    # A database outage during the work is nobody's fault: try again, like a provider's 5xx.
    transient = (ai.is_transient(error) or isinstance(error, DATABASE_DOWN)) and not isinstance(
        error, PermanentFailure
    )
    if transient and not job.out_of_attempts:
        countdown = retry_countdown(job.attempts_this_run, asked=ai.retry_after(error))
        if not while_the_database_is_down(job, lambda: jobs.retry_later(job, reason=reason)):
            return "skipped"  # the job moved on (a re-run, a reconciler re-send) meanwhile
        log.info("job=%s kind=%s retry in %.1fs: %s", job.pk, job.kind, countdown, reason)
        raise task.retry(countdown=countdown, exc=error)
    if transient:
        reason = jobs.gave_up(job.attempts_this_run, f"Last error: {reason}")
    else:
        log.warning("job=%s kind=%s failed permanently: %s", job.pk, job.kind, reason)
    while_the_database_is_down(job, lambda: jobs.give_up(job, reason=reason))
    # Raising marks the TaskResult FAILURE, so Flower and its metrics count the failure too.
    raise JobFailed(reason) from error


def retry_countdown(attempts: int, *, asked: float | None) -> float:
    """Return the wait before the next attempt: our backoff, or the provider's Retry-After if
    longer, but never past FINDUS_RETRY_BACKOFF_MAX.

    Redis re-delivers a message held longer than its visibility timeout, which is derived from
    that maximum (settings): a longer wait would run the job twice.
    """
    return max(backoff(attempts), min(asked or 0.0, settings.FINDUS_RETRY_BACKOFF_MAX))


def backoff(attempt: int) -> float:
    """Return the wait before attempt `attempt + 1`: exponential, capped, with full jitter."""
    ceiling = min(
        settings.FINDUS_RETRY_BACKOFF_MAX,
        settings.FINDUS_RETRY_BACKOFF_BASE * 2 ** max(attempt - 1, 0),
    )
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def _database_retrying(*, until: Callable[[], bool], waiting: str) -> Retrying:
    """Try a database call again while the database is unreachable, until `until()` is true;
    log `waiting` and the error before each wait."""

    def reconnect_and_log(state: RetryCallState) -> None:
        log.warning("%s: %s", waiting, state.outcome.exception())
        connection.close()  # the old connection died with the outage; the next try opens another

    return Retrying(
        retry=retry_if_exception_type(DATABASE_DOWN),
        wait=lambda state: backoff(state.attempt_number),
        stop=lambda state: until(),
        before_sleep=reconnect_and_log,
        reraise=True,
    )


def while_the_database_is_down[T](job: Job, write: Callable[[], T]) -> T:
    """Run a short write of the job's outcome, trying again while the database is unreachable.

    It keeps trying until the job's hard time limit: past that the reconciler counts the job as
    orphaned and sends it again, and this attempt's write would be discarded anyway.
    """
    deadline = (job.started_at or timezone.now()) + timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT
    )
    waiting = f"job={job.pk} database unreachable, trying again"
    return _database_retrying(until=lambda: timezone.now() >= deadline, waiting=waiting)(write)


@task_prerun.connect
def wait_for_the_database(**_: object) -> None:
    """Before a delivery starts, wait out a database outage, up to the hard time limit.

    No job can run without the database, so waiting costs nothing. A delivery let into the
    outage would fail to claim its job and then fail to record its retry in the result backend,
    which is the database too; a failed write of Celery's own there once left a threads-pool
    slot taken for good (RELIABILITY.md, fix 5, when Celery still wrote a STARTED row before
    each task). Past the limit the delivery goes ahead and fails; the reconciler re-sends its
    job later.
    """
    # A connection left unusable or past its age goes first, so the job starts with a live one.
    close_old_connections()
    deadline = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    try:
        _database_retrying(
            until=lambda: timezone.now() >= deadline,
            waiting="database unreachable before a task starts, waiting",
        )(connection.ensure_connection)
    except DATABASE_DOWN:
        return

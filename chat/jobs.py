"""Hand jobs to Celery. The web tier knows the tasks only by name: it never imports the AI side."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable

import redis
from django.db import transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from chat.models import Job
from findus.celery import app

log = logging.getLogger("findus.jobs")

TASK_NAMES = {
    Job.Kind.REPLY: "findus.reply.write",
    Job.Kind.ANALYSIS: "findus.analysis.analyse_message",
    Job.Kind.REVIEW: "findus.review.review_conversation",
}
QUEUES = {Job.Kind.REPLY: "replies", Job.Kind.ANALYSIS: "analysis", Job.Kind.REVIEW: "reviews"}


def new_task_id() -> str:
    return str(uuid.uuid4())


def enqueue_after_commit(job: Job) -> None:
    """Send the job's current task to the broker once the surrounding transaction commits.

    Sending inside the transaction could let a worker look for a row that is not visible yet.
    """
    transaction.on_commit(
        lambda: send_job(job_id=job.pk, kind=job.kind, task_id=job.celery_task_id)
    )


def send_job(*, job_id: int, kind: str, task_id: str) -> bool:
    """Publish one task message; return False (and leave the job queued) if the broker is down.

    A job left queued this way is not lost: the reconciler re-sends queued jobs that no worker
    has claimed by their deadline.
    """
    if not _circuit.allows_send():
        log.warning(
            "job=%s kind=%s not sent: the broker was down %.0fs ago; the reconciler will send it",
            job_id, kind, _circuit.down_for(),
        )  # fmt: skip
        return False
    try:
        with app.producer_or_acquire() as producer:
            # One connection attempt: by default kombu keeps retrying for two seconds.
            producer.connection.ensure_connection(max_retries=0)
            app.send_task(
                TASK_NAMES[kind], args=[job_id], task_id=task_id, queue=QUEUES[kind],
                producer=producer,
            )  # fmt: skip
    except Exception as error:  # kombu raises many kinds of connection errors
        _circuit.trip()
        log.warning("job=%s kind=%s could not be sent to the broker: %s", job_id, kind, error)
        return False
    return True


class BrokerCircuit:
    """Skip the broker for a while after a send failed, instead of waiting on it every time.

    While Redis is down each send waits out kombu's connection retry (about two seconds, twice
    per posted message), which would hold up every request of a web process. So after a failure,
    sends are skipped (their jobs stay queued for the reconciler) until a quick ping, at most
    every RECHECK_AFTER seconds, finds Redis answering again.
    """

    RECHECK_AFTER = 5.0
    PING_TIMEOUT = 0.5

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._checked_at = 0.0

    def allows_send(self) -> bool:
        with self._lock:
            if self._down_since is None:
                return True
            if time.monotonic() - self._checked_at < self.RECHECK_AFTER:
                return False
            self._checked_at = time.monotonic()
        if not _broker_answers(timeout=self.PING_TIMEOUT):
            return False
        self.close()
        log.info("the broker answers again: sending jobs")
        return True

    def trip(self) -> None:
        with self._lock:
            if self._down_since is None:
                self._down_since = time.monotonic()
            self._checked_at = time.monotonic()

    def close(self) -> None:
        with self._lock:
            self._down_since = None

    def down_for(self) -> float:
        since = self._down_since
        return 0.0 if since is None else time.monotonic() - since


_circuit = BrokerCircuit()


def _broker_answers(*, timeout: float) -> bool:
    client = redis.Redis.from_url(
        app.conf.broker_write_url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def requeue_job(
    *,
    job: Job,
    from_states: Iterable[str],
    reason: str = "",
    only_task_id: str = "",
    new_run: bool = False,
) -> Job | None:
    """Give a job another attempt under a new task id and send it after commit.

    With `new_run` (a re-run or a learner's retry of a failed job) the job also gets a fresh
    budget of attempts; a reconciler re-send goes on with the budget of the run it belongs to.

    Nothing happens (None) if the job has meanwhile left `from_states`, e.g. a worker finished
    it, or (with `only_task_id`) if it has meanwhile been given another task id, e.g. by a
    reconciler run that overlapped this one. The previous result (or error) stays in place until
    the new attempt records its own.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state not in from_states:
            return None
        if only_task_id and job.celery_task_id != only_task_id:
            return None
        job.state = Job.State.QUEUED
        job.celery_task_id = new_task_id()
        job.queued_at = timezone.now()
        job.started_at = None
        job.finished_at = None
        if new_run:
            job.start_new_run()
        if reason:
            job.last_error = reason
        job.save()
        enqueue_after_commit(job)
    return job

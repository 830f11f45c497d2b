"""Hand jobs to Celery. The web knows a job's task and queue from its kind (chat/kinds.py) only:
it never imports the AI side."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from typing import NamedTuple

import redis
from django.db import transaction

from chat import kinds, redis_clients
from findus.celery import app

log = logging.getLogger("findus.jobs")


def new_task_id() -> str:
    return str(uuid.uuid4())


class Outgoing(NamedTuple):
    """One task message to send: the job's id, its kind and the task id of its current attempt."""

    job_id: int
    kind: str
    task_id: str


def send_after_commit(*outgoing: Outgoing) -> None:
    """Send these jobs' current tasks to the broker once the surrounding transaction commits.

    Sending inside the transaction could let a worker look for a row that is not visible yet.
    """
    transaction.on_commit(lambda: send_jobs(outgoing))


def send_job(*, job_id: int, kind: str, task_id: str) -> bool:
    """Publish one task message; return False (and leave the job queued) if the broker is down."""
    return send_jobs([Outgoing(job_id, kind, task_id)]) == 1


def send_jobs(outgoing: Sequence[Outgoing]) -> int:
    """Publish the jobs' task messages through one producer; return how many were sent.

    A job left unsent (the broker is down) stays queued and is not lost: the reconciler re-sends
    queued jobs that no worker has claimed by their deadline.
    """
    if not _circuit.allows_send():
        for job in outgoing:
            log.warning(
                "job=%s kind=%s not sent: the broker was down %.0fs ago; the reconciler will "
                "send it", job.job_id, job.kind, _circuit.down_for(),
            )  # fmt: skip
        return 0
    sent = 0
    try:
        with app.producer_or_acquire() as producer:
            # One connection attempt: by default kombu keeps retrying for two seconds.
            producer.connection.ensure_connection(max_retries=0)
            for job in outgoing:
                declared = kinds.get(job.kind)
                app.send_task(
                    declared.task_name, args=[job.job_id], task_id=job.task_id,
                    queue=declared.queue, producer=producer,
                )  # fmt: skip
                sent += 1
    except Exception as error:  # kombu raises many kinds of connection errors
        _circuit.trip()
        for job in outgoing[sent:]:
            log.warning(
                "job=%s kind=%s could not be sent to the broker: %s", job.job_id, job.kind, error
            )
    return sent


class BrokerCircuit:
    """Skip the broker for a while after a send failed, instead of waiting on it every time.

    While Redis is down each send waits out kombu's connection retry (about two seconds, twice
    per posted message), which would hold up every request of a web process. So after a failure,
    sends are skipped (their jobs stay queued for the reconciler) until a quick ping, at most
    every RECHECK_AFTER seconds, finds Redis answering again.
    """

    RECHECK_AFTER = 5.0

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
        if not _broker_answers():
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


def _broker_answers() -> bool:
    client = redis_clients.client(redis_clients.BROKER_PING, app.conf.broker_write_url)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False

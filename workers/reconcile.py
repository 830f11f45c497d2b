"""The reconciler: find jobs the broker lost or a dead worker dropped, and send them again.

A job is stuck when it is queued but its task message is nowhere in Redis (Redis restarted
without persistence, or the send failed while Redis was down), when its message is held by a
worker long past the time it was due (the worker died holding it, e.g. during a retry
countdown), or when it is marked running but its worker has stopped beating for it
(workers/heartbeat.py) or it has run longer than the hard time limit allows a live worker (the
worker died). Stuck jobs get a fresh task id, so a late copy of the old message is ignored; a job
out of attempts is failed with the reason.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from chat import jobs, kinds
from chat.models import Job
from findus.celery import app

log = logging.getLogger("findus.reconcile")

# A worker pops a message from its queue list and only then records it in the "unacked" hash, so
# for a moment the message is in neither. Before calling a queued job lost, look again this much
# later.
SECOND_LOOK_AFTER = 0.5


@shared_task(name="findus.maintenance.reconcile_jobs")
def reconcile_jobs() -> dict[str, int]:
    """Re-send lost jobs and fail those out of attempts; return how many of each."""
    return reconcile()


def reconcile() -> dict[str, int]:
    now = timezone.now()
    queued_cutoff = now - timedelta(seconds=settings.FINDUS_RECONCILE_QUEUED_AFTER)
    # The longest a live worker may take over a job: past this, its worker has died.
    hard_limit = settings.CELERY_TASK_TIME_LIMIT + settings.FINDUS_RECONCILE_RUNNING_GRACE
    running_cutoff = now - timedelta(seconds=hard_limit)
    queued = list(Job.objects.filter(state=Job.State.QUEUED, queued_at__lt=queued_cutoff))
    # A live worker beats for its running jobs every FINDUS_HEARTBEAT_INTERVAL seconds.
    silent_since = now - timedelta(seconds=settings.FINDUS_HEARTBEAT_TIMEOUT)
    running = list(
        Job.objects.filter(state=Job.State.RUNNING).filter(
            Q(started_at__lt=running_cutoff) | Q(heartbeat_at__lt=silent_since)
        )
    )
    counts = {"resent": 0, "failed": 0, "left": 0}
    try:
        lost = _not_in_broker(queued)
        held = task_ids_held_past_due(seconds=hard_limit) if len(lost) < len(queued) else set()
    except OperationalError as error:
        log.warning("reconciler: broker unreachable, nothing re-sent: %s", error)
        return counts
    dropped = [job for job in queued if job.celery_task_id in held and job not in lost]
    # The others are still waiting in line: a busy queue, not a lost job.
    counts["left"] = len(queued) - len(lost) - len(dropped)
    for job in dropped:
        _resend_or_fail(
            job,
            counts,
            "The worker holding its task message stopped before running it (held "
            f"{hard_limit}s past the time it was due)",
        )
    for job in lost:
        waited = int((now - job.queued_at).total_seconds())
        _resend_or_fail(
            job,
            counts,
            f"Its task message was lost by the broker (queued {waited}s ago and not in Redis; "
            "Redis may have restarted)",
        )
    for job in running:
        if job.started_at < running_cutoff:
            why = "The worker running it stopped (still marked running past the time limit)"
        else:
            silent = int((now - job.heartbeat_at).total_seconds())
            why = f"The worker running it ({job.worker or 'unknown'}) stopped: silent for {silent}s"
        _resend_or_fail(job, counts, why)
    if any(counts.values()):
        log.info("reconciler: %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def _not_in_broker(queued: list[Job]) -> list[Job]:
    """Return the queued jobs whose task message Redis holds nowhere, looking twice."""
    if not queued:
        return []
    in_broker = task_ids_in_broker()
    lost = [job for job in queued if job.celery_task_id not in in_broker]
    if lost:
        time.sleep(SECOND_LOOK_AFTER)
        in_broker = task_ids_in_broker()
        lost = [job for job in lost if job.celery_task_id not in in_broker]
    return lost


def _resend_or_fail(job: Job, counts: dict[str, int], why: str) -> None:
    """Send the job again, saying `why` it was stuck; fail it if its run has no attempts left."""
    if job.out_of_attempts:
        reason = jobs.gave_up(job.attempts_this_run, f"{why}.")
        counts["failed"] += jobs.give_up(job, reason=reason, from_states=[job.state])
        return
    # Only if no other reconciler run (beat sends one a run, and runs may overlap) re-sent it.
    if jobs.resend(job, reason=f"{why}, so the reconciler sent it again.") is not None:
        counts["resent"] += 1


def task_ids_in_broker() -> set[str]:
    """Return the task ids of every message waiting in, or held unacknowledged from, our queues.

    This reads kombu's Redis layout: a list per queue, and the "unacked" hash of messages that a
    worker has taken but not acknowledged (including retries waiting for their countdown).
    """
    ids: set[str] = set()
    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        for queue in kinds.queues():
            for raw in client.lrange(queue, 0, -1):
                ids.add(_task_id(raw))
        for raw in client.hvals("unacked"):
            ids.add(_task_id(raw, wrapped=True))
    ids.discard("")
    return ids


def task_ids_held_past_due(*, seconds: float) -> set[str]:
    """Return the task ids of messages a worker took but has not run `seconds` after they were due.

    A live worker runs a message as soon as it takes it, or when its countdown ends (a retry),
    and the job is then running, not queued. A queued job whose message is held this long was
    taken by a worker that died: Redis would hand the message back only after the visibility
    timeout, minutes later. This reads kombu's "unacked_index", the time each message was taken.
    """
    now = time.time()
    held: set[str] = set()
    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        taken_at = dict(client.zrange("unacked_index", 0, -1, withscores=True))
        for tag, raw in client.hgetall("unacked").items():
            headers = _headers(raw, wrapped=True)
            due = max(taken_at.get(tag, now), _timestamp(headers.get("eta")))
            if headers.get("id") and now - due > seconds:
                held.add(headers["id"])
    return held


def _task_id(raw: bytes, *, wrapped: bool = False) -> str:
    return _headers(raw, wrapped=wrapped).get("id") or ""


def _headers(raw: bytes, *, wrapped: bool = False) -> dict[str, Any]:
    try:
        payload = json.loads(raw)
        message = payload[0] if wrapped else payload
        return dict(message["headers"])
    except (ValueError, KeyError, IndexError, TypeError):
        return {}


def _timestamp(iso: str | None) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else 0.0
    except (TypeError, ValueError):
        return 0.0

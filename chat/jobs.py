"""A job's life: every change of Job.state, and nothing else writes it.

    create ──> queued ──claim──> running ──succeed──> succeeded
                 ^                  │
                 └──retry_later─────┤            (its task waits out the backoff)
                                    └──give_up──> failed
    queued, running ──resend──> queued           (the reconciler: lost message, dead worker)
    failed, succeeded ──rerun──> queued          (an operator's re-run, the learner's retry)

Each change is one guarded UPDATE whose row count says whether it happened: a worker that lost
its job to a re-run, a reconciler run or another delivery changes nothing. Each change that
happens logs one line (`findus.jobs`) and tells the job's open pages (chat/live.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from chat import kinds, limits, live
from chat.kinds import Done
from chat.models import Conversation, Job, Message
from chat.sending import Outgoing, new_task_id, send_after_commit

log = logging.getLogger("findus.jobs")

UNDER_WAY = (Job.State.QUEUED, Job.State.RUNNING)


def create(
    *,
    kind: str,
    owner: AbstractBaseUser,
    conversation: Conversation | None = None,
    message: Message | None = None,
) -> Job:
    """Store a queued job and send its task once the surrounding transaction commits."""
    [job] = create_all(names=[kind], owner=owner, conversation=conversation, message=message)
    return job


def create_all(
    *,
    names: Iterable[str],
    owner: AbstractBaseUser,
    conversation: Conversation | None = None,
    message: Message | None = None,
) -> list[Job]:
    """Store a queued job of each kind in one INSERT; send their tasks together after commit."""
    names = list(names)
    for kind in names:
        kinds.get(kind)  # an unknown kind fails here, before anything is stored
    now = timezone.now()
    created = Job.objects.bulk_create(
        Job(
            kind=kind,
            owner=owner,
            conversation=conversation,
            message=message,
            celery_task_id=new_task_id(),
            queued_at=now,
        )
        for kind in names
    )
    send_after_commit(*(Outgoing(job.pk, job.kind, job.celery_task_id) for job in created))
    return created


def claim(*, job_id: int, task_id: str, worker: str = "", model_name: str = "") -> Job | None:
    """Mark the job running for this delivery; return None if there is nothing to do.

    The guard is what keeps two deliveries of one task from both running it: a job that
    succeeded, failed, or belongs to a newer task id (a re-run, a reconciler re-send) is left
    alone. A job still marked running past the hard time limit was claimed by a worker that
    died, so it may be claimed again. `worker` names the worker that runs the attempt and
    `model_name` the model it will try, so a job that fails says which one it was.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, started_at__lt=stale)
    updated = Job.objects.filter(
        claimable, Job.with_attempts_left(), pk=job_id, celery_task_id=task_id
    ).update(
        state=Job.State.RUNNING,
        started_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        worker=worker,
        heartbeat_at=now,
        **({"model_name": model_name} if model_name else {}),
    )
    if not updated:
        # Nothing got updated: another delivery got there first, or the job is done. A job
        # delivered again after its last attempt died with its worker ends failed, not stuck.
        _give_up_out_of_attempts(job_id=job_id, task_id=task_id)
        return None
    job = Job.objects.select_related("conversation", "message").filter(pk=job_id).first()
    if job is None:
        return None  # deleted since, with its learner's account: nothing to do
    _changed(job)
    return job


def beat(*, task_ids: Iterable[str]) -> int:
    """Record that the attempts with these task ids are still running in a live worker.

    Not a change of state: the reconciler reads it to tell a job whose worker died (silent for
    FINDUS_HEARTBEAT_TIMEOUT seconds) from one that is merely slow.
    """
    return Job.objects.filter(celery_task_id__in=list(task_ids), state=Job.State.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def succeed(job: Job, done: Done, *, store: Callable[[Job, Any], dict[str, Any]]) -> bool:
    """Store the job's result and mark it succeeded, in one transaction; False if it moved on.

    `store` writes the result and returns what open pages should be told about it. The tokens
    the model used count towards the learner's daily budget (chat/limits.py) after commit.
    """
    now = timezone.now()
    with transaction.atomic():
        ours = Job.objects.filter(
            pk=job.pk, celery_task_id=job.celery_task_id, state=Job.State.RUNNING
        ).select_for_update()
        if not ours.exists():
            # Someone re-queued or finished the job while we ran: their attempt wins.
            log.info("job=%s kind=%s result discarded: the job moved on", job.pk, job.kind)
            return False
        event = store(job, done.result)
        changes = {
            "state": Job.State.SUCCEEDED,
            "finished_at": now,
            "last_error": "",
            "model_name": done.model_name,
            "input_tokens": done.input_tokens,
            "output_tokens": done.output_tokens,
        }
        ours.update(**changes)
        # Counted once the result is committed: a rolled-back result cost the learner nothing.
        tokens = (done.input_tokens or 0) + (done.output_tokens or 0)
        transaction.on_commit(lambda: limits.count_tokens(user_id=job.owner_id, tokens=tokens))
    _apply(job, changes)
    _changed(job, event)
    return True


def retry_later(job: Job, *, reason: str) -> bool:
    """Put a running job back in the queue after a failed attempt; its task retries later."""
    changes = {"state": Job.State.QUEUED, "last_error": reason, "finished_at": None}
    return _move(job, from_states=[Job.State.RUNNING], changes=changes)


def give_up(job: Job, *, reason: str, from_states: Iterable[str] = (Job.State.RUNNING,)) -> bool:
    """Fail the job for good with `reason`, if it is still in one of `from_states`."""
    changes = {"state": Job.State.FAILED, "last_error": reason, "finished_at": timezone.now()}
    return _move(job, from_states=from_states, changes=changes)


def gave_up(attempts: int, last_error: str) -> str:
    """Return the reason a job failed after using every attempt of its run."""
    return f"Gave up after {attempts} attempt{'s' if attempts != 1 else ''}. {last_error}"


def resend(job: Job, *, reason: str) -> Job | None:
    """Send a queued or running job again under a new task id, in the run it belongs to.

    For the reconciler: the job's message was lost, or its worker died. It happens only if the
    job is still as the reconciler saw it (same state, same task id): a queued job a worker has
    meanwhile claimed is left to that worker. A late copy of the old message is ignored, since
    the job no longer has its task id. None if the job moved on.
    """
    return _requeue(job, from_states=[job.state], reason=reason, new_run=False)


def rerun(job: Job, *, from_states: Iterable[str] = (Job.State.FAILED,)) -> Job | None:
    """Queue a finished job again in a new run, with a fresh budget of attempts.

    The attempt count goes on from where it was (a job that failed after 3 attempts makes its
    4th in the re-run), and the previous result or error stays in place until the new run
    records its own. None if the job is no longer in `from_states`.
    """
    return _requeue(job, from_states=from_states, reason="", new_run=True)


def _requeue(job: Job, *, from_states: Iterable[str], reason: str, new_run: bool) -> Job | None:
    changes: dict[str, Any] = {
        "state": Job.State.QUEUED,
        "celery_task_id": new_task_id(),
        "queued_at": timezone.now(),
        "started_at": None,
        "finished_at": None,
    }
    if new_run:
        changes["run_started_at_attempt"] = F("attempts")
    if reason:
        changes["last_error"] = reason
    with transaction.atomic():
        if not _move(job, from_states=from_states, changes=changes):
            return None
        send_after_commit(Outgoing(job.pk, job.kind, job.celery_task_id))
    return job


def _give_up_out_of_attempts(*, job_id: int, task_id: str) -> None:
    out_of_attempts = (
        Job.objects.exclude(Job.with_attempts_left())
        .filter(pk=job_id, celery_task_id=task_id, state__in=UNDER_WAY)
        .first()
    )
    if out_of_attempts is not None:
        reason = gave_up(
            out_of_attempts.attempts_this_run,
            "The last attempt did not finish: its worker stopped.",
        )
        give_up(out_of_attempts, reason=reason, from_states=UNDER_WAY)


def _move(job: Job, *, from_states: Iterable[str], changes: dict[str, Any]) -> bool:
    """Apply `changes` if the job still has its task id and one of `from_states`."""
    updated = Job.objects.filter(
        pk=job.pk, celery_task_id=job.celery_task_id, state__in=list(from_states)
    ).update(**changes)
    if not updated:
        return False
    if any(hasattr(value, "resolve_expression") for value in changes.values()):
        job.refresh_from_db()
    else:
        _apply(job, changes)
    _changed(job)
    return True


def _apply(job: Job, changes: dict[str, Any]) -> None:
    for field, value in changes.items():
        setattr(job, field, value)


def _changed(job: Job, result_event: dict[str, Any] | None = None) -> None:
    """Log the change in one line and tell the job's open pages."""
    since = job.started_at or job.queued_at
    duration = (timezone.now() - since).total_seconds() if since else 0.0
    log.info(
        "job=%s kind=%s state=%s attempt=%s duration=%.3fs",
        job.pk, job.kind, job.state, job.attempts, duration,
    )  # fmt: skip
    channel = (
        live.conversation_channel(job.conversation_id)
        if job.conversation_id
        else live.learner_channel(job.owner_id)
    )
    live.publish(channel, "job", {**job_event(job), **(result_event or {})})


def job_event(job: Job) -> dict[str, Any]:
    """Return what open pages are told about a job."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "message_id": job.message_id,
        "attempts": job.attempts,
    }

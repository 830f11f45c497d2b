"""Deleting a learner's account and everything of theirs, wherever findus keeps it.

In the database: every row of theirs (the cascades from their user row), the Celery
TaskResults of every task their jobs ran under, the admin's log entries about their rows, and
their name on re-runs they asked for of other learners' jobs (a staff account). In Redis: their
cap counters and, for the address they delete from, their failed-login count. Their open event
streams are told to end, and they are logged out.

A job of theirs that a worker is running when the account goes finds its row gone: every
guarded update in chat/jobs.py then changes nothing, so the worker drops its result quietly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models.deletion import Collector
from django.http import HttpRequest
from django.utils import timezone
from django_celery_results.models import TaskResult

from chat import limits, live
from chat.events import STREAM_END
from chat.jobs import UNDER_WAY
from chat.limits import LoginThrottle, client_address
from chat.models import Conversation, Job, JobRerun
from findus.celery import app

log = logging.getLogger("findus.accounts")

# What a re-run record says of who asked, once that account is deleted.
DELETED_ACCOUNT = "(deleted account)"
# A job that finished this recently may not have recorded its task's outcome yet.
JUST_FINISHED = 60
# Added to the wait before deleting the task results of their last jobs again (see
# `forget_again_after`).
FORGET_AGAIN_MARGIN = 30.0


class WrongPassword(Exception):
    """The password given to confirm the deletion is not the account's; nothing was deleted."""


@dataclass(frozen=True)
class ErasedAccount:
    """What the database no longer holds, for the clean-up outside it."""

    user_id: int
    conversation_ids: list[int]
    # The tasks of jobs that were under way (or just finished): they may still record a result.
    late_task_ids: list[str]


def forget_again_after() -> float:
    """Return the seconds after which a task under way now has recorded its outcome: the longest
    retry wait, then its hard time limit."""
    return settings.FINDUS_RETRY_BACKOFF_MAX + settings.CELERY_TASK_TIME_LIMIT + FORGET_AGAIN_MARGIN


async def delete_account(request: HttpRequest, *, password: str) -> ErasedAccount:
    """Delete the logged-in learner's account and everything of theirs; log them out.

    Raise WrongPassword (nothing deleted) or, after repeated wrong passwords from this address,
    RateLimited, like a login.
    """
    user = await request.auser()
    throttle = LoginThrottle(user.get_username(), client_address(request))
    await throttle.check()
    if not password or not await user.acheck_password(password):
        if password:
            await throttle.failed()
        raise WrongPassword
    erased = await sync_to_async(erase_learner)(user=user)
    await auth.alogout(request)
    await throttle.succeeded()  # the failed-login count of this username and address
    await _forget_in_redis(erased)
    log.info("account %s deleted", erased.user_id)
    return erased


def erase_learner(*, user: AbstractBaseUser) -> ErasedAccount:
    """Delete the learner's rows, and every row elsewhere that keeps their name or text."""
    with transaction.atomic():
        # Their jobs first: a worker storing a result holds its job's row until it commits, so
        # after this no worker writes for them, and the rows collected below are all there are.
        jobs = list(
            Job.objects.select_for_update()
            .filter(owner=user)
            .values_list("pk", "celery_task_id", "state", "finished_at")
        )
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        user_id = user.pk
        task_ids = {task_id for _, task_id, *_ in jobs if task_id}
        just_now = timezone.now() - timedelta(seconds=JUST_FINISHED)
        late_task_ids = [
            task_id
            for _, task_id, state, finished_at in jobs
            if task_id and (state in UNDER_WAY or (finished_at and finished_at > just_now))
        ]
        for previous, new in JobRerun.objects.filter(job__owner=user).values_list(
            "previous_task_id", "new_task_id"
        ):
            task_ids.update(task_id for task_id in (previous, new) if task_id)
        conversation_ids = list(
            Conversation.objects.filter(owner=user).values_list("pk", flat=True)
        )
        TaskResult.objects.filter(task_id__in=task_ids).delete()
        JobRerun.objects.filter(by=user).exclude(job__owner=user).update(by_name=DELETED_ACCOUNT)
        collector = Collector(using=router.db_for_write(type(user)), origin=user)
        collector.collect([user])
        _forget_admin_log_entries(collector)
        collector.delete()
    # The deletion has set user.pk to None.
    return ErasedAccount(
        user_id=user_id, conversation_ids=conversation_ids, late_task_ids=late_task_ids
    )


def _forget_admin_log_entries(collector: Collector) -> None:
    """Delete the admin's history entries about any row the deletion removes: their
    `object_repr` may hold the learner's name or text."""
    logged = set(LogEntry.objects.values_list("content_type_id", flat=True).distinct())
    if not logged:
        return
    deleted_pks: dict[int, set[str]] = {}
    for model, instances in collector.data.items():
        _note_pks(deleted_pks, logged, model, (instance.pk for instance in instances))
    for queryset in collector.fast_deletes:  # read only for a type the history mentions
        _note_pks(deleted_pks, logged, queryset.model, queryset.values_list("pk", flat=True))
    # The admin's history is small next to a learner's rows: read it per type and match here.
    for content_type_id, pks in deleted_pks.items():
        entries = LogEntry.objects.filter(content_type_id=content_type_id)
        doomed = [
            pk for pk, object_id in entries.values_list("pk", "object_id") if object_id in pks
        ]
        LogEntry.objects.filter(pk__in=doomed).delete()


def _note_pks(deleted_pks: dict[int, set[str]], logged: set[int], model, pks) -> None:
    if model is LogEntry:
        return
    content_type_id = ContentType.objects.get_for_model(model).pk
    if content_type_id in logged:
        deleted_pks.setdefault(content_type_id, set()).update(str(pk) for pk in pks)


async def _forget_in_redis(erased: ErasedAccount) -> None:
    """Delete their counters, end their open streams, and have the task results of their last
    jobs deleted again once those jobs can no longer record one. Best effort: Redis or the
    broker being down must not undo a deletion that happened."""
    try:
        await limits.forget_counts(erased.user_id)
    except redis.RedisError as error:
        log.warning("the cap counters of account %s were left: %s", erased.user_id, error)
    await sync_to_async(_end_streams_and_forget_results)(erased)


def _end_streams_and_forget_results(erased: ErasedAccount) -> None:
    channels = [live.conversation_channel(pk) for pk in erased.conversation_ids]
    for channel in [*channels, live.learner_channel(erased.user_id)]:
        live.publish(channel, STREAM_END, {})
    if not erased.late_task_ids:
        return
    try:
        app.send_task(
            "findus.maintenance.forget_task_results",
            args=[erased.late_task_ids],
            countdown=forget_again_after(),
            queue="maintenance",
        )
    except Exception as error:  # kombu raises many kinds of connection errors
        log.warning(
            "task results of account %s not scheduled for deletion (they expire anyway): %s",
            erased.user_id, error,
        )  # fmt: skip

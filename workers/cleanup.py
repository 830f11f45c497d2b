"""Periodic and deferred clean-up: expired exports, and the task results of deleted accounts."""

from __future__ import annotations

import logging

from celery import shared_task
from django_celery_results.models import TaskResult

from chat.exports.services import delete_expired_exports

log = logging.getLogger("findus.cleanup")


@shared_task(name="findus.maintenance.delete_expired_exports")
def expire_exports() -> int:
    """Delete the exports past FINDUS_EXPORT_TTL, with their jobs; return how many."""
    deleted = delete_expired_exports()
    if deleted:
        log.info("deleted %s expired export(s)", deleted)
    return deleted


@shared_task(name="findus.maintenance.forget_task_results")
def forget_task_results(task_ids: list[str]) -> int:
    """Delete the TaskResult rows of these task ids; return how many.

    Sent, delayed past the hard time limit, when an account is deleted: a job of theirs that was
    running then records its task's outcome only after the account's rows are gone.
    """
    deleted, _ = TaskResult.objects.filter(task_id__in=task_ids).delete()
    return deleted

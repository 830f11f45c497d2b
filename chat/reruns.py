"""Re-running jobs on an operator's request, from the admin or the shell, each one on record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from chat.jobs import requeue_job
from chat.models import Job, JobRerun

UNDER_WAY = (Job.State.QUEUED, Job.State.RUNNING)


@dataclass
class RerunReport:
    """What `rerun_jobs` did with each job it was given."""

    rerun: list[JobRerun] = field(default_factory=list)
    # Queued or running already: a re-run would only race the attempt under way.
    under_way: list[Job] = field(default_factory=list)
    # Succeeded, and re-running those was not asked for.
    succeeded: list[Job] = field(default_factory=list)


def rerun_jobs(
    *, jobs: Iterable[Job], by: AbstractBaseUser | str, include_succeeded: bool = False
) -> RerunReport:
    """Give each failed job (and each succeeded one, if asked) a new run, and record who asked.

    `by` is the staff user of an admin re-run, or the operator's name for one from the shell.
    A re-run gets a new task id and a fresh budget of attempts: the runner allows
    FINDUS_JOB_MAX_ATTEMPTS per run, so a job that used them all could otherwise never be
    claimed again. The attempt count goes on from where it was (a job that failed after 3
    attempts makes its 4th in the re-run). The previous result or error stays in place until
    the new run records its own.
    """
    rerunnable = [Job.State.FAILED, *([Job.State.SUCCEEDED] if include_succeeded else [])]
    report = RerunReport()
    for job in jobs:
        with transaction.atomic():
            # Decide on the locked row: a worker or another operator may have moved the job.
            current = Job.objects.select_for_update().filter(pk=job.pk).first()
            if current is None:
                continue
            if current.state in UNDER_WAY:
                report.under_way.append(current)
                continue
            if current.state not in rerunnable:
                report.succeeded.append(current)
                continue
            report.rerun.append(_rerun(current, by=by, rerunnable=rerunnable))
    return report


def _rerun(job: Job, *, by: AbstractBaseUser | str, rerunnable: list[str]) -> JobRerun:
    record = JobRerun(
        job=job,
        by=None if isinstance(by, str) else by,
        by_name=by if isinstance(by, str) else by.get_username(),
        via=JobRerun.Via.SHELL if isinstance(by, str) else JobRerun.Via.ADMIN,
        previous_state=job.state,
        previous_attempts=job.attempts,
        previous_error=job.last_error,
        previous_task_id=job.celery_task_id,
    )
    requeued = requeue_job(job=job, from_states=rerunnable, new_run=True)
    # The row is locked by the caller and in `rerunnable`, so requeue_job cannot have declined.
    assert requeued is not None
    record.new_task_id = requeued.celery_task_id
    record.save()
    return record

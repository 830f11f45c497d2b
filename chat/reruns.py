"""Re-running jobs, on an operator's request (the admin, the shell) or a learner's (Try again),
each one on record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from chat.jobs import UNDER_WAY, rerun
from chat.models import Job, JobRerun


@dataclass
class RerunReport:
    """What `rerun_jobs` did with each job it was given."""

    rerun: list[JobRerun] = field(default_factory=list)
    # Queued or running already: a re-run would only race the attempt under way.
    under_way: list[Job] = field(default_factory=list)
    # Succeeded, and re-running those was not asked for.
    succeeded: list[Job] = field(default_factory=list)


def rerun_jobs(
    *,
    jobs: Iterable[Job],
    by: AbstractBaseUser | str,
    include_succeeded: bool = False,
    via: str | None = None,
) -> RerunReport:
    """Give each failed job (and each succeeded one, if asked) a new run, and record who asked.

    `by` is the staff user of an admin re-run, the learner retrying their own job (with
    `via="learner"`), or the operator's name for a re-run from the shell. A re-run gets a new
    task id and a fresh budget of attempts (chat/jobs.py `rerun`).
    """
    rerunnable = [Job.State.FAILED, *([Job.State.SUCCEEDED] if include_succeeded else [])]
    via = via or (JobRerun.Via.SHELL if isinstance(by, str) else JobRerun.Via.ADMIN)
    report = RerunReport()
    for job in _fresh(jobs):
        if job.state in UNDER_WAY:
            report.under_way.append(job)
        elif job.state not in rerunnable:
            report.succeeded.append(job)
        else:
            record = _rerun(job, by=by, via=via, rerunnable=rerunnable)
            if record is not None:
                report.rerun.append(record)
            else:  # a worker or another operator moved it just now
                report.under_way.append(job)
    return report


def _fresh(given: Iterable[Job]) -> list[Job]:
    """Return the jobs as they are now: a worker or another operator may have moved them."""
    given = list(given)
    current = Job.objects.in_bulk([job.pk for job in given])
    return [current[job.pk] for job in given if job.pk in current]


def _rerun(
    job: Job, *, by: AbstractBaseUser | str, via: str, rerunnable: list[str]
) -> JobRerun | None:
    previous = JobRerun(
        job=job,
        by=None if isinstance(by, str) else by,
        by_name=by if isinstance(by, str) else by.get_username(),
        via=via,
        previous_state=job.state,
        previous_attempts=job.attempts,
        previous_error=job.last_error,
        previous_task_id=job.celery_task_id,
    )
    with transaction.atomic():
        requeued = rerun(job, from_states=rerunnable)
        if requeued is None:
            return None
        previous.new_task_id = requeued.celery_task_id
        previous.save()
    return previous

"""The job kinds, one module each. A module declares its kind with `declare`, which registers it
(chat/kinds.py) and makes its Celery task; the workers app imports every module here.

To add a kind: a new module here with its work and how its result is stored, plus a model and a
migration if it stores something new. Nothing else names it.
"""

from __future__ import annotations

from celery import Task, shared_task

from chat.kinds import JobKind, register


def declare(kind: JobKind) -> JobKind:
    """Register a job kind and its task: a thin adapter that runs the job by id."""
    register(kind)

    # max_retries=None: the job's own budget (FINDUS_JOB_MAX_ATTEMPTS per run) decides when to
    # stop, not Celery's default of 3 retries.
    @shared_task(name=kind.task_name, bind=True, max_retries=None)
    def run(task: Task, job_id: int) -> str:
        from workers.runner import run_job  # the AI side: loaded in workers only

        return run_job(task, kind, job_id)

    run.__doc__ = f"Run one {kind.label.lower()} job (its id is the only argument)."
    return kind

"""The provider hangs: the job's time budget (CELERY_TASK_SOFT_TIME_LIMIT, enforced in
workers/ai.py's run_async) cancels the call, the job is retried or failed, and the worker's only
slot is free again: later jobs finish while the hung request is still unanswered."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from chat import services
from chat.models import Job
from tests.faults.conftest import tally, unique_text, wait_until_finished
from tests.helpers import PASSWORD
from tests.processes import Process

BUDGET = 3  # seconds; the request timeout is far longer, so only the budget can cut the call

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.limits(
        CELERY_TASK_SOFT_TIME_LIMIT=BUDGET, CELERY_TASK_TIME_LIMIT=6, FINDUS_AI_REQUEST_TIMEOUT=60
    ),
]

OUT_OF_TIME = "The model did not answer within the job's time budget."


def post(n: int) -> list[Job]:
    learner, _ = User.objects.get_or_create(username="ana", defaults={"password": PASSWORD})
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    return services.post_message(conversation=conversation, text=unique_text(n))[1]


def start_warm_worker(deployment) -> tuple[Process, int]:
    """Start a one-slot worker and run one message through it first: the first jobs of a fresh
    thread build its model and connections, which on a busy machine eats a short budget.
    Return the worker and how much it had logged by then."""
    worker = deployment.start_worker("one-slot", concurrency=1)
    post(0)
    wait_until_finished(count=2, timeout=40)
    return worker, len(worker.output())


def budget_cuts(log: str) -> list[float]:
    """Return how long each attempt the budget cut had run."""
    return [
        float(seconds)
        for seconds in re.findall(r"state=queued attempt=\d+ duration=([\d.]+)s", log)
    ]


def test_a_hung_call_is_cut_off_retried_and_the_slot_runs_the_next_jobs(deployment, fake, record):
    worker, warmed = start_warm_worker(deployment)
    fake.script(["hang"], kind="analysis")
    post(1)
    post(2)
    jobs = wait_until_finished(count=6, timeout=40)[2:]

    log = worker.output()[warmed:]
    cuts = budget_cuts(log)
    record(**tally(deployment, posted=3), hung_calls=fake.hanging, budget_s=BUDGET,
           cut_after_s=cuts)  # fmt: skip
    assert {job.state for job in jobs} == {"succeeded"}
    assert sorted(job.attempts for job in jobs) == [1, 1, 1, 2]
    assert "retry in" in log and OUT_OF_TIME in log
    assert len(cuts) == 1 and BUDGET <= cuts[0] < BUDGET + 2
    # The hung request never got an answer, yet the one slot went on to every other job.
    assert fake.hanging == 1


@pytest.mark.limits(FINDUS_JOB_MAX_ATTEMPTS=2)
def test_a_call_that_always_hangs_fails_after_the_maximum_attempts(deployment, fake, record):
    worker, warmed = start_warm_worker(deployment)
    fake.script(["hang", "hang"], kind="analysis")
    [_, analysis] = post(1)
    wait_until_finished(count=4, timeout=40)
    post(2)
    jobs = wait_until_finished(count=6, timeout=40)

    analysis.refresh_from_db()
    record(**tally(deployment, posted=3), hung_calls=fake.hanging, budget_s=BUDGET,
           cut_after_s=budget_cuts(worker.output()[warmed:]))  # fmt: skip
    assert analysis.state == "failed" and analysis.attempts == 2
    assert analysis.last_error == f"Gave up after 2 attempts. Last error: {OUT_OF_TIME}"
    assert [job.state for job in jobs if job.pk != analysis.pk] == ["succeeded"] * 5
    assert fake.hanging == 2

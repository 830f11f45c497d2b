"""The provider answers 30% of calls with a 429 (Retry-After), a 500 or a timeout: every job
finishes within its retry budget, and none makes more attempts than FINDUS_JOB_MAX_ATTEMPTS.

The faults are random but seeded per job and call, so a run is the same whatever order the
workers ask in, and the test knows how many attempts each job needs. A permanent 400 failing at
once is tests/test_provider_faults.py::test_a_permanent_400_fails_at_once_without_retrying.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from chat import services
from tests.faults.conftest import MESSAGE_JOBS, tally, unique_text, wait_until_finished
from tests.helpers import PASSWORD

MAX_ATTEMPTS = 5
REQUEST_TIMEOUT = 1.5
MESSAGES = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.limits(
        FINDUS_JOB_MAX_ATTEMPTS=MAX_ATTEMPTS, FINDUS_AI_REQUEST_TIMEOUT=REQUEST_TIMEOUT
    ),
]

FAULTS = ["429", "500", "slow:2.5"]  # slow: longer than the request timeout


def planned_attempts(fake, key: tuple[str, str]) -> int:
    """Return the attempts a job needs: up to and including its first call without a fault."""
    for call in range(MAX_ATTEMPTS):
        if fake.random_fault(key, call) is None:
            return call + 1
    return MAX_ATTEMPTS


def test_every_job_finishes_within_its_budget_of_attempts(deployment, fake, record):
    fake.random_faults(rate=0.3, faults=FAULTS, seed=2026)
    deployment.start_worker("worker", concurrency=8)
    learner = User.objects.create_user("ana", password=PASSWORD)
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    for n in range(MESSAGES):
        services.post_message(conversation=conversation, text=unique_text(n))
    finished = wait_until_finished(count=2 * MESSAGES, timeout=120)

    # The messages' jobs: the summary jobs of this long conversation belong to no message.
    jobs = [job for job in finished if job.kind in MESSAGE_JOBS]
    calls = {job: n for job, n in fake.calls_per_job().items() if job[0] in MESSAGE_JOBS}
    faults = sum(calls.values()) - sum(1 for job in jobs if job.state == "succeeded")
    # One attempt may wait out its timeout and then a Retry-After or backoff of a second.
    budget = MAX_ATTEMPTS * (REQUEST_TIMEOUT + 1.0) + 10  # and a queue of 40 jobs on 8 slots
    longest = max((job.finished_at - job.queued_at).total_seconds() for job in jobs)
    figures = tally(deployment, posted=MESSAGES)
    record(
        **figures,
        fault_rate=0.3,
        faults_answered=faults,
        max_attempts_allowed=MAX_ATTEMPTS,
        longest_job_s=round(longest, 1),
        budget_s=budget,
    )
    for job in jobs:
        key = (job.kind, job.message.text)
        planned = planned_attempts(fake, key)
        assert job.attempts == calls[key] == planned, (job, planned)
        if planned == MAX_ATTEMPTS and fake.random_fault(key, MAX_ATTEMPTS - 1):
            assert job.state == "failed"
            assert job.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts")
        else:
            assert job.state == "succeeded"
    assert figures["max_attempts_per_job"] <= MAX_ATTEMPTS
    assert figures["jobs_lost"] == figures["jobs_duplicated"] == 0
    assert faults > 0.2 * figures["provider_calls"]  # the provider really was flaky
    assert longest <= budget

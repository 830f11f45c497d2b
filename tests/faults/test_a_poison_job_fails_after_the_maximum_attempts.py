"""A poison job, one that can never succeed, ends failed after FINDUS_JOB_MAX_ATTEMPTS with its
reason stored, so admins find it among the failed jobs and can re-run it (chat/reruns.py); it
never loops. Two kinds: the provider always fails it, and it takes down every worker that runs
it (a crash the threads pool cannot contain, played here by killing the worker)."""

from __future__ import annotations

import os
import re
import signal

import pytest
from django.contrib.auth.models import User

from chat import services
from chat.models import Job
from tests.faults.conftest import tally, unique_text, wait_until_finished
from tests.helpers import PASSWORD
from tests.processes import pid_with_local_port, wait_for
from workers.reconcile import reconcile

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = unique_text(1)


def post() -> tuple[Job, Job]:
    learner = User.objects.create_user("ana", password=PASSWORD)
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    [reply, analysis] = services.post_message(conversation=conversation, text=TEXT)[1]
    return reply, analysis


def deliveries(log: str, task_id: str) -> int:
    return len(re.findall(rf"\[{re.escape(task_id)}\] received", log))


def worker_asking_the_provider(fake, workers, attempt: int) -> int:
    """Wait for the analysis' `attempt`-th call; return the pid of the worker that made it."""
    wait_for(lambda: fake.calls_per_job()[("analysis", TEXT)] == attempt, timeout=30,
             interval=0.2, what=f"attempt {attempt} to reach the provider")  # fmt: skip
    port = fake.peer_port("analysis", TEXT)
    alive = [worker.popen.pid for worker in workers if worker.popen.poll() is None]
    return wait_for(lambda: pid_with_local_port(port, alive), timeout=5,
                    what="the worker running it")  # fmt: skip


def reconciler_acted() -> bool:
    counts = reconcile()
    return bool(counts["resent"] or counts["failed"])


@pytest.mark.limits(FINDUS_JOB_MAX_ATTEMPTS=3)
def test_a_job_the_provider_always_fails_stops_after_three_attempts(deployment, fake, record):
    deployment.start_worker("worker", concurrency=2)
    fake.script(["500"] * 10, kind="analysis")
    reply, analysis = post()
    wait_until_finished(count=2, timeout=30)

    analysis.refresh_from_db()
    delivered = deliveries(deployment.logs(), analysis.celery_task_id)
    record(**tally(deployment, posted=1), deliveries=delivered, max_attempts=3)
    assert analysis.state == "failed" and analysis.attempts == 3
    assert analysis.last_error.startswith("Gave up after 3 attempts. Last error: ")
    assert "HTTP 500" in analysis.last_error
    assert fake.calls_per_job()[("analysis", TEXT)] == 3
    assert delivered <= 3  # the first delivery and two retries, nothing more
    assert Job.objects.get(pk=reply.pk).state == "succeeded"
    assert list(Job.objects.filter(state="failed")) == [analysis]


@pytest.mark.limits(
    FINDUS_JOB_MAX_ATTEMPTS=2, CELERY_TASK_SOFT_TIME_LIMIT=3, CELERY_TASK_TIME_LIMIT=4
)
def test_a_job_that_kills_every_worker_running_it_fails_instead_of_looping(
    deployment, fake, record
):
    workers = [deployment.start_worker(name, concurrency=2) for name in ("one", "two")]
    fake.script(["hang"] * 10, kind="analysis")
    reply, analysis = post()
    wait_for(lambda: Job.objects.get(pk=reply.pk).state == "succeeded", timeout=20,
             what="the reply")  # fmt: skip
    kills = 0
    for attempt in (1, 2):
        victim = worker_asking_the_provider(fake, workers, attempt)
        os.kill(victim, signal.SIGKILL)  # the poison takes its worker down
        kills += 1
        # The reconciler sends the orphaned job again once it is past its hard time limit.
        wait_for(reconciler_acted, timeout=20, interval=0.5, what="the reconciler to act")

    analysis.refresh_from_db()
    record(**tally(deployment, posted=1), workers_killed=kills, max_attempts=2,
           deliveries=fake.calls_per_job()[("analysis", TEXT)])  # fmt: skip
    assert analysis.state == "failed" and analysis.attempts == 2
    assert analysis.last_error == (
        "Gave up after 2 attempts. "
        "The worker running it stopped (still marked running past the time limit)."
    )
    assert fake.calls_per_job()[("analysis", TEXT)] == 2
    assert kills == 2  # and no worker left alive runs it again

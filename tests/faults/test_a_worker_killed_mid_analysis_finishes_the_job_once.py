"""kill -9 of the process running an analysis: the job still finishes, exactly once.

With the threads pool the worker is one process, so it is the one killed. With the prefork pool
the pool child running the analysis is killed and the worker's main process lives on. Either way
the job row still says running; once it is past the hard time limit the reconciler sends it again
under a new task id, and the redelivered old message (prefork hands it back at once) is ignored.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.contrib.auth.models import User

from chat import services
from chat.models import GrammarAnalysis, Job, Message
from tests.faults.conftest import tally, unique_text
from tests.helpers import PASSWORD
from tests.processes import children_of, pid_with_local_port, wait_for
from workers.reconcile import reconcile

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A short hard limit, so a dead worker's job counts as orphaned after 7 seconds; the budget
    # leaves time to kill the process while the analysis waits on the provider.
    pytest.mark.limits(CELERY_TASK_SOFT_TIME_LIMIT=6, CELERY_TASK_TIME_LIMIT=7),
]

TEXT = unique_text(1)


def post_with_a_hanging_analysis(fake) -> tuple[Job, Job]:
    fake.script(["hang"], kind="analysis")
    learner = User.objects.create_user("ana", password=PASSWORD)
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    _, [reply, analysis] = services.post_message(conversation=conversation, text=TEXT)
    wait_for(lambda: fake.hanging == 1, timeout=20, what="the analysis to reach the provider")
    # Only the analysis is in flight when the process dies.
    wait_for(lambda: Job.objects.get(pk=reply.pk).state == "succeeded", timeout=20,
             what="the reply to finish")  # fmt: skip
    analysis.refresh_from_db()
    assert analysis.state == "running"
    return reply, analysis


def process_asking_the_provider(fake, candidates: list[int]) -> int:
    """Return which of `candidates` holds the analysis' connection to the provider; check that
    the analysis is still waiting on it, in its first attempt."""
    port = fake.peer_port("analysis", TEXT)
    pid = wait_for(lambda: pid_with_local_port(port, candidates), timeout=5,
                   what="the process that asked the provider")  # fmt: skip
    assert fake.hanging == 1
    assert Job.objects.filter(kind="analysis", state="running", attempts=1).exists()
    return pid


def reconcile_until_finished(job: Job, *, timeout: float) -> Job:
    def finished() -> Job | None:
        reconcile()
        job.refresh_from_db()
        return job if job.state in ("succeeded", "failed") else None

    return wait_for(finished, timeout=timeout, interval=0.5, what=f"job {job.pk} to finish")


def check_finished_once(deployment, fake, analysis: Job, record, **figures) -> None:
    figures = {**tally(deployment, posted=1), **figures}
    record(**figures)
    assert analysis.state == "succeeded"
    assert analysis.attempts == 2
    assert fake.calls_per_job()[("analysis", TEXT)] == 2  # the killed call and the one that won
    assert GrammarAnalysis.objects.filter(message=analysis.message).count() == 1
    assert Message.objects.filter(role="tutor").count() == 1
    assert figures["jobs_duplicated"] == 0 and figures["jobs_lost"] == 0


def test_with_the_threads_pool_the_killed_worker_s_job_is_finished_by_the_next(
    deployment, fake, record
):
    workers = [deployment.start_worker(name, concurrency=2) for name in ("one", "two")]
    reply, analysis = post_with_a_hanging_analysis(fake)
    running_it = process_asking_the_provider(fake, [worker.popen.pid for worker in workers])
    [killed] = [worker for worker in workers if worker.popen.pid == running_it]

    os.kill(running_it, signal.SIGKILL)
    killed_at = time.monotonic()
    killed.popen.wait(10)
    analysis = reconcile_until_finished(analysis, timeout=40)

    check_finished_once(
        deployment, fake, analysis, record,
        time_to_recover_s=round(time.monotonic() - killed_at, 1),
    )  # fmt: skip
    reply.refresh_from_db()
    assert reply.state == "succeeded" and reply.attempts == 1


def test_with_the_prefork_pool_the_killed_child_s_job_is_finished_once(deployment, fake, record):
    worker = deployment.start_worker("prefork", concurrency=2, CELERY_WORKER_POOL="prefork")
    _, analysis = post_with_a_hanging_analysis(fake)
    child = process_asking_the_provider(fake, children_of(worker.popen.pid))

    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: "exited with 'signal 9 (SIGKILL)'" in worker.output(), timeout=10,
             what="the worker to notice its child died")  # fmt: skip
    analysis = reconcile_until_finished(analysis, timeout=40)

    check_finished_once(
        deployment, fake, analysis, record,
        time_to_recover_s=round(time.monotonic() - killed_at, 1),
    )  # fmt: skip
    assert worker.popen.poll() is None  # the main process carried on
    # The message handed back when the child died came round again and was ignored.
    assert "'skipped'" in worker.output()

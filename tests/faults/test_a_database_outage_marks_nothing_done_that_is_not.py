"""The database is unreachable while a worker runs a job. The worker reaches PostgreSQL through a
TCP proxy on loopback that the test cuts; the test itself still reads the database directly.
Nothing is marked done that is not, and every job finishes once the database is back."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django_celery_results.models import TaskResult

from chat import services
from chat.models import GrammarAnalysis, Job
from tests.faults.conftest import tally, unique_text, wait_until_finished
from tests.faults.tcp_proxy import TcpProxy
from tests.helpers import PASSWORD
from tests.processes import database_url, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database server to cut off: SQLite is a file in the worker's own "
        "process, so there is no connection to lose (CI runs this on PostgreSQL)",
    ),
]

OUTAGE = 4.0  # seconds


@pytest.fixture
def proxy():
    upstream = urlsplit(database_url())
    proxy = TcpProxy(upstream.port or 5432, upstream.hostname or "127.0.0.1")
    yield proxy
    proxy.stop()


def through(proxy: TcpProxy) -> str:
    url = urlsplit(database_url())
    return url._replace(netloc=f"{url.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}").geturl()


def post(n: int) -> list[Job]:
    learner, _ = User.objects.get_or_create(username="ana", defaults={"password": PASSWORD})
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    return services.post_message(conversation=conversation, text=unique_text(n))[1]


def never_done_during(seconds: float, jobs: list[Job]) -> None:
    """Check, for `seconds`, that no job is marked done and no result is stored."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = set(
            Job.objects.filter(pk__in=[j.pk for j in jobs]).values_list("state", flat=True)
        )
        assert states <= {"queued", "running"}, states
        assert not GrammarAnalysis.objects.exists()
        time.sleep(0.2)


def test_an_outage_while_the_model_answers_keeps_the_answer_once_the_database_is_back(
    deployment, fake, proxy, record
):
    deployment.start_worker("worker", concurrency=2, DATABASE_URL=through(proxy))
    fake.script(["hold"], kind="analysis")
    [reply, analysis] = post(1)
    wait_for(lambda: fake.hanging == 1 and Job.objects.get(pk=reply.pk).state == "succeeded",
             timeout=20, what="the analysis to wait on the provider")  # fmt: skip

    proxy.cut()
    fake.release_hangs()  # the model answers while the database is unreachable
    never_done_during(OUTAGE, [analysis])
    proxy.restore()
    restored_at = time.monotonic()
    wait_until_finished(count=2, timeout=30)
    recovered = time.monotonic() - restored_at
    # Let the delivery finish (Celery records its result) before the test's teardown cuts the
    # proxy again.
    wait_for(lambda: TaskResult.objects.filter(task_id=analysis.celery_task_id, status="SUCCESS")
             .exists(), timeout=10, what="the task's result")  # fmt: skip

    analysis.refresh_from_db()
    record(**tally(deployment, posted=1), outage_s=OUTAGE,
           time_to_recover_s=round(recovered, 1))  # fmt: skip
    assert analysis.state == "succeeded"
    assert GrammarAnalysis.objects.count() == 1
    assert fake.calls("analysis") == 1  # the answer was kept, not asked for again


def test_an_outage_before_the_job_is_claimed_leaves_it_queued_until_the_database_is_back(
    deployment, fake, proxy, record
):
    worker = deployment.start_worker("worker", concurrency=2, DATABASE_URL=through(proxy))
    proxy.cut()
    jobs = post(1)
    wait_for(lambda: "Task findus.analysis.analyse_message" in worker.output(), timeout=10,
             what="the worker to take the job")  # fmt: skip
    never_done_during(OUTAGE, jobs)
    proxy.restore()
    restored_at = time.monotonic()

    def finished() -> bool:
        return not Job.objects.exclude(state__in=["succeeded", "failed"]).exists()

    wait_for(finished, timeout=40, interval=0.5, what="the jobs to finish")
    recovered = time.monotonic() - restored_at
    record(**tally(deployment, posted=1), outage_s=OUTAGE,
           time_to_recover_s=round(recovered, 1))  # fmt: skip
    assert {job.state for job in Job.objects.all()} == {"succeeded"}
    assert fake.calls() == 2  # one per job: nothing ran before the database was back
    assert "database unreachable before a task starts, waiting" in worker.output()
    # Both deliveries were acknowledged: the worker's slots are free for the next jobs.
    post(2)
    wait_until_finished(count=4, timeout=20)

"""The same task message delivered twice (the same task id published twice) runs the job once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from chat import kinds, services
from chat.models import GrammarAnalysis, Job, Message
from findus.celery import app
from tests.faults.conftest import tally, unique_text, wait_until_finished
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def post(n: int) -> list[Job]:
    learner, _ = User.objects.get_or_create(username="ana", defaults={"password": PASSWORD})
    conversation = services.start_conversation(
        owner=learner, language="es", feedback_language="en", level="A2"
    )
    _, jobs = services.post_message(conversation=conversation, text=unique_text(n))
    return jobs


def send_again(job: Job) -> None:
    kind = kinds.get(job.kind)
    app.send_task(kind.task_name, args=[job.pk], task_id=job.celery_task_id, queue=kind.queue)


def test_two_copies_arriving_together_make_one_provider_call(deployment, fake, record):
    # Both copies wait in the queue before a two-slot worker starts, so they run side by side.
    fake.default = "slow:1"
    jobs = post(1)
    for job in jobs:
        send_again(job)
    assert deployment.redis.llen("replies") == deployment.redis.llen("analysis") == 2
    deployment.start_worker("worker", concurrency=4)
    wait_until_finished(count=2, timeout=30)

    figures = tally(deployment, posted=1)
    record(**figures, deliveries=4)
    assert {job.state for job in Job.objects.all()} == {"succeeded"}
    assert [job.attempts for job in Job.objects.all()] == [1, 1]
    assert fake.calls("reply") == 1 and fake.calls("analysis") == 1
    assert GrammarAnalysis.objects.count() == 1
    assert Message.objects.filter(role="tutor").count() == 1
    assert figures["jobs_duplicated"] == 0
    assert deployment.logs().count("succeeded in") == 4  # every copy ran; two were skipped
    assert deployment.logs().count("'skipped'") == 2


def test_a_copy_arriving_after_the_job_finished_does_nothing(deployment, fake, record):
    deployment.start_worker("worker", concurrency=2)
    [reply, analysis] = post(2)
    wait_until_finished(count=2, timeout=30)
    finished = {job.pk: job.finished_at for job in Job.objects.all()}
    before = GrammarAnalysis.objects.get()

    send_again(reply)
    send_again(analysis)
    from tests.processes import wait_for

    wait_for(lambda: deployment.logs().count("'skipped'") == 2, timeout=20,
             what="both late copies to be skipped")  # fmt: skip

    record(**tally(deployment, posted=1), deliveries=4)
    assert {job.pk: job.finished_at for job in Job.objects.all()} == finished
    assert GrammarAnalysis.objects.get().created_at == before.created_at
    assert fake.calls() == 2

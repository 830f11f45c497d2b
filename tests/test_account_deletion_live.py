"""Deleting an account while things of theirs are live: their open event streams end (another
learner's go on), and jobs a real worker is running for them end quietly, writing nothing back
and logging no error; the task results those jobs record afterwards are deleted too."""

from __future__ import annotations

import pytest
from django.test import Client
from django_celery_results.models import TaskResult

from chat.account import deletion
from chat.models import GrammarAnalysis, Job, Message, Mistake, MistakePattern
from tests.conftest import start_provider_worker
from tests.helpers import PASSWORD, post_message, register, start_conversation
from tests.processes import start_uvicorn, wait_for
from tests.test_live_updates import EventReader, logged_in, new_conversation, open_raw_stream

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def worker(django_db_setup, fake_ai, clean_redis_db):
    # A time budget long enough for the held model calls below to be released, not cut off.
    worker = start_provider_worker(
        "worker-deletion", fake_ai, CELERY_TASK_SOFT_TIME_LIMIT="60", CELERY_TASK_TIME_LIMIT="90"
    )
    yield worker
    worker.stop()
    clean_redis_db.flushdb()


@pytest.fixture(scope="module")
def base_url(django_db_setup, clean_redis_db):
    server, base = start_uvicorn("uvicorn-deletion")
    yield base
    server.stop()


def test_the_learners_open_event_streams_end_and_no_one_elses(base_url):
    ana, eve = logged_in(base_url, "ana-streams"), logged_in(base_url, "eve-streams")
    streams = [
        EventReader(ana, f"/api/conversations/{new_conversation(ana)}/events") for _ in range(2)
    ]
    for stream in streams:
        stream.start()
        wait_for(lambda s=stream: s.named("ready"), timeout=10, what="the stream to open")
    eves = open_raw_stream(base_url, f"/api/conversations/{new_conversation(eve)}/events", eve)

    response = ana.post("/api/account/delete", json={"password": PASSWORD})

    assert response.status_code == 204
    for stream in streams:
        wait_for(lambda s=stream: not s.is_alive(), timeout=10, what="ana's stream to end")
    assert ana.get("/api/conversations").status_code == 401
    eves.settimeout(1)
    with pytest.raises(TimeoutError):  # no last chunk: Eve's stream goes on
        eves.recv(4096)
    eves.close()


def test_jobs_running_for_a_deleted_account_end_quietly_writing_nothing_back(
    worker, fake, settings, monkeypatch
):
    # Their task results are deleted again a few seconds after the account, not minutes.
    settings.FINDUS_RETRY_BACKOFF_MAX, settings.CELERY_TASK_TIME_LIMIT = 0, 0
    monkeypatch.setattr(deletion, "FORGET_AGAIN_MARGIN", 6.0)
    client = Client()
    register(client, "ana-busy")
    conversation = start_conversation(client)
    fake.script(["hold"], kind="reply")
    fake.script(["hold"], kind="analysis")
    post_message(client, conversation["id"], "Me gusta la cassa.")
    wait_for(lambda: fake.hanging == 2, timeout=30, what="both model calls to be under way")
    jobs = list(Job.objects.all())
    assert {job.state for job in jobs} == {"running"}
    log_start = len(worker.output())

    response = client.post(
        "/api/account/delete", {"password": PASSWORD}, content_type="application/json"
    )
    fake.release_hangs()

    assert response.status_code == 204
    wait_for(
        lambda: worker.output()[log_start:].count("result discarded: the job moved on") == 2,
        timeout=30,
        what="both jobs to finish and drop their results",
    )
    task_ids = [job.celery_task_id for job in jobs]
    # The worker records each task's outcome after the account is gone...
    wait_for(
        lambda: TaskResult.objects.filter(task_id__in=task_ids).count() == 2,
        timeout=10,
        what="the late task results",
    )
    # ...and the deletion's delayed clean-up deletes them.
    wait_for(
        lambda: not TaskResult.objects.filter(task_id__in=task_ids).exists(),
        timeout=30,
        what="the late task results to be deleted",
    )
    assert not Message.objects.exists()
    assert not GrammarAnalysis.objects.exists()
    assert not (Mistake.objects.exists() or MistakePattern.objects.exists())
    assert not Job.objects.exists()
    written = worker.output()[log_start:]
    assert "Traceback" not in written and "ERROR" not in written, written

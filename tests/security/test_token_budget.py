"""A learner's daily token budget: the workers count each stored job's tokens in Redis for its
learner, and once they reach FINDUS_TOKENS_PER_DAY the learner's messages are refused with 429
until midnight UTC, before anything is stored. 0 turns it off; without Redis it fails open."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from chat import jobs
from chat.kinds import Done
from chat.models import Conversation, Job, Message
from tests.browsers import chromium
from tests.helpers import register, start_conversation, wait_for_jobs
from tests.processes import start_uvicorn
from tests.security.conftest import DAY_START, TEN_AM, learner, make_conversation, make_user, post

REFUSAL = (
    "You have used today's 1,000 tokens of tutoring, the most findus allows in a day. "
    "You can write again in 14 hours, after midnight UTC."
)


@pytest.fixture
def budget(settings):
    settings.FINDUS_TOKENS_PER_DAY = 1000
    return settings


def running_reply(conversation: Conversation) -> Job:
    """Store a learner message whose reply job a worker is running."""
    message = Message.objects.create(conversation=conversation, role="learner", text="Me gusta.")
    now = timezone.now()
    return Job.objects.create(
        kind="reply", owner=conversation.owner, conversation=conversation, message=message,
        state=Job.State.RUNNING, celery_task_id=str(uuid.uuid4()), queued_at=now, started_at=now,
        attempts=1,
    )  # fmt: skip


def store_nothing(job: Job, result) -> dict:
    return {}


def succeed(job: Job, input_tokens: int, output_tokens: int, store=store_nothing) -> bool:
    """Record the job's result as the worker does, spending these tokens."""
    done = Done(None, "openai-chat:fake-1", input_tokens, output_tokens)
    return jobs.succeed(job, done, store=store)


def tokens_counted(store, user_id: int, now: float = TEN_AM) -> int:
    return int(store.get(f"findus:limit:tokens-day:{user_id}:{int(now // 86400)}") or 0)


@pytest.mark.django_db
def test_a_message_past_the_token_budget_is_429_with_retry_after_and_not_stored(
    budget, clock, django_capture_on_commit_callbacks
):
    client, conversation = learner()
    with django_capture_on_commit_callbacks(execute=True):
        assert succeed(running_reply(conversation), 900, 100)

    response = post(client, conversation, "Una más")

    assert response.status_code == 429
    assert response["Retry-After"] == str(DAY_START + 86400 - TEN_AM)
    assert response.json()["detail"] == REFUSAL
    assert list(Message.objects.values_list("text", flat=True)) == ["Me gusta."]
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_under_the_budget_a_message_is_taken(budget, clock, django_capture_on_commit_callbacks):
    client, conversation = learner()
    with django_capture_on_commit_callbacks(execute=True):
        succeed(running_reply(conversation), 900, 99)

    response = post(client, conversation)

    assert response.status_code == 202
    assert Message.objects.filter(text="Hola").count() == 1


@pytest.mark.django_db
def test_the_budget_holds_until_midnight_utc_and_refusals_spend_no_messages(
    budget, clock, clean_redis_db, django_capture_on_commit_callbacks
):
    client, conversation = learner()
    with django_capture_on_commit_callbacks(execute=True):
        succeed(running_reply(conversation), 1000, 0)
    for _ in range(3):
        assert post(client, conversation).status_code == 429
    minute = f"findus:limit:messages-minute:{conversation.owner_id}:{int(TEN_AM // 60)}"
    assert int(clean_redis_db.get(minute)) == 0

    clock.now = DAY_START + 86400 - 1
    last_second = post(client, conversation)
    clock.now = DAY_START + 86400
    next_day = post(client, conversation)

    assert (last_second.status_code, last_second["Retry-After"]) == (429, "1")
    assert next_day.status_code == 202


@pytest.mark.django_db
def test_zero_turns_the_budget_off_but_tokens_are_still_counted(
    settings, clock, clean_redis_db, django_capture_on_commit_callbacks
):
    assert settings.FINDUS_TOKENS_PER_DAY == 0  # the default
    client, conversation = learner()
    with django_capture_on_commit_callbacks(execute=True):
        succeed(running_reply(conversation), 10**6, 10**6)

    assert post(client, conversation).status_code == 202
    assert tokens_counted(clean_redis_db, conversation.owner_id) == 2 * 10**6


@pytest.mark.django_db
def test_a_jobs_tokens_count_for_its_learner_and_not_for_another(
    budget, clock, clean_redis_db, django_capture_on_commit_callbacks
):
    ana, anas = learner("ana")
    bruno, brunos = learner("bruno")
    with django_capture_on_commit_callbacks(execute=True):
        succeed(running_reply(anas), 600, 150)
        succeed(running_reply(anas), 200, 50)

    assert tokens_counted(clean_redis_db, anas.owner_id) == 1000
    assert tokens_counted(clean_redis_db, brunos.owner_id) == 0
    assert post(ana, anas).status_code == 429
    assert post(bruno, brunos).status_code == 202


@pytest.mark.django_db
def test_tokens_are_counted_only_once_the_result_is_committed(
    budget, clock, clean_redis_db, django_capture_on_commit_callbacks
):
    client, conversation = learner()
    rolled_back, moved_on = running_reply(conversation), running_reply(conversation)
    Job.objects.filter(pk=moved_on.pk).update(state=Job.State.QUEUED)  # a re-send took it

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            assert succeed(rolled_back, 900, 100)
            raise RuntimeError("the database connection broke before the commit")
        assert not succeed(moved_on, 900, 100)

    assert callbacks == []
    assert tokens_counted(clean_redis_db, conversation.owner_id) == 0
    assert Job.objects.get(pk=rolled_back.pk).state == Job.State.RUNNING
    assert post(client, conversation).status_code == 202


@pytest.mark.django_db
def test_the_counter_lives_in_redis_and_expires_after_the_day(
    budget, clock, clean_redis_db, django_capture_on_commit_callbacks
):
    conversation = make_conversation(make_user("ana"))
    with django_capture_on_commit_callbacks(execute=True):
        succeed(running_reply(conversation), 40, 2)

    key = f"findus:limit:tokens-day:{conversation.owner_id}:{int(TEN_AM // 86400)}"
    assert int(clean_redis_db.get(key)) == 42
    assert 3600 < clean_redis_db.ttl(key) <= 86400


@pytest.mark.django_db
def test_the_budget_fails_open_with_log_lines_when_redis_is_down(
    budget, clock, settings, caplog, django_capture_on_commit_callbacks
):
    client, conversation = learner()
    job = running_reply(conversation)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="findus.limits"):
        with django_capture_on_commit_callbacks(execute=True):
            assert succeed(job, 5000, 5000)
        response = post(client, conversation)

    assert response.status_code == 202
    assert "10000 tokens of user" in caplog.text and "not counted" in caplog.text
    assert "limits not checked" in caplog.text
    job.refresh_from_db()
    assert (job.state, job.input_tokens, job.output_tokens) == ("succeeded", 5000, 5000)


# --- A real worker spending a real model's tokens ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_workers_jobs_count_their_tokens_for_their_learner(
    client, provider_worker, fake, settings, clean_redis_db
):
    ana = register(client, "ana")
    bruno = register(Client(), "bruno")
    conversation = Conversation.objects.get(pk=start_conversation(client)["id"])

    assert post(client, conversation).status_code == 202
    wait_for_jobs(client, conversation.pk)

    spent = [job.input_tokens + job.output_tokens for job in Job.objects.all()]
    assert len(spent) == 2 and all(spent)
    now = timezone.now().timestamp()
    counted = tokens_counted(clean_redis_db, ana["id"], now)
    assert counted == sum(spent)
    assert tokens_counted(clean_redis_db, bruno["id"], now) == 0
    settings.FINDUS_TOKENS_PER_DAY = counted
    refused = post(client, conversation, "Otra")
    assert refused.status_code == 429
    assert f"today's {counted} tokens" in refused.json()["detail"]
    assert Message.objects.filter(role="learner").count() == 1


# --- The page, in a real browser against uvicorn ----------------------------------------------


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    server, base = start_uvicorn("uvicorn-token-budget", FINDUS_TOKENS_PER_DAY="1000")
    yield base
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_the_page_says_the_budget_is_used_up_and_keeps_the_text(app):
    client, conversation = learner("paula")
    assert succeed(running_reply(conversation), 700, 300)
    [session] = client.cookies.values()  # force_login's session cookie

    with chromium() as browser:
        page = browser.new_page()
        page.context.add_cookies([{"name": session.key, "value": session.value, "url": app}])
        page.goto(f"{app}/conversations/{conversation.pk}/")
        expect(page.locator("#conversation")).to_be_visible()
        page.fill("#text", "Hola otra vez")
        page.click("#send button[type=submit]")

        error = page.locator("#send-error")
        expect(error).to_contain_text("You have used today's 1,000 tokens of tutoring")
        expect(error).to_contain_text("after midnight UTC. Your text is still here.")
        expect(page.locator("#text")).to_have_value("Hola otra vez")
    assert list(Message.objects.values_list("text", flat=True)) == ["Me gusta."]

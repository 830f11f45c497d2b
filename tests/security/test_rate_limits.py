"""A learner's messages per minute and per day, and conversation ends per minute, are capped in
Redis: past a cap the API answers 429 with Retry-After and stores nothing, and the page says why
and keeps the text. While Redis is down the caps fail open."""

from __future__ import annotations

import logging

import pytest
from playwright.sync_api import expect

from chat.models import Job, Message
from tests.browsers import chromium
from tests.helpers import PASSWORD
from tests.processes import start_uvicorn
from tests.security.conftest import DAY_START, TEN_AM, learner, make_conversation, post


@pytest.fixture
def caps(settings):
    settings.FINDUS_MESSAGES_PER_MINUTE = 3
    settings.FINDUS_MESSAGES_PER_DAY = 5
    settings.FINDUS_ENDS_PER_MINUTE = 2
    return settings


@pytest.mark.django_db
def test_a_message_past_the_minute_cap_is_429_with_retry_after_and_not_stored(caps, clock):
    client, conversation = learner()
    for _ in range(3):
        assert post(client, conversation).status_code == 202
    response = post(client, conversation, "Uno más")
    assert response.status_code == 429
    assert response["Retry-After"] == "50"
    assert response.json()["detail"] == (
        "You are sending messages faster than findus allows (3 a minute). "
        "Wait 50 seconds and send it again."
    )
    assert Message.objects.count() == 3
    assert Job.objects.count() == 6
    assert not Message.objects.filter(text="Uno más").exists()


@pytest.mark.django_db
def test_the_next_minute_takes_messages_again(caps, clock):
    client, conversation = learner()
    for _ in range(3):
        post(client, conversation)
    assert post(client, conversation).status_code == 429
    clock.now += 50
    assert post(client, conversation).status_code == 202


@pytest.mark.django_db
def test_the_daily_cap_holds_until_midnight_utc(caps, clock):
    client, conversation = learner()
    for minute in range(2):
        clock.now = TEN_AM + 60 * minute
        for _ in range(3 if minute == 0 else 2):
            assert post(client, conversation).status_code == 202
    clock.now = TEN_AM + 600
    response = post(client, conversation)
    assert response.status_code == 429
    wait = DAY_START + 86400 - clock.now
    assert response["Retry-After"] == str(wait)
    detail = response.json()["detail"]
    assert "5 messages today" in detail and "14 hours" in detail and "midnight UTC" in detail
    assert Message.objects.count() == 5
    clock.now = DAY_START + 86400
    assert post(client, conversation).status_code == 202


@pytest.mark.django_db
def test_when_both_caps_are_used_up_the_longer_wait_is_named(caps, clock):
    caps.FINDUS_MESSAGES_PER_DAY = 3
    client, conversation = learner()
    for _ in range(3):
        post(client, conversation)
    response = post(client, conversation)
    assert "today" in response.json()["detail"]
    assert int(response["Retry-After"]) > 3600


@pytest.mark.django_db
def test_each_learner_has_their_own_count(caps, clock):
    ana, anas = learner("ana")
    for _ in range(3):
        post(ana, anas)
    bruno, brunos = learner("bruno")
    assert post(ana, anas).status_code == 429
    assert post(bruno, brunos).status_code == 202


@pytest.mark.django_db
def test_refused_posts_do_not_use_up_the_cap(caps, clock):
    client, conversation = learner()
    assert post(client, conversation, "   ").status_code == 400
    ended = make_conversation(conversation.owner, ended=True)
    for _ in range(3):
        assert post(client, ended).status_code == 409
    for _ in range(3):
        assert post(client, conversation).status_code == 202


@pytest.mark.django_db
def test_ending_past_the_minute_cap_is_429_and_the_conversation_stays_active(caps, clock):
    client, first = learner()
    conversations = [first, make_conversation(first.owner), make_conversation(first.owner)]
    for conversation in conversations[:2]:
        assert client.post(f"/api/conversations/{conversation.pk}/end").status_code == 202
    response = client.post(f"/api/conversations/{conversations[2].pk}/end")
    assert response.status_code == 429
    assert response["Retry-After"] == "50"
    assert "ended 2 conversations" in response.json()["detail"]
    conversations[2].refresh_from_db()
    assert conversations[2].state == "active"
    assert not Job.objects.filter(conversation=conversations[2]).exists()


@pytest.mark.django_db
def test_zero_turns_a_cap_off(caps, clock):
    caps.FINDUS_MESSAGES_PER_MINUTE = 0
    caps.FINDUS_MESSAGES_PER_DAY = 0
    client, conversation = learner()
    for _ in range(6):
        assert post(client, conversation).status_code == 202


@pytest.mark.django_db
def test_the_counters_live_in_redis_and_expire_with_their_window(caps, clock, clean_redis_db):
    client, conversation = learner()
    post(client, conversation)
    user_id = conversation.owner_id
    minute = clean_redis_db.ttl(f"findus:limit:messages-minute:{user_id}:{int(TEN_AM // 60)}")
    day = clean_redis_db.ttl(f"findus:limit:messages-day:{user_id}:{int(TEN_AM // 86400)}")
    assert 0 < minute <= 60
    assert 3600 < day <= 86400


@pytest.mark.django_db
def test_the_caps_fail_open_with_a_log_line_when_redis_is_down(caps, clock, settings, caplog):
    client, conversation = learner()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="findus.limits"):
        for _ in range(4):
            assert post(client, conversation).status_code == 202
    assert "limits not checked" in caplog.text
    assert Message.objects.count() == 4


# --- The page, in a real browser against uvicorn ----------------------------------------------


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    server, base = start_uvicorn("uvicorn-rate-limits", FINDUS_MESSAGES_PER_MINUTE="1")
    yield base
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_the_page_says_why_a_post_was_refused_and_keeps_the_text(app):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{app}/register/")
        page.fill("#id_username", "paula")
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("New conversation")
        page.click("text=Start")
        expect(page.locator("#conversation")).to_be_visible()
        page.fill("#text", "Hola, ¿qué tal?")
        page.click("#send button[type=submit]")
        expect(page.locator("li.turn")).to_have_count(1)
        expect(page.locator("#text")).to_have_value("")
        page.fill("#text", "Otra vez")
        page.click("#send button[type=submit]")
        error = page.locator("#send-error")
        expect(error).to_contain_text("faster than findus allows (1 a minute)")
        expect(error).to_contain_text("Your text is still here.")
        expect(page.locator("#text")).to_have_value("Otra vez")
        expect(page.locator("li.turn")).to_have_count(1)
    assert list(Message.objects.values_list("text", flat=True)) == ["Hola, ¿qué tal?"]

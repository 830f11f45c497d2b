"""The learner's pages in a real Chromium, against uvicorn with a real worker and Redis.

Screenshots of the chat and review pages, at phone and desktop widths, are saved in
tests/screenshots/.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from chat import services
from chat.models import Conversation, Message
from tests.browsers import (
    PHONE,
    log_in,
    new_page,
    register,
    send,
    shoot,
    start_conversation,
)
from tests.helpers import SENTENCE
from tests.processes import web_and_worker

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    # A visible pace for the offline tutor's stream, so the test can watch it arrive.
    with web_and_worker("browser", FINDUS_LOCAL_STREAM_DELAY="0.12") as base:
        yield base
    clean_redis_db.flushdb()


def start_spanish_conversation(page: Page) -> int:
    return start_conversation(page, language="es", feedback_language="en", level="A2")


def test_a_learner_practises_sees_highlights_and_reads_a_review(app, page):
    register(page, app, "lucia")
    response = page.goto(page.url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".notice")).to_contain_text("offline tutor")
    conversation_id = start_spanish_conversation(page)

    send(page, SENTENCE)
    turn = page.locator("li.turn").first
    expect(turn.locator(".bubble.learner .text")).to_contain_text("Yo tengo un perro")
    # The reply streams in: the bubble shows partial text before the stored reply lands.
    expect(turn.locator(".bubble.tutor.streaming")).to_be_visible(timeout=20_000)
    expect(turn.locator(".bubble.tutor[data-state=done]")).to_be_visible(timeout=30_000)
    stored = Message.objects.get(role="tutor", conversation_id=conversation_id).text
    expect(turn.locator(".bubble.tutor .text")).to_have_text(stored)

    marks = turn.locator("mark.issue")
    expect(marks).to_have_count(2, timeout=20_000)
    assert marks.nth(0).inner_text().startswith("el")
    assert marks.nth(1).inner_text().startswith("cassa")
    issues = turn.locator(".issues li")
    expect(issues.nth(0)).to_contain_text("él")
    expect(issues.nth(1)).to_contain_text("casa")
    expect(issues.nth(1)).to_contain_text("spelling")
    # Each highlight describes itself to screen readers and opens its explanation by keyboard.
    described = marks.nth(1).get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_contain_text("cassa")
    marks.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{described}")).to_have_class(re.compile("active"))
    expect(marks.nth(1)).to_be_focused()

    send(page, "Me gusta mi perro.")
    second = page.locator("li.turn").nth(1)
    # The offline check says what it checked, never that the sentence is flawless (issue 10).
    expect(second.locator(".ok")).to_contain_text("nothing to mark", timeout=20_000)
    expect(second.locator(".ok")).to_contain_text("Grammar is checked when a connected")
    expect(second.locator(".bubble.tutor[data-state=done]")).to_be_visible(timeout=30_000)
    shoot(page, "chat")

    page.click("#end button[type=submit]")
    page.get_by_role("button", name="End and get a review").click()
    expect(page.locator("#review-page")).to_be_visible()
    expect(page.locator(".review-body")).to_be_visible(timeout=30_000)
    expect(page.locator(".review-body")).to_contain_text("cassa")
    # The offline reviewer cannot know a CEFR level, so it claims none (issue 10).
    expect(page.locator(".review-body h3").last).to_have_text("Exercises")
    expect(page.locator(".review-body")).not_to_contain_text("Estimated level")
    shoot(page, "review")
    assert Conversation.objects.get(pk=conversation_id).state == "ended"
    assert page.console_errors == []


def test_a_failed_send_keeps_the_text_and_says_why(app, page):
    register(page, app, "ines")
    conversation_id = start_spanish_conversation(page)
    # Ended in another tab: the page still shows the message box.
    Conversation.objects.filter(pk=conversation_id).update(state="ended")
    send(page, "¿Sigues ahí?")
    expect(page.locator("#send-error")).to_contain_text("ended")
    assert page.input_value("#text") == "¿Sigues ahí?"
    expect(page.locator("li.turn")).to_have_count(0)
    assert not Message.objects.filter(conversation_id=conversation_id).exists()


def test_another_learners_conversation_is_404(app, browser, page):
    register(page, app, "owner1")
    conversation_id = start_spanish_conversation(page)

    other = browser.new_context(viewport=PHONE).new_page()
    register(other, app, "intruder")
    for path in (f"/conversations/{conversation_id}/", f"/conversations/{conversation_id}/review/",
                 f"/conversations/{conversation_id}/turns/"):  # fmt: skip
        assert other.goto(f"{app}{path}").status == 404
    other.context.close()


def test_pages_reloaded_at_any_moment_after_sending_end_up_showing_the_stored_reply(app, browser):
    """Whatever the timing of a reload, the page converges to what is stored.

    Each page is reloaded at its own delay after its message was accepted, so some reloads land
    while the analysis finishes and the reply streams; one is reloaded once it shows the reply
    streaming. One more page's stream fails to connect at first, so every event before its
    reconnect is lost: the refetch on connect must catch up.
    """
    delays = [0.1, 0.3, 0.6]
    first = new_page(browser)
    learner = log_in(first, app, "reloader")
    spanish = {"language": "es", "feedback_language": "en", "level": "A2"}
    conversations = [
        services.start_conversation(owner=learner, **spanish) for _ in range(len(delays) + 2)
    ]
    # A context each: Chromium opens at most 6 connections to a host per context, and each
    # page's stream holds one.
    login = first.context.storage_state()
    pages = [first] + [browser.new_context(storage_state=login).new_page() for _ in delays[1:]]
    pages += [browser.new_context(storage_state=login).new_page() for _ in range(2)]
    for page, conversation in zip(pages, conversations, strict=True):
        page.goto(f"{app}/conversations/{conversation.pk}/")
    *reloaded_after_delays, mid_stream, late = pages
    refused = []

    def refuse_the_first_connect(route):
        if refused:
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    late.route("**/events", refuse_the_first_connect)

    text = "Hola, me llamo Ana y vivo en una ciudad con mi familia."
    for page, delay in zip([*reloaded_after_delays, late], [*delays, 0.1], strict=True):
        with page.expect_response(lambda r: r.url.endswith("/messages")) as response:
            send(page, text)
        assert response.value.status == 202
        page.wait_for_timeout(delay * 1000)
        page.reload(wait_until="commit")
    send(mid_stream, text)
    expect(mid_stream.locator(".bubble.tutor.streaming")).to_be_visible(timeout=20_000)
    mid_stream.reload(wait_until="commit")

    for page, conversation in zip(pages, conversations, strict=True):
        turn = page.locator("li.turn")
        reply = turn.locator(".bubble.tutor[data-state=done] .text")
        expect(reply).to_be_visible(timeout=30_000)
        stored = Message.objects.get(role="tutor", conversation=conversation).text
        expect(reply).to_have_text(stored)
        expect(turn.locator(".analysis[data-state=done]")).to_be_visible()
        expect(turn).to_have_count(1)
    assert refused, "the late page's first stream connection was not refused"
    for page in pages:
        page.context.close()

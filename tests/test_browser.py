"""The learner's pages in a real Chromium, against uvicorn with a real worker and Redis.

Screenshots of the chat and review pages, at phone and desktop widths, are saved in
tests/screenshots/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chat.models import Conversation, Message
from tests.browsers import chromium
from tests.helpers import PASSWORD, SENTENCE
from tests.processes import web_and_worker

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    # A visible pace for the offline tutor's stream, so the test can watch it arrive.
    with web_and_worker("browser", FINDUS_LOCAL_STREAM_DELAY="0.12") as base:
        yield base
    clean_redis_db.flushdb()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("response", lambda r: r.status == 404 and page.console_errors.append(f"404 {r.url}"))
    yield page
    context.close()


def register(page: Page, app: str, username: str) -> None:
    page.goto(f"{app}/register/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("New conversation")


def start_spanish_conversation(page: Page) -> int:
    page.select_option("#id_language", "es")
    page.select_option("#id_feedback_language", "en")
    page.select_option("#id_level", "A2")
    page.click("text=Start")
    expect(page.locator("#conversation")).to_be_visible()
    return int(page.locator("#conversation").get_attribute("data-conversation"))


def send(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.click("#send button[type=submit]")


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


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
    expect(page.locator(f"#{described}")).to_be_focused()

    send(page, "Me gusta mi perro.")
    second = page.locator("li.turn").nth(1)
    # The offline check says what it checked, never that the sentence is flawless (issue 10).
    expect(second.locator(".ok")).to_contain_text("nothing to mark", timeout=20_000)
    expect(second.locator(".ok")).to_contain_text("Grammar is checked when a connected")
    expect(second.locator(".bubble.tutor[data-state=done]")).to_be_visible(timeout=30_000)
    shoot(page, "chat")

    page.click("text=End conversation")
    expect(page.locator("#review-page")).to_be_visible()
    expect(page.locator(".review-body")).to_be_visible(timeout=30_000)
    expect(page.locator(".review-body")).to_contain_text("cassa")
    # The offline reviewer cannot know a CEFR level, so it claims none (issue 10).
    expect(page.locator(".review-body h3").last).to_have_text("Exercises")
    expect(page.locator(".review-body")).not_to_contain_text("Estimated level")
    shoot(page, "review")
    assert Conversation.objects.get(pk=conversation_id).state == "ended"
    assert page.console_errors == []


def test_a_reload_mid_stream_shows_the_full_reply_once_stored(app, page):
    register(page, app, "mateo")
    conversation_id = start_spanish_conversation(page)
    send(page, "Hola, me llamo Mateo y vivo en una ciudad muy grande con mi familia.")
    expect(page.locator(".bubble.tutor.streaming")).to_be_visible(timeout=20_000)

    page.reload()
    done = page.locator("li.turn .bubble.tutor[data-state=done]")
    expect(done).to_be_visible(timeout=30_000)
    stored = Message.objects.get(role="tutor", conversation_id=conversation_id).text
    expect(done.locator(".text")).to_have_text(stored)
    expect(page.locator("li.turn")).to_have_count(1)


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

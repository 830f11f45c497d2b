"""What a learner reads and does on the pages, in a real Chromium against uvicorn, no worker.

No worker takes the jobs, so they stay pending until a test stores what a worker would have
stored (an analysis, a reply, a failure). That keeps these tests fast and their timing exact.
"""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chat import services
from chat.models import Conversation, GrammarAnalysis, Job, Message, Review
from tests.browsers import (
    PHONE,
    SCREENSHOTS,
    log_in,
    new_page,
    open_conversation,
    send,
    shoot,
)
from tests.processes import start_uvicorn, wait_for

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)

# What workers/jobs.py stores when a job gives up: for admins, not for learners.
TECHNICAL = "Gave up after 5 attempts. Last error: ModelConnectionError: Connection error."


@pytest.fixture(scope="module")
def web(django_db_setup, clean_redis_db):
    server, base = start_uvicorn("uvicorn-pages")
    yield base
    server.stop()
    # The tasks nobody took; a later module's worker must not find them.
    clean_redis_db.flushdb()


def sent(page: Page, conversation_id: int, text: str) -> Message:
    """Send `text` from the page; return the stored message once the page shows it pending as
    the server rendered it (so no fetch of the page's is still on its way)."""
    send(page, text)
    message = wait_for(
        Message.objects.filter(conversation_id=conversation_id, text=text).first,
        timeout=10,
        what="the message to be stored",
    )
    expect(page.locator(f"#turn-{message.pk} .analysis[data-job]")).to_be_attached()
    return message


def issue(text: str, original: str, suggestion: str, explanation: str) -> dict:
    start = text.index(original)
    return {
        "start": start, "end": start + len(original), "original": original,
        "suggestion": suggestion, "explanation": explanation, "category": "agreement",
        "severity": "minor",
    }  # fmt: skip


def answer(message: Message, *, reply: str, issues: list[dict], summary: str = "") -> None:
    """Store what the worker would have: the analysis, the reply, their jobs succeeded."""
    GrammarAnalysis.objects.create(
        message=message, issues=issues, corrected_text=message.text, summary=summary
    )
    Message.objects.create(
        conversation_id=message.conversation_id, role="tutor", text=reply, in_reply_to=message
    )
    Job.objects.filter(message=message).update(state="succeeded", finished_at=timezone.now())


def ended(conversation_id: int) -> Job:
    return services.end_conversation(conversation=Conversation.objects.get(pk=conversation_id))


def direction(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).direction")


def test_a_page_catches_up_on_an_answer_no_event_announced(web, page):
    """An event can be lost (a publish to Redis is best effort): while anything is pending the
    page polls, so it shows what is stored without a reload."""
    learner = log_in(page, web, "sinaviso")
    conversation_id = open_conversation(page, web, learner)
    message = sent(page, conversation_id, "Buenos días.")
    answer(message, reply="¡Buenos días! ¿Qué tal?", issues=[])
    expect(page.locator(".bubble.tutor[data-state=done] .text")).to_have_text(
        "¡Buenos días! ¿Qué tal?", timeout=10_000
    )
    expect(page.locator(".analysis[data-state=done]")).to_be_visible()


def test_a_learner_is_told_when_an_answer_takes_longer_than_usual(web, page):
    learner = log_in(page, web, "paciente")
    conversation_id = open_conversation(page, web, learner, feedback_language="es")
    root = page.locator("#conversation")
    expect(root).to_have_attribute("data-slow-after", "15")
    sent(page, conversation_id, "Hola, ¿qué tal?")
    turn = page.locator("li.turn")
    expect(turn.locator(".analysis .pending")).to_be_visible()
    expect(turn.locator(".slow")).to_have_count(0)

    # The threshold, shortened: the page says so without a reload.
    root.evaluate("e => { e.dataset.slowAfter = '1'; }")
    expect(turn.locator(".slow")).to_contain_text("más de lo normal", timeout=5_000)
    expect(turn.locator(".slow")).to_have_count(1)
    shoot(page, "slow")

    ended(conversation_id)
    page.goto(f"{web}/conversations/{conversation_id}/review/")
    expect(page.locator("#review .progress")).to_be_visible()
    page.locator("#review-page").evaluate("e => { e.dataset.slowAfter = '1'; }")
    expect(page.locator("#review .slow")).to_contain_text("más de lo normal", timeout=5_000)
    assert page.console_errors == []


def test_a_failed_answer_says_so_in_the_feedback_language_and_can_be_tried_again(web, page):
    learner = log_in(page, web, "geduldig")
    conversation_id = open_conversation(page, web, learner, feedback_language="de")
    message = sent(page, conversation_id, "Hola, me llamo Ana.")
    Job.objects.filter(message=message).update(
        state="failed", attempts=5, last_error=TECHNICAL, finished_at=timezone.now()
    )

    page.reload()
    analysis = page.locator(".analysis .failed")
    reply = page.locator(".bubble.tutor .failed")
    expect(analysis).to_contain_text("Die Grammatikprüfung hat diesmal nicht geklappt.")
    expect(reply).to_contain_text("Dein Tutor konnte diesmal nicht antworten.")
    expect(reply.locator("button.retry")).to_have_text("Erneut versuchen")
    assert "ModelConnectionError" not in page.content()
    shoot(page, "failed")

    reply.locator("button.retry").click()
    expect(page.locator(".bubble.tutor")).to_have_attribute("data-state", "queued")
    assert Job.objects.get(message=message, kind="reply").state == "queued"
    expect(page.locator(".analysis .failed button.retry")).to_be_visible()

    Job.objects.filter(pk=ended(conversation_id).pk).update(state="failed", last_error=TECHNICAL)
    page.goto(f"{web}/conversations/{conversation_id}/review/")
    expect(page.locator("#review .failed")).to_contain_text("Die Auswertung konnte diesmal")
    expect(page.locator("#review .failed button.retry")).to_have_text("Erneut versuchen")
    assert "ModelConnectionError" not in page.content()


def test_right_to_left_text_reads_in_its_own_direction(web, page):
    learner = log_in(page, web, "noa")
    conversation_id = open_conversation(page, web, learner)
    text = "שלום, אני לומד ספרדית."
    message = sent(page, conversation_id, text)
    explanation = "Use the feminine form if you are a woman."
    answer(message, reply="מצוין! תמשיך לכתוב.", issues=[issue(text, "לומד", "לומדת", explanation)])

    page.reload()
    expect(page.locator(".bubble.tutor[data-state=done]")).to_be_visible()
    assert direction(page, ".bubble.learner .text") == "rtl"
    assert direction(page, ".bubble.tutor .text") == "rtl"
    assert direction(page, "h1") == "rtl"
    shoot(page, "right-to-left")
    # In an English explanation the correction reads original → suggestion, left to right.
    original = page.locator(".issues del").bounding_box()
    suggestion = page.locator(".issues ins").bounding_box()
    assert original["x"] + original["width"] <= suggestion["x"]
    assert direction(page, ".issues .explanation") == "ltr"

    page.goto(f"{web}/")
    assert direction(page, ".conversations a") == "rtl"


def test_on_a_phone_review_headings_are_smaller_than_the_page_title(web, browser):
    page = new_page(browser, PHONE)
    learner = log_in(page, web, "movil")
    spanish = {"language": "es", "feedback_language": "en", "level": "A2"}
    conversation_id = services.start_conversation(owner=learner, **spanish).pk
    job = ended(conversation_id)
    markdown = "## What went well\n\nYou wrote clearly.\n\n### Your level\n\nA2"
    Review.objects.create(
        conversation_id=conversation_id, content={}, markdown=markdown, estimated_level="A2"
    )
    Job.objects.filter(pk=job.pk).update(state="succeeded")

    page.goto(f"{web}/conversations/{conversation_id}/review/")
    sizes = page.evaluate(
        """() => ["h1", ".review-body h2", ".review-body h3"].map(
            (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
    )
    assert sizes[0] > sizes[1] >= sizes[2], sizes
    page.context.close()


def test_keyboard_users_tab_from_highlight_to_highlight_and_learn_that_ctrl_enter_sends(web, page):
    learner = log_in(page, web, "teclado")
    conversation_id = open_conversation(page, web, learner)
    text = "Yo tengo un perro y el es muy bonita."
    message = sent(page, conversation_id, text)
    answer(
        message,
        reply="¡Qué bien!",
        issues=[
            issue(text, "el", "él", "'Él' with an accent is the pronoun."),
            issue(text, "bonita", "bonito", "'Perro' is masculine."),
        ],
    )
    page.reload()
    marks = page.locator("mark.issue")
    explanations = page.locator(".issues li")
    expect(marks).to_have_count(2)

    marks.nth(0).focus()
    page.keyboard.press("Enter")
    expect(explanations.nth(0)).to_have_class(re.compile("active"))
    expect(marks.nth(0)).to_be_focused()
    page.keyboard.press("Tab")
    expect(marks.nth(1)).to_be_focused()
    page.keyboard.press(" ")
    expect(explanations.nth(1)).to_have_class(re.compile("active"))
    expect(explanations.nth(0)).not_to_have_class(re.compile("active"))
    expect(marks.nth(1)).to_be_focused()

    hint = page.locator("#send-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Ctrl+Enter")
    textarea = page.locator("#text")
    expect(textarea).to_have_attribute("aria-describedby", re.compile(r"\bsend-hint\b"))
    expect(textarea).to_have_attribute("aria-keyshortcuts", re.compile("Control\\+Enter"))
    textarea.fill("Hasta luego.")
    textarea.press("Control+Enter")
    expect(page.locator("li.turn[data-message]")).to_have_count(2)
    assert page.console_errors == []


def test_ending_a_conversation_asks_first_and_says_when_replies_are_pending(web, page):
    learner = log_in(page, web, "decidida")
    conversation_id = open_conversation(page, web, learner)
    dialog = page.locator("#confirm-end")
    end = page.locator("#end button[type=submit]")

    end.click()
    expect(dialog).to_be_visible()
    expect(dialog.locator(".pending-note")).to_be_hidden()
    dialog.get_by_role("button", name="Keep practising").click()
    expect(dialog).to_be_hidden()

    sent(page, conversation_id, "Hola, ¿cómo estás?")
    end.click()
    expect(dialog.locator(".pending-note")).to_be_visible()
    expect(dialog).to_contain_text("still")
    page.screenshot(path=SCREENSHOTS / "end-dialog-desktop.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert Conversation.objects.get(pk=conversation_id).state == "active"

    end.click()
    dialog.get_by_role("button", name="End and get a review").click()
    expect(page.locator("#review-page")).to_be_visible()
    assert Conversation.objects.get(pk=conversation_id).state == "ended"
    assert page.console_errors == []

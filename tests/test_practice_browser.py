"""The practice page in a real Chromium, against uvicorn with a real worker: a learner practises
their due cards with the keyboard only (type, Enter, a digit or Enter to rate, the next card),
deletes a card after confirming, and asks for more like this.

Screenshots at phone and desktop widths go to tests/screenshots/practice-*.png.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from chat.models import Card, CardReview, Conversation, Message
from tests.browsers import shoot
from tests.cards import make_card, make_pattern
from tests.helpers import PASSWORD
from tests.processes import web_and_worker

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    with web_and_worker("practice") as base:
        yield base
    clean_redis_db.flushdb()


@pytest.fixture
def marta(app, page) -> User:
    """A learner (registered in the page: the web process hashes passwords its own way) with
    three due cards: two of a mistake she made three times, one of another; on the practice page.
    """
    page.goto(f"{app}/register/")
    page.fill("#id_username", "marta")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("New conversation")
    marta = User.objects.get(username="marta")
    now = timezone.now()
    often = make_pattern(marta, original="cassa", answer="casa", occurrences=3)
    make_card(marta, sentence="Me gusta la cassa.", pattern=often, due=now - timedelta(hours=2))
    make_card(marta, sentence="Mi cassa es grande.", pattern=often, due=now - timedelta(hours=1))
    make_card(marta, sentence="Ella esta cansada.", original="esta", answer="está",
              due=now - timedelta(days=1))  # fmt: skip
    # A sentence of the tutor's with "casa" in it, for the offline model's exercises.
    conversation = Conversation.objects.create(
        owner=marta, language="es", feedback_language="en", level="A2", title="Spanish"
    )
    Message.objects.create(conversation=conversation, role="tutor", text="Mi casa es pequeña.")
    page.goto(f"{app}/practice/")
    expect(page.locator("h1")).to_have_text("Practice")
    return marta


def front(page: Page):
    return page.locator("#front")


def test_a_learner_practises_the_due_cards_with_the_keyboard_only(app, page, marta):
    expect(page.locator("#counts")).to_have_text("3 due · 3 cards in all")
    # The mistake made three times comes first, its earlier card first; the input has the focus.
    expect(front(page)).to_have_text("Me gusta la cassa.")
    expect(front(page).locator("mark")).to_have_text("cassa")
    expect(page.locator("#pattern")).to_contain_text("you made this mistake 3 times")
    expect(page.locator("#typed")).to_be_focused()
    expect(page.locator("#check kbd")).to_have_text("Enter")
    shoot(page, "practice-front")

    page.keyboard.type("casa")
    page.keyboard.press("Enter")
    expect(page.locator("#verdict")).to_have_text("Right!")
    expect(page.locator("#answer")).to_have_text("casa")
    expect(page.locator("#corrected ins")).to_have_text("casa")
    expect(page.locator(".ratings button.suggested")).to_have_attribute("data-rating", "good")
    expect(page.locator(".ratings button.suggested")).to_be_focused()
    expect(page.locator(".ratings button kbd")).to_have_text(["1", "2", "3", "4"])
    shoot(page, "practice-back")
    page.keyboard.press("3")

    expect(front(page)).to_have_text("Mi cassa es grande.")
    expect(page.locator("#typed")).to_be_focused()
    expect(page.locator("#typed")).to_have_value("")
    page.keyboard.type("Casa")
    page.keyboard.press("Enter")
    expect(page.locator("#notes")).to_have_text("Right, but mind the capital letters: «casa».")
    page.keyboard.press("Enter")  # takes the suggested rating, Good

    expect(front(page)).to_have_text("Ella esta cansada.")
    page.keyboard.type("està")
    page.keyboard.press("Enter")
    expect(page.locator("#verdict")).to_have_text("Almost.")
    expect(page.locator("#notes")).to_have_text("Almost: «á», not «à».")
    expect(page.locator(".ratings button.suggested")).to_have_attribute("data-rating", "hard")
    page.keyboard.press("1")

    # Nothing left: the page says when the next card is due (the one rated Again, in a minute).
    expect(page.locator("#done-text")).to_contain_text("The next card is due in")
    expect(page.locator("#card")).to_be_hidden()
    expect(page.locator("#counts")).to_have_text("0 due · 3 cards in all")
    expect(page.locator("[data-due-in=es]")).to_have_text("0 due")
    shoot(page, "practice-done")

    reviews = CardReview.objects.order_by("id")
    assert [(r.card.sentence, r.typed, r.verdict, r.rating) for r in reviews] == [
        ("Me gusta la cassa.", "casa", "right", 3),
        ("Mi cassa es grande.", "Casa", "right", 3),
        ("Ella esta cansada.", "està", "almost", 1),
    ]
    assert all(card.due > timezone.now() for card in Card.objects.all())
    assert page.console_errors == []


def test_a_learner_deletes_a_card_after_confirming_and_asks_for_more_like_it(app, page, marta):
    expect(front(page)).to_have_text("Me gusta la cassa.")
    page.click("#delete")
    dialog = page.locator("#confirm-delete")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # changing one's mind deletes nothing
    expect(dialog).to_be_hidden()
    assert Card.objects.filter(sentence="Me gusta la cassa.").exists()
    page.click("#delete")
    page.click("#confirm-delete-button")
    expect(front(page)).to_have_text("Mi cassa es grande.")
    expect(page.locator("#counts")).to_have_text("2 due · 2 cards in all")
    assert not Card.objects.filter(sentence="Me gusta la cassa.").exists()

    # Suspending takes the card out of practice; Undo brings it back.
    page.click("#suspend")
    expect(front(page)).to_have_text("Ella esta cansada.")
    expect(page.locator("#counts")).to_have_text("1 due · 2 cards in all · 1 suspended")
    page.click("#status button:text('Undo')")
    expect(front(page)).to_have_text("Mi cassa es grande.")
    expect(page.locator("#counts")).to_have_text("2 due · 2 cards in all")

    page.click("#more")
    expect(page.locator("#status")).to_contain_text("new card", timeout=30_000)
    made = Card.objects.filter(source="exercise").order_by("id")
    assert [(c.sentence, c.answer) for c in made] == [
        ("Mi cassa es pequeña.", "casa"),  # the tutor's sentence, misspelt again
        ("cassa", "casa"),  # the word to recall
    ]
    expect(page.locator("#counts")).to_have_text("4 due · 4 cards in all")
    shoot(page, "practice-more")
    assert page.console_errors == []

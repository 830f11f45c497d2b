"""My mistakes, my progress and the settings in a real Chromium, against uvicorn.

Screenshots at phone (390x844) and desktop (1280x800) widths go to tests/screenshots/
(history-mistakes-*, history-progress-*, history-progress-table-*).
"""

from __future__ import annotations

import os
import re

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from playwright.sync_api import Page, expect

from chat.models import LearnerSettings
from tests import history
from tests.browsers import PHONE, register, shoot
from tests.processes import start_uvicorn

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def app(django_db_setup):
    server, base = start_uvicorn("uvicorn-history")
    yield base
    server.stop()


@pytest.fixture
def page(page):
    """The shared page fixture, also recording every answer of 400 or more."""
    page.on(
        "response",
        lambda r: r.status >= 400 and page.console_errors.append(f"{r.status} {r.url}"),
    )
    return page


@transaction.atomic
def months_of_spanish(learner: User) -> None:
    """Twelve Spanish conversations in which "cassa" grows rarer, with reviews, and one in
    French."""
    sentences = [
        ("Ayer compré una cassa pequeña cerca del mar.", [("cassa", "casa")]),
        ("Tengo un pero que se llama Toby.", [("pero", "perro")]),
        ("el es mi hermano mayor.", [("el", "Él")]),
        ("Me gusta mucho, pero tambien el cine.", [("tambien", "también")]),
    ]
    for day in range(12):
        conversation = history.conversation(learner, day=day * 4)
        for text, fixes in sentences[: 4 if day < 7 else 1 + day % 2]:
            if day >= 7 and "cassa" in text:
                continue
            category = "accent" if text.startswith("el es") else "spelling"
            history.write(conversation, text, fixes, category=category)
        history.write(conversation, history.words(90, "bien"))
        if day % 3 == 2:
            history.review(conversation, ["A2", "A2", "B1", "B1"][day // 3])
    french = history.conversation(learner, language="fr", day=60)
    history.write(french, "J'habite dans une maisson bleue.", [("maisson", "maison")])


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_learner_reads_their_mistakes_picks_a_language_and_finds_the_turn(app, page):
    learner = register(page, app, "lucia")
    months_of_spanish(learner)

    page.click("nav.site >> text=My mistakes")
    expect(page.locator("h1")).to_have_text("My mistakes in French")  # practised last
    expect(page.locator(".pattern h2")).to_contain_text(["maisson → maison"])
    page.click(".languages >> text=Spanish")
    expect(page.locator("h1")).to_have_text("My mistakes in Spanish")
    patterns = page.locator(".pattern")
    expect(patterns.first.locator("h2")).to_contain_text("pero → perro")
    cassa = patterns.filter(has_text="cassa → casa")
    expect(cassa.locator(".trend")).to_contain_text("Getting rarer")
    expect(cassa.locator(".quote mark").first).to_have_text("cassa")
    shoot(page, "history-mistakes")
    assert no_horizontal_scroll(page)

    page.click(".sort >> text=most recent")
    expect(page.locator(".sort a[aria-current=page]")).to_have_text("most recent")
    expect(patterns.last.locator("h2")).to_contain_text("cassa → casa")  # not seen lately
    link = cassa.locator(".quote a").first
    target = link.get_attribute("href").split("#")[1]
    link.click()
    expect(page).to_have_url(re.compile(f"#{target}$"))
    turn = page.locator(f"#{target}")
    expect(turn).to_be_in_viewport()
    expect(turn.locator("mark.issue")).to_contain_text("cassa")
    assert page.console_errors == []


def test_the_progress_page_draws_its_charts_and_shows_the_table_on_request(app, page):
    learner = register(page, app, "mateo")
    months_of_spanish(learner)

    page.click("nav.site >> text=Progress")
    page.click(".languages >> text=Spanish")
    expect(page.locator("h1")).to_have_text("My progress in Spanish")
    expect(page.locator("svg.chart")).to_have_count(3)
    # Two conversations had no spelling mistake.
    expect(page.locator("svg.chart rect.cat-spelling")).to_have_count(10)
    expect(page.locator("svg.chart circle.level-dot")).to_have_count(4)
    # The table is there for screen readers, but not shown until asked for.
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(13)
    figures = page.locator("#figures")
    assert figures.bounding_box()["width"] <= 1
    shoot(page, "history-progress")

    page.click("text=Show the figures as a table")
    expect(table).to_be_in_viewport()
    assert figures.bounding_box()["width"] > 300
    expect(table.get_by_role("row").nth(12)).to_contain_text("B1")
    shoot(page, "history-progress-table")

    page.set_viewport_size(PHONE)
    page.click("text=Hide the table")
    chart = page.locator("svg.chart").first
    # On a phone the chart fits the screen and its labels stay readable.
    assert 300 <= chart.bounding_box()["width"] <= PHONE["width"]
    assert chart.locator("text.tick").first.bounding_box()["height"] >= 11
    assert no_horizontal_scroll(page)
    assert page.console_errors == []


def test_a_learner_sees_what_the_tutor_will_practise_and_turns_it_off(app, page):
    learner = register(page, app, "ines")
    months_of_spanish(learner)

    page.select_option("#id_language", "es")
    page.click("text=Start")
    focus = page.locator("aside.focus")
    expect(focus).to_contain_text("Your tutor will help you practise")
    expect(focus.locator("li")).to_have_count(1)  # the only mistake of the last five
    expect(focus.locator("li")).to_contain_text("pero → perro")

    focus.locator("text=Turn this off").click()
    expect(page.locator("h1")).to_have_text("Settings")
    box = page.get_by_label("Let the tutor remember my mistakes")
    expect(box).to_be_checked()
    box.uncheck()
    page.click("text=Save")
    expect(page.locator(".saved")).to_have_text("Saved.")
    expect(box).not_to_be_checked()
    assert LearnerSettings.objects.get(owner=learner).tutor_remembers is False

    page.goto(f"{app}/")
    page.select_option("#id_language", "es")
    page.click("text=Start")
    expect(page.locator("#conversation")).to_be_visible()
    expect(page.locator("aside.focus")).to_have_count(0)
    assert page.console_errors == []


def test_the_empty_pages_say_how_they_fill_up(app, page):
    register(page, app, "nuevo")
    page.click("nav.site >> text=My mistakes")
    expect(page.locator(".empty-state")).to_contain_text("Each message you write")
    page.click("nav.site >> text=Progress")
    expect(page.locator(".empty-state")).to_contain_text("Every conversation adds a point")
    assert page.console_errors == []

"""My progress: per conversation (or week, or month), the words written, mistakes per 100 words
by category and the level each review estimated; drawn as SVG on the server, with a table."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chat.history import chart
from chat.history.progress import Point, Series
from tests import history
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return User.objects.create_user(username="ana", password=PASSWORD)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_progress(client: Client, **query) -> dict:
    response = client.get("/api/progress", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_each_conversation_is_a_point_with_words_rates_by_category_and_level(ana):
    first = history.conversation(ana, day=0)
    history.write(first, "Mi cassa " + history.words(18), [("cassa", "casa")])
    history.write(first, "el es alto " + history.words(17), [("el", "él")], category="accent")
    history.write(first, history.words(50), analysed=False)  # not checked: not counted
    history.review(first, "A2")
    second = history.conversation(ana, day=2)
    history.write(second, history.words(40))
    empty = history.conversation(ana, day=3)  # nothing checked yet: no point
    history.write(empty, "Hola", analysed=False)

    data = api_progress(logged_in(ana))
    assert data["granularity"] == "conversation"
    one, two = data["points"]
    assert (one["conversation_id"], one["words"], one["mistakes"], one["rate"]) == (
        first.pk, 40, 2, 5.0
    )  # fmt: skip
    assert one["by_category"]["spelling"] == {"mistakes": 1, "rate": 2.5}
    assert one["by_category"]["accent"] == {"mistakes": 1, "rate": 2.5}
    assert one["by_category"]["punctuation"] == {"mistakes": 0, "rate": 0.0}
    assert one["level"] == "A2" and one["start"] == "2025-01-06"
    assert (two["words"], two["mistakes"], two["rate"], two["level"]) == (40, 0, 0.0, None)


def test_the_page_draws_svg_charts_without_inline_styles_and_a_table_behind_them(ana):
    for day, level in ((0, "A2"), (7, None), (14, "B1")):
        conversation = history.conversation(ana, day=day)
        history.write(conversation, "Mi cassa " + history.words(8), [("cassa", "casa")])
        if level:
            history.review(conversation, level)

    page = logged_in(ana).get("/progress/").content.decode()
    assert page.count('<svg class="chart"') == 3
    assert "style=" not in page and "<script" not in page
    assert len(re.findall(r'<rect class="cat-spelling" x=', page)) == 3
    assert len(re.findall(r'<circle class="level-dot"', page)) == 2
    # The charts are pictures of the table, which screen readers read instead.
    assert page.count('aria-hidden="true" focusable="false"') == 3
    table = page[page.index('<section id="figures"') :]
    assert table.count("<tr>") == 4  # the header and three conversations
    assert "<td>10.0</td>" in table and "<td>B1</td>" in table
    assert 'href="#figures"' in page


def test_many_conversations_are_grouped_by_week_then_by_month(ana):
    for day in range(0, 35 * 2, 2):  # 35 conversations over ten weeks
        history.write(
            history.conversation(ana, day=day), "Mi cassa es grande.", [("cassa", "casa")]
        )
    weekly = api_progress(logged_in(ana))
    assert weekly["granularity"] == "week"
    assert len(weekly["points"]) == 10
    assert weekly["points"][0]["start"] == "2025-01-06"  # a Monday
    assert weekly["points"][0]["label"] == "week of 6 Jan 2025"
    assert sum(p["conversations"] for p in weekly["points"]) == 35
    assert all(p["rate"] == 25.0 for p in weekly["points"])

    for day in range(70, 420, 7):  # and on, weekly, for more than a year
        history.write(history.conversation(ana, day=day), "Mi casa es grande.")
    monthly = api_progress(logged_in(ana))
    assert monthly["granularity"] == "month"
    assert monthly["points"][0]["start"] == "2025-01-01"
    assert sum(p["conversations"] for p in monthly["points"]) == 85


def test_the_empty_page_says_how_it_fills_up(ana):
    client = logged_in(ana)
    page = client.get("/progress/").content.decode()
    assert "Nothing to show yet" in page and "Every conversation adds a point" in page
    assert "<svg" not in page
    assert api_progress(client) == {
        "language": None, "languages": [], "granularity": "conversation", "points": [],
    }  # fmt: skip


def test_a_learner_with_several_languages_picks_the_language(ana):
    history.write(history.conversation(ana, day=0), "Mi cassa.", [("cassa", "casa")])
    history.write(history.conversation(ana, language="de", day=1), "Mein Haus ist groß.")
    client = logged_in(ana)

    assert api_progress(client)["language"] == "de"
    spanish = api_progress(client, language="es")
    assert [p["rate"] for p in spanish["points"]] == [50.0]
    assert "My progress in Spanish" in client.get("/progress/?language=es").content.decode()
    assert client.get("/api/progress", {"language": "klingon"}).status_code == 422
    assert client.get("/progress/", {"language": "klingon"}).status_code == 400


def test_another_learners_progress_is_not_shown(ana):
    history.write(history.conversation(ana), "Mi cassa.", [("cassa", "casa")])
    bea = User.objects.create_user(username="bea", password=PASSWORD)
    assert api_progress(logged_in(bea), language="es")["points"] == []


def test_the_chart_scales_to_round_numbers_and_stacks_categories():
    point = Point(start=history.START.date(), label="6 Jan 2025", conversations=1, words=200)
    point.mistakes.update(spelling=5, accent=2)
    panel = chart.draw(Series("conversation", [point])).mistakes
    assert [tick.label for tick in panel.y_ticks] == ["0", "1", "2", "3", "4"]
    spelling, accent = panel.bars
    # 2.5 and 1 per 100 words, stacked from the axis up to 3.5 of 4.
    assert spelling.y + spelling.height == pytest.approx(panel.bottom, abs=0.1)
    assert accent.y + accent.height == pytest.approx(spelling.y, abs=0.1)
    plot = panel.bottom - panel.top
    assert spelling.height == pytest.approx(plot * 2.5 / 4, abs=0.1)
    assert accent.y == pytest.approx(panel.bottom - plot * 3.5 / 4, abs=0.1)

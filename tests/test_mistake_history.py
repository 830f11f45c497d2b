"""My mistakes: a learner's patterns by how often and how recently they occur, quoted from their
own messages, and whether each is getting rarer; the page and the API read the same."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chat.history.trends import Trend
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


def api_mistakes(client: Client, **query) -> dict:
    response = client.get("/api/mistakes", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_patterns_come_most_frequent_first_or_most_recent_first(ana):
    first = history.conversation(ana, day=0)
    history.write(first, "Mi cassa es grande.", [("cassa", "casa")])
    history.write(first, "La cassa es bonita.", [("cassa", "casa")])
    later = history.conversation(ana, day=3)
    history.write(later, "Tengo un pero.", [("pero", "perro")])
    client = logged_in(ana)

    frequent = api_mistakes(client)
    assert [p["label"] for p in frequent["patterns"]] == ["cassa → casa", "pero → perro"]
    assert [p["occurrences"] for p in frequent["patterns"]] == [2, 1]
    recent = api_mistakes(client, sort="recent")
    assert [p["label"] for p in recent["patterns"]] == ["pero → perro", "cassa → casa"]

    page = client.get("/mistakes/?sort=recent").content.decode()
    assert page.index("pero → perro") < page.index("cassa → casa")


def test_each_pattern_quotes_the_learners_words_with_the_mistake_marked_and_links_to_the_turn(
    ana,
):
    conversation = history.conversation(ana)
    message = history.write(
        conversation, "Ayer fui al mercado con mi hermana y compramos una cassa pequeña.",
        [("cassa", "casa")],
    )  # fmt: skip
    client = logged_in(ana)

    (pattern,) = api_mistakes(client)["patterns"]
    (quote,) = pattern["quotes"]
    assert quote["before"] + quote["marked"] + quote["after"] == message.text
    assert quote["marked"] == "cassa" and quote["suggestion"] == "casa"
    assert quote["url"] == f"/conversations/{conversation.pk}/#turn-{message.pk}"

    page = client.get("/mistakes/").content.decode()
    assert '<mark class="issue cat-spelling">cassa</mark> pequeña.' in page
    assert f'href="/conversations/{conversation.pk}/#turn-{message.pk}"' in page
    # The anchor is a turn of the conversation page.
    conversation_page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert f'id="turn-{message.pk}"' in conversation_page


def test_a_long_message_is_quoted_around_the_mistake(ana):
    conversation = history.conversation(ana)
    text = history.words(40, "antes") + " una cassa " + history.words(40, "después")
    history.write(conversation, text, [("cassa", "casa")])

    quote = api_mistakes(logged_in(ana))["patterns"][0]["quotes"][0]
    assert quote["marked"] == "cassa"
    assert quote["before"].startswith("…antes") and quote["after"].endswith("después…")
    assert len(quote["before"]) < 70 and len(quote["after"]) < 70


def test_a_pattern_seen_more_than_three_times_shows_the_latest_quotes_and_links_to_all(ana):
    conversation = history.conversation(ana)
    for n in range(5):
        history.write(conversation, f"La cassa número {n}.", [("cassa", "casa")], minutes=n + 1)
    client = logged_in(ana)

    (pattern,) = api_mistakes(client)["patterns"]
    assert [q["before"] for q in pattern["quotes"]] == ["La ", "La ", "La "]
    assert [q["after"] for q in pattern["quotes"]] == [" número 4.", " número 3.", " número 2."]
    detail = client.get(f"/api/mistakes/patterns/{pattern['id']}").json()
    assert len(detail["quotes"]) == 5
    page = client.get(f"/mistakes/patterns/{pattern['id']}/").content.decode()
    assert page.count('class="quote"') == 5


def test_a_mistake_made_less_often_lately_is_getting_rarer(ana):
    # Five earlier conversations of 100 words with 3 "cassa" each, five recent ones with none
    # but the last: 3.0 per 100 words before, 0.2 recently.
    for day in range(10):
        conversation = history.conversation(ana, day=day)
        fixes = 3 if day < 5 else (1 if day == 9 else 0)
        for _ in range(fixes):
            history.write(conversation, "Mi cassa " + history.words(3), [("cassa", "casa")])
        history.write(conversation, history.words(100 - 5 * fixes))

    data = api_mistakes(logged_in(ana))
    trend = data["patterns"][0]["trend"]
    assert trend["recent_words"] == 500 and trend["earlier_words"] == 500
    assert (trend["recent_rate"], trend["earlier_rate"]) == (0.2, 3.0)
    assert trend["direction"] == "rarer"
    assert data["trend"]["direction"] == "rarer"
    assert "Getting rarer</span>: 0.2 per 100 words in your last 5 conversations, 3.0 before." in (
        logged_in(ana).get("/mistakes/").content.decode()
    )


def test_a_new_mistake_made_lately_is_more_frequent(ana):
    for day in range(10):
        conversation = history.conversation(ana, day=day)
        fixes = 2 if day >= 5 else 0
        for _ in range(fixes):
            history.write(conversation, "Tengo un pero " + history.words(2), [("pero", "perro")])
        history.write(conversation, history.words(100 - 5 * fixes))

    (pattern,) = api_mistakes(logged_in(ana))["patterns"]
    assert pattern["trend"]["direction"] == "more_frequent"


def test_too_little_writing_says_not_enough_writing_yet(ana):
    for day in range(6):
        conversation = history.conversation(ana, day=day)
        history.write(conversation, "Mi cassa es bonita.", [("cassa", "casa")])

    data = api_mistakes(logged_in(ana))
    assert data["trend"]["direction"] == "not_enough_writing"
    assert data["patterns"][0]["trend"]["recent_rate"] == 25.0
    page = logged_in(ana).get("/mistakes/").content.decode()
    assert "Not enough writing yet to tell</span>." in page
    assert "so far: 20 and 4" in page


@pytest.mark.parametrize(
    ("recent", "earlier", "direction"),
    [
        ((3, 500), (15, 500), "rarer"),
        ((14, 500), (15, 500), "steady"),
        # A quarter lower, but less than one mistake fewer than expected: nothing to say.
        ((0, 100), (1, 150), "steady"),
        ((9, 500), (3, 500), "more_frequent"),
        ((9, 99), (3, 500), "not_enough_writing"),
        ((9, 500), (3, 99), "not_enough_writing"),
    ],
)
def test_the_trend_is_defined_by_rates_per_100_words_and_a_margin(recent, earlier, direction):
    trend = Trend(
        recent_mistakes=recent[0], recent_words=recent[1],
        earlier_mistakes=earlier[0], earlier_words=earlier[1],
    )  # fmt: skip
    assert trend.direction == direction


def test_messages_not_yet_analysed_do_not_count_as_words(ana):
    conversation = history.conversation(ana)
    history.write(conversation, "Mi cassa.", [("cassa", "casa")])
    history.write(conversation, history.words(500), analysed=False)

    assert api_mistakes(logged_in(ana))["patterns"][0]["trend"]["recent_words"] == 2


def test_a_learner_with_several_languages_picks_the_language(ana):
    spanish = history.conversation(ana, day=0)
    history.write(spanish, "Mi cassa.", [("cassa", "casa")])
    french = history.conversation(ana, language="fr", day=1)
    history.write(french, "Ma maisson.", [("maisson", "maison")])
    client = logged_in(ana)

    latest = api_mistakes(client)
    assert latest["language"] == "fr" and latest["languages"] == ["fr", "es"]
    assert [p["label"] for p in latest["patterns"]] == ["maisson → maison"]
    assert [p["label"] for p in api_mistakes(client, language="es")["patterns"]] == ["cassa → casa"]
    page = client.get("/mistakes/?language=es").content.decode()
    assert "My mistakes in Spanish" in page and "maisson" not in page
    assert '<a href="?language=fr">French</a>' in page
    assert '<a href="?language=es" aria-current="page">Spanish</a>' in page


def test_the_empty_page_says_how_it_fills_up(ana):
    client = logged_in(ana)
    page = client.get("/mistakes/").content.decode()
    assert "No mistakes here yet" in page
    assert "Each message you write in a conversation gets a grammar check" in page
    assert api_mistakes(client) == {
        "language": None, "languages": [], "trend": None, "sort": "frequent", "page": 1,
        "pages": 1, "total_patterns": 0, "patterns": [],
    }  # fmt: skip
    history.conversation(ana)
    assert "No mistakes here yet in Spanish" in client.get("/mistakes/").content.decode()


def test_patterns_come_twenty_a_page(ana):
    conversation = history.conversation(ana)
    for n in range(23):
        history.write(conversation, f"Palabra{n}x.", [(f"Palabra{n}x", f"palabra{n}")])
    client = logged_in(ana)

    first, last = api_mistakes(client), api_mistakes(client, page=2)
    assert (first["pages"], first["total_patterns"], len(first["patterns"])) == (2, 23, 20)
    assert len(last["patterns"]) == 3
    assert not {p["id"] for p in first["patterns"]} & {p["id"] for p in last["patterns"]}
    assert 'rel="next"' in client.get("/mistakes/").content.decode()
    assert api_mistakes(client, page=9)["page"] == 2


def test_a_rerun_analysis_does_not_count_a_mistake_twice(ana):
    conversation = history.conversation(ana)
    message = history.write(conversation, "Mi cassa.", [("cassa", "casa")])
    from chat.history.mistakes import record_mistakes

    record_mistakes(message=message, issues=[history.issue(message.text, "cassa", "casa")])
    (pattern,) = api_mistakes(logged_in(ana))["patterns"]
    assert pattern["occurrences"] == 1 and len(pattern["quotes"]) == 1


@pytest.mark.parametrize(
    "query", [{"language": "xx"}, {"sort": "sideways"}, {"page": "0"}, {"page": "one"}]
)
def test_a_bad_query_is_422_in_the_api_and_400_on_the_page(ana, query):
    client = logged_in(ana)
    assert client.get("/api/mistakes", query).status_code == 422
    page = client.get("/mistakes/", query)
    assert page.status_code == 400
    assert "This page cannot show that" in page.content.decode()


def test_another_learners_patterns_are_not_shown_and_are_404(ana):
    history.write(history.conversation(ana), "Mi cassa.", [("cassa", "casa")])
    bea = User.objects.create_user(username="bea", password=PASSWORD)
    pattern_id = api_mistakes(logged_in(ana))["patterns"][0]["id"]
    client = logged_in(bea)

    assert api_mistakes(client)["patterns"] == []
    assert api_mistakes(client, language="es")["patterns"] == []
    assert client.get(f"/api/mistakes/patterns/{pattern_id}").status_code == 404
    assert client.get(f"/mistakes/patterns/{pattern_id}/").status_code == 404
    assert "cassa" not in client.get("/mistakes/?language=es").content.decode()


def test_model_text_in_patterns_and_quotes_is_shown_as_text(ana):
    conversation = history.conversation(ana)
    text = 'Mi <img src=x onerror="alert(1)"> cassa.'
    history.write(conversation, text, [("cassa", "<script>alert(2)</script>")])
    client = logged_in(ana)
    pattern_id = api_mistakes(client)["patterns"][0]["id"]
    started = client.post(
        "/api/conversations", {"language": "es", "feedback_language": "en", "level": "A2"},
        content_type="application/json",
    ).json()  # fmt: skip

    for path in ("/mistakes/", f"/mistakes/patterns/{pattern_id}/",
                 f"/conversations/{started['id']}/", "/progress/"):  # fmt: skip
        page = client.get(path).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, path
    page = client.get("/mistakes/").content.decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page

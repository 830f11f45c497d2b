"""The practice API: due cards in practice order with counts, answering (checked, then rated),
suspending, deleting and "More like this", each the caller's own, with bad input refused and
stored nowhere."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from chat.models import Card, CardReview, Job, PracticeRequest
from tests.cards import make_card, make_pattern

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(clean_redis_db):
    def forget():
        keys = list(clean_redis_db.scan_iter("findus:limit:*"))
        if keys:
            clean_redis_db.delete(*keys)

    forget()
    yield
    forget()


@pytest.fixture
def ana() -> User:
    return User.objects.create_user("ana")


def client_of(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def post(client: Client, url: str, body=None, **headers):
    if body is None:
        return client.post(url, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def same_time(written: str, moment: datetime) -> bool:
    """Whether the API's time (to the millisecond) is `moment`."""
    return abs(datetime.fromisoformat(written) - moment) < timedelta(milliseconds=1)


def stored() -> list:
    return [
        sorted(Card.objects.values_list("pk", "suspended", "due", "scheduling")),
        sorted(CardReview.objects.values_list("pk", "rating")),
        sorted(Job.objects.values_list("pk", "state")),
        PracticeRequest.objects.count(),
    ]


def test_due_cards_come_recurring_patterns_first_then_by_due_time(ana):
    now = timezone.now()
    often = make_pattern(ana, original="cassa", answer="casa", occurrences=5)
    once = make_card(ana, sentence="Un gatto.", original="gatto", answer="gato",
                     due=now - timedelta(days=3))  # fmt: skip
    later_of_often = make_card(
        ana, pattern=often, sentence="La cassa.", due=now - timedelta(hours=1)
    )
    first_of_often = make_card(
        ana, pattern=often, sentence="Mi cassa.", due=now - timedelta(hours=2)
    )
    make_card(ana, pattern=often, sentence="Tu cassa.", due=now + timedelta(hours=5))
    make_card(ana, pattern=often, sentence="Su cassa.", suspended=True)
    make_card(User.objects.create_user("ben"), sentence="Otra cassa.")  # not ana's

    answer = client_of(ana).get("/api/practice/cards").json()

    assert [card["id"] for card in answer["cards"]] == [
        first_of_often.pk, later_of_often.pk, once.pk
    ]  # fmt: skip
    assert answer["counts"] | {"next_due_at": None} == {
        "language": "", "due": 3, "later": 1, "suspended": 1, "total": 5, "next_due_at": None
    }  # fmt: skip
    shown = answer["cards"][0]
    assert shown["sentence"][shown["start"] : shown["end"]] == "cassa"
    assert shown["pattern"] == {"id": often.pk, "label": "cassa → casa", "category": "spelling",
                                "occurrences": 5}  # fmt: skip


def test_one_language_at_a_time_and_a_bad_language_is_422(ana):
    make_card(ana, sentence="La cassa.")
    french = make_card(ana, sentence="Le chatt.", original="chatt", answer="chat", language="fr")
    client = client_of(ana)
    answer = client.get("/api/practice/cards?language=fr").json()
    assert [card["id"] for card in answer["cards"]] == [french.pk]
    assert answer["counts"]["total"] == 1
    assert {counts["language"]: counts["due"] for counts in answer["languages"]} == {
        "es": 1,
        "fr": 1,
    }
    assert client.get("/api/practice/cards?language=xx").status_code == 422


def test_when_nothing_is_due_the_answer_says_when_the_next_card_is(ana):
    soon = timezone.now() + timedelta(minutes=7)
    make_card(ana, due=soon)
    make_card(ana, sentence="Otra cassa.", due=soon + timedelta(days=2))
    answer = client_of(ana).get("/api/practice/cards").json()
    assert answer["cards"] == []
    assert same_time(answer["counts"]["next_due_at"], soon)


def test_checking_an_answer_shows_the_back_and_stores_nothing(ana):
    card = make_card(ana)
    before = stored()
    response = post(client_of(ana), f"/api/practice/cards/{card.pk}/check", {"typed": "Casa"})
    assert response.status_code == 200
    assert response.json() == {
        "verdict": "right",
        "notes": ["Right, but mind the capital letters: «casa»."],
        "suggested_rating": "good",
        "answer": "casa",
        "corrected_sentence": "Me gusta la casa.",
        "explanation": "It is spelt casa.",
    }
    assert stored() == before


def test_a_review_judges_the_answer_logs_it_and_schedules_the_card(ana):
    card = make_card(ana)
    response = post(client_of(ana), f"/api/practice/cards/{card.pk}/review",
                    {"typed": "cása", "rating": "hard"})  # fmt: skip
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["check"]["verdict"] == "almost"
    assert answer["check"]["suggested_rating"] == "hard"
    assert answer["review"]["rating"] == 2
    review = CardReview.objects.get(card=card)
    assert (review.typed, review.verdict, review.rating) == ("cása", "almost", 2)
    assert Card.objects.get(pk=card.pk).due > timezone.now()
    assert same_time(answer["card"]["due"], Card.objects.get(pk=card.pk).due)


@pytest.mark.parametrize(
    "body",
    [
        {"typed": "casa", "rating": "perfect"},
        {"typed": "casa", "rating": 3},
        {"typed": "casa"},
        {"typed": "c" * 501, "rating": "good"},
        {"typed": "ca\u0000sa", "rating": "good"},
        {"typed": ["casa"], "rating": "good"},
        "not json",
    ],
)
def test_a_bad_rating_or_answer_is_refused_and_stores_nothing(ana, body):
    card = make_card(ana)
    before = stored()
    url = f"/api/practice/cards/{card.pk}/review"
    if isinstance(body, str):
        response = client_of(ana).post(url, body, content_type="application/json")
    else:
        response = post(client_of(ana), url, body)
    assert response.status_code in (400, 422), response.content
    assert stored() == before


def test_a_suspended_card_leaves_practice_until_it_is_unsuspended(ana):
    card = make_card(ana)
    client = client_of(ana)
    assert post(client, f"/api/practice/cards/{card.pk}/suspend").json()["suspended"] is True
    assert client.get("/api/practice/cards").json()["cards"] == []
    response = post(client, f"/api/practice/cards/{card.pk}/review", {"rating": "good"})
    assert response.status_code == 409
    assert not CardReview.objects.exists()
    assert post(client, f"/api/practice/cards/{card.pk}/unsuspend").json()["suspended"] is False
    assert [c["id"] for c in client.get("/api/practice/cards").json()["cards"]] == [card.pk]


def test_deleting_a_card_removes_it_and_its_reviews(ana):
    card = make_card(ana)
    client = client_of(ana)
    post(client, f"/api/practice/cards/{card.pk}/review", {"typed": "casa", "rating": "good"})
    assert client.delete(f"/api/practice/cards/{card.pk}").status_code == 204
    assert not Card.objects.exists() and not CardReview.objects.exists()
    assert client.get(f"/api/practice/cards/{card.pk}").status_code == 404


def test_a_delete_without_the_csrf_token_is_403_and_deletes_nothing(ana):
    card = make_card(ana)
    client = client_of(ana, csrf=True)
    assert client.delete(f"/api/practice/cards/{card.pk}").status_code == 403
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    assert client.delete(f"/api/practice/cards/{card.pk}").status_code == 403
    assert Card.objects.filter(pk=card.pk).exists()
    response = client.delete(f"/api/practice/cards/{card.pk}", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 204


def test_more_like_this_queues_an_exercises_job_for_the_cards_pattern(ana):
    card = make_card(ana)
    client = client_of(ana)
    response = post(client, "/api/practice/more", {"card_id": card.pk})
    assert response.status_code == 202, response.content
    answer = response.json()
    request = PracticeRequest.objects.get()
    assert (request.pattern, request.card, request.job.owner) == (card.pattern, card, ana)
    assert (request.job.kind, request.job.state, request.job.conversation) == (
        "exercises",
        "queued",
        None,
    )
    assert answer["job"]["id"] == request.job.pk and answer["pattern"]["id"] == card.pattern.pk
    assert client.get(f"/api/practice/requests/{request.pk}").json() == answer
    # Asking again while it is under way is the same request, and no second job.
    by_pattern = post(client, "/api/practice/more", {"pattern_id": card.pattern.pk})
    assert by_pattern.json()["id"] == request.pk
    assert Job.objects.count() == 1


def test_more_like_this_past_the_hourly_cap_is_429_and_stores_nothing(ana, settings):
    settings.FINDUS_PRACTICE_REQUESTS_PER_HOUR = 2
    cards = [make_card(ana, sentence=f"Frase {n}: gatto.", original="gatto", answer=word,
                       pattern=make_pattern(ana, original="gatto", answer=word))
             for n, word in enumerate(["gato", "gata", "gatos"])]  # fmt: skip
    client = client_of(ana)
    for card in cards[:2]:
        assert post(client, "/api/practice/more", {"card_id": card.pk}).status_code == 202
    before = stored()
    refused = post(client, "/api/practice/more", {"card_id": cards[2].pk})
    assert refused.status_code == 429
    assert "2 times in the last hour" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert stored() == before


@pytest.mark.parametrize("body", [{}, {"card_id": 1, "pattern_id": 1}, {"card_id": "one"}])
def test_more_like_this_needs_exactly_one_card_or_pattern(ana, body):
    response = post(client_of(ana), "/api/practice/more", body)
    assert response.status_code == 422
    assert not Job.objects.exists()


def test_more_like_this_on_another_learners_card_or_pattern_is_404(ana):
    theirs = make_card(User.objects.create_user("ben"))
    client = client_of(ana)
    assert post(client, "/api/practice/more", {"card_id": theirs.pk}).status_code == 404
    assert post(client, "/api/practice/more", {"pattern_id": theirs.pattern.pk}).status_code == 404
    assert not Job.objects.exists()


def test_the_practice_page_holds_the_due_cards_for_its_script(ana):
    card = make_card(ana, sentence="Me gusta la cassa <b>grande</b>.")
    client = client_of(ana)
    page = client.get("/practice/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="practice-data"' in html and f'"id": {card.pk}' in html
    assert "<b>grande</b>" not in html  # the learner's text is data, escaped
    assert client.get("/practice/?language=es").status_code == 200
    assert client.get("/practice/?language=xx").status_code == 404
    anonymous = Client().get("/practice/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")

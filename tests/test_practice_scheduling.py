"""FSRS schedules each card from its ratings: the card's FSRS state goes to the database and comes
back whole, `due` follows it, and every review is logged with its verdict and FSRS's log."""

from __future__ import annotations

from datetime import timedelta

import fsrs
import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from chat.models import Card, CardReview
from chat.practice.scheduling import RATINGS, CardSuspended, review_card
from tests.cards import make_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def card() -> Card:
    return make_card(User.objects.create_user("ana"))


def rated(card: Card, rating: str, *, typed: str = "casa", after: timedelta = timedelta(0)):
    now = timezone.now() + after
    return review_card(card=card, typed=typed, rating=RATINGS[rating], now=now), now


def test_a_new_card_is_an_fsrs_card_due_now(card):
    scheduled = fsrs.Card.from_dict(card.scheduling)
    assert scheduled.state == fsrs.State.Learning
    assert scheduled.due == card.due
    assert card.due <= timezone.now()


@pytest.mark.parametrize(
    ("rating", "at_least", "at_most"),
    [
        ("again", timedelta(minutes=1), timedelta(minutes=1)),
        ("hard", timedelta(minutes=1), timedelta(minutes=10)),
        ("good", timedelta(minutes=10), timedelta(minutes=10)),
        ("easy", timedelta(days=1), timedelta(days=60)),
    ],
)
def test_each_rating_of_a_new_card_brings_it_back_later(card, rating, at_least, at_most):
    (reviewed, _, _), now = rated(card, rating)
    stored = Card.objects.get(pk=card.pk)
    assert at_least <= stored.due - now <= at_most
    assert stored.due == reviewed.due == fsrs.Card.from_dict(stored.scheduling).due


def test_the_stored_schedule_goes_on_where_it_left_off(card):
    (card, _, _), _ = rated(card, "good")
    (card, _, _), now = rated(card, "good", after=timedelta(minutes=10))
    stored = Card.objects.get(pk=card.pk)
    scheduled = fsrs.Card.from_dict(stored.scheduling)
    assert scheduled.state == fsrs.State.Review  # graduated after two good answers
    assert scheduled.card_id == card.pk
    assert scheduled.stability > 0 and scheduled.last_review == now
    assert stored.due - now >= timedelta(days=1)
    (card, _, _), later = rated(card, "again", after=stored.due - timezone.now())
    assert (
        fsrs.Card.from_dict(Card.objects.get(pk=card.pk).scheduling).state == fsrs.State.Relearning
    )
    assert Card.objects.get(pk=card.pk).due - later == timedelta(minutes=10)


def test_every_review_is_logged_with_what_was_typed_and_its_verdict(card):
    (_, review, checked), now = rated(card, "hard", typed="Casa")
    assert checked.verdict == "right"
    logged = CardReview.objects.get(card=card)
    assert logged == review
    assert (logged.typed, logged.verdict, logged.rating, logged.reviewed_at) == (
        "Casa",
        "right",
        2,
        now,
    )
    log = fsrs.ReviewLog.from_dict(logged.log)
    assert (log.card_id, log.rating, log.review_datetime) == (card.pk, fsrs.Rating.Hard, now)


def test_a_suspended_card_takes_no_review(card):
    Card.objects.filter(pk=card.pk).update(suspended=True)
    with pytest.raises(CardSuspended):
        rated(card, "good")
    assert not CardReview.objects.exists()
    assert Card.objects.get(pk=card.pk).scheduling == card.scheduling

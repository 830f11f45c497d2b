"""The next due card, which the practice page and the API read first: the caller's own, recurring
patterns first, in one query (two when nothing is due, to say when the next card is)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.utils import timezone

from chat.practice.selectors import next_due_card
from tests.cards import make_card, make_pattern

pytestmark = pytest.mark.django_db

next_card = async_to_sync(next_due_card)


def test_it_is_the_most_frequent_patterns_earliest_due_card_in_one_query(
    django_assert_num_queries,
):
    ana = User.objects.create_user("ana")
    now = timezone.now()
    make_card(
        ana, sentence="Un gatto.", original="gatto", answer="gato", due=now - timedelta(days=9)
    )
    often = make_pattern(ana, original="cassa", answer="casa", occurrences=4)
    make_card(ana, pattern=often, sentence="La cassa.", due=now - timedelta(hours=1))
    first = make_card(ana, pattern=often, sentence="Mi cassa.", due=now - timedelta(hours=2))
    make_card(User.objects.create_user("ben"), sentence="Una cassa.", due=now - timedelta(days=99))
    with django_assert_num_queries(1):
        card, next_due_at = next_card(ana, "es")
        assert card.pattern.label == "cassa → casa"  # read with its card: no second query
    assert (card, next_due_at) == (first, None)
    assert next_card(ana, None)[0] == first  # every language
    assert next_card(ana, "fr") == (None, None)


def test_when_nothing_is_due_it_says_when_the_next_card_is_in_two_queries(
    django_assert_num_queries,
):
    ana = User.objects.create_user("ana")
    soon = timezone.now() + timedelta(minutes=3)
    make_card(ana, due=soon)
    make_card(ana, sentence="Otra cassa.", due=soon - timedelta(days=1), suspended=True)
    with django_assert_num_queries(2):
        assert next_card(ana, "es") == (None, soon)

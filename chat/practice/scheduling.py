"""When a card comes back: FSRS (the `fsrs` package, Anki's default scheduler) decides from each
rating, and every review is logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import fsrs
from django.db import transaction
from django.utils import timezone

from chat.models import Card, CardReview
from chat.practice.checking import Checked, check_card

# Default FSRS parameters, 90% desired retention, learning steps of 1 and 10 minutes, and a
# little fuzz so cards learnt together drift apart.
SCHEDULER = fsrs.Scheduler()

RATINGS = {"again": fsrs.Rating.Again, "hard": fsrs.Rating.Hard, "good": fsrs.Rating.Good,
           "easy": fsrs.Rating.Easy}  # fmt: skip


class CardSuspended(Exception):
    """A suspended card takes no reviews until it is unsuspended."""


def new_schedule(now: datetime) -> dict[str, Any]:
    """Return the scheduling fields of a new card: due at once, in FSRS's learning state."""
    # card_id is FSRS's name for the card in its review logs: the row's id, set at each review
    # (a new row has none yet).
    return {"scheduling": fsrs.Card(card_id=0, due=now).to_dict(), "due": now}


def review_card(
    *, card: Card, typed: str, rating: fsrs.Rating, now: datetime | None = None
) -> tuple[Card, CardReview, Checked]:
    """Judge the typed answer, schedule the card's next review from the rating, log both.

    The card row is locked while it is scheduled, so two reviews sent at once (a double tap)
    are applied one after the other, each from the schedule the other left.
    """
    now = now or timezone.now()
    checked = check_card(card, typed)
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card.pk, owner_id=card.owner_id)
        if card.suspended:
            raise CardSuspended
        scheduled = fsrs.Card.from_dict({**card.scheduling, "card_id": card.pk})
        scheduled, log = SCHEDULER.review_card(scheduled, rating, review_datetime=now)
        card.scheduling, card.due = scheduled.to_dict(), scheduled.due
        card.save(update_fields=["scheduling", "due"])
        review = CardReview.objects.create(
            card=card,
            typed=typed,
            verdict=checked.verdict,
            rating=int(rating),
            reviewed_at=now,
            log=log.to_dict(),
        )
    return card, review, checked

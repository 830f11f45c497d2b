"""Reads of a learner's practice that the practice page and the API both make, owner-filtered.

The next card comes from one indexed query (owner, language, suspended, due), joined to its
pattern so that recurring patterns come first; the counts from one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from chat.models import Card, MistakePattern, PracticeRequest

DUE_CARDS_SHOWN = 50


def _practice_order(cards: QuerySet[Card]) -> QuerySet[Card]:
    """Recurring patterns first (by how often the learner made the mistake), then by due time."""
    return cards.select_related("pattern").order_by(
        F("pattern__occurrences").desc(nulls_last=True), "due", "id"
    )


def _due(owner: AbstractBaseUser, language: str | None, now: datetime) -> QuerySet[Card]:
    cards = Card.objects.filter(owner=owner, suspended=False, due__lte=now)
    return cards.filter(language=language) if language else cards


async def next_due_card(
    owner: AbstractBaseUser, language: str | None = None, *, now: datetime | None = None
) -> tuple[Card | None, datetime | None]:
    """Return the card to practise next and, if none is due, when the next one will be.

    One query when a card is due, two when none is (the second finds the soonest due time).
    """
    now = now or timezone.now()
    card = await _practice_order(_due(owner, language, now)).afirst()
    if card is not None:
        return card, None
    return None, await _next_due_at(owner, language, now)


async def _next_due_at(owner: AbstractBaseUser, language: str | None, now: datetime):
    later = Card.objects.filter(owner=owner, suspended=False, due__gt=now)
    if language:
        later = later.filter(language=language)
    return (await later.aaggregate(soonest=Min("due")))["soonest"]


@dataclass
class LanguageCounts:
    language: str
    due: int = 0
    later: int = 0
    suspended: int = 0
    next_due_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.due + self.later + self.suspended


@dataclass
class Practice:
    """A learner's practice at one moment: the due cards in order, and what is left."""

    language: str | None
    cards: list[Card]
    counts: LanguageCounts
    languages: list[LanguageCounts] = field(default_factory=list)

    @property
    def next_due_at(self) -> datetime | None:
        return self.counts.next_due_at


async def practice(
    owner: AbstractBaseUser,
    language: str | None = None,
    *,
    limit: int = DUE_CARDS_SHOWN,
    now: datetime | None = None,
) -> Practice:
    """Return the due cards (in practice order, at most `limit`) with the counts per language."""
    now = now or timezone.now()
    cards = [card async for card in _practice_order(_due(owner, language, now))[:limit]]
    # Named apart from the fields: an annotation called `due` would hide the column from the
    # filters that follow it.
    rows = (
        Card.objects.filter(owner=owner)
        .values("language")
        .annotate(
            due_now=Count("id", filter=Q(suspended=False, due__lte=now)),
            due_later=Count("id", filter=Q(suspended=False, due__gt=now)),
            suspended_cards=Count("id", filter=Q(suspended=True)),
            soonest=Min("due", filter=Q(suspended=False, due__gt=now)),
        )
        .order_by("language")
    )
    by_language = [
        LanguageCounts(
            language=row["language"],
            due=row["due_now"],
            later=row["due_later"],
            suspended=row["suspended_cards"],
            next_due_at=row["soonest"],
        )
        async for row in rows
    ]
    chosen = [counts for counts in by_language if language in (None, counts.language)]
    due_times = [counts.next_due_at for counts in chosen if counts.next_due_at]
    counts = LanguageCounts(
        language=language or "",
        due=sum(counts.due for counts in chosen),
        later=sum(counts.later for counts in chosen),
        suspended=sum(counts.suspended for counts in chosen),
        next_due_at=min(due_times) if due_times else None,
    )
    return Practice(language=language, cards=cards, counts=counts, languages=by_language)


async def owned_card(owner: AbstractBaseUser, card_id: int) -> Card | None:
    return await Card.objects.select_related("pattern").filter(pk=card_id, owner=owner).afirst()


async def owned_pattern(owner: AbstractBaseUser, pattern_id: int) -> MistakePattern | None:
    return await MistakePattern.objects.filter(pk=pattern_id, owner=owner).afirst()


async def owned_practice_request(
    owner: AbstractBaseUser, request_id: int
) -> PracticeRequest | None:
    return (
        await PracticeRequest.objects.select_related("job", "pattern")
        .filter(pk=request_id, job__owner=owner)
        .afirst()
    )

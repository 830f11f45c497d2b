"""A learner's progress in one language as a series: per conversation, or per week or month when
there are many, the words written, the mistakes per 100 words by category, and the level the
reviews estimated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, get_args

from django.utils import timezone

from chat.feedback import Category
from chat.history.trends import per_100_words

CATEGORIES: tuple[str, ...] = get_args(Category)
# The most points a chart shows before it groups conversations into weeks, then months.
MAX_POINTS = 30
MAX_WEEKS = 52

Granularity = Literal["conversation", "week", "month"]


@dataclass(frozen=True)
class ConversationWriting:
    """One conversation's analysed writing: what the series is made of."""

    conversation_id: int
    title: str
    started_at: dt.datetime
    words: int
    mistakes: dict[str, int]  # by category
    level: str | None  # the review's estimate, if the conversation has one


@dataclass
class Point:
    """One point of the series: a conversation, or the conversations of one week or month."""

    start: dt.date
    label: str
    conversation_id: int | None = None  # when the point is one conversation
    conversations: int = 0
    words: int = 0
    mistakes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    level: str | None = None

    @property
    def mistakes_total(self) -> int:
        return sum(self.mistakes.values())

    @property
    def rate(self) -> float | None:
        return per_100_words(self.mistakes_total, self.words)

    @property
    def rates(self) -> dict[str, float | None]:
        return {c: per_100_words(n, self.words) for c, n in self.mistakes.items()}


@dataclass(frozen=True)
class Series:
    granularity: Granularity
    points: list[Point]

    @property
    def levels(self) -> list[str]:
        return [p.level for p in self.points if p.level]


def series(conversations: list[ConversationWriting]) -> Series:
    """Return the series of these conversations (oldest first), grouped so that it stays
    readable: per conversation up to MAX_POINTS, then per week up to MAX_WEEKS, then per month."""
    written = [c for c in conversations if c.words]
    if len(written) <= MAX_POINTS:
        return Series("conversation", [_one(c) for c in written])
    weeks = _grouped(written, _week)
    if len(weeks) <= MAX_WEEKS:
        return Series("week", weeks)
    return Series("month", _grouped(written, _month))


def _one(conversation: ConversationWriting) -> Point:
    point = Point(
        start=_local_date(conversation.started_at),
        label=_local_date(conversation.started_at).strftime("%-d %b %Y"),
        conversation_id=conversation.conversation_id,
    )
    _add(point, conversation)
    return point


def _grouped(conversations: list[ConversationWriting], bucket) -> list[Point]:
    points: dict[dt.date, Point] = {}
    for conversation in conversations:
        start, label = bucket(_local_date(conversation.started_at))
        point = points.setdefault(start, Point(start=start, label=label))
        _add(point, conversation)
    return [points[start] for start in sorted(points)]


def _add(point: Point, conversation: ConversationWriting) -> None:
    point.conversations += 1
    point.words += conversation.words
    for category, count in conversation.mistakes.items():
        point.mistakes[category] = point.mistakes.get(category, 0) + count
    # Conversations come oldest first: a group's level is its latest review's estimate.
    if conversation.level:
        point.level = conversation.level


def _week(day: dt.date) -> tuple[dt.date, str]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, f"week of {monday.strftime('%-d %b %Y')}"


def _month(day: dt.date) -> tuple[dt.date, str]:
    first = day.replace(day=1)
    return first, first.strftime("%b %Y")


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()

"""Reads of a learner's history that both the pages and the API make, one function a question.

Every read filters by the owner. Each makes a fixed number of queries however much the learner
has written (tests/test_history_queries.py counts them): aggregates in the database, and the few
quotes of each pattern picked by one windowed query.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from chat.history.progress import ConversationWriting, Series, series
from chat.history.quotes import Quote, quote
from chat.history.trends import Trend, Writing, split_writing
from chat.models import Conversation, LearnerSettings, Message, Mistake, MistakePattern

PATTERNS_PER_PAGE = 20
QUOTES_PER_PATTERN = 3
QUOTES_ON_A_PATTERN_PAGE = 50

Sort = Literal["frequent", "recent"]
ORDER: dict[str, list[str]] = {
    "frequent": ["-occurrences", "-last_seen_at", "-id"],
    "recent": ["-last_seen_at", "-occurrences", "-id"],
}


@dataclass(frozen=True)
class QuotedMistake:
    """A mistake where the learner made it: the excerpt, the fix, and where to find it."""

    mistake: Mistake
    quote: Quote

    @property
    def made_on(self) -> str:
        return _day(self.mistake.made_at)

    @property
    def url(self) -> str:
        page = reverse("conversation", kwargs={"conversation_id": self.mistake.conversation_id})
        return f"{page}#turn-{self.mistake.message_id}"


@dataclass(frozen=True)
class PatternHistory:
    pattern: MistakePattern
    trend: Trend
    quotes: list[QuotedMistake]

    @property
    def url(self) -> str:
        return reverse("mistake-pattern", kwargs={"pattern_id": self.pattern.pk})

    @property
    def first_seen_on(self) -> str:
        return _day(self.pattern.first_seen_at)

    @property
    def last_seen_ago(self) -> str:
        return timesince(self.pattern.last_seen_at, depth=1)


def _day(moment: dt.datetime) -> str:
    """Return the learner's day of `moment`, e.g. "6 Jan 2025" (written here, not by the
    template's date filter: a page shows many and the filter is slow)."""
    return timezone.localtime(moment).strftime("%-d %b %Y")


@dataclass(frozen=True)
class MistakesOverview:
    """A page of the learner's mistake patterns in one language, with how their writing went."""

    language: str
    writing: Writing
    trend: Trend  # every mistake in the language
    patterns: list[PatternHistory]
    sort: Sort
    page: int
    pages: int
    total_patterns: int


async def languages_of(owner: AbstractBaseUser) -> list[str]:
    """Return the languages the learner has conversations in, most recently practised first."""
    return await sync_to_async(_languages_of)(owner)


def _languages_of(owner: AbstractBaseUser) -> list[str]:
    rows = (
        Conversation.objects.filter(owner=owner)
        .values("language")
        .annotate(latest=Max("created_at"))
        .order_by("-latest", "language")
    )
    return [row["language"] for row in rows]


async def mistakes_overview(
    owner: AbstractBaseUser, *, language: str, sort: Sort = "frequent", page: int = 1
) -> MistakesOverview:
    return await sync_to_async(_mistakes_overview)(owner, language, sort, page)


def _mistakes_overview(
    owner: AbstractBaseUser, language: str, sort: Sort, page: int
) -> MistakesOverview:
    writing = _writing(owner, language)
    # Every pattern's counts at once: the language's totals, and the page's patterns' trends.
    counts = _counts(Mistake.objects.filter(owner=owner, language=language), writing)
    total = len(counts)
    pages = max(1, math.ceil(total / PATTERNS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PATTERNS_PER_PAGE
    shown = list(
        MistakePattern.objects.filter(owner=owner, language=language, occurrences__gt=0).order_by(
            *ORDER[sort]
        )[start : start + PATTERNS_PER_PAGE]
    )
    return MistakesOverview(
        language=language,
        writing=writing,
        trend=writing.trend(
            recent_mistakes=sum(recent for _, recent in counts.values()),
            all_mistakes=sum(every for every, _ in counts.values()),
        ),
        patterns=_histories(owner, shown, writing, QUOTES_PER_PATTERN, counts),
        sort=sort,
        page=page,
        pages=pages,
        total_patterns=total,
    )


async def pattern_history(owner: AbstractBaseUser, pattern_id: int) -> PatternHistory | None:
    """Return one of the learner's patterns with its latest quotes, or None if not theirs."""
    return await sync_to_async(_pattern_history)(owner, pattern_id)


def _pattern_history(owner: AbstractBaseUser, pattern_id: int) -> PatternHistory | None:
    pattern = MistakePattern.objects.filter(pk=pattern_id, owner=owner).first()
    if pattern is None:
        return None
    writing = _writing(owner, pattern.language)
    counts = _counts(Mistake.objects.filter(owner=owner, pattern=pattern), writing)
    return _histories(owner, [pattern], writing, QUOTES_ON_A_PATTERN_PAGE, counts)[0]


def _writing(owner: AbstractBaseUser, language: str) -> Writing:
    """Return the learner's analysed words in the language, split into recent and earlier."""
    return split_writing(list(_words_by_conversation(owner, language).items()))


def _words_by_conversation(owner: AbstractBaseUser, language: str) -> dict[int, int]:
    """Return the analysed words of each of the learner's conversations in the language that
    has some, oldest conversation first (chat/history/trends.py says why only analysed words
    count)."""
    rows = (
        Message.objects.filter(
            conversation__owner=owner,
            conversation__language=language,
            role=Message.Role.LEARNER,
            analysis__isnull=False,
        )
        .values("conversation_id", "conversation__created_at")
        .annotate(words=Sum("word_count"))
        .order_by("conversation__created_at", "conversation_id")
    )
    return {row["conversation_id"]: row["words"] for row in rows}


def _in_recent(writing: Writing) -> Q:
    return Q(conversation_id__in=writing.recent_conversation_ids)


def _counts(mistakes: QuerySet[Mistake], writing: Writing) -> dict[int, tuple[int, int]]:
    """Return each pattern's number of mistakes, in all and in recent conversations."""
    rows = (
        mistakes.values("pattern_id")
        .annotate(every=Count("id"), recent=Count("id", filter=_in_recent(writing)))
        .order_by()
    )
    return {row["pattern_id"]: (row["every"], row["recent"]) for row in rows}


def _histories(
    owner: AbstractBaseUser,
    patterns: list[MistakePattern],
    writing: Writing,
    quotes: int,
    counts: dict[int, tuple[int, int]],
) -> list[PatternHistory]:
    if not patterns:
        return []
    # Rank the narrow mistake rows first, then read the few messages quoted: in one query the
    # planner cannot tell how few rows the ranking keeps, and joins every mistake's message.
    ranked = list(
        Mistake.objects.filter(owner=owner, pattern_id__in=[p.pk for p in patterns])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("pattern_id")],
                order_by=[F("made_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=quotes)
        .values_list("pk", flat=True)
    )
    latest = (
        Mistake.objects.filter(pk__in=ranked)
        .select_related("message")
        .order_by("pattern_id", "-made_at", "-id")
    )
    quoted: dict[int, list[QuotedMistake]] = defaultdict(list)
    for mistake in latest:
        excerpt = quote(
            mistake.message.text, start=mistake.start, end=mistake.end, original=mistake.original
        )
        quoted[mistake.pattern_id].append(QuotedMistake(mistake, excerpt))
    return [
        PatternHistory(
            pattern=pattern,
            trend=writing.trend(
                recent_mistakes=counts.get(pattern.pk, (0, 0))[1],
                all_mistakes=counts.get(pattern.pk, (0, 0))[0],
            ),
            quotes=quoted[pattern.pk],
        )
        for pattern in patterns
    ]


async def progress(owner: AbstractBaseUser, *, language: str) -> Series:
    """Return the learner's progress in the language, per conversation (or week, or month)."""
    return await sync_to_async(_progress)(owner, language)


def _progress(owner: AbstractBaseUser, language: str) -> Series:
    words = _words_by_conversation(owner, language)
    mistakes: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Mistake.objects.filter(owner=owner, language=language)
        .values("conversation_id", "category")
        .annotate(count=Count("id"))
        .order_by()
    ):
        mistakes[row["conversation_id"]][row["category"]] = row["count"]
    conversations = (
        Conversation.objects.filter(owner=owner, language=language)
        .values("id", "title", "created_at", "review__estimated_level")
        .order_by("created_at", "id")
    )
    return series(
        [
            ConversationWriting(
                conversation_id=row["id"],
                title=row["title"],
                started_at=row["created_at"],
                words=words.get(row["id"], 0),  # none analysed yet: no point
                mistakes=mistakes[row["id"]],
                level=row["review__estimated_level"],
            )
            for row in conversations
        ]
    )


async def learner_settings(owner: AbstractBaseUser) -> LearnerSettings:
    """Return the learner's settings; the defaults (unsaved) until they change one."""
    found = await LearnerSettings.objects.filter(owner=owner).afirst()
    return found or LearnerSettings(owner=owner)

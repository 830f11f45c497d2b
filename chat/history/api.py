"""The history API: a learner's mistake patterns, their progress, and their settings.

Mounted on the site's API (chat/api.py), whose session auth and CSRF check it inherits.
"""

from __future__ import annotations

from typing import Any, Literal

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from ninja import Query, Router, Status

from chat.history import remembering, selectors
from chat.history.progress import Point, Series
from chat.history.schemas import (
    Language,
    LearnerSettingsIn,
    LearnerSettingsOut,
    MistakesOut,
    PatternOut,
    ProgressOut,
)
from chat.history.trends import Trend
from chat.schemas import A_POST, AN_ID, BAD_SHAPE, NO_LOGIN

router = Router()


@router.get(
    "/mistakes",
    response={200: MistakesOut, **NO_LOGIN, **BAD_SHAPE},
    tags=["history"],
)
async def mistakes(
    request: HttpRequest,
    language: Language | None = None,
    sort: Literal["frequent", "recent"] = "frequent",
    page: int = Query(1, ge=1),
):
    """Your mistake patterns in one language (by default the one practised last), 20 a page,
    most frequent (or most recent) first, each with its latest quotes and whether it is getting
    rarer."""
    languages = await selectors.languages_of(request.auth)
    language = language or (languages[0] if languages else None)
    if language is None:
        return _no_writing_yet(languages, sort)
    overview = await selectors.mistakes_overview(
        request.auth, language=language, sort=sort, page=page
    )
    return {
        "language": language,
        "languages": languages,
        "trend": _trend(overview.trend),
        "sort": overview.sort,
        "page": overview.page,
        "pages": overview.pages,
        "total_patterns": overview.total_patterns,
        "patterns": [_pattern(history) for history in overview.patterns],
    }


@router.get(
    "/mistakes/patterns/{pattern_id}",
    response={200: PatternOut, **AN_ID, **NO_LOGIN},
    tags=["history"],
)
async def mistake_pattern(request: HttpRequest, pattern_id: int):
    """One of your mistake patterns with its latest 50 quotes."""
    history = await selectors.pattern_history(request.auth, pattern_id)
    if history is None:
        return Status(404, {"detail": "No such mistake pattern."})
    return _pattern(history)


@router.get(
    "/progress",
    response={200: ProgressOut, **NO_LOGIN, **BAD_SHAPE},
    tags=["history"],
)
async def progress(request: HttpRequest, language: Language | None = None):
    """Your progress in one language (by default the one practised last): per conversation,
    or per week or month when there are many, the words you wrote, your mistakes per 100 words
    by category, and the level each review estimated."""
    languages = await selectors.languages_of(request.auth)
    language = language or (languages[0] if languages else None)
    found = (
        await selectors.progress(request.auth, language=language)
        if language
        else Series("conversation", [])
    )
    return {
        "language": language,
        "languages": languages,
        "granularity": found.granularity,
        "points": [_point(point) for point in found.points],
    }


@router.get("/settings", response={200: LearnerSettingsOut, **NO_LOGIN}, tags=["settings"])
async def get_settings(request: HttpRequest):
    """Your settings."""
    return await selectors.learner_settings(request.auth)


@router.post(
    "/settings",
    response={200: LearnerSettingsOut, **NO_LOGIN, **A_POST, **BAD_SHAPE},
    tags=["settings"],
)
async def change_settings(request: HttpRequest, body: LearnerSettingsIn):
    """Change your settings. `tutor_remembers`: true or false (no other value is taken)."""
    return await sync_to_async(remembering.change_learner_settings)(
        owner=request.auth, tutor_remembers=body.tutor_remembers
    )


def _no_writing_yet(languages: list[str], sort: str) -> dict[str, Any]:
    return {
        "language": None,
        "languages": languages,
        "trend": None,
        "sort": sort,
        "page": 1,
        "pages": 1,
        "total_patterns": 0,
        "patterns": [],
    }


def _trend(trend: Trend) -> dict[str, Any]:
    return {
        "recent_mistakes": trend.recent_mistakes,
        "recent_words": trend.recent_words,
        "earlier_mistakes": trend.earlier_mistakes,
        "earlier_words": trend.earlier_words,
        "recent_rate": trend.recent_rate,
        "earlier_rate": trend.earlier_rate,
        "direction": trend.direction,
    }


def _pattern(history: selectors.PatternHistory) -> dict[str, Any]:
    pattern = history.pattern
    return {
        "id": pattern.pk,
        "language": pattern.language,
        "category": pattern.category,
        "label": pattern.label,
        "explanation": pattern.explanation,
        "occurrences": pattern.occurrences,
        "first_seen_at": pattern.first_seen_at,
        "last_seen_at": pattern.last_seen_at,
        "trend": _trend(history.trend),
        "quotes": [
            {
                "mistake_id": quoted.mistake.pk,
                "conversation_id": quoted.mistake.conversation_id,
                "message_id": quoted.mistake.message_id,
                "made_at": quoted.mistake.made_at,
                "before": quoted.quote.before,
                "marked": quoted.quote.marked,
                "after": quoted.quote.after,
                "original": quoted.mistake.original,
                "suggestion": quoted.mistake.suggestion,
                "explanation": quoted.mistake.explanation,
                "url": quoted.url,
            }
            for quoted in history.quotes
        ],
    }


def _point(point: Point) -> dict[str, Any]:
    return {
        "start": point.start,
        "label": point.label,
        "conversation_id": point.conversation_id,
        "conversations": point.conversations,
        "words": point.words,
        "mistakes": point.mistakes_total,
        "rate": point.rate,
        "by_category": {
            category: {"mistakes": count, "rate": point.rates[category]}
            for category, count in point.mistakes.items()
        },
        "level": point.level,
    }

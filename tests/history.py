"""A learner's history, written the way findus writes it: messages with their word counts,
analyses, and their issues recorded as mistakes by chat/history/mistakes.py."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chat.history.mistakes import count_words, record_mistakes
from chat.models import Conversation, GrammarAnalysis, Job, Message, Review

START = timezone.make_aware(dt.datetime(2025, 1, 6, 9, 0))


def conversation(owner, *, language: str = "es", day: int = 0, focus=None) -> Conversation:
    """Return a new conversation of `owner`, started `day` days after START."""
    started = START + dt.timedelta(days=day)
    created = Conversation.objects.create(
        owner=owner, language=language, feedback_language="en", level="A2",
        title=f"Conversation of day {day}", focus=focus or [],
    )  # fmt: skip
    Conversation.objects.filter(pk=created.pk).update(created_at=started)
    created.refresh_from_db()
    return created


def issue(text: str, original: str, suggestion: str, category: str = "spelling") -> dict:
    start = text.index(original)
    return {
        "start": start, "end": start + len(original), "original": original,
        "suggestion": suggestion, "explanation": f"Write {suggestion}.", "category": category,
        "severity": "minor",
    }  # fmt: skip


def write(
    conversation: Conversation, text: str, fixes: list[tuple[str, str]] = (), *,
    category: str = "spelling", analysed: bool = True, minutes: int = 0,
) -> Message:  # fmt: skip
    """Store a learner message; if `analysed`, its analysis with one issue per (original,
    suggestion) fix, recorded in the learner's history."""
    message = Message.objects.create(
        conversation=conversation, role="learner", text=text, word_count=count_words(text)
    )
    at = conversation.created_at + dt.timedelta(minutes=minutes or message.pk % 600)
    Message.objects.filter(pk=message.pk).update(created_at=at)
    message.refresh_from_db()
    if analysed:
        issues = [issue(text, original, suggestion, category) for original, suggestion in fixes]
        GrammarAnalysis.objects.create(
            message=message, issues=issues, corrected_text=text, summary="Checked."
        )
        record_mistakes(message=message, issues=issues)
    return message


def review(conversation: Conversation, level: str) -> Review:
    Conversation.objects.filter(pk=conversation.pk).update(state="ended", ended_at=timezone.now())
    Job.objects.create(
        kind="review", owner=conversation.owner, conversation=conversation, state="succeeded",
        queued_at=timezone.now(),
    )  # fmt: skip
    return Review.objects.create(
        conversation=conversation, content={}, markdown="## Review", estimated_level=level
    )


def words(n: int, filler: str = "palabra") -> str:
    """Return a text of `n` words."""
    return " ".join([filler] * n)

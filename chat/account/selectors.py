"""Everything findus stores about a learner, as one JSON-ready document ("Download my data").

One query per table, each filtered by the owner, assembled here: the cost does not grow with a
query per conversation or card. The files of exports are left out (they are this same data);
their metadata is in.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from chat.models import (
    Card,
    CardReview,
    Conversation,
    Export,
    GrammarAnalysis,
    Job,
    LearnerSettings,
    Message,
    Mistake,
    MistakePattern,
    PracticeRequest,
    Review,
)

FORMAT = "findus-my-data/1"

# The fields of each table that the document holds: all but the owner and internal keys.
CONVERSATION = (
    *("id", "language", "feedback_language", "level", "title", "state", "focus"),
    # What the tutor remembers of a long conversation is about the learner too.
    *("summary", "summarised_turns", "created_at", "updated_at", "ended_at"),
)
MESSAGE = ("id", "conversation_id", "role", "text", "word_count", "in_reply_to_id", "created_at")
ANALYSIS = ("message_id", "issues", "corrected_text", "summary", "created_at")
REVIEW = ("conversation_id", "content", "markdown", "estimated_level", "created_at")
PATTERN = (
    *("id", "language", "category", "label", "explanation", "occurrences"),
    *("first_seen_at", "last_seen_at"),
)
MISTAKE = (
    *("id", "pattern_id", "conversation_id", "message_id", "language", "category", "start"),
    *("end", "original", "suggestion", "explanation", "made_at"),
)
CARD = (
    *("id", "language", "pattern_id", "mistake_id", "source", "sentence", "start", "end"),
    *("answer", "corrected_sentence", "explanation", "suspended", "scheduling", "due"),
    "created_at",
)
CARD_REVIEW = ("card_id", "typed", "verdict", "rating", "reviewed_at", "log")
PRACTICE_REQUEST = ("id", "job_id", "pattern_id", "card_id", "cards_made")
EXPORT = ("id", "job_id", "format", "language", "filename", "size", "created_at", "expires_at")
JOB = (
    *("id", "kind", "state", "conversation_id", "message_id", "attempts", "last_error"),
    *("model_name", "input_tokens", "output_tokens", "queued_at", "started_at", "finished_at"),
)


def _rows(queryset: QuerySet, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    """Return the rows by their `key`, which each row gives up."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.pop(key)].append(row)
    return grouped


def learner_data(owner: AbstractBaseUser) -> dict[str, Any]:
    """Return everything stored about the learner: conversations hold their messages (each
    learner message its analysis) and review; cards hold their review log."""
    conversations = _rows(Conversation.objects.filter(owner=owner).order_by("id"), CONVERSATION)
    messages = _rows(Message.objects.filter(conversation__owner=owner).order_by("id"), MESSAGE)
    analyses = GrammarAnalysis.objects.filter(message__conversation__owner=owner)
    analysis_of = {row.pop("message_id"): row for row in _rows(analyses, ANALYSIS)}
    reviews = Review.objects.filter(conversation__owner=owner)
    review_of = {row.pop("conversation_id"): row for row in _rows(reviews, REVIEW)}
    for message in messages:
        if message["role"] == Message.Role.LEARNER:
            message["analysis"] = analysis_of.get(message["id"])
    messages_of = _grouped(messages, "conversation_id")
    for conversation in conversations:
        conversation["messages"] = messages_of[conversation["id"]]
        conversation["review"] = review_of.get(conversation["id"])

    card_reviews = CardReview.objects.filter(card__owner=owner).order_by("reviewed_at", "id")
    reviews_of = _grouped(_rows(card_reviews, CARD_REVIEW), "card_id")
    cards = _rows(Card.objects.filter(owner=owner).order_by("id"), CARD)
    for card in cards:
        card["reviews"] = reviews_of[card["id"]]

    practice_requests = PracticeRequest.objects.filter(job__owner=owner)
    learner_settings = LearnerSettings.objects.filter(owner=owner).first()
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "account": {
            "id": owner.pk,
            "username": owner.get_username(),
            "email": getattr(owner, "email", ""),
            "date_joined": getattr(owner, "date_joined", None),
            "last_login": owner.last_login,
        },
        "settings": {
            "tutor_remembers": learner_settings.tutor_remembers if learner_settings else True,
        },
        "conversations": conversations,
        "mistake_patterns": _rows(MistakePattern.objects.filter(owner=owner), PATTERN),
        "mistakes": _rows(Mistake.objects.filter(owner=owner).order_by("made_at", "id"), MISTAKE),
        "cards": cards,
        "practice_requests": _rows(practice_requests, PRACTICE_REQUEST),
        "exports": _rows(Export.objects.filter(owner=owner), EXPORT),
        "jobs": _rows(Job.objects.filter(owner=owner).order_by("id"), JOB),
    }


async def alearner_data(owner: AbstractBaseUser) -> dict[str, Any]:
    return await sync_to_async(learner_data)(owner)

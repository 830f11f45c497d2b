"""The tutor remembers: a new conversation's tutor is told the learner's few most frequent recent
mistake patterns in its language, to help practise them, unless the learner turned it off."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max

from chat.history.trends import RECENT_CONVERSATIONS
from chat.models import Conversation, LearnerSettings, Mistake

FOCUS_PATTERNS = 3


def tutor_remembers(owner: AbstractBaseUser) -> bool:
    """Return whether the learner lets the tutor remember (on until they turn it off)."""
    chosen = LearnerSettings.objects.filter(owner=owner).values_list("tutor_remembers", flat=True)
    return chosen.first() is not False


def practice_focus(*, owner: AbstractBaseUser, language: str) -> list[dict[str, Any]]:
    """Return what a new conversation in `language` should help practise: the learner's
    FOCUS_PATTERNS most frequent patterns in their last RECENT_CONVERSATIONS conversations in
    that language, each with its label, category and latest correction. Empty if they turned
    the tutor's memory off."""
    if not tutor_remembers(owner):
        return []
    recent = (
        Conversation.objects.filter(owner=owner, language=language)
        .order_by("-created_at", "-id")
        .values("id")[:RECENT_CONVERSATIONS]
    )
    top = list(
        Mistake.objects.filter(owner=owner, language=language, conversation_id__in=recent)
        .values("pattern_id")
        .annotate(count=Count("id"), latest=Max("made_at"))
        .order_by("-count", "-latest", "pattern_id")[:FOCUS_PATTERNS]
    )
    focus = []
    for row in top:
        # At most FOCUS_PATTERNS of these small reads.
        mistake = (
            Mistake.objects.filter(owner=owner, pattern_id=row["pattern_id"])
            .select_related("pattern")
            .order_by("-made_at", "-id")
            .first()
        )
        focus.append(
            {
                "pattern_id": mistake.pattern_id,
                "label": mistake.pattern.label,
                "category": mistake.pattern.category,
                "original": mistake.original,
                "suggestion": mistake.suggestion,
            }
        )
    return focus


def change_learner_settings(*, owner: AbstractBaseUser, tutor_remembers: bool) -> LearnerSettings:
    """Store the learner's choice; their settings row is made on their first change."""
    learner_settings, _ = LearnerSettings.objects.update_or_create(
        owner=owner, defaults={"tutor_remembers": tutor_remembers}
    )
    return learner_settings

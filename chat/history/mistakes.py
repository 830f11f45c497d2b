"""A learner's history of mistakes: each analysis' issues recorded and grouped into patterns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from chat.models import Message, Mistake, MistakePattern

WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # \u2019: the typographic apostrophe
_EDGE_PUNCTUATION = " \t\n.,;:!?¡¿\"'«»\u201c\u201d\u201e\u2018\u2019()[]"


def count_words(text: str) -> int:
    """Return how many words `text` has, as mistakes per 100 words counts them."""
    return len(WORD.findall(text))


def pattern_key(*, category: str, original: str, suggestion: str, rule: str = "") -> str:
    """Return what makes two mistakes one pattern: the category and the correction, normalised
    (case, spacing, edge punctuation), or the category and the rule when the model named one."""
    if rule.strip():
        return f"{category}:rule:{_normalised(rule)}"[:300]
    return f"{category}:{_normalised(original)}>{_normalised(suggestion)}"[:300]


def pattern_label(*, original: str, suggestion: str, rule: str = "") -> str:
    """Return the pattern's name as the learner reads it."""
    if rule.strip():
        return rule.strip()[:300]
    return f"{original.strip()} → {suggestion.strip() or '(remove)'}"[:300]


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().strip(_EDGE_PUNCTUATION)
    return " ".join(text.split())


@transaction.atomic
def record_mistakes(*, message: Message, issues: Iterable[dict[str, Any]]) -> list[Mistake]:
    """Make the message's issues its mistakes in the learner's history; return them.

    A re-run of the analysis replaces the message's mistakes, so each is counted once; every
    pattern's count follows.
    """
    conversation = message.conversation
    _forget_mistakes_of(message)
    recorded = []
    for issue in issues:
        original, suggestion = issue["original"], issue.get("suggestion", "")
        rule = issue.get("rule") or ""
        pattern, _ = MistakePattern.objects.get_or_create(
            owner_id=conversation.owner_id,
            language=conversation.language,
            key=pattern_key(
                category=issue["category"], original=original, suggestion=suggestion, rule=rule
            ),
            defaults={
                "category": issue["category"],
                "label": pattern_label(original=original, suggestion=suggestion, rule=rule),
                "first_seen_at": message.created_at,
                "last_seen_at": message.created_at,
            },
        )
        MistakePattern.objects.filter(pk=pattern.pk).update(
            occurrences=F("occurrences") + 1,
            last_seen_at=Greatest("last_seen_at", message.created_at),
            explanation=issue.get("explanation", ""),
        )
        recorded.append(
            Mistake.objects.create(
                owner_id=conversation.owner_id,
                pattern=pattern,
                conversation=conversation,
                message=message,
                language=conversation.language,
                category=issue["category"],
                start=issue["start"],
                end=issue["end"],
                original=original,
                suggestion=suggestion,
                explanation=issue.get("explanation", ""),
                made_at=message.created_at,
            )
        )
    return recorded


def _forget_mistakes_of(message: Message) -> None:
    earlier = list(Mistake.objects.filter(message=message).values_list("pattern_id", flat=True))
    if not earlier:
        return
    Mistake.objects.filter(message=message).delete()
    for pattern_id in earlier:
        MistakePattern.objects.filter(pk=pattern_id).update(occurrences=F("occurrences") - 1)

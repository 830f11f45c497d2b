"""A learner's mistakes over time: every issue of every analysis, grouped into patterns."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chat.models.conversations import LANGUAGE_CHOICES, Conversation, Message


class MistakePattern(models.Model):
    """A kind of mistake one learner makes in one language: the same category and the same
    correction, normalised (or the same rule, when the model names one)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mistake_patterns"
    )
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    # What makes two mistakes the same pattern, e.g. "spelling:cassa>casa" (chat/history.py).
    key = models.CharField(max_length=300)
    category = models.CharField(max_length=20)
    # What the learner reads: "cassa → casa", or the rule's name.
    label = models.CharField(max_length=300)
    explanation = models.TextField(blank=True)
    # Kept up to date as mistakes are recorded, so lists need no count per row.
    occurrences = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "language", "key"], name="one_pattern_per_key")
        ]
        indexes = [models.Index(fields=["owner", "language", "-occurrences"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.language}, {self.occurrences} times)"


class Mistake(models.Model):
    """One issue of one analysis: where the learner made it, and what the correction was."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mistakes"
    )
    pattern = models.ForeignKey(MistakePattern, on_delete=models.CASCADE, related_name="mistakes")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="mistakes"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mistakes")
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    category = models.CharField(max_length=20)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    original = models.TextField()
    suggestion = models.TextField(blank=True)
    explanation = models.TextField(blank=True)
    # When the learner wrote it: the message's time, not the analysis'.
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["owner", "language", "made_at"])]

    def __str__(self) -> str:
        return f"{self.original} → {self.suggestion}"

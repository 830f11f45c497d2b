"""Conversations, their messages, and what the AI made of them: analyses and reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chat.languages import LANGUAGES, LEVELS

LANGUAGE_CHOICES = list(LANGUAGES.items())
LEVEL_CHOICES = [(code, code) for code in LEVELS]


class Conversation(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    feedback_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    level = models.CharField(max_length=2, choices=LEVEL_CHOICES)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # What the tutor was asked to help practise: the learner's most frequent recent mistake
    # patterns when the conversation began (labels), if they let the tutor remember.
    focus = models.JSONField(default=list, blank=True)
    # The tutor's memory of the turns it is no longer sent word for word (workers/memory.py): a
    # running summary, written by the summary job, of the messages up to `summarised_through`
    # (a message id; 0 before the first summary), which hold `summarised_turns` learner messages.
    summary = models.TextField(blank=True, default="")
    summarised_through = models.PositiveBigIntegerField(default=0)
    summarised_turns = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.owner})"


class Message(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner"
        TUTOR = "tutor"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    text = models.TextField()
    # Words in `text`, counted when stored: mistakes per 100 words need it for every message.
    word_count = models.PositiveIntegerField(default=0)
    # For a tutor message: the learner message it answers. One reply per learner message.
    in_reply_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reply"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.role} #{self.pk}"


class GrammarAnalysis(models.Model):
    """The grammar analysis of one learner message. `issues` holds GrammarIssue dicts."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="analysis")
    issues = models.JSONField(default=list)
    corrected_text = models.TextField()
    summary = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "grammar analyses"

    def __str__(self) -> str:
        return f"Analysis of message #{self.message_id}"


class Review(models.Model):
    """The review of an ended conversation: structured fields plus the markdown shown."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="review"
    )
    content = models.JSONField()
    markdown = models.TextField()
    # Null when the review could not tell (the offline model claims no level): "unknown" is not
    # a blank answer, so null rather than "".
    estimated_level = models.CharField(  # noqa: DJ001
        max_length=2, choices=LEVEL_CHOICES, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Review of {self.conversation}"

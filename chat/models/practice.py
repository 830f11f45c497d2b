"""Practice: cards made from a learner's own mistakes, scheduled with FSRS, and their reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chat.models.conversations import LANGUAGE_CHOICES
from chat.models.history import Mistake, MistakePattern
from chat.models.jobs import Job


class Card(models.Model):
    """A sentence with one mistake to fix: the front shows `sentence` with [start:end] marked,
    the back the `answer` for that span, the corrected sentence and the explanation."""

    class Source(models.TextChoices):
        MISTAKE = "mistake"  # the learner's own sentence
        EXERCISE = "exercise"  # a fresh sentence on the same pattern ("More like this")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    pattern = models.ForeignKey(
        MistakePattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="cards"
    )
    # The mistake it was made from; kept when a re-run of the analysis replaces the mistake.
    mistake = models.ForeignKey(
        Mistake, null=True, blank=True, on_delete=models.SET_NULL, related_name="cards"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MISTAKE)
    sentence = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    answer = models.TextField()
    corrected_sentence = models.TextField()
    explanation = models.TextField(blank=True)
    # A hash of the sentence, the span and the answer: the same fix is one card, however often
    # it is made or its analysis re-run (chat/practice.py).
    fingerprint = models.CharField(max_length=64)
    suspended = models.BooleanField(default=False)
    # The FSRS scheduler's card (fsrs.Card.to_dict()); `due` is copied out to query on.
    scheduling = models.JSONField(default=dict)
    due = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["owner", "language", "suspended", "due"])]
        constraints = [
            models.UniqueConstraint(fields=["owner", "fingerprint"], name="one_card_per_fix")
        ]

    def __str__(self) -> str:
        return f"Card #{self.pk}: {self.sentence[self.start : self.end]} → {self.answer}"


class CardReview(models.Model):
    """One answer to a card: what was typed, how it was judged, and the rating given."""

    class Verdict(models.TextChoices):
        RIGHT = "right"
        ALMOST = "almost"  # right but for accents
        WRONG = "wrong"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    typed = models.TextField(blank=True)
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    rating = models.PositiveSmallIntegerField()  # FSRS: 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at = models.DateTimeField()
    # The FSRS review log (fsrs.ReviewLog.to_dict()), for an optimizer one day.
    log = models.JSONField(default=dict)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Review of card #{self.card_id}: {self.verdict}, rated {self.rating}"


class PracticeRequest(models.Model):
    """ "More like this": the exercises job's subject, a pattern to make fresh cards for."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="practice_request")
    pattern = models.ForeignKey(
        MistakePattern, on_delete=models.CASCADE, related_name="practice_requests"
    )
    # The card the learner asked from, if any.
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL)
    cards_made = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"More like {self.pattern}"

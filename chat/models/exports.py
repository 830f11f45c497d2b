"""Exports a learner downloads: an Anki deck of their cards, a CSV of their corrections."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chat.models.jobs import Job


class Export(models.Model):
    """One export, made by an export job and downloadable by its owner until it expires."""

    class Format(models.TextChoices):
        ANKI = "anki", "Anki deck (.apkg)"
        CSV = "csv", "Corrections (CSV)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="export")
    format = models.CharField(max_length=8, choices=Format.choices)
    # Only this language's cards or corrections; empty: every language.
    language = models.CharField(max_length=8, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # In the database, so any web process can serve what any worker made.
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} for {self.owner} (#{self.pk})"

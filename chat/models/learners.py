"""What a learner chose about how findus treats them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LearnerSettings(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_settings"
    )
    # Tell a new conversation's tutor the learner's most frequent recent mistakes, to practise.
    tutor_remembers = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "learner settings"

    def __str__(self) -> str:
        return f"Settings of {self.owner}"

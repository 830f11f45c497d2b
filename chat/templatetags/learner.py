"""Template filters for what a learner reads: texts in their feedback language, waiting times."""

from __future__ import annotations

from django import template

from chat import failures
from chat.models import Job

register = template.Library()


@register.filter
def learner_texts(feedback_language: str) -> failures.LearnerTexts:
    return failures.texts_in(feedback_language)


@register.filter
def seconds_waited(job: Job) -> int:
    return failures.seconds_waited(job)

""" "More like this": ask for fresh exercises on a pattern, as an exercises job."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from chat import jobs
from chat.models import Card, MistakePattern, PracticeRequest


def ask_for_exercises(
    *, owner: AbstractBaseUser, pattern: MistakePattern, card: Card | None = None
) -> PracticeRequest:
    """Store a request for exercises on the pattern with its job, sent after commit.

    While one for the same pattern is queued or running, that one is returned instead: asking
    twice makes one job.
    """
    with transaction.atomic():
        # Lock the pattern, so two requests at once cannot both find none under way.
        MistakePattern.objects.select_for_update().filter(pk=pattern.pk, owner=owner).get()
        under_way = (
            PracticeRequest.objects.select_related("job", "pattern")
            .filter(pattern=pattern, job__owner=owner, job__state__in=jobs.UNDER_WAY)
            .first()
        )
        if under_way is not None:
            return under_way
        job = jobs.create(kind="exercises", owner=owner)
        return PracticeRequest.objects.create(job=job, pattern=pattern, card=card)

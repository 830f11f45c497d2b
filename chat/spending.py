"""What the learners' jobs spent on the model, read from the Job rows.

These are the durable figures behind the daily token budget: the budget counts in Redis and may
lose a count (chat/limits.py), the Job rows keep each job's tokens. A job keeps the tokens of its
last successful run only: a re-run's tokens replace the earlier run's, and a failed attempt's are
not recorded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from chat.models import Job


def token_use(*, day: date | None = None, model_name: str = "") -> QuerySet:
    """Return tokens and jobs per UTC day, model and learner, newest day first, in one query.

    Each row is a dict: day, model_name, owner_id, username, input, output, total and jobs (the
    succeeded jobs of that learner that finished that day with that model).
    """
    jobs = Job.objects.filter(state=Job.State.SUCCEEDED, finished_at__isnull=False)
    if day is not None:
        start = datetime.combine(day, time.min, tzinfo=UTC)
        jobs = jobs.filter(finished_at__gte=start, finished_at__lt=start + timedelta(days=1))
    if model_name:
        jobs = jobs.filter(model_name=model_name)
    input_tokens = Coalesce(Sum("input_tokens"), 0)
    output_tokens = Coalesce(Sum("output_tokens"), 0)
    return (
        jobs.annotate(day=TruncDate("finished_at", tzinfo=UTC))
        .values("day", "model_name", "owner_id", username=F("owner__username"))
        .annotate(
            input=input_tokens,
            output=output_tokens,
            total=input_tokens + output_tokens,
            jobs=Count("id"),
        )
        .order_by("-day", "model_name", "username")
    )


def models_used() -> list[str]:
    """Return the names of the models succeeded jobs used, for the token-use filter."""
    used = Job.objects.filter(state=Job.State.SUCCEEDED).exclude(model_name="")
    return list(used.values_list("model_name", flat=True).distinct().order_by("model_name"))

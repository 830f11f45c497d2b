"""Show the state of the job queue: `python manage.py jobs`. Reads only."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from chat import kinds
from chat.models import Job


def age(elapsed: timedelta) -> str:
    """Return a duration in its two largest units, e.g. 3m 12s or 2d 4h."""
    seconds = max(int(elapsed.total_seconds()), 0)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    return " ".join(f"{value}{unit}" for value, unit in parts[:2])


class Command(BaseCommand):
    help = "Count jobs per kind and state, and show how long the oldest queued job has waited."

    def handle(self, *args, **options) -> None:
        counts = {
            (row["kind"], row["state"]): row["count"]
            for row in Job.objects.values("kind", "state").annotate(count=Count("id")).order_by()
        }
        states = Job.State.values
        self.stdout.write(f"{'kind':<10}" + "".join(f"{state:>11}" for state in states))
        for kind in [*kinds.names(), "total"]:
            row = [
                sum(n for (k, s), n in counts.items() if s == state and kind in (k, "total"))
                for state in states
            ]
            self.stdout.write(f"{kind:<10}" + "".join(f"{n:>11}" for n in row))
        oldest = Job.objects.filter(state=Job.State.QUEUED).order_by("queued_at", "id").first()
        if oldest is None:
            self.stdout.write("No job is queued.")
        else:
            waited = age(timezone.now() - oldest.queued_at)
            self.stdout.write(
                f"Oldest queued job: #{oldest.pk} ({oldest.kind}), queued {waited} ago."
            )

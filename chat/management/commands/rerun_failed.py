"""Re-run failed jobs from the shell: `python manage.py rerun_failed --kind analysis --since 2h`."""

from __future__ import annotations

import argparse
import getpass
import re
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from chat import kinds
from chat.models import Job
from chat.reruns import rerun_jobs

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def duration(text: str) -> timedelta:
    """Parse a duration such as 30m, 2h or 3d."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration: use a number and a unit (s, m, h, d), e.g. 30m, 2h, 3d."
        )
    return timedelta(**{UNITS[match[2]]: int(match[1])})


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number.")
    return int(text)


def describe(job: Job) -> str:
    conversation = job.conversation
    where = (
        f"in conversation #{conversation.pk} ({conversation.title}, {job.owner})"
        if conversation
        else f"for {job.owner}"  # an export belongs to no conversation
    )
    return f"job #{job.pk} {job.kind} {where}: {job.last_error or 'no error recorded'}"


class Command(BaseCommand):
    help = (
        "Re-run failed jobs, oldest failure first. Each gets a new task and a fresh budget of "
        "attempts, and is recorded as a re-run."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--kind", choices=kinds.names(), help="only jobs of this kind")
        parser.add_argument(
            "--since", type=duration, help="only jobs that failed within this long, e.g. 2h"
        )
        parser.add_argument("--limit", type=positive, help="re-run at most this many jobs")
        parser.add_argument(
            "--dry-run", action="store_true", help="list the jobs without re-running them"
        )

    def handle(self, *args, kind: str | None, since: timedelta | None, limit: int | None,
               dry_run: bool, **options) -> None:  # fmt: skip
        failed = Job.objects.filter(state=Job.State.FAILED)
        if kind:
            failed = failed.filter(kind=kind)
        if since:
            failed = failed.filter(finished_at__gte=timezone.now() - since)
        failed = failed.select_related("conversation", "owner").order_by("finished_at", "id")
        jobs = list(failed[:limit] if limit else failed)
        if not jobs:
            self.stdout.write("No failed job matches.")
            return
        if dry_run:
            for job in jobs:
                self.stdout.write(f"would re-run {describe(job)}")
            self.stdout.write(f"Dry run: {len(jobs)} job(s) would be re-run.")
            return
        report = rerun_jobs(jobs=jobs, by=f"shell:{getpass.getuser()}")
        by_id = {job.pk: job for job in jobs}
        for rerun in report.rerun:
            self.stdout.write(f"re-ran {describe(by_id[rerun.job_id])}")
        for job in report.under_way:
            self.stdout.write(f"skipped job #{job.pk} {job.kind}: it is {job.state} already")
        self.stdout.write(
            self.style.SUCCESS(f"Re-ran {len(report.rerun)} job(s); each has a new task.")
        )

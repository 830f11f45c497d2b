"""Asking for an export and handing it over: the domain operations the page and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat import jobs
from chat.exports import anki, corrections
from chat.languages import LANGUAGES
from chat.models import Export, Job
from chat.services import InvalidInput

CONTENT_TYPES = {
    Export.Format.ANKI: "application/octet-stream",
    Export.Format.CSV: "text/csv; charset=utf-8",
}
SUFFIXES = {Export.Format.ANKI: "apkg", Export.Format.CSV: "csv"}
WHAT = {Export.Format.ANKI: "cards", Export.Format.CSV: "corrections"}


class NotReady(Exception):
    """The export is still being made, or its job failed; the message says which."""


class Expired(Exception):
    """The export is past its time; the message says when it expired."""


@dataclass(frozen=True)
class ExportFile:
    """A made export, whole: what the export job stores on its Export row."""

    export_id: int
    filename: str
    content_type: str
    content: bytes


def request_export(*, owner: AbstractBaseUser, format: str, language: str = "") -> Export:
    """Store an export of the learner's cards or corrections with the job that makes it."""
    if format not in Export.Format.values:
        raise InvalidInput(f"Unknown export format {format!r}. Choose anki or csv.")
    if language and language not in LANGUAGES:
        supported = ", ".join(LANGUAGES)
        raise InvalidInput(f"Unsupported language {language!r}. Supported: {supported}.")
    with transaction.atomic():
        job = jobs.create(kind="export", owner=owner)
        return Export.objects.create(
            owner=owner,
            job=job,
            format=format,
            language=language,
            expires_at=expiry_from(timezone.now()),
        )


def expiry_from(moment: datetime) -> datetime:
    return moment + timedelta(seconds=settings.FINDUS_EXPORT_TTL)


def make_export(export: Export) -> ExportFile:
    """Build the export's file from the learner's data as it is now."""
    build = anki.build_deck if export.format == Export.Format.ANKI else corrections.build_csv
    content = build(owner_id=export.owner_id, language=export.language)
    day = timezone.now().strftime("%Y-%m-%d")
    filename = f"findus-{WHAT[export.format]}-{export.language or 'all'}-{day}"
    return ExportFile(
        export_id=export.pk,
        filename=f"{filename}.{SUFFIXES[export.format]}",
        content_type=CONTENT_TYPES[export.format],
        content=content,
    )


def store_export(made: ExportFile) -> None:
    """Keep the made file on its Export row, downloadable for FINDUS_EXPORT_TTL from now."""
    Export.objects.filter(pk=made.export_id).update(
        filename=made.filename,
        content_type=made.content_type,
        content=made.content,
        size=len(made.content),
        expires_at=expiry_from(timezone.now()),
    )


def downloadable(export: Export) -> Export:
    """Return the export if its file can be downloaded now; raise NotReady or Expired."""
    if export.expires_at <= timezone.now():
        raise Expired(
            f"This export expired at {export.expires_at:%Y-%m-%d %H:%M} UTC. Make a new one."
        )
    job = export.job
    if job.state == Job.State.FAILED:
        raise NotReady(f"This export could not be made: {job.last_error} Try it again.")
    if job.state != Job.State.SUCCEEDED or export.content is None:
        raise NotReady(f"This export is not ready yet ({job.state}). Try again in a moment.")
    return export


def delete_expired_exports() -> int:
    """Delete the exports past their time, with their jobs; return how many there were."""
    expired = Job.objects.filter(kind="export", export__expires_at__lte=timezone.now())
    _, deleted = expired.delete()
    return deleted.get(Export._meta.label, 0)

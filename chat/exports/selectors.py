"""Reads of a learner's exports that the page and the API share; every one filters by owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from chat.languages import LANGUAGES
from chat.models import Export, Job


@dataclass(frozen=True)
class ExportRead:
    """An export as its learner sees it at one moment: being made, ready, failed or expired."""

    export: Export
    now: datetime

    @property
    def state(self) -> str:
        return self.export.job.state

    @property
    def expired(self) -> bool:
        return self.export.expires_at <= self.now

    @property
    def status(self) -> str:
        """What the page shows: the job's state, or "expired" once the file is past its time."""
        return "expired" if self.expired else self.state

    @property
    def language_name(self) -> str:
        return LANGUAGES.get(self.export.language, "All languages")

    @property
    def download_url(self) -> str | None:
        if self.state != Job.State.SUCCEEDED or self.expired:
            return None
        return f"/api/exports/{self.export.pk}/download"


async def exports_of(owner: AbstractBaseUser) -> list[ExportRead]:
    """Return the learner's exports, newest first, with their jobs and without their files."""
    exports = Export.objects.filter(owner=owner).select_related("job").defer("content")
    now = timezone.now()
    return [ExportRead(export, now) async for export in exports]


async def owned_export(
    owner: AbstractBaseUser, export_id: int, *, with_file: bool = False
) -> Export | None:
    """Return one of the learner's exports (its file too, if asked), or None."""
    exports = Export.objects.filter(pk=export_id, owner=owner).select_related("job")
    if not with_file:
        exports = exports.defer("content")
    return await exports.afirst()

"""The exports API: ask for one (202 with its job), list them, read one, download its file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, Router, Schema, Status

from chat import limits, schemas
from chat.exports import selectors, services
from chat.schemas import A_POST, AN_ID, LIMITED, NO_LOGIN

router = Router(tags=["exports"])


class ExportIn(Schema):
    format: Literal["anki", "csv"] = Field(
        description="anki: an Anki deck (.apkg) of your practice cards; csv: every correction."
    )
    language: str = Field("", description="Only this language, e.g. 'es'; empty: all of them.")


class ExportOut(Schema):
    id: int
    format: Literal["anki", "csv"]
    language: str
    state: Literal["queued", "running", "succeeded", "failed"]
    job: schemas.JobOut
    filename: str
    size: int = Field(description="The file's size in bytes, once made.")
    created_at: datetime
    expires_at: datetime
    expired: bool
    download_url: str | None = Field(description="Where to get the file, while it can be had.")


def export_out(read: selectors.ExportRead) -> dict:
    export = read.export
    return {
        **{name: getattr(export, name) for name in ("id", "format", "language", "filename")},
        **{name: getattr(export, name) for name in ("size", "created_at", "expires_at")},
        "state": read.state,
        "job": export.job,
        "expired": read.expired,
        "download_url": read.download_url,
    }


@router.post(
    "/exports",
    response={202: ExportOut, **NO_LOGIN, **A_POST, 422: schemas.ValidationErrorOut, **LIMITED},
)
async def create_export(request: HttpRequest, body: ExportIn):
    """Ask for an export; an export job makes it, and its state shows here until it is ready.

    A learner may ask for FINDUS_EXPORTS_PER_HOUR exports an hour; past that, 429.
    """
    async with limits.spend(request.auth.pk, limits.EXPORTS_PER_HOUR):
        export = await sync_to_async(services.request_export)(
            owner=request.auth, format=body.format, language=body.language
        )
    return Status(202, export_out(selectors.ExportRead(export, timezone.now())))


@router.get("/exports", response={200: list[ExportOut], **NO_LOGIN})
async def list_exports(request: HttpRequest):
    """Your exports, newest first (expired ones until the hourly cleanup deletes them)."""
    return [export_out(read) for read in await selectors.exports_of(request.auth)]


@router.get("/exports/{export_id}", response={200: ExportOut, **AN_ID, **NO_LOGIN})
async def get_export(request: HttpRequest, export_id: int):
    export = await selectors.owned_export(request.auth, export_id)
    if export is None:
        return Status(404, {"detail": "No such export."})
    return export_out(selectors.ExportRead(export, timezone.now()))


@router.get(
    "/exports/{export_id}/download",
    response={200: None, 409: schemas.ErrorOut, 410: schemas.ErrorOut, **AN_ID, **NO_LOGIN},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file: an Anki deck or a CSV (UTF-8 with a byte order mark)",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
async def download_export(request: HttpRequest, export_id: int):
    """The export's file, while it can be had: 409 while it is being made (or if it failed),
    410 once it has expired."""
    export = await selectors.owned_export(request.auth, export_id, with_file=True)
    if export is None:
        return Status(404, {"detail": "No such export."})
    try:
        services.downloadable(export)
    except services.NotReady as error:
        return Status(409, {"detail": str(error)})
    except services.Expired as error:
        return Status(410, {"detail": str(error)})
    response = HttpResponse(bytes(export.content), content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["Cache-Control"] = "private, no-store"
    return response

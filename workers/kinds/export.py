"""The export job: build a learner's Anki deck or CSV of corrections, keep it for download.

No model is asked: the work reads the learner's cards or analyses and writes a file. It is a
job like the others all the same, so it survives a worker's death, can be retried and re-run,
and shows in the admin and Flower.
"""

from __future__ import annotations

from typing import Any

from chat.exports.services import ExportFile, make_export, store_export
from chat.kinds import Done, JobKind, PermanentFailure
from chat.models import Export, Job
from workers.kinds import declare


def build_export(job: Job) -> Done:
    export = Export.objects.filter(job_id=job.pk).defer("content").first()
    if export is None:
        raise PermanentFailure("The export this job was to make has been deleted.")
    return Done(result=make_export(export), model_name="")


def keep_export(job: Job, made: ExportFile) -> dict[str, Any]:
    store_export(made)
    return {"export": {"id": made.export_id, "filename": made.filename, "size": len(made.content)}}


EXPORT = declare(
    JobKind(
        kind="export",
        label="Export",
        task_name="findus.export.make",
        queue="reviews",
        work=build_export,
        store=keep_export,
        rank=5,
    )
)

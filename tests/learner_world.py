"""A learner with a row in every table findus keeps about a learner, each holding a marker
text, so a test can look for that text anywhere in the database afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_celery_results.models import TaskResult

from chat.history.mistakes import record_mistakes
from chat.models import (
    Card,
    CardReview,
    Export,
    GrammarAnalysis,
    Job,
    JobRerun,
    LearnerSettings,
    PracticeRequest,
)
from tests.helpers import PASSWORD
from tests.security.conftest import issue, make_conversation, make_review, make_turn


@dataclass
class World:
    user: User
    marker: str
    task_ids: list[str]


def learner_world(username: str, *, marker: str) -> World:
    """Store everything findus may hold about a learner; `marker` is in every text of theirs."""
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    LearnerSettings.objects.create(owner=user, tutor_remembers=False)
    conversation = make_conversation(user, ended=True)
    text = f"Me gusta la cassa de {marker}."
    message = make_turn(
        conversation,
        text=text,
        reply=f"¡Qué bien, {marker}!",
        issues=[issue(text, "cassa", "casa", f"Casa, {marker}, has one s.")],
    )
    make_review(conversation, f"## Review for {marker}")
    [mistake] = record_mistakes(
        message=message, issues=GrammarAnalysis.objects.get(message=message).issues
    )
    card = Card.objects.create(
        owner=user, language="es", pattern=mistake.pattern, mistake=mistake, sentence=text,
        start=mistake.start, end=mistake.end, answer="casa",
        corrected_sentence=text.replace("cassa", "casa"), explanation=mistake.explanation,
        fingerprint=f"{username}-card", due=timezone.now(),
    )  # fmt: skip
    CardReview.objects.create(
        card=card, typed=f"casa {marker}", verdict="wrong", rating=1, reviewed_at=timezone.now()
    )
    now = timezone.now()
    export_job = Job.objects.create(
        kind="export", owner=user, state="succeeded", queued_at=now, celery_task_id=f"{username}-e"
    )
    Export.objects.create(
        owner=user, job=export_job, format="csv", filename=f"{marker}.csv",
        content=marker.encode(), size=len(marker), expires_at=now + timedelta(hours=1),
    )  # fmt: skip
    exercises = Job.objects.create(
        kind="exercises", owner=user, state="queued", queued_at=now, celery_task_id=f"{username}-x"
    )
    PracticeRequest.objects.create(job=exercises, pattern=mistake.pattern, card=card)
    analysis_job = Job.objects.get(message=message, kind="analysis")
    Job.objects.filter(pk=analysis_job.pk).update(celery_task_id=f"{username}-a2")
    JobRerun.objects.create(
        job=analysis_job, by=user, by_name=username, via="learner", previous_state="failed",
        previous_attempts=1, previous_error=f"Failed on {marker}",
        previous_task_id=f"{username}-a1", new_task_id=f"{username}-a2",
    )  # fmt: skip
    task_ids = [f"{username}-a1", f"{username}-a2", f"{username}-e", f"{username}-x"]
    for task_id in task_ids:
        TaskResult.objects.create(task_id=task_id, status="SUCCESS", result='"succeeded"')
    # An operator changed their rows in the admin: its history names them and quotes them.
    operator, _ = User.objects.get_or_create(username="operator", defaults={"is_staff": True})
    for row in (conversation, message, user):
        LogEntry.objects.create(
            user=operator, content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk), object_repr=f"{row} {marker}", action_flag=CHANGE,
        )  # fmt: skip
    return World(user=user, marker=marker, task_ids=task_ids)

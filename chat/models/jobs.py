"""The AI jobs: their durable state (changed only in chat/jobs.py) and the record of re-runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from chat import kinds
from chat.models.conversations import Conversation, Message


class Job(models.Model):
    """One piece of AI work and its durable state; the worker's only source of truth.

    Its state changes only through chat/jobs.py. Its kind is one of the registered job kinds
    (chat/kinds.py), each declared in its module under workers/kinds/.
    """

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    kind = models.CharField(max_length=16, choices=kinds.choices)
    # The learner the job works for: every read of a job filters by it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    # The conversation the job belongs to, if any (an export belongs to no conversation).
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    # The learner message a reply or an analysis is for; empty for other kinds.
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    # Attempts count across every run of the job. A re-run (an admin's, or a learner's retry)
    # starts a new run with a fresh budget of FINDUS_JOB_MAX_ATTEMPTS, from this attempt on.
    attempts = models.PositiveIntegerField(default=0)
    run_started_at_attempt = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The id of the Celery task of the current attempt: django-celery-results' TaskResult.task_id.
    celery_task_id = models.CharField(max_length=255, blank=True, db_index=True)
    # The worker running the current attempt, and when it last said it still does: a running
    # job whose worker has gone silent is sent again by the reconciler (chat/jobs.py `beat`).
    worker = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    input_tokens = models.PositiveIntegerField(null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "kind"],
                condition=Q(message__isnull=False),
                name="one_job_per_message_and_kind",
            ),
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(kind="review"),
                name="one_review_job_per_conversation",
            ),
        ]
        indexes = [models.Index(fields=["state", "queued_at"])]
        permissions = [("rerun_job", "Can re-run failed and succeeded jobs")]

    def __str__(self) -> str:
        return f"{self.kind} job #{self.pk} ({self.state})"

    @property
    def attempts_this_run(self) -> int:
        return self.attempts - self.run_started_at_attempt

    @property
    def out_of_attempts(self) -> bool:
        return self.attempts_this_run >= settings.FINDUS_JOB_MAX_ATTEMPTS

    @staticmethod
    def with_attempts_left() -> Q:
        """The filter of jobs whose current run may make another attempt (for guarded updates)."""
        budget = F("run_started_at_attempt") + settings.FINDUS_JOB_MAX_ATTEMPTS
        return Q(attempts__lt=budget)


class TokenUse(Job):
    """Jobs read for what they spent: the admin's tokens per UTC day, model and learner."""

    class Meta:
        proxy = True
        verbose_name = "token use"
        verbose_name_plural = "token use"


class JobRerun(models.Model):
    """One re-run of a job, asked for by an operator or by its learner, with what it was before."""

    class Via(models.TextChoices):
        ADMIN = "admin"
        SHELL = "shell"
        LEARNER = "learner"  # the learner's own Try again

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="reruns")
    # The account behind an admin re-run or a learner's retry; kept as a name too, so the record
    # outlives the account.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    by_name = models.CharField(max_length=150)
    via = models.CharField(max_length=8, choices=Via.choices)
    at = models.DateTimeField(auto_now_add=True)
    previous_state = models.CharField(max_length=10, choices=Job.State.choices)
    # A re-run starts a fresh budget of attempts; these are the ones the earlier run used.
    previous_attempts = models.PositiveIntegerField()
    previous_error = models.TextField(blank=True)
    previous_task_id = models.CharField(max_length=255, blank=True)
    new_task_id = models.CharField(max_length=255)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Re-run of job #{self.job_id} by {self.by_name}"

"""What findus stores: conversations, their messages, and the AI jobs with their results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from chat.languages import LANGUAGES, LEVELS

LANGUAGE_CHOICES = list(LANGUAGES.items())
LEVEL_CHOICES = [(code, code) for code in LEVELS]


class Conversation(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    feedback_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    level = models.CharField(max_length=2, choices=LEVEL_CHOICES)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.owner})"


class Message(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner"
        TUTOR = "tutor"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    text = models.TextField()
    # For a tutor message: the learner message it answers. One reply per learner message.
    in_reply_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reply"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.role} #{self.pk}"


class Job(models.Model):
    """One piece of AI work and its durable state; the worker's only source of truth."""

    class Kind(models.TextChoices):
        REPLY = "reply"
        ANALYSIS = "analysis"
        REVIEW = "review"

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="jobs")
    # The learner message a reply or an analysis is for; empty for a review.
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

    def start_new_run(self) -> None:
        """Give the job a fresh budget of attempts; the count goes on from where it is."""
        self.run_started_at_attempt = self.attempts


class JobRerun(models.Model):
    """One re-run of a job asked for by an operator, with what the job was before it."""

    class Via(models.TextChoices):
        ADMIN = "admin"
        SHELL = "shell"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="reruns")
    # The account behind an admin re-run; kept as a name too, so the record outlives the account.
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


class GrammarAnalysis(models.Model):
    """The grammar analysis of one learner message. `issues` holds GrammarIssue dicts."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="analysis")
    issues = models.JSONField(default=list)
    corrected_text = models.TextField()
    summary = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "grammar analyses"

    def __str__(self) -> str:
        return f"Analysis of message #{self.message_id}"


class Review(models.Model):
    """The review of an ended conversation: structured fields plus the markdown shown."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="review"
    )
    content = models.JSONField()
    markdown = models.TextField()
    # Null when the review could not tell (the offline model claims no level): "unknown" is not
    # a blank answer, so null rather than "".
    estimated_level = models.CharField(  # noqa: DJ001
        max_length=2, choices=LEVEL_CHOICES, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Review of {self.conversation}"

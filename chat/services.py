"""Domain operations on conversations. Views and tasks call these; they hold no AI calls."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from chat import jobs
from chat.history.mistakes import count_words
from chat.history.remembering import practice_focus
from chat.languages import LANGUAGES, LEVELS
from chat.models import Conversation, Job, Message
from chat.reruns import rerun_jobs


class InvalidInput(ValueError):
    """The learner's input cannot be stored; the message says why, in plain words."""


class ConversationEnded(Exception):
    """The conversation is ended and takes no more messages."""


class NotRetryable(Exception):
    """The job is not in a state that can be retried."""


def start_conversation(
    *, owner: AbstractBaseUser, language: str, feedback_language: str, level: str
) -> Conversation:
    """Start a conversation. If the learner lets the tutor remember, its tutor will help them
    practise their most frequent recent mistakes in that language (`Conversation.focus`)."""
    _check_language("language", language)
    _check_language("feedback_language", feedback_language)
    if level not in LEVELS:
        raise InvalidInput(f"Unsupported level {level!r}. Supported: {', '.join(LEVELS)}.")
    return Conversation.objects.create(
        owner=owner,
        language=language,
        feedback_language=feedback_language,
        level=level,
        title=f"{LANGUAGES[language]} conversation",
        # What the tutor will help practise, fixed when the conversation begins.
        focus=practice_focus(owner=owner, language=language),
    )


def post_message(*, conversation: Conversation, text: str) -> tuple[Message, list[Job]]:
    """Store a learner message with its reply and analysis jobs, enqueued after commit."""
    check_message_text(text)
    with transaction.atomic():
        # Lock the conversation so a message cannot slip in after it is ended.
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state == Conversation.State.ENDED:
            raise ConversationEnded
        message = Message.objects.create(
            conversation=conversation,
            role=Message.Role.LEARNER,
            text=text,
            word_count=count_words(text),
        )
        queued = [
            jobs.create(
                kind=kind, owner=conversation.owner, conversation=conversation, message=message
            )
            for kind in ("reply", "analysis")
        ]
        # Touch updated_at so the conversation list orders by last activity.
        conversation.save(update_fields=["updated_at"])
    return message, queued


def end_conversation(*, conversation: Conversation) -> Job:
    """End the conversation and queue its review; ending twice returns the same review job."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state == Conversation.State.ENDED:
            return Job.objects.get(conversation=conversation, kind="review")
        conversation.state = Conversation.State.ENDED
        conversation.ended_at = timezone.now()
        conversation.save(update_fields=["state", "ended_at", "updated_at"])
        return jobs.create(kind="review", owner=conversation.owner, conversation=conversation)


def retry_job(*, job: Job) -> Job:
    """Queue the owner's failed job again, in a new run; the retry is on record like a re-run."""
    report = rerun_jobs(jobs=[job], by=job.owner, via="learner")
    if not report.rerun:
        job.refresh_from_db(fields=["state"])
        raise NotRetryable(f"Only a failed job can be retried; this one is {job.state}.")
    job.refresh_from_db()
    return job


def check_message_text(text: str) -> None:
    if not text.strip():
        raise InvalidInput("The message is empty. Write something to send.")
    limit = settings.FINDUS_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise InvalidInput(f"The message is {len(text)} characters long; the limit is {limit}.")


def _check_language(field: str, code: str) -> None:
    if code not in LANGUAGES:
        supported = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
        raise InvalidInput(f"Unsupported {field} {code!r}. Supported: {supported}.")

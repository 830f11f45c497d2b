"""Domain operations on conversations. Views and tasks call these; they hold no AI calls."""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import dateformat, timezone

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
        title=conversation_title(f"{LANGUAGES[language]} conversation", timezone.localtime()),
        # What the tutor will help practise, fixed when the conversation begins.
        focus=practice_focus(owner=owner, language=language),
    )


def post_message(*, conversation: Conversation, text: str) -> tuple[Message, list[Job]]:
    """Store a learner message with its reply and analysis jobs, enqueued after commit."""
    return post_message_by(owner=conversation.owner, conversation_id=conversation.pk, text=text)


def post_message_by(
    *, owner: AbstractBaseUser, conversation_id: int, text: str
) -> tuple[Message, list[Job]]:
    """Store a learner message in one of the owner's conversations, with its reply and analysis
    jobs, enqueued after commit. Raise Conversation.DoesNotExist if the owner has no
    conversation of that id (whether or not it exists)."""
    check_message_text(text)
    with transaction.atomic():
        # Lock the conversation so a message cannot slip in after it is ended. The same query
        # checks the owner and tells whether this is the conversation's first message.
        conversation = (
            Conversation.objects.select_for_update()
            .annotate(has_messages=Exists(Message.objects.filter(conversation=OuterRef("pk"))))
            .get(pk=conversation_id, owner=owner)
        )
        if conversation.state == Conversation.State.ENDED:
            raise ConversationEnded
        message = Message.objects.create(
            conversation=conversation,
            role=Message.Role.LEARNER,
            text=text,
            word_count=count_words(text),
        )
        queued = jobs.create_all(
            names=["reply", "analysis"], owner=owner, conversation=conversation, message=message
        )
        # Touch updated_at so the conversation list orders by last activity.
        changed = ["updated_at"]
        if not conversation.has_messages:
            conversation.title = conversation_title(
                first_words(text), timezone.localtime(conversation.created_at)
            )
            changed.append("title")
        conversation.save(update_fields=changed)
    return message, queued


def end_conversation(*, conversation: Conversation) -> Job:
    """End the conversation and queue its review; ending twice returns the same review job."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state == Conversation.State.ENDED:
            return Job.objects.select_related("conversation").get(
                conversation=conversation, kind="review"
            )
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


TITLE_WORDS_CHARS = 40
# Characters that would break or reorder a title shown among other text: control characters
# and the bidirectional embeddings, overrides and isolates (a title is shown isolated anyway).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def conversation_title(words: str, when: datetime) -> str:
    """Return a title that tells conversations apart: what it is about, then its date.

    The words come first so that a right-to-left beginning sets the title's direction.
    """
    return f"{words} · {dateformat.format(when, 'j M Y')}"


def first_words(text: str, limit: int = TITLE_WORDS_CHARS) -> str:
    """Return the beginning of a learner's text for a title: on one line, at most `limit`
    characters, cut after a word (within a word only if the first word is longer)."""
    words = " ".join(_UNSHOWABLE.sub(" ", text).split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut and words[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    if cut.endswith((".", "!", "?", "…")):
        return cut  # a whole sentence or more reads well as it is
    return cut.rstrip(" ,;:-\u2013\u2014") + "…"


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

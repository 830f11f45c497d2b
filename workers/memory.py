"""What the tutor is sent of a conversation: its recent turns word for word, a summary of the rest.

Sending the whole conversation with every reply makes each turn cost more than the one before
(and a long conversation cost quadratically). So the tutor's request is bounded:

    instructions | summary of the turns up to `summarised_through` | the turns since | message

The summary job (workers/kinds/summary.py) folds the oldest turns into the summary in batches
of FOLD_TURNS once more than FINDUS_TUTOR_RECENT_TURNS + FOLD_TURNS turns are not in it. Between
two folds the start of the request stays the same, turn after turn, so a provider's prompt cache
can serve it; only the end grows. Should summaries fall behind (a failed summary job), the tutor
still gets at most MAX_MESSAGES recent messages: it forgets the middle, it does not cost more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Subquery

from chat.models import Conversation, Message

# Turns folded into the summary at a time: a summary job per FOLD_TURNS turns, and a request
# prefix that stays the same for FOLD_TURNS turns in a row.
FOLD_TURNS = 3
# Messages one summary job folds at most; a conversation further behind gets another job.
MAX_FOLD_MESSAGES = 40
# The longest summary kept, whatever the model wrote (the prompt asks for about 120 words).
SUMMARY_MAX_CHARS = 1500


def recent_turns() -> int:
    return settings.FINDUS_TUTOR_RECENT_TURNS


def max_messages() -> int:
    """The most messages the tutor is sent word for word: the recent turns, a batch waiting to
    be folded, and a spare turn for replies that arrive out of order."""
    return 2 * (recent_turns() + FOLD_TURNS + 1)


@dataclass(frozen=True)
class TutorContext:
    """What the tutor is sent before a learner message: a summary (maybe empty) and messages."""

    summary: str
    summarised_turns: int
    messages: list[Message]


def tutor_context(message: Message) -> TutorContext:
    """Return the summary and the recent messages the tutor is sent before `message`."""
    conversation = message.conversation
    earlier = Message.objects.filter(conversation_id=conversation.pk, id__lt=message.pk)
    if not recent_turns():
        return TutorContext("", 0, list(earlier.order_by("id")))
    # A re-run of an old reply predates the summary: it gets the messages before it instead.
    summarised = bool(conversation.summary) and conversation.summarised_through < message.pk
    if summarised:
        earlier = earlier.filter(id__gt=conversation.summarised_through)
    newest_first = list(earlier.order_by("-id")[: max_messages()])
    return TutorContext(
        conversation.summary if summarised else "",
        conversation.summarised_turns if summarised else 0,
        newest_first[::-1],
    )


def unsummarised(conversation: Conversation) -> list[Message]:
    """Return the messages after the summary, oldest first (at most enough for one fold)."""
    return list(
        Message.objects.filter(
            conversation_id=conversation.pk, id__gt=conversation.summarised_through
        ).order_by("id")[: MAX_FOLD_MESSAGES + max_messages()]
    )


def to_fold(messages: list[Message]) -> list[Message]:
    """Return the oldest of `messages` to fold into the summary now: everything before the
    recent turns, if more than a batch of turns is waiting, at most MAX_FOLD_MESSAGES."""
    learner = [m for m in messages if m.role == Message.Role.LEARNER]
    keep = recent_turns()
    if not keep or len(learner) <= keep + FOLD_TURNS:
        return []
    first_kept = learner[-keep]
    return [m for m in messages if m.pk < first_kept.pk][:MAX_FOLD_MESSAGES]


def needs_folding(conversation: Conversation) -> bool:
    """Return True when the conversation has more turns outside its summary than it should.

    The summary's extent is read afresh: a summary may have been stored since `conversation`
    was read.
    """
    if not recent_turns():
        return False
    through = Conversation.objects.filter(pk=conversation.pk).values("summarised_through")
    waiting = Message.objects.filter(
        conversation_id=conversation.pk,
        id__gt=Subquery(through[:1]),
        role=Message.Role.LEARNER,
    )
    return waiting.count() > recent_turns() + FOLD_TURNS


def clip(summary: str) -> str:
    """Return the summary within SUMMARY_MAX_CHARS, cut at a word."""
    summary = " ".join(summary.split())
    if len(summary) <= SUMMARY_MAX_CHARS:
        return summary
    return summary[: SUMMARY_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"

"""Reads of a learner's data that both the pages and the JSON API make, one function a question.

Every read filters by the owner, so a missing or foreign object reads as None. The page and its
JSON come from the same reads, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from chat.models import Conversation, GrammarAnalysis, Job, Message, Review
from chat.rendering import render_markdown
from chat.turns import Turn


async def conversations_of(owner: AbstractBaseUser) -> list[Conversation]:
    """Return the learner's conversations, latest activity first."""
    return [c async for c in Conversation.objects.filter(owner=owner)]


async def owned_conversation(owner: AbstractBaseUser, conversation_id: int) -> Conversation | None:
    return await Conversation.objects.filter(pk=conversation_id, owner=owner).afirst()


async def owned_job(owner: AbstractBaseUser, job_id: int) -> Job | None:
    return await Job.objects.filter(pk=job_id, owner=owner).select_related("conversation").afirst()


@dataclass
class ConversationRead:
    """What a conversation holds at one moment: its jobs, messages and their analyses."""

    jobs: list[Job] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    analyses: dict[int, GrammarAnalysis] = field(default_factory=dict)

    def turns(self) -> list[Turn]:
        """Return each learner message as a turn with its analysis, reply and jobs, in order."""
        turns = {m.pk: Turn(m) for m in self.messages if m.role == Message.Role.LEARNER}
        for job in self.jobs:
            if job.message_id in turns:
                turns[job.message_id].jobs[job.kind] = job
        for message_id, analysis in self.analyses.items():
            if message_id in turns:
                turns[message_id].analysis = analysis
        for message in self.messages:
            if message.in_reply_to_id in turns:
                turns[message.in_reply_to_id].reply = message
        return list(turns.values())


async def read_conversation(
    conversation: Conversation, *, message_id: int | None = None
) -> ConversationRead:
    """Read the conversation's jobs, messages and analyses (or those of one learner message).

    Jobs first: a worker stores a result and marks its job succeeded in one transaction, so a
    job read here as succeeded has its reply or analysis in the reads that follow.
    """
    # The conversation comes along: a failed job's failure is told in its feedback language.
    jobs = Job.objects.filter(conversation=conversation).select_related("conversation")
    messages = Message.objects.filter(conversation=conversation)
    analyses = GrammarAnalysis.objects.filter(message__conversation=conversation)
    if message_id is not None:
        jobs = jobs.filter(message_id=message_id)
        messages = messages.filter(Q(pk=message_id) | Q(in_reply_to_id=message_id))
        analyses = analyses.filter(message_id=message_id)
    read = ConversationRead()
    read.jobs = [job async for job in jobs]
    read.analyses = {analysis.message_id: analysis async for analysis in analyses}
    read.messages = [message async for message in messages]
    return read


async def conversation_turns(
    conversation: Conversation, message_id: int | None = None
) -> list[Turn]:
    """Return the conversation's turns in order (or just the one for `message_id`)."""
    return (await read_conversation(conversation, message_id=message_id)).turns()


@dataclass
class ReviewState:
    """An ended conversation's review job and, once written, its review."""

    job: Job | None
    review: Review | None

    @property
    def html(self) -> str:
        """The review's markdown, rendered and sanitized: safe to put in a page."""
        return render_markdown(self.review.markdown) if self.review else ""


async def review_state(conversation: Conversation) -> ReviewState:
    # The job before the review, for the same reason as in read_conversation.
    job = (
        await Job.objects.filter(conversation=conversation, kind="review")
        .select_related("conversation")
        .afirst()
    )
    review = await Review.objects.filter(conversation=conversation).afirst()
    return ReviewState(job=job, review=review)

"""The summary job: fold a conversation's oldest unsummarised turns into the tutor's memory of it.

A tutor reply asks for one when more turns wait outside the summary than the tutor is sent word
for word (workers/memory.py). Learners never wait for it: the next reply is bounded whether or
not it has run, and a failed one only makes the tutor forget the middle of a long conversation.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from chat import jobs
from chat.kinds import Done, JobKind, PermanentFailure
from chat.models import Conversation, Job, Message
from workers import memory
from workers.kinds import declare
from workers.prompts import SUMMARY_INSTRUCTIONS, summary_prompt

if TYPE_CHECKING:
    from pydantic_ai import Agent

# After a summary job fails, the next is asked for this much later.
RETRY_FAILED_AFTER = timedelta(hours=1)


@cache
def summary_agent() -> Agent[None, str]:
    """Return the summary agent, built on first use (pydantic-ai loads in workers only)."""
    from pydantic_ai import Agent

    return Agent(
        instructions=SUMMARY_INSTRUCTIONS, name="conversation_summary", defer_model_check=True
    )


def ask_for_a_summary_if_due(job: Job) -> None:
    """Queue a summary job for the job's conversation if one is due, none is under way (other
    than `job` itself) and none failed in the last RETRY_FAILED_AFTER: a provider that keeps
    refusing a summary costs one failed job an hour, not one a turn. Runs in the transaction
    that stores `job`'s result."""
    conversation = job.conversation
    if not memory.needs_folding(conversation):
        return
    failed_since = timezone.now() - RETRY_FAILED_AFTER
    blocking = Job.objects.filter(
        Q(state__in=jobs.UNDER_WAY) | Q(state=Job.State.FAILED, finished_at__gte=failed_since),
        conversation_id=conversation.pk,
        kind=SUMMARY.kind,
    ).exclude(pk=job.pk)
    if not blocking.exists():
        jobs.create(kind=SUMMARY.kind, owner=conversation.owner, conversation=conversation)


def write_summary(job: Job) -> Done:
    from workers import ai  # the AI side: loaded in workers only

    conversation = job.conversation
    folding = memory.to_fold(memory.unsummarised(conversation))
    if not folding:
        return Done(result=None, model_name="")  # another summary job got there first
    learner_turns = sum(1 for m in folding if m.role == Message.Role.LEARNER)
    prompt = summary_prompt(
        summary=conversation.summary,
        turns=[{"role": m.role, "text": m.text} for m in folding],
        language=conversation.language,
    )
    run = ai.run_async(
        summary_agent().run(prompt, model=ai.current_model(), model_settings=ai.model_settings()),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    summary = memory.clip(run.output)
    if not summary:
        raise PermanentFailure("The model answered with an empty summary.")
    return ai.done(
        {
            "summary": summary,
            "after": conversation.summarised_through,
            "through": folding[-1].pk,
            "turns": conversation.summarised_turns + learner_turns,
        },
        usage=run.usage,
        model_name=run.response.model_name,
    )


def store_summary(job: Job, result: dict[str, Any] | None) -> dict[str, Any]:
    """Store the new summary, unless another fold was stored since this one began; ask for the
    next fold if the conversation is still behind."""
    if result is not None:
        Conversation.objects.filter(
            pk=job.conversation_id, summarised_through=result["after"]
        ).update(
            summary=result["summary"],
            summarised_through=result["through"],
            summarised_turns=result["turns"],
        )
        ask_for_a_summary_if_due(job)
    return {}


SUMMARY = declare(
    JobKind(
        kind="summary",
        label="Conversation summary",
        task_name="findus.summary.fold",
        queue="reviews",
        work=write_summary,
        store=store_summary,
        rank=6,
    )
)

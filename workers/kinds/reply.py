"""The tutor reply job: the tutor answers a learner message, streamed to open pages as written."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from chat import live
from chat.kinds import Done, JobKind, PermanentFailure
from chat.models import Job, Message
from workers import memory
from workers.kinds import declare
from workers.kinds.summary import ask_for_a_summary_if_due
from workers.prompts import summary_for_the_tutor, tutor_instructions

if TYPE_CHECKING:
    from pydantic_ai import Agent
    from pydantic_ai.messages import ModelMessage

# Group streamed tokens for this long before publishing, to keep pub/sub traffic modest.
DELTA_INTERVAL = 0.05


async def grouped(deltas: AsyncIterable[str], interval: float) -> AsyncIterator[str]:
    """Yield the first delta at once, then what arrived in each `interval` after the last yield.

    pydantic-ai's own grouping (`debounce_by`) holds the first tokens for a whole interval as
    well, which the learner would wait for before seeing the tutor start to answer.
    """
    loop = asyncio.get_running_loop()
    iterator = aiter(deltas)
    pending: list[str] = []
    due = 0.0  # when the next group may go: the first goes as soon as it comes
    pull: asyncio.Future[str] | None = None
    try:
        while True:
            if pull is None:
                pull = asyncio.ensure_future(anext(iterator))
            wait = max(0.0, due - loop.time()) if pending else None
            done, _ = await asyncio.wait({pull}, timeout=wait)
            if done:
                finished, pull = pull, None
                try:
                    pending.append(finished.result())
                except StopAsyncIteration:
                    break
            if pending and loop.time() >= due:
                yield "".join(pending)
                pending.clear()
                due = loop.time() + interval
        if pending:
            yield "".join(pending)
    finally:
        if pull is not None:
            pull.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pull


@cache
def tutor_agent() -> Agent:
    """Return the tutor agent, built on first use (pydantic-ai loads in workers only)."""
    from pydantic_ai import Agent

    return Agent(name="tutor", defer_model_check=True)


def history_before(message: Message) -> list[ModelMessage]:
    """Return what the model is told of the conversation before `message`: a summary of its
    older turns, if it has one, then the recent turns word for word (workers/memory.py).

    The summary comes as a message of its own after the instructions, not in them: the
    instructions stay the same for the whole conversation and open every request, which is
    what a provider's prompt cache needs.
    """
    from pydantic_ai.messages import ModelRequest, ModelResponse, TextPart, UserPromptPart

    context = memory.tutor_context(message)
    history: list[ModelMessage] = []
    if context.summary:
        told = summary_for_the_tutor(summary=context.summary, turns=context.summarised_turns)
        history.append(ModelRequest(parts=[UserPromptPart(told)]))
    history += [
        ModelRequest(parts=[UserPromptPart(m.text)])
        if m.role == Message.Role.LEARNER
        else ModelResponse(parts=[TextPart(m.text)])
        for m in context.messages
    ]
    return history


async def _stream_reply(job: Job, history: list[ModelMessage]) -> Done:
    from workers import ai  # the AI side: loaded in workers only

    conversation, message = job.conversation, job.message
    channel = live.conversation_channel(conversation.pk)
    parts: list[str] = []
    async with tutor_agent().run_stream(
        message.text,
        message_history=history,
        model=ai.current_model(),
        model_settings=ai.model_settings(cached=True),
        instructions=tutor_instructions(
            language=conversation.language, level=conversation.level, focus=conversation.focus
        ),
    ) as run:
        deltas = run.stream_text(delta=True, debounce_by=None)
        async for delta in grouped(deltas, DELTA_INTERVAL):
            parts.append(delta)
            # The whole text so far too, so a page that joins mid-stream shows all of it.
            live.publish(
                channel,
                "reply.delta",
                {
                    "job_id": job.pk,
                    "message_id": message.pk,
                    "delta": delta,
                    "text": "".join(parts),
                },
            )
        response = run.response
        return ai.done(
            "".join(parts), usage=run.usage, model_name=response.model_name if response else None
        )


def write_reply(job: Job) -> Done:
    from workers import ai  # the AI side: loaded in workers only

    done = ai.run_async(
        _stream_reply(job, history_before(job.message)),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    if not done.result.strip():
        raise PermanentFailure("The model answered with an empty reply.")
    return done


def store_reply(job: Job, text: str) -> dict[str, Any]:
    """Store the tutor's reply to the job's learner message (one per message, replaced by a
    re-run); return its event for the live stream."""
    reply, _ = Message.objects.update_or_create(
        in_reply_to_id=job.message_id,
        defaults={
            "conversation_id": job.conversation_id,
            "role": Message.Role.TUTOR,
            "text": text,
        },
    )
    ask_for_a_summary_if_due(job)
    return {"reply": {"id": reply.pk, "in_reply_to_id": job.message_id, "text": text}}


REPLY = declare(
    JobKind(
        kind="reply",
        label="Tutor reply",
        task_name="findus.reply.write",
        queue="replies",
        work=write_reply,
        store=store_reply,
        rank=1,
    )
)

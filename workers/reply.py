"""The tutor reply job: the tutor answers a learner message, streamed to open pages as written."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart

from chat.models import Job, Message
from workers import ai, live
from workers.jobs import Outcome, PermanentFailure, run_job
from workers.prompts import tutor_instructions

tutor_agent = Agent(name="tutor", defer_model_check=True)

# Group streamed tokens for this long before publishing, to keep pub/sub traffic modest.
DELTA_INTERVAL = 0.05


def history_before(message: Message) -> list[ModelMessage]:
    """Return the conversation up to (not including) `message`, as the model sees it."""
    earlier = Message.objects.filter(conversation_id=message.conversation_id, id__lt=message.pk)
    return [
        ModelRequest(parts=[UserPromptPart(m.text)])
        if m.role == Message.Role.LEARNER
        else ModelResponse(parts=[TextPart(m.text)])
        for m in earlier.order_by("id")
    ]


async def _stream_reply(job: Job, history: list[ModelMessage]) -> tuple[str, Outcome]:
    conversation, message = job.conversation, job.message
    parts: list[str] = []
    async with tutor_agent.run_stream(
        message.text,
        message_history=history,
        model=ai.current_model(),
        model_settings=ai.model_settings(),
        instructions=tutor_instructions(language=conversation.language, level=conversation.level),
    ) as run:
        async for delta in run.stream_text(delta=True, debounce_by=DELTA_INTERVAL):
            parts.append(delta)
            live.publish(
                conversation.pk,
                "reply.delta",
                # The whole text so far too, so a page that joins mid-stream shows all of it.
                {
                    "job_id": job.pk,
                    "message_id": message.pk,
                    "delta": delta,
                    "text": "".join(parts),
                },
            )
        usage, response = run.usage, run.response
    return "".join(parts), Outcome(
        save=lambda: None,
        model_name=(response.model_name if response else "") or settings.FINDUS_AI_MODEL,
        input_tokens=usage.input_tokens or None,
        output_tokens=usage.output_tokens or None,
    )


def _reply(job: Job) -> Outcome:
    message = job.message
    text, outcome = ai.run_async(
        _stream_reply(job, history_before(message)), timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT
    )
    if not text.strip():
        raise PermanentFailure("The model answered with an empty reply.")

    def save() -> None:
        outcome.event = store_reply(message, text)

    outcome.save = save
    return outcome


def store_reply(message: Message, text: str) -> dict[str, Any]:
    """Store the tutor's reply to a learner message (one per message, replaced by a re-run);
    return its event for the live stream."""
    reply, _ = Message.objects.update_or_create(
        in_reply_to=message,
        defaults={
            "conversation_id": message.conversation_id,
            "role": Message.Role.TUTOR,
            "text": text,
        },
    )
    return {"reply": {"id": reply.pk, "in_reply_to_id": message.pk, "text": text}}


@shared_task(name="findus.reply.write", bind=True)
def write(self, job_id: int) -> str:
    """Write the tutor's reply to one learner message (the job's message)."""
    return run_job(self, job_id, _reply)

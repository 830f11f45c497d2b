"""Benchmark-only endpoints that the send path is compared with; mounted under /bench/ by
bench/settings.py, never by findus' own URLs.

- `POST /bench/ceiling`: a bare async Django JSON view in the same app and middleware stack, no
  database, no queue. No endpoint of this app can answer faster.
- `POST /bench/await/<id>/messages`: the design findus replaces. The request stores the message,
  awaits the model for the reply and the analysis, stores both and only then answers.
- `POST /bench/create-task/<id>/messages`: the seed's design. The request stores the message and
  its job rows like findus, then starts the AI work with `asyncio.create_task` in the web
  process, which claims each job, calls the model, records the result and publishes the same live
  events as a worker would.

All three read the session and check CSRF like findus' API (Django's middleware does it here).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from functools import cache
from typing import Any

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from pydantic_ai.models import Model, infer_model

from chat import jobs, services
from chat.kinds import Done
from chat.live import conversation_channel
from chat.models import Conversation, GrammarAnalysis, Job, Message
from chat.sending import new_task_id
from workers import ai, edits
from workers.kinds.analysis import analysis_agent, store_analysis
from workers.kinds.reply import (
    DELTA_INTERVAL,
    grouped,
    history_before,
    store_reply,
    tutor_agent,
)
from workers.prompts import analysis_prompt, tutor_instructions

log = logging.getLogger("bench.variants")
TEXT_LIMIT = settings.FINDUS_MAX_MESSAGE_CHARS
# Background tasks must be referenced until they finish, or the loop may drop them.
_background: set[asyncio.Task] = set()


@cache
def _model() -> Model:
    # One model (and HTTP client) for the web process' one event loop.
    return infer_model(settings.FINDUS_AI_MODEL)


@cache
def _redis() -> aioredis.Redis:
    return aioredis.Redis.from_url(settings.REDIS_URL)


async def ceiling(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


async def await_model(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """Store the message, wait for the model's reply and analysis, store them, answer."""
    conversation, text, error = await _parse(request, conversation_id)
    if error:
        return error
    message = await sync_to_async(_store_message)(conversation=conversation, text=text)
    history = await sync_to_async(history_before)(message)
    reply, analysis = await asyncio.gather(
        tutor_agent().run(
            text,
            message_history=history,
            model=_model(),
            model_settings=ai.model_settings(),
            instructions=tutor_instructions(
                language=conversation.language, level=conversation.level
            ),
        ),
        analysis_agent().run(
            _analysis_prompt(conversation, text),
            model=_model(),
            model_settings=ai.model_settings(),
            deps=text,
        ),
    )
    result = _spans(conversation, text, analysis.output)
    await sync_to_async(_store_results)(message=message, reply=reply.output, analysis=result)
    return JsonResponse(
        {"message_id": message.pk, "reply": reply.output, "analysis": result.model_dump()},
        status=201,
    )


async def create_task(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """Store the message and its jobs, start the AI work in this process, answer 202."""
    conversation, text, error = await _parse(request, conversation_id)
    if error:
        return error
    message, jobs = await sync_to_async(_store_message_and_jobs)(
        conversation=conversation, text=text
    )
    for job in jobs:
        # A fresh context: the request's own (its thread-sensitive executor, its database
        # connection) ends with the response, and sync_to_async in it would then fail.
        task = asyncio.create_task(
            _run_job(job.pk, job.celery_task_id, job.kind), context=contextvars.Context()
        )
        _background.add(task)
        task.add_done_callback(_background.discard)
    return JsonResponse(
        {"message_id": message.pk, "jobs": [{"id": j.pk, "kind": j.kind} for j in jobs]},
        status=202,
    )


async def _parse(
    request: HttpRequest, conversation_id: int
) -> tuple[Conversation | None, str, JsonResponse | None]:
    user = await request.auser()
    if not user.is_authenticated:
        return None, "", JsonResponse({"detail": "Log in."}, status=401)
    try:
        text = json.loads(request.body)["text"]
        services.check_message_text(text)
    except (ValueError, KeyError, TypeError, services.InvalidInput) as problem:
        return None, "", JsonResponse({"detail": str(problem)}, status=400)
    conversation = await Conversation.objects.filter(pk=conversation_id, owner=user).afirst()
    if conversation is None:
        return None, "", JsonResponse({"detail": "No such conversation."}, status=404)
    return conversation, text, None


def _analysis_prompt(conversation: Conversation, text: str) -> str:
    return analysis_prompt(
        text=text,
        language=conversation.language,
        feedback_language=conversation.feedback_language,
        level=conversation.level,
    )


def _store_message(*, conversation: Conversation, text: str) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, role=Message.Role.LEARNER, text=text
        )
        conversation.save(update_fields=["updated_at"])
    return message


def _store_results(*, message: Message, reply: str, analysis: Any) -> None:
    with transaction.atomic():
        Message.objects.create(
            conversation_id=message.conversation_id,
            role=Message.Role.TUTOR,
            text=reply,
            in_reply_to=message,
        )
        GrammarAnalysis.objects.create(
            message=message,
            issues=[issue.model_dump() for issue in analysis.issues],
            corrected_text=analysis.corrected_text,
            summary=analysis.summary[:500],
        )


def _store_message_and_jobs(*, conversation: Conversation, text: str) -> tuple[Message, list[Job]]:
    """What services.post_message stores, without sending anything to Celery."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(
            conversation=conversation, role=Message.Role.LEARNER, text=text
        )
        created = [
            Job.objects.create(
                kind=kind,
                owner_id=conversation.owner_id,
                conversation=conversation,
                message=message,
                celery_task_id=new_task_id(),
                queued_at=timezone.now(),
            )
            for kind in ("reply", "analysis")
        ]
        conversation.save(update_fields=["updated_at"])
    return message, created


async def _run_job(job_id: int, task_id: str, kind: str) -> None:
    """What a worker does with one job (workers/runner.py run_job), on the web's event loop."""
    job = await sync_to_async(jobs.claim)(job_id=job_id, task_id=task_id)
    if job is None:
        return
    work, store = (_reply, store_reply) if kind == "reply" else (_analyse, store_analysis)
    try:
        done = await asyncio.wait_for(work(job), settings.CELERY_TASK_SOFT_TIME_LIMIT)
    except Exception as error:
        log.warning("job=%s failed: %s", job_id, error)
        await sync_to_async(jobs.give_up)(job, reason=ai.describe(error))
        return
    await sync_to_async(jobs.succeed)(job, done, store=store)


async def _analyse(job: Job) -> Done:
    message, conversation = job.message, job.conversation
    run = await analysis_agent().run(
        _analysis_prompt(conversation, message.text),
        model=_model(),
        model_settings=ai.model_settings(),
        deps=message.text,
    )
    result = _spans(conversation, message.text, run.output)
    return ai.done(result, usage=run.usage, model_name=run.response.model_name)


def _spans(conversation: Conversation, text: str, correction: Any) -> Any:
    """Align the model's correction with the text into exact spans, as the analysis job does."""
    return edits.analysis_from_correction(
        text,
        correction,
        language=conversation.language,
        feedback_language=conversation.feedback_language,
    )


async def _reply(job: Job) -> Done:
    message, conversation = job.message, job.conversation
    history = await sync_to_async(history_before)(message)
    parts: list[str] = []
    async with tutor_agent().run_stream(
        message.text,
        message_history=history,
        model=_model(),
        model_settings=ai.model_settings(),
        instructions=tutor_instructions(language=conversation.language, level=conversation.level),
    ) as run:
        deltas = run.stream_text(delta=True, debounce_by=None)
        async for delta in grouped(deltas, DELTA_INTERVAL):
            parts.append(delta)
            await _publish(
                conversation.pk,
                "reply.delta",
                {"job_id": job.pk, "message_id": message.pk, "delta": delta,
                 "text": "".join(parts)},
            )  # fmt: skip
        return ai.done("".join(parts), usage=run.usage, model_name=None)


async def _publish(conversation_id: int, event: str, data: dict[str, Any]) -> None:
    payload = json.dumps({"event": event, "data": data}, default=str)
    await _redis().publish(conversation_channel(conversation_id), payload)


urlpatterns = [
    path("ceiling", ceiling),
    path("await/<int:conversation_id>/messages", await_model),
    path("create-task/<int:conversation_id>/messages", create_task),
]

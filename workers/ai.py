"""The model behind every agent, chosen by FINDUS_AI_MODEL, and how its failures are classified."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection
from pydantic_ai import exceptions
from pydantic_ai.models import Model, infer_model
from pydantic_ai.run import AgentRunResult
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RunUsage

from chat.kinds import Done

_local = threading.local()


def model_settings(*, cached: bool = False) -> ModelSettings:
    """Return the settings of a model request.

    `cached`: the request starts the same way as the conversation's last one (the instructions,
    the summary, the earlier turns), so mark that start for the provider's prompt cache where
    pydantic-ai can (Anthropic, Bedrock, OpenRouter, recent OpenAI models); other providers
    ignore the setting, and OpenAI's older models cache a repeated start by themselves.
    """
    # max_retries=0: the Celery task is the one retry layer, so SDK retries would multiply it.
    return ModelSettings(
        max_retries=0, request_timeout=settings.FINDUS_AI_REQUEST_TIMEOUT, cache=cached
    )


def current_model() -> Model:
    """Return this thread's model for FINDUS_AI_MODEL.

    One per thread, because a provider's HTTP client belongs to the event loop it was made on,
    and each worker thread runs its own loop (see `run_async`).
    """
    name = settings.FINDUS_AI_MODEL
    cached = getattr(_local, "model", None)
    if cached is None or _local.model_setting != name:
        cached = _build_model(name)
        _local.model, _local.model_setting = cached, name
    return cached


def prepare_thread() -> None:
    """Build this thread's model and event loop now, before its first job needs them.

    A model's HTTP client loads the CA certificates (~30 ms of CPU, far more on a busy core), so
    building it inside a job adds that to the learner's wait for the first words.
    """
    current_model()
    _event_loop()


def _build_model(name: str) -> Model:
    if name == "local":
        from workers.offline import build_local_model

        return build_local_model()
    return infer_model(name)


def done(result: Any, *, usage: RunUsage, model_name: str | None) -> Done:
    """Return a job's result with the model that answered and the tokens it used."""
    return Done(
        result=result,
        model_name=model_name or settings.FINDUS_AI_MODEL,
        input_tokens=usage.input_tokens or None,
        output_tokens=usage.output_tokens or None,
    )


def output_of(run: AgentRunResult) -> Done:
    """Return a finished agent run's output as a job's result."""
    return done(run.output, usage=run.usage, model_name=run.response.model_name)


def run_async[T](coroutine: Coroutine[Any, Any, T], *, timeout: float) -> T:
    """Run a coroutine on this thread's event loop, cancelling it after `timeout` seconds.

    The threads pool cannot enforce Celery's time limits, so the job's budget is enforced here:
    a hung provider call is cancelled and the worker slot is free again.
    """
    loop = _event_loop()
    _lend_the_database_connection()
    return loop.run_until_complete(asyncio.wait_for(coroutine, timeout))


def _event_loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
    return loop


def _lend_the_database_connection() -> None:
    """With a connection pool, give this thread's connection back while the model answers.

    A model call takes seconds, and a worker thread would hold its connection idle all that
    time: a 64-thread worker, 64 connections. The job's next query takes one from the pool
    again. Without a pool, closing would cost a new connection per job, so it stays open.
    """
    if getattr(connection, "pool", None) is not None and not connection.in_atomic_block:
        connection.close()


def is_transient(error: BaseException) -> bool:
    """Return True for failures worth another attempt: rate limits, 5xx, timeouts, network."""
    if isinstance(error, exceptions.ModelRequestRejectedError):
        return False
    if isinstance(error, exceptions.ModelHTTPError):
        return error.status_code in (408, 409, 425, 429) or error.status_code >= 500
    return isinstance(
        error,
        exceptions.ModelRateLimitError
        | exceptions.ModelUnavailableError
        | exceptions.ModelServerError
        | exceptions.ModelConnectionError
        | exceptions.ModelRequestTimeout
        | TimeoutError
        | SoftTimeLimitExceeded
        | ConnectionError,
    )


def retry_after(error: BaseException) -> float | None:
    """Return how long the provider asked us to wait, if it said."""
    return getattr(error, "retry_after", None)


def describe(error: BaseException) -> str:
    """Return a one-paragraph, human-readable reason for a failed attempt."""
    if isinstance(error, TimeoutError) and not str(error):
        return "The model did not answer within the job's time budget."
    if isinstance(error, exceptions.ModelHTTPError):
        return f"The AI provider answered HTTP {error.status_code}: {_short(error.body or error)}"
    if isinstance(error, exceptions.UnexpectedModelBehavior):
        return f"The model's answer was unusable: {_short(error.message)}"
    return f"{type(error).__name__}: {_short(error)}"


def _short(value: object, limit: int = 500) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

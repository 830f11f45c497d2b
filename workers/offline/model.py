"""The "local" model: the offline tutor, checker and reviewer behind pydantic-ai's model interface.

The agents don't know they are talking to it. A prompt that carries a job payload (see
`workers.prompts`) gets a structured answer through the agent's output tool; any other prompt
is a learner's chat message and gets a tutor reply, whose language and level come from the
tutor instructions.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
from collections.abc import AsyncIterator
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from workers.offline.checker import analyse
from workers.offline.exercises import build_exercises
from workers.offline.lexicon import describe_dictionaries
from workers.offline.review import build_review
from workers.offline.summary import build_summary
from workers.offline.tutor import tutor_reply
from workers.prompts import (
    parse_job_payload,
    parse_summary_for_the_tutor,
    parse_tutor_focus,
    parse_tutor_settings,
)

log = logging.getLogger("findus.offline")

MODEL_NAME = "local"
STREAM_DELAY_VARIABLE = "FINDUS_LOCAL_STREAM_DELAY"
DEFAULT_STREAM_DELAY = 0.03  # seconds per word: fast, but visibly streaming in a browser
JSON_CHUNK = 64  # characters of structured output per streamed piece

Answer = str | dict[str, Any]  # a tutor reply, or a job result for the output tool


def build_local_model() -> FunctionModel:
    """Return the offline model, for both plain and streamed agent runs."""
    # Workers build the model at start: the log says which spelling dictionaries they have.
    log.info(describe_dictionaries())
    return FunctionModel(respond, stream_function=stream_response, model_name=MODEL_NAME)


def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Answer a whole request at once. Sync: pydantic-ai runs it in a worker thread."""
    answer = answer_for(messages, info)
    if isinstance(answer, str):
        return ModelResponse(parts=[TextPart(answer)])
    if info.output_tools:
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, answer)])
    # An agent using native or prompted output reads the result from the text.
    return ModelResponse(parts=[TextPart(json.dumps(answer, ensure_ascii=False))])


async def stream_response(
    messages: list[ModelMessage], info: AgentInfo
) -> AsyncIterator[str | DeltaToolCalls]:
    """Answer a request piece by piece: a reply word by word, a result in JSON chunks."""
    # Loading a spelling dictionary takes up to a second; keep it off the event loop.
    answer = await asyncio.to_thread(answer_for, messages, info)
    if isinstance(answer, str):
        delay = stream_delay()
        for index, word in enumerate(words_of(answer)):
            if index and delay:
                await asyncio.sleep(delay)
            yield word
        return
    document = json.dumps(answer, ensure_ascii=False)
    pieces = [document[i : i + JSON_CHUNK] for i in range(0, len(document), JSON_CHUNK)]
    if not info.output_tools:
        for piece in pieces:
            yield piece
        return
    # Structured results go to a background job, not to a reader: no delay between pieces.
    yield {0: DeltaToolCall(name=info.output_tools[0].name, json_args=pieces[0])}
    for piece in pieces[1:]:
        yield {0: DeltaToolCall(json_args=piece)}


def answer_for(messages: list[ModelMessage], info: AgentInfo) -> Answer:
    """Return the answer to the last user prompt in `messages`."""
    prompt = last_user_prompt(messages)
    job = parse_job_payload(prompt)
    if job is not None and job.get("task") == "analysis":
        result = analyse(
            text=str(job.get("text") or ""),
            language=str(job.get("language") or ""),
            feedback_language=str(job.get("feedback_language") or ""),
        )
        return result.model_dump()
    if job is not None and job.get("task") == "review":
        return build_review(job).model_dump()
    if job is not None and job.get("task") == "exercises":
        return build_exercises(job)
    if job is not None and job.get("task") == "summary":
        return build_summary(job)
    settings = parse_tutor_settings(info.instructions)
    return tutor_reply(
        learner_text=prompt,
        language=settings.get("language", "en"),
        level=settings.get("level", "A1"),
        # The history the caller passes is the conversation so far, this message included,
        # its older turns maybe summarised.
        turn=summarised_turns(messages) + len(user_prompts(messages)),
        focus=parse_tutor_focus(info.instructions),
    )


def user_prompts(messages: list[ModelMessage]) -> list[str]:
    """Return the text of every user prompt in `messages`, oldest first, but a summary's."""
    return [text for text in _user_texts(messages) if parse_summary_for_the_tutor(text) is None]


def _user_texts(messages: list[ModelMessage]) -> list[str]:
    return [
        _prompt_text(part)
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart)
    ]


def summarised_turns(messages: list[ModelMessage]) -> int:
    """Return how many turns the summary at the start of `messages` stands for (0 if none)."""
    for text in _user_texts(messages):
        told = parse_summary_for_the_tutor(text)
        if told is not None and isinstance(told.get("turns"), int):
            return told["turns"]
    return 0


def last_user_prompt(messages: list[ModelMessage]) -> str:
    prompts = user_prompts(messages)
    return prompts[-1] if prompts else ""


def _prompt_text(part: UserPromptPart) -> str:
    if isinstance(part.content, str):
        return part.content
    # Multi-part content: the offline model reads only the text in it.
    return "\n".join(item for item in part.content if isinstance(item, str))


def words_of(text: str) -> list[str]:
    """Split `text` into words that keep their trailing spaces, so the pieces join back."""
    return [piece for piece in re.split(r"(?<=\s)(?=\S)", text) if piece]


def stream_delay() -> float:
    """Return the pause between streamed words, read from the environment on every call."""
    raw = os.environ.get(STREAM_DELAY_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_STREAM_DELAY
    try:
        delay = float(raw)
    except ValueError:
        delay = math.nan
    if not math.isfinite(delay) or delay < 0:
        raise ValueError(f"{STREAM_DELAY_VARIABLE} must be a number of seconds >= 0, got {raw!r}")
    return delay

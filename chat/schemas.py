"""The JSON shapes of the API (django-ninja schemas, published in /api/openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema

from chat import kinds
from chat.failures import failure_of
from chat.feedback import Category, Severity
from chat.languages import LANGUAGES, Level

# The schema lists the supported codes (so /api/docs fills in one that works), but any string
# gets through to start_conversation, whose 400 names the field and lists what is supported.
LanguageCode = Annotated[str, WithJsonSchema({"type": "string", "enum": list(LANGUAGES)})]


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (\\u0000)")
    return value


# Text that is stored or looked up: PostgreSQL cannot hold the NUL character in a text column.
StoredText = Annotated[str, AfterValidator(_without_nul)]


class ConversationIn(Schema):
    language: LanguageCode = Field(description="The language to practise, e.g. 'es'.")
    feedback_language: LanguageCode = Field(description="The language of explanations, e.g. 'en'.")
    level: Level


class MessageIn(Schema):
    text: StoredText = Field(description="What the learner wrote (1 to 2,000 characters).")


class JobOut(Schema):
    id: int
    # The registered job kinds: chat/kinds.py, filled in when the apps are ready.
    kind: Literal[tuple(kinds.names())]
    state: Literal["queued", "running", "succeeded", "failed"]
    message_id: int | None
    attempts: int
    failure: str = Field(
        description="For a failed job: what happened, in plain words in the conversation's "
        "feedback language; empty otherwise. The technical reason is kept for admins."
    )
    celery_task_id: str
    model_name: str
    input_tokens: int | None
    output_tokens: int | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_failure(job: Any) -> str:
        return failure_of(job)


class IssueOut(Schema):
    start: int
    end: int
    original: str
    suggestion: str
    explanation: str
    category: Category
    severity: Severity
    also: list[tuple[int, int]] = Field(
        default=[], description="Further [start, end] places of the same mistake."
    )


class AnalysisOut(Schema):
    issues: list[IssueOut]
    corrected_text: str
    summary: str


class MessageOut(Schema):
    id: int
    role: Literal["learner", "tutor"]
    text: str
    in_reply_to_id: int | None = Field(description="For a tutor message: the message it answers.")
    created_at: datetime


class LearnerMessageOut(MessageOut):
    analysis: AnalysisOut | None = None


class FocusOut(Schema):
    """A mistake pattern the tutor was asked to help practise, with its latest correction."""

    pattern_id: int
    label: str
    category: Category
    original: str
    suggestion: str


class ConversationOut(Schema):
    id: int
    language: str
    feedback_language: str
    level: str
    title: str
    state: Literal["active", "ended"]
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    focus: list[FocusOut] = Field(
        description="What the tutor helps practise: the learner's most frequent recent mistakes "
        "when the conversation began (empty if they turned the tutor's memory off)."
    )


class ConversationDetailOut(ConversationOut):
    messages: list[LearnerMessageOut]
    jobs: list[JobOut]
    offline_tutor: bool = Field(
        description="True when the offline tutor answers, not a real model."
    )


class PostedMessageOut(Schema):
    message: MessageOut
    jobs: list[JobOut]


class ReviewOut(Schema):
    estimated_level: Level | None = Field(description="Null when the model could not tell.")
    content: dict
    markdown: str
    html: str = Field(description="The markdown rendered and sanitized: safe to insert.")
    created_at: datetime


class ReviewStateOut(Schema):
    job: JobOut
    review: ReviewOut | None


class CredentialsIn(Schema):
    username: StoredText
    password: str


class UserOut(Schema):
    id: int
    username: str


class CsrfOut(Schema):
    csrf_token: str


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict] = Field(description="One entry per field: where it is and what is wrong.")


# Answers a call may give besides its own, declared on every operation so the schema tells
# clients all of them.
NO_LOGIN = {401: ErrorOut}  # no session
A_POST = {400: ErrorOut, 403: ErrorOut}  # an unreadable body; no CSRF token
BAD_SHAPE = {422: ValidationErrorOut}  # a body or parameter of the wrong shape
AN_ID = {404: ErrorOut, **BAD_SHAPE}  # an id that is not yours, or not a number
LIMITED = {429: ErrorOut}  # a limit is used up; Retry-After says for how long

"""Fixtures for the security tests: a learner's world to attack, clean limit counters and a clock
for their windows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from chat import limits
from chat.history.mistakes import record_mistakes
from chat.models import (
    Conversation,
    Export,
    GrammarAnalysis,
    Job,
    Message,
    MistakePattern,
    Review,
)
from tests.helpers import PASSWORD


@pytest.fixture(autouse=True)
def fresh_limits(clean_redis_db):
    """Forget counted posts, ends and failed logins before and after each test.

    Test databases hand out the same user ids again after a rollback, and a counter must not
    outlive the user it counted (nor leak into the other test modules).
    """
    forget_limits(clean_redis_db)
    yield
    forget_limits(clean_redis_db)


def forget_limits(client) -> None:
    for pattern in ("findus:limit:*", "findus:login-failures:*"):
        keys = list(client.scan_iter(pattern))
        if keys:
            client.delete(*keys)


def make_user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD)


def make_conversation(owner: User, *, ended: bool = False) -> Conversation:
    return Conversation.objects.create(
        owner=owner,
        language="es",
        feedback_language="en",
        level="A2",
        title="Spanish conversation",
        state="ended" if ended else "active",
        ended_at=timezone.now() if ended else None,
    )


def make_turn(
    conversation: Conversation,
    *,
    text: str = "Me gusta la cassa.",
    reply: str = "¡Qué bien!",
    issues: list[dict] | None = None,
    summary: str = "One spelling mistake.",
    analysis_state: str = "succeeded",
    reply_state: str = "succeeded",
) -> Message:
    """Store a learner message with its jobs, and the reply and analysis their states imply."""
    learner = Message.objects.create(conversation=conversation, role="learner", text=text)
    now = timezone.now()
    for kind, state in (("reply", reply_state), ("analysis", analysis_state)):
        Job.objects.create(
            kind=kind, owner=conversation.owner, conversation=conversation, message=learner,
            state=state, queued_at=now,
            last_error="The provider kept failing." if state == "failed" else "",
        )  # fmt: skip
    if reply_state == "succeeded":
        Message.objects.create(
            conversation=conversation, role="tutor", text=reply, in_reply_to=learner
        )
    if analysis_state == "succeeded":
        if issues is None:
            start = text.find("cassa")
            issues = [issue(text, "cassa", "casa", "Casa has one s.")] if start >= 0 else []
        GrammarAnalysis.objects.create(
            message=learner, issues=issues, corrected_text=text, summary=summary
        )
    return learner


def make_mistake(message: Message, original: str = "cassa", suggestion: str = "casa"):
    """Record a mistake of the message in its learner's history; return its pattern."""
    (mistake,) = record_mistakes(
        message=message, issues=[issue(message.text, original, suggestion, "Casa has one s.")]
    )
    return MistakePattern.objects.get(pk=mistake.pattern_id)


def issue(text: str, original: str, suggestion: str, explanation: str) -> dict:
    start = text.index(original)
    return {
        "start": start, "end": start + len(original), "original": original,
        "suggestion": suggestion, "explanation": explanation, "category": "spelling",
        "severity": "minor",
    }  # fmt: skip


def make_review(conversation: Conversation, markdown: str) -> Review:
    Job.objects.create(
        kind="review",
        owner=conversation.owner,
        conversation=conversation,
        state="succeeded",
        queued_at=timezone.now(),
    )
    return Review.objects.create(
        conversation=conversation, content={}, markdown=markdown, estimated_level="A2"
    )


def make_export(owner: User) -> Export:
    """Store a made export (a CSV) of the learner's, downloadable for an hour."""
    now = timezone.now()
    job = Job.objects.create(kind="export", owner=owner, state="succeeded", queued_at=now)
    return Export.objects.create(
        owner=owner, job=job, format="csv", filename="findus-corrections.csv",
        content_type="text/csv; charset=utf-8", content=b"\xef\xbb\xbfDate\r\n", size=6,
        expires_at=now + timedelta(hours=1),
    )  # fmt: skip


# Midnight UTC on 2030-01-01, plus ten hours and ten seconds: 50 seconds left in the minute.
DAY_START = 1893456000
TEN_AM = DAY_START + 10 * 3600 + 10


class Clock:
    """Stands in for the time module in chat.limits, so windows can pass without waiting."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(TEN_AM)
    monkeypatch.setattr(limits, "time", clock)
    return clock


def learner(username: str = "ana") -> tuple[Client, Conversation]:
    user = make_user(username)
    client = Client()
    client.force_login(user)
    return client, make_conversation(user)


def post(client: Client, conversation: Conversation, text: str = "Hola"):
    return client.post(
        f"/api/conversations/{conversation.pk}/messages",
        json.dumps({"text": text}),
        content_type="application/json",
    )

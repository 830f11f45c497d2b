"""Learners driving a real web process over HTTP, as the pages do: log in, start a conversation,
post messages. Every answer is kept, with its status and how long it took."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx
from django.contrib.auth.models import User

from tests.helpers import PASSWORD


@dataclass
class Answer:
    status: int  # 0: no answer (the connection failed or timed out)
    seconds: float
    message_id: int | None = None
    job_ids: list[int] = field(default_factory=list)


@dataclass
class Learner:
    client: httpx.AsyncClient
    conversation_id: int
    answers: list[Answer] = field(default_factory=list)

    async def post(self, text: str) -> Answer:
        started = time.monotonic()
        try:
            response = await self.client.post(
                f"/api/conversations/{self.conversation_id}/messages", json={"text": text}
            )
        except httpx.HTTPError:
            answer = Answer(0, time.monotonic() - started)
        else:
            answer = Answer(response.status_code, time.monotonic() - started)
            if response.status_code == 202:
                body = response.json()
                answer.message_id = body["message"]["id"]
                answer.job_ids = [job["id"] for job in body["jobs"]]
        self.answers.append(answer)
        return answer


def create_learners(count: int) -> list[str]:
    """Create `count` accounts (with the test process' fast hasher) and return their names."""
    names = [f"learner{n}" for n in range(count)]
    User.objects.bulk_create([User(username=name) for name in names])
    hashed = User(username="x")
    hashed.set_password(PASSWORD)
    User.objects.filter(username__in=names).update(password=hashed.password)
    return names


async def log_in(base: str, username: str, *, timeout: float = 30) -> Learner:
    """Log in through the API and start a Spanish conversation."""
    client = httpx.AsyncClient(base_url=base, timeout=timeout)
    token = (await client.get("/api/auth/csrf")).json()["csrf_token"]
    client.headers["X-CSRFToken"] = token
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    # Logging in rotates the CSRF token.
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    response = await client.post(
        "/api/conversations", json={"language": "es", "feedback_language": "en", "level": "A2"}
    )
    assert response.status_code == 201, response.text
    return Learner(client, response.json()["id"])


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

"""Practice cards to test with: a learner's pattern and cards on it, stored directly."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from chat import jobs
from chat.models import Card, MistakePattern, PracticeRequest
from chat.practice.cards import card_fingerprint
from chat.practice.scheduling import new_schedule


def make_pattern(
    owner: User, *, original: str = "cassa", answer: str = "casa", occurrences: int = 1,
    language: str = "es", category: str = "spelling",
) -> MistakePattern:  # fmt: skip
    now = timezone.now()
    pattern, _ = MistakePattern.objects.update_or_create(
        owner=owner,
        language=language,
        key=f"{category}:{original}>{answer}",
        defaults={
            "category": category,
            "label": f"{original} → {answer}",
            "explanation": f"It is spelt {answer}.",
            "occurrences": occurrences,
            "first_seen_at": now,
            "last_seen_at": now,
        },
    )
    return pattern


def make_card(
    owner: User, *, sentence: str = "Me gusta la cassa.", original: str = "cassa",
    answer: str = "casa", pattern: MistakePattern | None = None, due: datetime | None = None,
    language: str = "es", suspended: bool = False, source: str = "mistake",
) -> Card:  # fmt: skip
    start = sentence.index(original)
    end = start + len(original)
    if pattern is None:
        pattern = make_pattern(owner, original=original, answer=answer, language=language)
    return Card.objects.create(
        owner=owner,
        language=language,
        pattern=pattern,
        source=source,
        sentence=sentence,
        start=start,
        end=end,
        answer=answer,
        corrected_sentence=sentence[:start] + answer + sentence[end:],
        explanation=f"It is spelt {answer}.",
        fingerprint=card_fingerprint(sentence, start, end, answer),
        suspended=suspended,
        **new_schedule(due or timezone.now()),
    )


def make_practice_request(owner: User, card: Card) -> PracticeRequest:
    """A "More like this" request with its exercises job (queued; sent only after a commit)."""
    job = jobs.create(kind="exercises", owner=owner)
    return PracticeRequest.objects.create(job=job, pattern=card.pattern, card=card)


def ask_for_more(client, **body: int) -> dict:
    """Ask for "More like this" through the API; return the 202's practice request."""
    response = client.post("/api/practice/more", body, content_type="application/json")
    assert response.status_code == 202, response.content
    return response.json()


def settled(client, request_id: int, *, timeout: float = 30) -> dict:
    """Poll a practice request until its job has succeeded or failed; return it."""
    from tests.processes import wait_for

    def finished() -> dict | None:
        request = client.get(f"/api/practice/requests/{request_id}").json()
        return request if request["job"]["state"] in ("succeeded", "failed") else None

    return wait_for(finished, timeout=timeout, interval=0.1, what=f"practice request {request_id}")

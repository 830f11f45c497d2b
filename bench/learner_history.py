"""Benchmark: a learner's history and practice pages at scale, through the real ASGI app.

    uv run --group bench python -m bench.learner_history            # about 2 minutes
    uv run --group bench python -m bench.learner_history --smoke    # a few seconds

Seeds one learner with 100 Spanish conversations of 50 messages each (25 of theirs, each
analysed, with about one mistake a message in some 40 patterns that grow rarer over the year, 25
tutor replies, a review per conversation, and a practice card per mistake, a tenth of them due),
with bulk inserts into PostgreSQL. Then one
uvicorn process (uvloop, httptools, DEBUG off, DATABASE_POOL=true) serves each measured page
REQUESTS times in a row, after a warm-up, and the benchmark prints p50, p95 and p99 against the
200 ms p95 target, and the number of queries each page makes (counted in this process).

Each measured page is one function `(client, seeded) -> response` in MEASURED; the client is an
httpx.Client or Django's test Client, whose `get` both take a path. Add a page by adding one.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bench import harness

P95_TARGET_MS = 200.0
CONVERSATIONS, MESSAGES = 100, 50
REQUESTS, WARMUP = 300, 20
PATTERNS = 40
LANGUAGE = "es"
LEVELS = ["A2", "A2", "B1", "B1", "B2"]
CATEGORIES = ["spelling", "spelling", "agreement", "word_choice", "punctuation", "extra_word"]


@dataclass(frozen=True)
class Seeded:
    learner_id: int
    language: str
    pattern_id: int  # the learner's most frequent pattern
    conversations: int
    messages: int
    mistakes: int
    cards: int
    seconds: float


# --- The measured pages: one function each -----------------------------------------------------


def mistakes_page(client: Any, seeded: Seeded) -> Any:
    return client.get(f"/mistakes/?language={seeded.language}")


def mistakes_api(client: Any, seeded: Seeded) -> Any:
    return client.get(f"/api/mistakes?language={seeded.language}")


def pattern_page(client: Any, seeded: Seeded) -> Any:
    return client.get(f"/mistakes/patterns/{seeded.pattern_id}/")


def progress_page(client: Any, seeded: Seeded) -> Any:
    return client.get(f"/progress/?language={seeded.language}")


def progress_api(client: Any, seeded: Seeded) -> Any:
    return client.get(f"/api/progress?language={seeded.language}")


def practice_page(client: Any, seeded: Seeded) -> Any:
    """The practice page: the next due card first (recurring patterns first)."""
    return client.get(f"/practice/?language={seeded.language}")


def practice_api(client: Any, seeded: Seeded) -> Any:
    return client.get(f"/api/practice/cards?language={seeded.language}")


MEASURED: list[Callable[[Any, Seeded], Any]] = [
    mistakes_page,
    mistakes_api,
    pattern_page,
    progress_page,
    progress_api,
    practice_page,
    practice_api,
]


# --- Seeding ------------------------------------------------------------------------------------


@contextmanager
def dated_as_given(*models: type) -> Iterator[None]:
    """Let bulk_create keep the creation times it is given (auto_now_add would set now)."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def seed(*, conversations: int, messages: int) -> Seeded:
    """Write one learner's history with bulk inserts; return what the pages need to know."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from chat.history.mistakes import count_words, pattern_key, pattern_label
    from chat.models import (
        Card,
        Conversation,
        GrammarAnalysis,
        Message,
        Mistake,
        MistakePattern,
        Review,
    )
    from chat.practice.cards import card_fingerprint
    from chat.practice.scheduling import new_schedule

    started = time.monotonic()
    rng = random.Random(12)  # noqa: S311 - made-up learner data, the same every run
    fixes = [
        (CATEGORIES[n % len(CATEGORIES)], f"palabrra{n}", f"palabra{n}") for n in range(PATTERNS)
    ]
    # Some mistakes are far more frequent than others.
    weights = [1 / (rank + 1) for rank in range(PATTERNS)]
    first_day = timezone.now() - dt.timedelta(days=3 * conversations)
    with transaction.atomic(), dated_as_given(Conversation, Message, GrammarAnalysis, Review):
        learner = User(username="history-learner")
        learner.set_unusable_password()
        learner.save()
        talks = Conversation.objects.bulk_create(
            Conversation(
                owner=learner, language=LANGUAGE, feedback_language="en", level="A2",
                title=f"Conversation {n + 1}", state="ended",
                created_at=first_day + dt.timedelta(days=3 * n),
                ended_at=first_day + dt.timedelta(days=3 * n, hours=1),
            )
            for n in range(conversations)
        )  # fmt: skip
        turns = []  # (conversation, message, its fixes)
        for n, talk in enumerate(talks):
            # The learner improves: from about 1.5 mistakes a message to about 0.5.
            mean = 1.5 - n / max(conversations - 1, 1)
            for m in range(messages // 2):
                count = min(3, max(0, round(rng.gauss(mean, 0.8))))
                chosen = rng.choices(range(PATTERNS), weights=weights, k=count)
                text, issues = _sentence([fixes[i] for i in chosen], rng)
                at = talk.created_at + dt.timedelta(minutes=2 * m)
                message = Message(conversation=talk, role="learner", text=text,
                                  word_count=count_words(text), created_at=at)  # fmt: skip
                turns.append((talk, message, list(zip(chosen, issues, strict=True))))
        Message.objects.bulk_create([message for _, message, _ in turns], batch_size=1000)
        Message.objects.bulk_create(
            [
                Message(conversation=talk, role="tutor", text="¡Muy bien! ¿Y qué más?",
                        word_count=4, in_reply_to=message,
                        created_at=message.created_at + dt.timedelta(seconds=30))
                for talk, message, _ in turns
            ],
            batch_size=1000,
        )  # fmt: skip
        GrammarAnalysis.objects.bulk_create(
            [
                GrammarAnalysis(message=message, issues=[issue for _, issue in found],
                                corrected_text=message.text, summary="Checked.",
                                created_at=message.created_at)
                for _, message, found in turns
            ],
            batch_size=1000,
        )  # fmt: skip
        made = [(n, message) for _, message, found in turns for n, _ in found]
        times = Counter(n for n, _ in made)
        patterns = MistakePattern.objects.bulk_create(
            MistakePattern(
                owner=learner, language=LANGUAGE, category=category,
                key=pattern_key(category=category, original=original, suggestion=suggestion),
                label=pattern_label(original=original, suggestion=suggestion),
                explanation=f"Write {suggestion}.", occurrences=times[n],
                first_seen_at=min(m.created_at for i, m in made if i == n),
                last_seen_at=max(m.created_at for i, m in made if i == n),
            )
            for n, (category, original, suggestion) in enumerate(fixes)
            if times[n]
        )  # fmt: skip
        pattern_of = {p.label: p for p in patterns}
        mistakes = Mistake.objects.bulk_create(
            [
                Mistake(
                    owner=learner, pattern=pattern_of[pattern_label(
                        original=issue["original"], suggestion=issue["suggestion"])],
                    conversation=talk, message=message, language=LANGUAGE,
                    category=issue["category"], start=issue["start"], end=issue["end"],
                    original=issue["original"], suggestion=issue["suggestion"],
                    explanation=issue["explanation"], made_at=message.created_at,
                )
                for talk, message, found in turns
                for _, issue in found
            ],
            batch_size=1000,
        )  # fmt: skip
        # A card per mistake, as the analysis job makes them; a tenth are due now, the rest are
        # spread over the coming months, as after a year of practice.
        now = timezone.now()
        cards = Card.objects.bulk_create(
            [
                Card(
                    owner=learner, language=LANGUAGE, pattern=mistake.pattern, mistake=mistake,
                    sentence=mistake.message.text, start=mistake.start, end=mistake.end,
                    answer=mistake.suggestion,
                    corrected_sentence=mistake.message.text[: mistake.start] + mistake.suggestion
                    + mistake.message.text[mistake.end :],
                    explanation=mistake.explanation,
                    fingerprint=card_fingerprint(mistake.message.text, mistake.start,
                                                 mistake.end, mistake.suggestion),
                    **new_schedule(now + dt.timedelta(days=rng.uniform(-3, 90) if n % 10
                                                      else rng.uniform(-30, 0))),
                )
                for n, mistake in enumerate(mistakes)
            ],
            batch_size=1000,
        )  # fmt: skip
        Review.objects.bulk_create(
            Review(conversation=talk, content={}, markdown="## Review",
                   estimated_level=LEVELS[n * len(LEVELS) // conversations],
                   created_at=talk.ended_at)
            for n, talk in enumerate(talks)
        )  # fmt: skip
    # As autovacuum would soon after: the planner needs to know the tables are no longer empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    most_frequent = max(patterns, key=lambda p: p.occurrences)
    return Seeded(
        learner_id=learner.pk,
        language=LANGUAGE,
        pattern_id=most_frequent.pk,
        conversations=conversations,
        messages=2 * len(turns),
        mistakes=len(mistakes),
        cards=len(cards),
        seconds=round(time.monotonic() - started, 2),
    )


FILLER = ("hoy", "fui", "con", "mi", "amiga", "al", "mercado", "y", "luego", "comimos", "juntas",
          "en", "la", "plaza", "del", "pueblo", "porque", "hacía", "sol")  # fmt: skip


def _sentence(fixes: list[tuple[str, str, str]], rng: random.Random) -> tuple[str, list[dict]]:
    """Return a learner sentence of 10 to 25 words holding each fix's original, and its issues."""
    words = [rng.choice(FILLER) for _ in range(rng.randint(10, 25 - len(fixes)))]
    for category, original, suggestion in fixes:
        words.insert(rng.randint(0, len(words)), (category, original, suggestion))
    text, issues = "", []
    for word in words:
        text += " " if text else ""
        if isinstance(word, tuple):
            category, original, suggestion = word
            issues.append({
                "start": len(text), "end": len(text) + len(original), "original": original,
                "suggestion": suggestion, "explanation": f"Write {suggestion}.",
                "category": category, "severity": "minor",
            })  # fmt: skip
            text += original
        else:
            text += word
    return text.capitalize() + ".", issues


def collect_static() -> None:
    """Collect the static files as a deployment does: with DEBUG off, pages link them by their
    hashed names, from the manifest collectstatic writes. Skipped while the manifest is newer
    than every static file (collecting takes half a minute)."""
    manifest = harness.ROOT / "staticfiles" / "staticfiles.json"
    sources = (harness.ROOT / "chat" / "static").rglob("*")
    if manifest.exists() and all(
        source.stat().st_mtime < manifest.stat().st_mtime for source in sources
    ):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=harness.ROOT, env=harness.child_env(), check=True,
    )  # fmt: skip


def session_cookie(learner_id: int) -> str:
    """Log the learner in by storing a session as a login would; return the cookie header."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    learner = User.objects.get(pk=learner_id)
    session = SessionStore()
    session[SESSION_KEY] = str(learner.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


# --- Measuring ----------------------------------------------------------------------------------


def query_count(page: Callable[[Any, Seeded], Any], seeded: Seeded) -> int:
    """Return how many queries one request of the page makes, after a first one."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=seeded.learner_id))
    page(client, seeded)
    with CaptureQueriesContext(connection) as captured:
        response = page(client, seeded)
    assert response.status_code == 200, response.status_code
    return len(captured)


def measure(
    page: Callable[[Any, Seeded], Any], client: httpx.Client, seeded: Seeded, requests: int
) -> dict[str, Any]:
    """Request the page `requests` times in a row; return its latency percentiles in ms."""
    latencies, size = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        response = page(client, seeded)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (page.__name__, response.status_code)
        size = len(response.content)
    return {
        "requests": requests,
        "bytes": size,
        "latency_ms": {
            "mean": round(sum(latencies) / len(latencies), 1),
            **{f"p{p}": round(harness.percentile(latencies, p), 1) for p in (50, 95, 99)},
            "max": round(max(latencies), 1),
        },
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = harness.arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per page")
    args = parser.parse_args(argv)
    conversations, messages, requests, warmup = CONVERSATIONS, MESSAGES, args.requests, WARMUP
    if args.smoke:
        conversations, messages, requests, warmup = 4, 10, 10, 2
    info = harness.machine()
    print(f"learner history: load {info['load_before']}, {conversations} conversations of "
          f"{messages} messages, {requests} requests per page")  # fmt: skip
    harness.reset_database()
    harness.flush_redis()
    harness.configure_django()
    seeded = seed(conversations=conversations, messages=messages)
    print(f"  seeded {seeded.messages} messages, {seeded.mistakes} mistakes and "
          f"{seeded.cards} cards in {seeded.seconds} s")  # fmt: skip
    collect_static()
    env = harness.child_env(DATABASE_POOL="true")
    web, port = harness.start_uvicorn(env)
    pages: dict[str, Any] = {}
    try:
        headers = {"Cookie": session_cookie(seeded.learner_id)}
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for page in MEASURED:
                measure(page, client, seeded, warmup)
                pages[page.__name__] = {
                    **measure(page, client, seeded, requests),
                    "queries": query_count(page, seeded),
                }
                figures = pages[page.__name__]
                print(f"  {page.__name__:>14}  p50 {figures['latency_ms']['p50']:>6} ms  "
                      f"p95 {figures['latency_ms']['p95']:>6} ms  p99 "
                      f"{figures['latency_ms']['p99']:>6} ms  {figures['queries']} queries  "
                      f"{figures['bytes'] // 1024} KB")  # fmt: skip
    finally:
        web.stop()
    result = {
        "benchmark": "learner_history",
        "smoke": args.smoke,
        "machine": info,
        "server": "1 uvicorn process, uvloop + httptools, DEBUG off, PostgreSQL, "
        "DATABASE_POOL=true",
        "seed": seeded.__dict__,
        "p95_target_ms": P95_TARGET_MS,
        "pages": pages,
        "all_under_target": all(
            page["latency_ms"]["p95"] < P95_TARGET_MS for page in pages.values()
        ),
    }
    print(harness.table(
        [{"page": name, "p50 ms": page["latency_ms"]["p50"], "p95 ms": page["latency_ms"]["p95"],
          "p99 ms": page["latency_ms"]["p99"], "queries": page["queries"]}
         for name, page in pages.items()],
        ["page", "p50 ms", "p95 ms", "p99 ms", "queries"],
    ))  # fmt: skip
    print(f"every p95 under {P95_TARGET_MS:g} ms: {result['all_under_target']}")
    harness.write_json(args.results_dir, "learner_history", result)
    return result


if __name__ == "__main__":
    main()

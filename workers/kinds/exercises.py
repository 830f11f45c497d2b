"""The exercises job ("More like this"): fresh practice sentences on one of the learner's mistake
patterns, stored as cards. The model's sentences are untrusted: each must quote its mistake from
its own sentence, once, or it is dropped."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from chat.kinds import Done, JobKind
from chat.models import Card, Job, Message, Mistake, PracticeRequest
from chat.practice.cards import Exercise, add_exercise_cards
from chat.practice.sentences import mark_fix, sentence_around, sentence_spans
from workers.kinds import declare
from workers.prompts import EXERCISES_INSTRUCTIONS, exercises_prompt
from workers.schemas import ExercisesResult

if TYPE_CHECKING:
    from pydantic_ai import Agent, RunContext

# How many exercises to ask for, and how many of the learner's sentences to show as examples.
EXERCISES_PER_REQUEST = 3
EXAMPLES = 5
KNOWN_SENTENCES = 10
MAX_SENTENCE_CHARS = 300
MAX_FIX_CHARS = 100
MAX_EXPLANATION_CHARS = 500


class NoUsableExercise(ValueError):
    """The model wrote exercises, but none quotes its mistake from its sentence."""


@cache
def exercises_agent() -> Agent[None, ExercisesResult]:
    """Return the exercises agent, built on first use (pydantic-ai loads in workers only)."""
    from pydantic_ai import Agent, ModelRetry

    agent = Agent(
        output_type=ExercisesResult,
        instructions=EXERCISES_INSTRUCTIONS,
        name="practice_exercises",
        retries=2,
        defer_model_check=True,
    )

    @agent.output_validator
    def mistakes_are_in_their_sentences(
        ctx: RunContext[None], result: ExercisesResult
    ) -> ExercisesResult:
        if result.exercises and not usable_exercises(result):
            raise ModelRetry(
                "No exercise quotes its mistake exactly, once, from its own sentence, with a "
                "correction that differs from it. Quote the characters of the sentence exactly."
            )
        return result

    return agent


def usable_exercises(result: ExercisesResult) -> list[Exercise]:
    """Return the exercises whose mistake is in their sentence, once, and has a real correction."""
    usable = []
    for exercise in result.exercises:
        sentence = " ".join(exercise.sentence.split())
        if not sentence or len(sentence) > MAX_SENTENCE_CHARS or "\x00" in sentence:
            continue
        if max(len(exercise.original), len(exercise.correction)) > MAX_FIX_CHARS:
            continue
        starts = _whole_occurrences(sentence, exercise.original)
        if len(starts) != 1:
            continue
        start = starts[0]
        marked = mark_fix(
            sentence,
            start=start,
            end=start + len(exercise.original),
            suggestion=exercise.correction.replace("\x00", ""),
        )
        if marked is None:
            continue
        usable.append(
            Exercise(
                sentence=marked.sentence,
                start=marked.start,
                end=marked.end,
                answer=marked.answer,
                explanation=exercise.explanation.replace("\x00", "")[:MAX_EXPLANATION_CHARS],
            )
        )
    return usable


def _whole_occurrences(sentence: str, fragment: str) -> list[int]:
    """Return where `fragment` occurs in `sentence`, not counting inside a longer word."""
    if not fragment.strip():
        return []
    before = r"(?<!\w)" if fragment[0].isalnum() else ""
    after = r"(?!\w)" if fragment[-1].isalnum() else ""
    return [m.start() for m in re.finditer(before + re.escape(fragment) + after, sentence)]


def exercise_material(request: PracticeRequest) -> dict[str, Any]:
    """Return what the prompt tells the model: the pattern, the learner's sentences with it,
    and correct sentences they have seen that use its corrections."""
    pattern = request.pattern
    cards = list(
        Card.objects.filter(pattern=pattern, source=Card.Source.MISTAKE).order_by("-created_at")[
            :EXAMPLES
        ]
    )
    cards.sort(key=lambda card: card.pk != request.card_id)  # the card asked from first
    examples = [
        {
            "sentence": card.sentence,
            "original": card.sentence[card.start : card.end],
            "correction": card.answer,
        }
        for card in cards
    ]
    latest = (
        Mistake.objects.filter(pattern=pattern)
        .select_related("conversation", "message")
        .order_by("-made_at")
        .first()
    )
    if not examples and latest is not None:
        start, end = sentence_around(latest.message.text, latest.start, latest.end)
        examples = [
            {"sentence": latest.message.text[start:end], "original": latest.original,
             "correction": latest.suggestion}
        ]  # fmt: skip
    conversation = latest.conversation if latest is not None else None
    return {
        "language": pattern.language,
        "feedback_language": conversation.feedback_language if conversation else "en",
        "level": conversation.level if conversation else "A2",
        "pattern": {
            "category": pattern.category,
            "label": pattern.label,
            "explanation": pattern.explanation,
        },
        "examples": examples,
        "known_sentences": known_sentences(
            owner_id=request.job.owner_id,
            language=pattern.language,
            words={example["correction"] for example in examples},
        ),
        "count": EXERCISES_PER_REQUEST,
    }


def known_sentences(*, owner_id: int, language: str, words: set[str]) -> list[str]:
    """Return correct sentences the learner has seen that use one of `words`: the tutor's, and
    their own in messages whose analysis found nothing wrong."""
    words = {word.strip() for word in words if word.strip() and len(word) <= 60}
    if not words:
        return []
    contains = Q()
    for word in words:
        contains |= Q(text__icontains=word)
    messages = (
        Message.objects.filter(contains, conversation__owner_id=owner_id,
                               conversation__language=language)
        .filter(Q(role=Message.Role.TUTOR) | Q(role=Message.Role.LEARNER, analysis__issues=[]))
        .order_by("-id")
        .values_list("text", flat=True)[:50]
    )  # fmt: skip
    found: dict[str, None] = {}
    for text in messages:
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if len(sentence) <= MAX_SENTENCE_CHARS and any(
                _whole_occurrences(sentence.lower(), word.lower()) for word in words
            ):
                found[sentence] = None
    return list(found)[:KNOWN_SENTENCES]


def make_exercises(job: Job) -> Done:
    from workers import ai  # the AI side: loaded in workers only

    request = PracticeRequest.objects.select_related("pattern", "job").get(job=job)
    prompt = exercises_prompt(**exercise_material(request))
    run = ai.run_async(
        exercises_agent().run(prompt, model=ai.current_model(), model_settings=ai.model_settings()),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    return ai.output_of(run)


def store_exercises(job: Job, result: ExercisesResult) -> dict[str, Any]:
    """Store the usable exercises the learner does not have yet as cards, due at once."""
    request = PracticeRequest.objects.select_related("pattern").get(job=job)
    made = add_exercise_cards(
        owner_id=job.owner_id,
        pattern=request.pattern,
        exercises=usable_exercises(result),
        now=timezone.now(),
    )
    # A re-run adds to what the earlier runs made.
    PracticeRequest.objects.filter(pk=request.pk).update(cards_made=F("cards_made") + len(made))
    return {"practice_request": {"id": request.pk, "cards_made_now": len(made)}}


EXERCISES = declare(
    JobKind(
        kind="exercises",
        label="Practice exercises",
        task_name="findus.exercises.make_exercises",
        queue="analysis",
        work=make_exercises,
        store=store_exercises,
        rank=4,
    )
)

"""The conversation review job: recurring mistakes, strengths, exercises and a level."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from chat.kinds import Done, JobKind
from chat.models import GrammarAnalysis, Job, Message, Review
from workers.kinds import declare
from workers.prompts import REVIEW_INSTRUCTIONS, review_prompt
from workers.schemas import ConversationReviewResult

if TYPE_CHECKING:
    from pydantic_ai import Agent

HEADINGS = {
    "en": ("Your review", "Recurring mistakes", "Strengths", "Exercises", "Estimated level"),
    "es": ("Tu revisión", "Errores frecuentes", "Puntos fuertes", "Ejercicios", "Nivel estimado"),
    "de": ("Deine Auswertung", "Wiederkehrende Fehler", "Stärken", "Übungen", "Geschätztes Niveau"),
    "fr": ("Ton bilan", "Erreurs récurrentes", "Points forts", "Exercices", "Niveau estimé"),
    "it": (
        "La tua revisione",
        "Errori ricorrenti",
        "Punti di forza",
        "Esercizi",
        "Livello stimato",
    ),
    "pt": ("A tua revisão", "Erros recorrentes", "Pontos fortes", "Exercícios", "Nível estimado"),
}


@cache
def review_agent() -> Agent[None, ConversationReviewResult]:
    """Return the review agent, built on first use (pydantic-ai loads in workers only)."""
    from pydantic_ai import Agent

    return Agent(
        output_type=ConversationReviewResult,
        instructions=REVIEW_INSTRUCTIONS,
        name="conversation_review",
        retries=2,
        defer_model_check=True,
    )


def learner_messages(conversation_id: int) -> list[dict]:
    """Return the learner's messages with the issues their analyses found, for the prompt."""
    analyses = {
        a.message_id: a
        for a in GrammarAnalysis.objects.filter(message__conversation_id=conversation_id)
    }
    messages = Message.objects.filter(
        conversation_id=conversation_id, role=Message.Role.LEARNER
    ).order_by("id")
    return [
        {
            "text": m.text,
            "issues": [
                {key: issue[key] for key in ("original", "suggestion", "category", "explanation")}
                for issue in (analyses[m.pk].issues if m.pk in analyses else [])
            ],
        }
        for m in messages
    ]


def review_markdown(review: ConversationReviewResult, *, feedback_language: str) -> str:
    """Return the review as markdown. Model text is escaped as data when the page renders it."""
    title, recurring, strengths, exercises, level = HEADINGS.get(feedback_language, HEADINGS["en"])
    lines = [f"## {title}", "", review.summary, "", f"### {recurring}", ""]
    for issue in review.recurring_issues:
        examples = "; ".join(f"“{example}”" for example in issue.examples)
        lines.append(
            f"- **{issue.title}**: {issue.explanation}" + (f" ({examples})" if examples else "")
        )
    lines += ["", f"### {strengths}", ""] + [f"- {strength}" for strength in review.strengths]
    lines += ["", f"### {exercises}", ""]
    lines += [f"{n}. {exercise}" for n, exercise in enumerate(review.exercises, start=1)]
    if review.estimated_level is not None:
        lines += ["", f"### {level}: {review.estimated_level}", ""]
    return "\n".join(lines)


def write_review(job: Job) -> Done:
    from workers import ai  # the AI side: loaded in workers only

    conversation = job.conversation
    prompt = review_prompt(
        messages=learner_messages(conversation.pk),
        language=conversation.language,
        feedback_language=conversation.feedback_language,
        level=conversation.level,
    )
    run = ai.run_async(
        review_agent().run(prompt, model=ai.current_model(), model_settings=ai.model_settings()),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    return ai.output_of(run)


def store_review(job: Job, result: ConversationReviewResult) -> dict[str, Any]:
    """Store the conversation's review (one per conversation, replaced by a re-run)."""
    conversation = job.conversation
    Review.objects.update_or_create(
        conversation=conversation,
        defaults={
            "content": result.model_dump(),
            "markdown": review_markdown(result, feedback_language=conversation.feedback_language),
            "estimated_level": result.estimated_level,
        },
    )
    return {"review": {"estimated_level": result.estimated_level}}


REVIEW = declare(
    JobKind(
        kind="review",
        label="Conversation review",
        task_name="findus.review.review_conversation",
        queue="reviews",
        work=write_review,
        store=store_review,
        rank=3,
    )
)

"""The conversation review job: recurring mistakes, strengths, exercises and a level."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from pydantic_ai import Agent

from chat.models import GrammarAnalysis, Job, Message, Review
from workers import ai
from workers.jobs import Outcome, run_job
from workers.prompts import REVIEW_INSTRUCTIONS, review_prompt
from workers.schemas import ConversationReviewResult

review_agent = Agent(
    output_type=ConversationReviewResult,
    instructions=REVIEW_INSTRUCTIONS,
    name="conversation_review",
    retries=2,
    defer_model_check=True,
)

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


def _review(job: Job) -> Outcome:
    conversation = job.conversation
    prompt = review_prompt(
        messages=learner_messages(conversation.pk),
        language=conversation.language,
        feedback_language=conversation.feedback_language,
        level=conversation.level,
    )
    run = ai.run_async(
        review_agent.run(prompt, model=ai.current_model(), model_settings=ai.model_settings()),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    result: ConversationReviewResult = run.output

    def save() -> None:
        Review.objects.update_or_create(
            conversation=conversation,
            defaults={
                "content": result.model_dump(),
                "markdown": review_markdown(
                    result, feedback_language=conversation.feedback_language
                ),
                "estimated_level": result.estimated_level,
            },
        )

    return Outcome(
        save=save,
        model_name=run.response.model_name or settings.FINDUS_AI_MODEL,
        input_tokens=run.usage.input_tokens or None,
        output_tokens=run.usage.output_tokens or None,
        event={"review": {"estimated_level": result.estimated_level}},
    )


@shared_task(name="findus.review.review_conversation", bind=True)
def review_conversation(self, job_id: int) -> str:
    """Write the review of an ended conversation (the job's conversation)."""
    return run_job(self, job_id, _review)

"""The grammar analysis job: one learner message in, exact error spans and explanations out."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from pydantic_ai import Agent, ModelRetry, RunContext

from chat.models import GrammarAnalysis, Job, Message
from workers import ai, edits
from workers.jobs import Outcome, run_job
from workers.prompts import ANALYSIS_INSTRUCTIONS, analysis_prompt
from workers.schemas import GrammarAnalysisResult, GrammarCorrection

# deps: the learner's text, so the output validator can check the correction against it.
analysis_agent = Agent(
    output_type=GrammarCorrection,
    instructions=ANALYSIS_INSTRUCTIONS,
    deps_type=str,
    name="grammar_analysis",
    retries=2,
    defer_model_check=True,
)


@analysis_agent.output_validator
def the_correction_fits_the_text(
    ctx: RunContext[str], correction: GrammarCorrection
) -> GrammarCorrection:
    problem = edits.problem_with(ctx.deps, correction)
    if problem is not None:
        raise ModelRetry(problem)
    return correction


def analyse_text(
    *, text: str, language: str, feedback_language: str, level: str
) -> tuple[GrammarAnalysisResult, Outcome]:
    """Ask the model for a grammar analysis; return it with the run's model name and usage."""
    prompt = analysis_prompt(
        text=text, language=language, feedback_language=feedback_language, level=level
    )
    run = ai.run_async(
        analysis_agent.run(
            prompt, model=ai.current_model(), model_settings=ai.model_settings(), deps=text
        ),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    usage = run.usage
    # Spans come from aligning the text with its correction, not from the model's counting.
    result = edits.analysis_from_correction(
        text, run.output, language=language, feedback_language=feedback_language
    )
    return result, Outcome(
        save=lambda: None,
        model_name=run.response.model_name or settings.FINDUS_AI_MODEL,
        input_tokens=usage.input_tokens or None,
        output_tokens=usage.output_tokens or None,
    )


def store_analysis(message: Message, result: GrammarAnalysisResult) -> None:
    """Store a message's analysis; one per message, so a re-run replaces the previous one."""
    GrammarAnalysis.objects.update_or_create(
        message=message,
        defaults={
            "issues": [issue.model_dump() for issue in result.issues],
            "corrected_text": result.corrected_text,
            "summary": result.summary[:500],
        },
    )


def _analyse(job: Job) -> Outcome:
    message, conversation = job.message, job.conversation
    result, outcome = analyse_text(
        text=message.text,
        language=conversation.language,
        feedback_language=conversation.feedback_language,
        level=conversation.level,
    )

    outcome.save = lambda: store_analysis(message, result)
    outcome.event = {"analysis": result.model_dump()}
    return outcome


@shared_task(name="findus.analysis.analyse_message", bind=True)
def analyse_message(self, job_id: int) -> str:
    """Analyse the grammar of one learner message (the job's message)."""
    return run_job(self, job_id, _analyse)

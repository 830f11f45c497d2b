"""The grammar analysis job: one learner message in, exact error spans and explanations out.

The model returns the corrected text and its edits as fragments; findus finds where each edit is
by aligning the learner's text with the correction (workers/edits.py), so spans never depend on
a model counting characters.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from chat.history.mistakes import record_mistakes
from chat.kinds import Done, JobKind
from chat.models import GrammarAnalysis, Job
from chat.practice.cards import make_cards
from workers import edits
from workers.kinds import declare
from workers.prompts import ANALYSIS_INSTRUCTIONS, analysis_prompt
from workers.schemas import GrammarAnalysisResult, GrammarCorrection

if TYPE_CHECKING:
    from pydantic_ai import Agent


@cache
def analysis_agent() -> Agent[str, GrammarCorrection]:
    """Return the analysis agent; deps: the learner's text, which the correction must fit.

    Built on first use, so that only a worker loads pydantic-ai (see workers/apps.py).
    """
    from pydantic_ai import Agent, ModelRetry, RunContext

    agent = Agent(
        output_type=GrammarCorrection,
        instructions=ANALYSIS_INSTRUCTIONS,
        deps_type=str,
        name="grammar_analysis",
        retries=2,
        defer_model_check=True,
    )

    @agent.output_validator
    def the_correction_fits_the_text(
        ctx: RunContext[str], correction: GrammarCorrection
    ) -> GrammarCorrection:
        problem = edits.problem_with(ctx.deps, correction)
        if problem is not None:
            raise ModelRetry(problem)
        return correction

    return agent


def analyse_text(*, text: str, language: str, feedback_language: str, level: str) -> Done:
    """Ask the model for its correction of `text`; return the analysis with exact spans, the
    run's model name and usage."""
    from workers import ai  # the AI side: loaded in workers only

    prompt = analysis_prompt(
        text=text, language=language, feedback_language=feedback_language, level=level
    )
    run = ai.run_async(
        analysis_agent().run(
            prompt, model=ai.current_model(), model_settings=ai.model_settings(), deps=text
        ),
        timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )
    # Spans come from aligning the text with its correction, not from the model's counting.
    result = edits.analysis_from_correction(
        text, run.output, language=language, feedback_language=feedback_language
    )
    return ai.done(result, usage=run.usage, model_name=run.response.model_name)


def analyse(job: Job) -> Done:
    conversation = job.conversation
    return analyse_text(
        text=job.message.text,
        language=conversation.language,
        feedback_language=conversation.feedback_language,
        level=conversation.level,
    )


def store_analysis(job: Job, result: GrammarAnalysisResult) -> dict[str, Any]:
    """Store a message's analysis, its mistakes in the learner's history and a practice card
    for each corrected one; one analysis per message, so a re-run replaces the previous one
    (and finds the same cards again)."""
    issues = [issue.model_dump() for issue in result.issues]
    GrammarAnalysis.objects.update_or_create(
        message_id=job.message_id,
        defaults={
            "issues": issues,
            "corrected_text": result.corrected_text,
            "summary": result.summary[:500],
        },
    )
    make_cards(message=job.message, mistakes=record_mistakes(message=job.message, issues=issues))
    return {"analysis": result.model_dump()}


ANALYSIS = declare(
    JobKind(
        kind="analysis",
        label="Grammar analysis",
        task_name="findus.analysis.analyse_message",
        queue="analysis",
        work=analyse,
        store=store_analysis,
        rank=2,
    )
)

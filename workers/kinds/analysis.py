"""The grammar analysis job: one learner message in, exact error spans and explanations out."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from chat.history.mistakes import record_mistakes
from chat.kinds import Done, JobKind
from chat.models import GrammarAnalysis, Job
from chat.practice.cards import make_cards
from workers.kinds import declare
from workers.prompts import ANALYSIS_INSTRUCTIONS, analysis_prompt
from workers.schemas import GrammarAnalysisResult, GrammarIssue

if TYPE_CHECKING:
    from pydantic_ai import Agent, RunContext


class QuoteNotInText(ValueError):
    """An issue quotes characters that are not in the learner's text."""


@cache
def analysis_agent() -> Agent[str, GrammarAnalysisResult]:
    """Return the analysis agent; deps: the learner's text, against which every span is checked.

    Built on first use, so that only a worker loads pydantic-ai (see workers/apps.py).
    """
    from pydantic_ai import Agent, ModelRetry

    agent = Agent(
        output_type=GrammarAnalysisResult,
        instructions=ANALYSIS_INSTRUCTIONS,
        deps_type=str,
        name="grammar_analysis",
        retries=2,
        defer_model_check=True,
    )

    @agent.output_validator
    def spans_point_at_the_text(
        ctx: RunContext[str], result: GrammarAnalysisResult
    ) -> GrammarAnalysisResult:
        try:
            issues = align_spans(text=ctx.deps, issues=result.issues)
        except QuoteNotInText as error:
            raise ModelRetry(str(error)) from error
        return result.model_copy(update={"issues": issues})

    return agent


def align_spans(*, text: str, issues: list[GrammarIssue]) -> list[GrammarIssue]:
    """Return the issues with spans that match the text exactly, sorted and not overlapping.

    Models quote well but count characters badly, so a quote found elsewhere in the text moves
    the span to its nearest occurrence. A quote that is not in the text at all goes back to the
    model as a retry.
    """
    aligned: list[GrammarIssue] = []
    for issue in issues:
        if issue.original == issue.suggestion:
            continue
        if text[issue.start : issue.end] != issue.original:
            starts = _occurrences(text, issue.original)
            if not starts:
                raise QuoteNotInText(
                    f"The quoted original {issue.original!r} does not occur in the text. "
                    "Quote the learner's characters exactly."
                )
            start = min(starts, key=lambda candidate: abs(candidate - issue.start))
            issue = issue.model_copy(update={"start": start, "end": start + len(issue.original)})
        aligned.append(issue)
    aligned.sort(key=lambda issue: (issue.start, issue.end))
    kept: list[GrammarIssue] = []
    for issue in aligned:
        if not kept or issue.start >= kept[-1].end:
            kept.append(issue)
    return kept


def _occurrences(text: str, fragment: str) -> list[int]:
    starts, position = [], text.find(fragment)
    while position != -1:
        starts.append(position)
        position = text.find(fragment, position + 1)
    return starts


def analyse_text(*, text: str, language: str, feedback_language: str, level: str) -> Done:
    """Ask the model for a grammar analysis; return it with the run's model name and usage."""
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
    return ai.output_of(run)


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

"""Typed outputs of the AI jobs: what every model, the offline one included, must produce."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chat.feedback import Category, Severity
from chat.languages import Level


class GrammarIssue(BaseModel):
    """One mistake in the learner's text; `text[start:end] == original` is checked on arrival."""

    start: int = Field(ge=0, description="Index of the first character of `original` in the text.")
    end: int = Field(ge=0, description="Index one past the last character of `original`.")
    original: str = Field(min_length=1, description="The exact characters quoted from the text.")
    suggestion: str = Field(description="What to write instead of `original`.")
    explanation: str = Field(
        description="Why, in one or two short sentences, in the feedback language."
    )
    category: Category
    severity: Severity


class GrammarAnalysisResult(BaseModel):
    """A grammar analysis of one learner message. An empty `issues` list means no mistakes."""

    issues: list[GrammarIssue]
    corrected_text: str = Field(description="The whole text with every issue corrected.")
    summary: str = Field(description="One line, in the feedback language.")


class RecurringIssue(BaseModel):
    title: str
    explanation: str
    examples: list[str] = Field(description="Quotes taken verbatim from the learner's messages.")


class ConversationReviewResult(BaseModel):
    """The review of an ended conversation, written in the feedback language."""

    recurring_issues: list[RecurringIssue]
    strengths: list[str]
    exercises: list[str] = Field(min_length=3, max_length=5)
    estimated_level: Level
    summary: str = Field(description="Two or three sentences to the learner.")


class Exercise(BaseModel):
    """A fresh sentence with one mistake of the learner's kind; checked on arrival: `original`
    must occur in `sentence` (chat/practice, workers/kinds/exercises.py)."""

    sentence: str = Field(description="A short sentence with exactly one mistake in it.")
    original: str = Field(min_length=1, description="The mistake, quoted exactly from `sentence`.")
    correction: str = Field(description="What to write instead of `original`.")
    explanation: str = Field(description="Why, in one short sentence, in the feedback language.")


class ExercisesResult(BaseModel):
    """Fresh practice sentences on one of the learner's mistake patterns."""

    exercises: list[Exercise] = Field(max_length=8)

"""Typed outputs of the AI jobs: what every model, the offline one included, must produce.

The analysis model returns a `GrammarCorrection`: the corrected text and its edits as fragments.
findus computes where each edit is by aligning the two texts (see `workers.edits`) and stores a
`GrammarAnalysisResult`, whose issues carry exact character spans.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from chat.feedback import Category, Severity
from chat.languages import Level

__all__ = [
    "Category",
    "ConversationReviewResult",
    "Correction",
    "GrammarAnalysisResult",
    "GrammarCorrection",
    "GrammarIssue",
    "Level",
    "RecurringIssue",
    "Severity",
    "Unsure",
]


class Correction(BaseModel):
    """One edit as the model reports it: words of the learner's text and what replaces them."""

    original: str = Field(
        description="The learner's words that change, quoted exactly; empty when words are added."
    )
    correction: str = Field(
        description="What the corrected text has in their place; empty when they are removed."
    )
    explanation: str = Field(
        description="Why, in one or two short sentences, in the feedback language."
    )
    category: Category
    severity: Severity = "moderate"


class Unsure(BaseModel):
    """A word that looks wrong but that the model cannot correct with confidence."""

    original: str = Field(min_length=1, description="The learner's word, quoted exactly.")
    candidates: list[str] = Field(
        default_factory=list, max_length=3, description="Up to three likely corrections."
    )
    explanation: str = Field(description="In the feedback language.")
    category: Category = "spelling"


class GrammarCorrection(BaseModel):
    """What the analysis model returns: the corrected text and the edits that make it."""

    corrected_text: str = Field(
        description=(
            "The learner's whole text with every mistake corrected and nothing else changed."
        )
    )
    edits: list[Correction] = Field(description="Every change made in `corrected_text`.")
    unsure: list[Unsure] = Field(
        default_factory=list, description="Words left unchanged that may be wrong."
    )
    summary: str = Field(description="One line, in the feedback language.")


class GrammarIssue(BaseModel):
    """One mistake in the learner's text; `text[start:end] == original`.

    `also` holds the further places of the same mistake (same original, same suggestion) in
    the same text, so a word misspelt five times is one item with five places.
    """

    start: int = Field(ge=0, description="Index of the first character of `original` in the text.")
    end: int = Field(ge=0, description="Index one past the last character of `original`.")
    original: str = Field(min_length=1, description="The exact characters quoted from the text.")
    suggestion: str = Field(description="What to write instead of `original`.")
    explanation: str = Field(
        description="Why, in one or two short sentences, in the feedback language."
    )
    category: Category
    severity: Severity
    also: list[tuple[int, int]] = Field(
        default_factory=list, description="Other [start, end] places of the same mistake."
    )


class GrammarAnalysisResult(BaseModel):
    """A grammar analysis of one learner message, as stored. No issues means none was found."""

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
    estimated_level: Level | None = Field(
        description="The learner's CEFR level as the messages show it; null when it cannot be "
        "told (too little text, or nothing checked beyond spelling)."
    )
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

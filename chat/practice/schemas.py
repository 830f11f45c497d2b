"""The JSON shapes of the practice API (published in /api/openapi.json with the others)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints, model_validator

from chat.languages import LANGUAGES
from chat.practice.scheduling import RATINGS
from chat.schemas import JobOut, StoredText

LanguageCode = Literal[tuple(LANGUAGES)]
RatingName = Literal[tuple(RATINGS)]
Verdict = Literal["right", "almost", "wrong"]
TypedAnswer = Annotated[StoredText, StringConstraints(max_length=500)]


class PatternOut(Schema):
    id: int
    label: str = Field(description="The mistake as the learner reads it, e.g. 'cassa → casa'.")
    category: str
    occurrences: int


class CardOut(Schema):
    id: int
    language: str
    source: Literal["mistake", "exercise"] = Field(
        description="'mistake': the learner's own sentence; 'exercise': a fresh one."
    )
    sentence: str = Field(description="The front: the sentence, with sentence[start:end] marked.")
    start: int
    end: int
    answer: str = Field(description="The back: what the marked part should read.")
    corrected_sentence: str
    explanation: str
    pattern: PatternOut | None
    suspended: bool
    due: datetime
    created_at: datetime


class CountsOut(Schema):
    language: str = Field(description="The language counted; empty for all of them.")
    due: int = Field(description="Cards due now.")
    later: int = Field(description="Cards due later.")
    suspended: int
    total: int
    next_due_at: datetime | None = Field(description="When the soonest card not yet due is.")


class CardsDueOut(Schema):
    counts: CountsOut
    languages: list[CountsOut] = Field(description="The same counts for each language.")
    cards: list[CardOut] = Field(
        description="The due cards in practice order (recurring patterns first), at most 50."
    )


class CheckIn(Schema):
    typed: TypedAnswer = Field(description="What the learner typed for the marked part.")


class CheckOut(Schema):
    verdict: Verdict = Field(description="'almost': right but for an accent.")
    notes: list[str] = Field(description="What differs, in plain words (case, which accent).")
    suggested_rating: RatingName
    answer: str
    corrected_sentence: str
    explanation: str


class ReviewIn(Schema):
    typed: TypedAnswer = ""
    rating: RatingName = Field(description="again, hard, good or easy (FSRS ratings 1 to 4).")


class CardReviewOut(Schema):
    id: int
    verdict: Verdict
    rating: int = Field(description="1 again, 2 hard, 3 good, 4 easy.")
    reviewed_at: datetime


class ReviewedOut(Schema):
    check: CheckOut
    review: CardReviewOut
    card: CardOut = Field(description="The card, with its next due time.")


class MoreIn(Schema):
    """Exactly one of `card_id` and `pattern_id`: the pattern to practise more of."""

    card_id: int | None = None
    pattern_id: int | None = None

    @model_validator(mode="after")
    def one_of_them(self) -> MoreIn:
        if (self.card_id is None) == (self.pattern_id is None):
            raise ValueError("give exactly one of card_id and pattern_id")
        return self


class PracticeRequestOut(Schema):
    id: int
    pattern: PatternOut
    card_id: int | None
    cards_made: int = Field(description="New cards the job has stored so far.")
    job: JobOut

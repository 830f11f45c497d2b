"""The JSON shapes of the history API: mistake patterns, progress, the learner's settings."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from chat.feedback import Category
from chat.history.trends import MIN_WORDS, RECENT_CONVERSATIONS
from chat.languages import LANGUAGES, Level

# A language findus teaches, as a query parameter: anything else is a 422.
Language = Literal[tuple(LANGUAGES)]
Direction = Literal["rarer", "more_frequent", "steady", "not_enough_writing"]


class TrendOut(Schema):
    """Mistakes per 100 analysed words in the learner's last conversations against before."""

    recent_mistakes: int
    recent_words: int = Field(
        description=f"Analysed words in the last {RECENT_CONVERSATIONS} conversations."
    )
    earlier_mistakes: int
    earlier_words: int = Field(description="Analysed words in the conversations before those.")
    recent_rate: float | None = Field(description="Mistakes per 100 words, recently.")
    earlier_rate: float | None = Field(description="Mistakes per 100 words, before.")
    direction: Direction = Field(
        description=f"not_enough_writing below {MIN_WORDS} words on either side; rarer or "
        "more_frequent when the rate changed by a quarter and by at least one mistake."
    )


class QuoteOut(Schema):
    """One mistake quoted from the learner's message: `before` + `marked` + `after`."""

    mistake_id: int
    conversation_id: int
    message_id: int
    made_at: dt.datetime
    before: str
    marked: str = Field(description="The mistake itself; empty if it could not be located.")
    after: str
    original: str
    suggestion: str
    explanation: str
    url: str = Field(description="The conversation page, at the message's turn.")


class PatternOut(Schema):
    id: int
    language: str
    category: Category
    label: str
    explanation: str
    occurrences: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    trend: TrendOut
    quotes: list[QuoteOut] = Field(description="The latest mistakes of the pattern, newest first.")


class MistakesOut(Schema):
    language: str | None = Field(description="None until the learner has a conversation.")
    languages: list[str] = Field(description="Languages practised, most recent first.")
    trend: TrendOut | None = Field(description="All of the language's mistakes.")
    sort: Literal["frequent", "recent"]
    page: int
    pages: int
    total_patterns: int
    patterns: list[PatternOut]


class CategoryPointOut(Schema):
    mistakes: int
    rate: float | None


class ProgressPointOut(Schema):
    start: dt.date = Field(description="The conversation's day, or the week's Monday, or the 1st.")
    label: str
    conversation_id: int | None = Field(description="Set when the point is one conversation.")
    conversations: int
    words: int = Field(description="Analysed words the learner wrote.")
    mistakes: int
    rate: float | None = Field(description="Mistakes per 100 words.")
    by_category: dict[Category, CategoryPointOut]
    level: Level | None = Field(description="The latest review's estimated level, if any.")


class ProgressOut(Schema):
    language: str | None
    languages: list[str]
    granularity: Literal["conversation", "week", "month"]
    points: list[ProgressPointOut]


class LearnerSettingsOut(Schema):
    tutor_remembers: bool = Field(
        description="Tell a new conversation's tutor your most frequent recent mistakes."
    )


class LearnerSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    tutor_remembers: StrictBool

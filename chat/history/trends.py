"""Whether a mistake is getting rarer: its rate per 100 words in recent conversations against
earlier ones, and how that comparison is defined.

Words are those of the learner's analysed messages only (a message still waiting for its
analysis, or whose analysis failed, has no mistakes yet and would dilute the rate). "Recent" is
the learner's last RECENT_CONVERSATIONS conversations in the language that hold analysed
writing; "earlier" is every conversation before those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RECENT_CONVERSATIONS = 5
# Below this many analysed words on either side, a rate says more about chance than the learner.
MIN_WORDS = 100
# A rate this much lower (or higher) counts as a change...
RARER_RATIO = 0.75
MORE_FREQUENT_RATIO = 1.25
# ...and only if it means at least this many mistakes fewer (or more) than the earlier rate
# predicts for the recent words: one mistake less in a short stretch of writing proves nothing.
MIN_MISTAKES_APART = 1.0

NO_FIGURE = "\u2013"  # an en dash, where there is nothing to count against

Direction = Literal["rarer", "more_frequent", "steady", "not_enough_writing"]

DIRECTION_TEXT = {
    "rarer": "getting rarer",
    "more_frequent": "more frequent lately",
    "steady": "about as often as before",
    "not_enough_writing": "not enough writing yet to tell",
}


def format_rate(rate: float | None) -> str:
    return NO_FIGURE if rate is None else f"{rate:.1f}"


def per_100_words(mistakes: int, words: int) -> float | None:
    """Return mistakes per 100 words, or None without words to count against."""
    return round(100 * mistakes / words, 2) if words else None


@dataclass(frozen=True)
class Trend:
    """Mistakes in recent conversations against earlier ones, as rates per 100 words."""

    recent_mistakes: int
    recent_words: int
    earlier_mistakes: int
    earlier_words: int

    @property
    def recent_rate(self) -> float | None:
        return per_100_words(self.recent_mistakes, self.recent_words)

    @property
    def earlier_rate(self) -> float | None:
        return per_100_words(self.earlier_mistakes, self.earlier_words)

    @property
    def direction(self) -> Direction:
        if self.recent_words < MIN_WORDS or self.earlier_words < MIN_WORDS:
            return "not_enough_writing"
        recent = self.recent_mistakes / self.recent_words
        earlier = self.earlier_mistakes / self.earlier_words
        expected = earlier * self.recent_words  # recent mistakes at the earlier rate
        if (
            recent <= RARER_RATIO * earlier
            and expected - self.recent_mistakes >= MIN_MISTAKES_APART
        ):
            return "rarer"
        if (
            recent >= MORE_FREQUENT_RATIO * earlier
            and self.recent_mistakes - expected >= MIN_MISTAKES_APART
        ):
            return "more_frequent"
        return "steady"

    @property
    def text(self) -> str:
        return DIRECTION_TEXT[self.direction]

    @property
    def rates_text(self) -> tuple[str, str]:
        """Return the two rates as the pages write them, e.g. ("0.6", "3.4")."""
        return tuple(format_rate(rate) for rate in (self.recent_rate, self.earlier_rate))


@dataclass(frozen=True)
class Writing:
    """How many analysed words the learner wrote in recent conversations and before them."""

    recent_conversation_ids: frozenset[int]
    recent_words: int
    earlier_words: int

    def trend(self, *, recent_mistakes: int, all_mistakes: int) -> Trend:
        return Trend(
            recent_mistakes=recent_mistakes,
            recent_words=self.recent_words,
            earlier_mistakes=all_mistakes - recent_mistakes,
            earlier_words=self.earlier_words,
        )


def split_writing(words_by_conversation: list[tuple[int, int]]) -> Writing:
    """Split (conversation id, analysed words) pairs, oldest conversation first, into recent
    and earlier writing."""
    written = [(cid, words) for cid, words in words_by_conversation if words]
    recent, earlier = written[-RECENT_CONVERSATIONS:], written[:-RECENT_CONVERSATIONS]
    return Writing(
        recent_conversation_ids=frozenset(cid for cid, _ in recent),
        recent_words=sum(words for _, words in recent),
        earlier_words=sum(words for _, words in earlier),
    )

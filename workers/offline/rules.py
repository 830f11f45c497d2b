"""The offline checker's rules. Each reads a tokenised `Draft` and returns the issues it finds.

Rules favour silence over false alarms: a tutor that marks correct words wrong teaches the
learner to ignore it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from workers.offline.texts import explain
from workers.schemas import Category, GrammarIssue, Severity


def word_set(text: str) -> frozenset[str]:
    """Return the words of a whitespace-separated list: long word lists read best as text."""
    return frozenset(text.split())


MID, LINE, SENTENCE, TEXT = "", "line", "sentence", "text"  # what precedes a word
STARTS = (LINE, SENTENCE, TEXT)

# A dot after these does not end a sentence.
ABBREVIATIONS = word_set(
    """etc vs mr mrs ms dr dra st sr sra srta ud uds approx aprox bzw usw ca evtl ggf nr hr fr mme
    mlle cf sig dott ecc ex pág pag tel"""
)

# Repeating these is correct: "had had", "die die", "nous nous levons", "no no".
ALLOWED_REPEATS = {
    "en": {"had", "that", "is"},
    "de": {"die", "der", "das", "den", "dem", "sie"},
    "fr": {"nous", "vous"},
}
ALWAYS_ALLOWED_REPEATS = {"no", "ha", "ja", "si", "sì", "sí", "very", "muy", "molto", "sehr"}


TYPOGRAPHIC_APOSTROPHE = "\u2019"
APOSTROPHES = "'" + TYPOGRAPHIC_APOSTROPHE
CLOSING_MARKS = "\"')]»\u201d" + TYPOGRAPHIC_APOSTROPHE  # quotes and brackets after a sentence

NO_SUGGESTION = "?"  # workers.edits.NO_SUGGESTION: flagged, but no sure correction

# Links, e-mail addresses, @names and #tags: not words to correct.
# Quoted words too: a title or a foreign word ("«baguette»") is not the learner's spelling.
IGNORED = re.compile(r"\S+@\S+|\S*://\S+|www\.\S+|[@#]\w+|«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"")
ROMAN_NUMERAL = re.compile(r"[ivxlcdm]+", re.IGNORECASE)


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    after: str  # MID, LINE, SENTENCE or TEXT: what comes before the word


@dataclass(frozen=True)
class Draft:
    """A learner's text, tokenised, with what a rule needs to write an issue."""

    text: str
    words: list[Word]
    language: str
    feedback_language: str
    ignored: list[tuple[int, int]]  # spans of links and the like

    def is_ignored(self, word: Word) -> bool:
        return any(start <= word.start < end for start, end in self.ignored)

    def gap(self, before: Word, after: Word) -> str:
        return self.text[before.end : after.start]

    def next_word(self, index: int) -> Word | None:
        """Return the word after `words[index]` when only spaces part them, else None."""
        if index + 1 < len(self.words):
            following = self.words[index + 1]
            if self.gap(self.words[index], following).isspace():
                return following
        return None

    def previous_word(self, index: int) -> Word | None:
        """Return the word before `words[index]` when only spaces part them, else None."""
        if index > 0 and self.words[index].after == MID:
            preceding = self.words[index - 1]
            if self.gap(preceding, self.words[index]).isspace():
                return preceding
        return None

    def sentence_of(self, index: int) -> list[Word]:
        """Return the words of the sentence that `words[index]` belongs to."""
        first = index
        while first > 0 and self.words[first].after not in STARTS:
            first -= 1
        last = index + 1
        while last < len(self.words) and self.words[last].after not in STARTS:
            last += 1
        return self.words[first:last]

    def issue(
        self,
        *,
        start: int,
        end: int,
        suggestion: str,
        key: str,
        category: Category,
        severity: Severity,
        **values: str,
    ) -> GrammarIssue:
        original = self.text[start:end]
        return GrammarIssue(
            start=start,
            end=end,
            original=original,
            suggestion=suggestion,
            explanation=self.explain(key, original=original, suggestion=suggestion, **values),
            category=category,
            severity=severity,
        )

    def explain(self, key: str, **values: str) -> str:
        return explain(
            key, feedback_language=self.feedback_language, language=self.language, **values
        )


def is_plain_word(word: str) -> bool:
    return all(c.isalpha() or c in APOSTROPHES or c == "-" for c in word)


def match_case(model: str, word: str) -> str:
    """Return `word` capitalised like `model` ("Cassa" -> "Casa")."""
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def repeated_word_issues(draft: Draft) -> list[GrammarIssue]:
    allowed = ALWAYS_ALLOWED_REPEATS | ALLOWED_REPEATS.get(draft.language, set())
    issues = []
    for first, second in itertools.pairwise(draft.words):
        same = first.text.lower() == second.text.lower()
        if not same or not is_plain_word(first.text) or first.text.lower() in allowed:
            continue
        if first.text[:1].isupper() and first.after == MID:
            continue  # a name: "Dee Dee Myers", "Bora Bora"
        if draft.gap(first, second).isspace():
            issues.append(
                draft.issue(
                    start=first.start,
                    end=second.end,
                    suggestion=first.text,
                    key="repeated_word",
                    category="extra_word",
                    severity="minor",
                    word=first.text,
                )
            )
    return issues


def sentence_starts_in_lower_case(draft: Draft) -> list[Word]:
    """Return the words that begin a sentence but start with a small letter."""
    return [
        word
        for word in draft.words
        if word.after in (SENTENCE, TEXT)
        and word.text[0].islower()
        and is_plain_word(word.text)
        and not any(c.isupper() for c in word.text[1:])
        and not draft.is_ignored(word)
        and not _is_list_marker(draft, word)
    ]


def _is_list_marker(draft: Draft, word: Word) -> bool:
    """Return whether `word` numbers an item of a list: "a)", "iii)", "b."."""
    marker = len(word.text) == 1 or (ROMAN_NUMERAL.fullmatch(word.text) and len(word.text) <= 4)
    return bool(marker) and draft.text[word.end : word.end + 1] in (")", ".")


def word_missing_final_punctuation(draft: Draft) -> Word | None:
    """Return the last word if the text ends without . ! ? or …, else None."""
    ending = draft.text.rstrip().rstrip(CLOSING_MARKS)
    if not ending or not ending[-1].isalnum() or not draft.words:
        return None
    last_sentence = []
    for word in reversed(draft.words):
        last_sentence.append(word)
        if word.after in STARTS:
            break
    # One-word replies ("Sí", "Hello") are normal in a chat; only flag actual sentences.
    return draft.words[-1] if len(last_sentence) >= 2 else None

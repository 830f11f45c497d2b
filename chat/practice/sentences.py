"""Where a learner's sentences begin and end, and how a fix inside one is marked."""

# \u2019, the typographic apostrophe, closes quotes and joins words; RUF001 takes it for a backtick.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? or … (with any closing quotes or brackets) before a space or the end,
# or at a line break.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s|$)|\n+")
# Abbreviations whose full stop ends no sentence, and single letters ("z. B.", "J. Smith").
_ABBREVIATIONS = re.compile(
    r"(?:^|\s)(?:Sr|Sra|Srta|Dr|Dra|Mr|Mrs|Ms|St|Prof|etc|z\.B|u\.a|bzw|usw|ca|p\.ex|ecc|\w)\.$",
    re.IGNORECASE,
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each sentence of `text`, without surrounding whitespace."""
    spans, start = [], 0
    for end_mark in _SENTENCE_END.finditer(text):
        end = end_mark.start() if end_mark.group().startswith("\n") else end_mark.end()
        if _ABBREVIATIONS.search(text[start:end]):
            continue
        spans.append(_stripped(text, start, end))
        start = end_mark.end()
    spans.append(_stripped(text, start, len(text)))
    return [(start, end) for start, end in spans if end > start]


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span of the sentence (or the run of sentences) holding text[start:end]."""
    covering = [
        span for span in sentence_spans(text) if span[0] < max(end, start + 1) and span[1] > start
    ]
    if not covering:
        return _stripped(text, 0, len(text))
    return covering[0][0], max(covering[-1][1], end)


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class Marked:
    """A sentence with one part marked, and what that part should read."""

    sentence: str
    start: int
    end: int
    answer: str

    @property
    def original(self) -> str:
        return self.sentence[self.start : self.end]

    @property
    def corrected(self) -> str:
        return self.sentence[: self.start] + self.answer + self.sentence[self.end :]


def mark_fix(sentence: str, *, start: int, end: int, suggestion: str) -> Marked | None:
    """Return the sentence with sentence[start:end] marked in whole words, and what the marked
    part reads once `suggestion` replaces it.

    A fix that only removes text takes in a neighbouring word, so there is always something to
    type: "Es [muy muy] caro" → "muy". None when the suggestion changes nothing.
    """
    corrected = sentence[:start] + suggestion + sentence[end:]
    if corrected == sentence:
        return None
    # The corrected part ends as far from the end of the corrected sentence as `end` does.
    shift = len(corrected) - len(sentence)
    # A span that starts or ends inside a word takes in the whole word.
    if start < end and _in_word(sentence[start]):
        while start > 0 and _in_word(sentence[start - 1]):
            start -= 1
    if start < end and _in_word(sentence[end - 1]):
        while end < len(sentence) and _in_word(sentence[end]):
            end += 1
    if not corrected[start : end + shift].strip():
        start, end = _with_a_neighbouring_word(sentence, start, end)
    return trimmed(sentence, start=start, end=end, answer=corrected[start : end + shift])


def trimmed(sentence: str, *, start: int, end: int, answer: str) -> Marked | None:
    """Return sentence[start:end] marked to read `answer`, without the whitespace at the edges
    of both (no part of the fix); None if nothing is left to mark or to type."""
    while start < end and answer and sentence[start].isspace() and answer[0] == sentence[start]:
        start, answer = start + 1, answer[1:]
    while (
        end > start and answer and sentence[end - 1].isspace() and answer[-1] == sentence[end - 1]
    ):
        end, answer = end - 1, answer[:-1]
    if not sentence[start:end].strip() or not answer.strip():
        return None
    return Marked(sentence=sentence, start=start, end=end, answer=answer)


_WORD = re.compile(r"\w+")


def _in_word(character: str) -> bool:
    return character.isalnum() or character in "'’-"


def _with_a_neighbouring_word(sentence: str, start: int, end: int) -> tuple[int, int]:
    before = [word for word in _WORD.finditer(sentence, 0, start)]
    if before:
        return before[-1].start(), end
    after = _WORD.search(sentence, end)
    if after:
        return start, after.end()
    return start, end

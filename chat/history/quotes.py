"""A mistake quoted from the learner's own message: the words around it, the mistake marked."""

from __future__ import annotations

from dataclasses import dataclass

# Characters of context on each side of the mistake, extended to the nearest word boundary.
CONTEXT = 60


@dataclass(frozen=True)
class Quote:
    """`before` + `marked` + `after` is an excerpt of the message; `marked` is the mistake.

    `marked` is empty when the stored span no longer fits the text (it always should)."""

    before: str
    marked: str
    after: str


def quote(text: str, *, start: int, end: int, original: str) -> Quote:
    """Return the excerpt of `text` around the mistake at [start:end]."""
    if text[start:end] != original:
        found = text.find(original) if original else -1
        if found < 0:
            return Quote(before=_shortened(text), marked="", after="")
        start, end = found, found + len(original)
    left = _word_start(text, max(0, start - CONTEXT), start)
    right = _word_end(text, min(len(text), end + CONTEXT), end)
    before = ("…" if left > 0 else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return Quote(before=before, marked=text[start:end], after=after)


def _word_start(text: str, position: int, limit: int) -> int:
    # Move right (not past `limit`) to the start of a word, so the excerpt begins with one.
    if position == 0 or text[position - 1].isspace():
        return position
    space = text.find(" ", position, limit)
    return space + 1 if space != -1 else position


def _word_end(text: str, position: int, limit: int = 0) -> int:
    # Move left (not before `limit`) to the end of a word.
    if position >= len(text) or text[position].isspace():
        return position
    space = text.rfind(" ", limit, position)
    return space if space != -1 else position


def _shortened(text: str) -> str:
    limit = 2 * CONTEXT
    return text if len(text) <= limit else text[: _word_end(text, limit)] + "…"

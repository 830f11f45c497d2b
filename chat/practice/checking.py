"""Checking a typed answer against the card's: lenient on what does not count, precise on the rest.

Case, spacing and punctuation differences don't make an answer wrong, unless the card's fix is
about exactly that (a capital letter, a missing question mark). A missing or wrong accent makes
it "almost", naming the letter. Typing the mistake itself is wrong, however it is spelled.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field

from chat.models import Card, CardReview

# Letters a learner may write as two, which the "almost" verdict names like a missing accent.
_LIGATURES = str.maketrans({"ß": "ss", "ẞ": "SS", "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})

# The rating a verdict suggests; the learner may pick another (FSRS: 1 Again ... 4 Easy).
SUGGESTED_RATING = {
    CardReview.Verdict.RIGHT: 3,
    CardReview.Verdict.ALMOST: 2,
    CardReview.Verdict.WRONG: 1,
}


@dataclass(frozen=True)
class Checked:
    """How a typed answer compares with the card's, in plain words for the learner."""

    verdict: str
    notes: list[str] = field(default_factory=list)

    @property
    def suggested_rating(self) -> int:
        return SUGGESTED_RATING[self.verdict]


def check_card(card: Card, typed: str) -> Checked:
    """Return the verdict on `typed` as the answer to the card's marked part."""
    return check_answer(
        typed=typed, answer=card.answer, original=card.sentence[card.start : card.end]
    )


def check_answer(*, typed: str, answer: str, original: str) -> Checked:
    """Return the verdict on `typed` for a card whose marked `original` should read `answer`."""
    typed, answer, original = _canonical(typed), _canonical(answer), _canonical(original)
    if typed == answer:
        return Checked(CardReview.Verdict.RIGHT)
    case_counts, punctuation_counts = _what_the_fix_is_about(original=original, answer=answer)

    def shape(text: str, *, accents: bool = True, case: bool = case_counts) -> str:
        return _shape(text, case=case, punctuation=punctuation_counts, accents=accents)

    if typed == original or (_as_written(typed) == _as_written(original) != _as_written(answer)):
        return Checked(
            CardReview.Verdict.WRONG,
            ["That is how it was written before: the marked part needs a change."],
        )
    if shape(typed) == shape(answer):
        notes = []
        if shape(typed, case=True) != shape(answer, case=True):
            notes.append(f"Right, but mind the capital letters: «{answer}».")
        return Checked(CardReview.Verdict.RIGHT, notes)
    if shape(typed, accents=False) == shape(answer, accents=False):
        return Checked(CardReview.Verdict.ALMOST, _accent_notes(shape(typed), shape(answer)))
    return Checked(CardReview.Verdict.WRONG)


def only_punctuation_differs(original: str, suggestion: str) -> bool:
    """Return whether a fix changes nothing but punctuation (and the spacing around it)."""
    return _shape(original, case=True, punctuation=False, accents=True) == _shape(
        suggestion, case=True, punctuation=False, accents=True
    )


def _as_written(text: str) -> str:
    """Return `text` as the learner wrote it, but for case and spacing: typing the mistake back
    with another capital letter is still the mistake."""
    return _shape(text, case=False, punctuation=True, accents=True)


def _what_the_fix_is_about(*, original: str, answer: str) -> tuple[bool, bool]:
    """Return whether case and punctuation count for this card: they do when the fix changes
    nothing else (the learner is asked for the capital letter, or the question mark)."""
    only_case = _shape(original, case=False, punctuation=True, accents=True) == _shape(
        answer, case=False, punctuation=True, accents=True
    )
    only_punctuation = _shape(original, case=True, punctuation=False, accents=True) == _shape(
        answer, case=True, punctuation=False, accents=True
    )
    case_and_punctuation = _shape(original, case=False, punctuation=False, accents=True) == _shape(
        answer, case=False, punctuation=False, accents=True
    )
    return only_case or case_and_punctuation, only_punctuation or case_and_punctuation


def _canonical(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _is_punctuation(character: str) -> bool:
    return unicodedata.category(character).startswith("P")


def _shape(text: str, *, case: bool, punctuation: bool, accents: bool) -> str:
    """Return `text` as the comparison sees it: without what does not count."""
    text = unicodedata.normalize("NFD", text)
    if not accents:
        text = "".join(c for c in text if not unicodedata.combining(c)).translate(_LIGATURES)
    if not case:
        text = text.lower()  # not casefold(): that makes "ß" "ss", which is the accents' business
    if punctuation:
        # Spacing around punctuation does not count ("Quoi ?" is "Quoi?").
        pieces, pending_space = [], False
        for character in text:
            if character.isspace():
                pending_space = True
                continue
            if (
                pending_space
                and pieces
                and not (_is_punctuation(character) or _is_punctuation(pieces[-1]))
            ):
                pieces.append(" ")
            pending_space = False
            pieces.append(character)
        text = "".join(pieces)
    else:
        text = "".join(" " if _is_punctuation(c) else c for c in text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _letters(text: str) -> list[str]:
    """Return `text` as letters, each with its accents (the clusters a reader sees)."""
    letters: list[str] = []
    for character in unicodedata.normalize("NFD", text):
        if unicodedata.combining(character) and letters:
            letters[-1] += character
        else:
            letters.append(character)
    return [unicodedata.normalize("NFC", letter) for letter in letters]


def _accent_notes(typed: str, answer: str) -> list[str]:
    """Name each letter whose accent is missing, wrong or not wanted."""
    written, wanted = _letters(typed), _letters(answer)
    if len(written) == len(wanted):
        pairs = [(w, a) for w, a in zip(written, wanted, strict=True) if w != a]
    else:  # ß for ss, œ for oe: the two spellings differ in length
        matcher = difflib.SequenceMatcher(a=written, b=wanted, autojunk=False)
        pairs = [
            ("".join(written[i1:i2]), "".join(wanted[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"
        ]
    notes = [_accent_note(written=w, wanted=a) for w, a in dict.fromkeys(pairs)]
    return [f"Almost: {notes[0]}", *notes[1:]] if notes else ["Almost: mind the accents."]


def _accent_note(*, written: str, wanted: str) -> str:
    one_letter_each = len(_letters(written)) == 1 == len(_letters(wanted))
    written_accented, wanted_accented = _bare(written) != written, _bare(wanted) != wanted
    if one_letter_each and wanted_accented and not written_accented:
        return f"«{wanted}» needs its accent (you wrote «{written}»)."
    if one_letter_each and written_accented and not wanted_accented:
        return f"«{wanted}» takes no accent here (you wrote «{written}»)."
    return f"«{wanted}», not «{written}»."


def _bare(letters: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", letters) if not unicodedata.combining(c))

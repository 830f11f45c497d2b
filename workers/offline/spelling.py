"""The spelling rule: words the dictionaries don't know, corrected only when the fix is clear.

A learner believes what the tutor says, so a guess is never dressed as a fix: a clear slip of the
pen gets its correction, a word with two or three near words gets them as candidates, any other
unknown word is only marked. Names, loanwords and words made by rule are left alone.
"""

from __future__ import annotations

import re

from workers.offline import lexicon
from workers.offline.rules import (
    APOSTROPHES,
    MID,
    NO_SUGGESTION,
    ROMAN_NUMERAL,
    TYPOGRAPHIC_APOSTROPHE,
    Draft,
    Word,
    is_plain_word,
    match_case,
    word_set,
)
from workers.schemas import GrammarIssue

MAX_CANDIDATES = 3
MIN_CORRECTED_LENGTH = 4  # shorter unknown words have too many neighbours to pick one
DOMINANT_FREQUENCY = 20  # times more frequent than the runner-up, to be taught as the fix
COMMON_ENGLISH = 1000  # occurrences in the English word list; "crime" has 124,464, "liber" 50
ENDING = 2  # letters at the end of a word that make its form: casa/casas, felice/felici
INFLECTING = set("aeiouyàèéìíòóùáâãêôõäöüsn")  # the letters endings are made of

# Words that lose their vowel before another word: l'hôpital, dell'anno.
FRENCH_ELISIONS = word_set("l d j m t s c n qu jusqu lorsqu puisqu")
ITALIAN_ELISIONS = word_set(
    "l d c m t s v un dell all dall nell sull coll quest quell bell sant dov com cos"
)


def spelling_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag words the dictionaries don't know, with a correction only when it is clear.

    A unique near word ("tambien" -> "también") or a far more frequent one is a correction;
    two or three close ones are offered as candidates; otherwise the word is only marked
    unknown. A learner believes what the tutor says, so a guess is never dressed as a fix.
    """
    if draft.language not in lexicon.SUPPORTED:
        return []
    issues = []
    for word in draft.words:
        if not _worth_checking(draft, word):
            continue
        if lexicon.known_form(word.text, language=draft.language) is not None:
            # Listed whole: "qual'è" would pass as "qual" and "è".
            issues.append(_known_form_issue(draft, word.start, word.text))
            continue
        for start, piece in _pieces(word, draft.language):
            issue = _spelling_issue(draft, word, start, piece)
            if issue is not None:
                issues.append(issue)
    return issues


def _spelling_issue(draft: Draft, word: Word, start: int, piece: str) -> GrammarIssue | None:
    language = draft.language
    end = start + len(piece)
    capital = lexicon.capitalised_form(piece, language=language)
    if capital is not None:
        return draft.issue(
            start=start,
            end=end,
            suggestion=capital,
            key="capital_noun" if language == "de" else "capital_word",
            category="capitalisation",
            severity="minor",
        )
    if lexicon.known_form(piece, language=language) is not None:
        return _known_form_issue(draft, start, piece)
    candidates = lexicon.corrections(piece, language=language)
    sure = sure_correction(piece, candidates, language=language)
    accent_only = sure is not None and (
        lexicon.strip_accents(sure.lower()) == lexicon.strip_accents(piece.lower())
    )
    if piece[:1].isupper() and not _capital_word_to_mark(word, sure, candidates, language):
        return None
    # A common English word is most likely a loanword or a switch of language; only a missing
    # accent is marked on it ("opinion" -> "opinión"). A rare one is rather a slip that happens
    # to spell one ("Liber Ingo": "Lieber").
    if not accent_only and language != "en" and _is_common_english(piece):
        return None
    if sure is not None:
        return draft.issue(
            start=start,
            end=end,
            suggestion=match_case(piece, sure),
            key="accent" if accent_only else "spelling",
            category="accent" if accent_only else "spelling",
            severity="moderate",
        )
    # A lone candidate would read as the fix, and it is not sure; more than a few help nobody.
    shown = [match_case(piece, c) for c in candidates]
    if not 1 < len(shown) <= MAX_CANDIDATES:
        shown = []
    return draft.issue(
        start=start,
        end=end,
        suggestion=" / ".join(shown) or NO_SUGGESTION,
        key="unknown_candidates" if shown else "unknown_word",
        category="spelling",
        severity="moderate",
        candidates=", ".join(f"“{c}”" for c in shown),
    )


def _is_common_english(word: str) -> bool:
    return (
        lexicon.is_known(word, language="en")
        and lexicon.word_frequency(word, language="en") >= COMMON_ENGLISH
    )


def _capital_word_to_mark(
    word: Word, sure: str | None, candidates: tuple[str, ...], language: str
) -> bool:
    """Return whether an unknown word with a capital is a mistake rather than a name.

    A capital at the start of a sentence hides nothing, and German writes every noun with one:
    there a word with known words near it is marked as anywhere, one with none is most likely a
    name. Elsewhere a capital mid-sentence makes a name, marked only when it lacks an accent and
    stays a name ("Mexico" -> "México", but not "Frances" -> "francés").
    """
    if word.after != MID or language == "de":
        return bool(candidates)
    plain = lexicon.strip_accents(word.text.lower())
    return (
        sure is not None and sure[:1].isupper() and (lexicon.strip_accents(sure.lower()) == plain)
    )


def _known_form_issue(draft: Draft, start: int, piece: str) -> GrammarIssue:
    known_form = lexicon.known_form(piece, language=draft.language) or piece
    return draft.issue(
        start=start,
        end=start + len(piece),
        suggestion=match_case(piece, known_form),
        key="known_form",
        category="verb_form" if draft.language == "en" and " " not in known_form else "spelling",
        severity="moderate",
    )


def sure_correction(word: str, candidates: tuple[str, ...], *, language: str) -> str | None:
    """Return the one correction to teach for `word`, or None when it is not clear.

    Learners' commonest slips are a missing accent and a letter written once or twice too often:
    when one candidate is such a slip it is the fix, unless it is rare beside another candidate
    ("Jahen": "Jahren", not "jähen") or both kinds fit ("Dammen": "Damen" or "dämmen"?). Any
    other candidate must be the only one or far more frequent than the next, keep the first
    letter (writers rarely get it wrong) and keep the ending: a different ending is another
    form of the word ("felicio": "felici" or "felice"?), which only the sentence can choose.
    """
    if not candidates:
        return None
    lowered = word.lower()
    plain = lexicon.strip_accents(lowered)

    def frequency(candidate: str) -> int:
        return lexicon.word_frequency(candidate, language=language)

    accents = [c for c in candidates if lexicon.strip_accents(c.lower()) == plain]
    accents += [c for c in lexicon.accented(lowered, language=language) if c not in accents]
    if language == "de":
        # A German umlaut marks a form (Gefahr, gefährlich; jung, jünger): one the learner
        # wrote is taken away only when nothing else fits.
        accents = [c for c in accents if _umlauts(c) >= _umlauts(lowered)]
    doubled = [c for c in candidates if _differ_by_a_double(lowered, c.lower())]
    top = frequency(candidates[0])
    slips = [s for s in (accents, doubled) if len(s) == 1 and frequency(s[0]) * 100 >= top]
    if len(slips) == 2:
        # "citta": "città", not "cita"; but "Dammen": "Damen" or "dämmen"?
        slips.sort(key=lambda s: -frequency(s[0]))
        first, second = frequency(slips[0][0]), frequency(slips[1][0])
        return slips[0][0] if first >= DOMINANT_FREQUENCY * max(second, 1) else None
    if slips:
        return slips[0][0]
    if accents and doubled:
        return None
    if len(lowered) < MIN_CORRECTED_LENGTH:
        return None
    likeliest = candidates[0]
    if len(candidates) > 1 and top < DOMINANT_FREQUENCY * max(frequency(candidates[1]), 1):
        return None
    return likeliest if is_slip(lowered, likeliest.lower()) else None


def _umlauts(word: str) -> int:
    return sum(word.lower().count(u) for u in "äöü")


def is_slip(word: str, correction: str) -> bool:
    """Return whether `correction` mends a slip of the pen in `word` rather than its form.

    Writers rarely get the first letter wrong. And a change among the last letters that touches
    a vowel, an s or an n is most often another ending, the word's form ("felicio": "felici" or
    "felice"?), which only the sentence can choose; "Wahrheid" -> "Wahrheit" is a slip.
    """
    if word[:1] != correction[:1]:
        return False
    if _swapped(word, correction):
        return True
    common = next(
        (i for i, (a, b) in enumerate(zip(word, correction, strict=False)) if a != b),
        min(len(word), len(correction)),
    )
    ending, other_ending = word[common:], correction[common:]
    if max(len(ending), len(other_ending)) > ENDING:
        return True
    return not any(letter in INFLECTING for letter in ending + other_ending)


def _differ_by_a_double(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1:
        return False
    return any(
        long[i] == long[i + 1] and long[:i] + long[i + 1 :] == short for i in range(len(long) - 1)
    )


def _swapped(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]]


def _worth_checking(draft: Draft, word: Word) -> bool:
    text = word.text
    if len(text) < 2 or not is_plain_word(text) or text.isupper():
        return False
    if ROMAN_NUMERAL.fullmatch(text) and len(text) <= 4:
        return False  # "iii)" numbers a list
    # Not "iPhone", links or @names. Capitalised words (names, German nouns) are checked, but
    # only a clear fix is marked on them (see `_spelling_issue`).
    return not (any(c.isupper() for c in text[1:]) or draft.is_ignored(word))


def _pieces(word: Word, language: str) -> list[tuple[int, str]]:
    """Return the unknown parts of `word` with their start: all of it, or a part of it.

    "week-end" may be known as a whole; if not, each part must be ("chama-se"). In "l'hopital"
    only "hopital" is checked.
    """
    if _is_known_token(word.text, language):
        return []
    pieces, offset = [], 0
    for part in word.text.split("-"):
        elided, rest = _without_elision(language, part)
        if len(rest) > 1 and not _is_known_token(rest, language):
            pieces.append((word.start + offset + elided, rest))
        offset += len(part) + 1
    return pieces


def _without_elision(language: str, word: str) -> tuple[int, str]:
    """Split "l'hôpital" into the offset and text of "hôpital", whose spelling we check."""
    elisions = {"fr": FRENCH_ELISIONS, "it": ITALIAN_ELISIONS}.get(language, set())
    head, apostrophe, rest = word.replace(TYPOGRAPHIC_APOSTROPHE, "'").partition("'")
    if apostrophe and rest and head.lower() in elisions:
        return len(head) + 1, word[len(head) + 1 :]
    return 0, word


def _is_known_token(word: str, language: str) -> bool:
    if lexicon.is_known(word, language=language):
        return True
    # "dog's", "it'll": short pieces after an apostrophe are contractions.
    parts = re.split(f"[{APOSTROPHES}]", word)
    return len(parts) > 1 and all(
        len(part) <= 2 or lexicon.is_known(part, language=language) for part in parts
    )

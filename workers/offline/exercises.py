"""The offline model's "More like this": simple exercises that are right by construction.

Only for misspellings it can trust (see `misspellings`): a word the dictionary does not know,
fixed to one it knows that the learner has seen in a correct sentence. Each exercise is either
such a sentence (the tutor's, or the learner's own) with that word misspelt again as they once
did, or the bare word to recall ("cassa" → "casa"). Other kinds of mistake depend on their
context, and a made-up context could teach something wrong, so the offline model makes none.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from workers.offline import lexicon
from workers.offline.rules import match_case

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
MIN_LETTERS = 4

SPELT = {
    "en": "It is spelt «{word}».",
    "es": "Se escribe «{word}».",
    "de": "Man schreibt «{word}».",
    "fr": "On écrit «{word}».",
    "it": "Si scrive «{word}».",
    "pt": "Escreve-se «{word}».",
}


def build_exercises(job: dict[str, Any]) -> dict[str, Any]:
    """Return an ExercisesResult (as a dict) for the exercises prompt's JSON document."""
    language = str(job.get("language") or "")
    pattern = job.get("pattern") or {}
    if language not in lexicon.SUPPORTED or pattern.get("category") != "spelling":
        return {"exercises": []}
    explain = SPELT.get(str(job.get("feedback_language") or ""), SPELT["en"])
    count = max(1, min(int(job.get("count") or 3), 5))
    sentences = [str(sentence) for sentence in job.get("known_sentences") or []]
    seen = {word.lower() for sentence in sentences for word in _WORD.findall(sentence)}
    exercises: list[dict[str, str]] = []
    for misspelt, word in misspellings(job.get("examples") or [], language=language, seen=seen):
        for sentence in sentences:
            exercise = _misspelt_again(sentence, word=word, misspelt=misspelt)
            if exercise is not None and exercise not in exercises:
                exercises.append(
                    {**exercise, "explanation": explain.format(word=exercise["correction"])}
                )
        exercises.append(
            {"sentence": misspelt, "original": misspelt, "correction": word,
             "explanation": explain.format(word=word)}
        )  # fmt: skip
    # The sentences first: a word in context is the better exercise.
    exercises.sort(key=lambda exercise: exercise["sentence"] == exercise["original"])
    return {"exercises": exercises[:count]}


def misspellings(
    examples: list[dict[str, Any]], *, language: str, seen: set[str]
) -> list[tuple[str, str]]:
    """Return the distinct (misspelt, correct) word pairs among the examples that are surely
    misspellings of a word the learner has seen written right.

    Each condition removes a kind of wrong correction the offline analysis makes on the learner
    corpora (measured in the report of this change): a word the dictionary knows is no
    misspelling; a short word is too easily another word ("sull" → "sul"); a different first
    letter is usually another word ("tast" → "last"); an English word in another language is
    the learner's English, not a misspelling ("start" → "estar"); and the fixed word must occur
    in a correct sentence the learner has seen, the tutor's or their own.
    """
    pairs: dict[tuple[str, str], None] = {}
    for example in examples:
        misspelt = str(example.get("original") or "").strip()
        word = str(example.get("correction") or "").strip()
        if not (_WORD.fullmatch(misspelt) and _WORD.fullmatch(word)) or misspelt == word:
            continue
        if word[:1].isupper() and misspelt[:1].islower() and language != "de":
            word = word.lower()  # capitalised only because it began the sentence
        if misspelt.lower() == word.lower():
            continue  # a capital letter is not a spelling to practise out of context
        if min(len(misspelt), len(word)) < MIN_LETTERS or _bare(misspelt[0]) != _bare(word[0]):
            continue
        if word.lower() not in seen or lexicon.is_known(misspelt, language=language):
            continue
        if language != "en" and lexicon.is_known(misspelt, language="en"):
            continue
        if not lexicon.is_known(word, language=language):
            continue
        pairs[(misspelt, word)] = None
    return list(pairs)


def _bare(letter: str) -> str:
    decomposed = unicodedata.normalize("NFD", letter.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _misspelt_again(sentence: str, *, word: str, misspelt: str) -> dict[str, str] | None:
    """Return `sentence` with its `word` (any case) written `misspelt`, as an exercise; None
    unless the word occurs exactly once (a sentence that also shows it right gives it away)."""
    found = [match for match in _WORD.finditer(sentence) if match.group().lower() == word.lower()]
    if len(found) != 1:
        return None
    (match,) = found
    wrong = match_case(match.group(), misspelt)
    return {
        "sentence": sentence[: match.start()] + wrong + sentence[match.end() :],
        "original": wrong,
        "correction": match.group(),
    }

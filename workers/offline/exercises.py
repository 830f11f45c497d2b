"""The offline model's "More like this": simple exercises that are right by construction.

Only for misspellings: a mistake the dictionary does not know, fixed to a word it does. Each
exercise is either a correct sentence the learner has seen (the tutor's, or their own) with that
word misspelt again as they once did, or the bare word to recall ("cassa" → "casa"). Other kinds
of mistake depend on their context, and a made-up context could teach something wrong, so the
offline model makes no exercises for them.
"""

from __future__ import annotations

import re
from typing import Any

from workers.offline import lexicon
from workers.offline.rules import match_case

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")

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
    exercises: list[dict[str, str]] = []
    for misspelt, word in _misspellings(job.get("examples") or [], language=language):
        for sentence in job.get("known_sentences") or []:
            exercise = _misspelt_again(str(sentence), word=word, misspelt=misspelt)
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


def _misspellings(examples: list[dict[str, Any]], *, language: str) -> list[tuple[str, str]]:
    """Return the distinct (misspelt, correct) word pairs among the examples that are surely
    misspellings: one word the dictionary does not know, fixed to one word it knows."""
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
        if lexicon.is_known(misspelt, language=language) or not lexicon.is_known(
            word, language=language
        ):
            continue
        pairs[(misspelt, word)] = None
    return list(pairs)


def _misspelt_again(sentence: str, *, word: str, misspelt: str) -> dict[str, str] | None:
    """Return `sentence` with its first `word` (any case) written `misspelt`, as an exercise."""
    for found in _WORD.finditer(sentence):
        if found.group().lower() == word.lower():
            wrong = match_case(found.group(), misspelt)
            return {
                "sentence": sentence[: found.start()] + wrong + sentence[found.end() :],
                "original": wrong,
                "correction": found.group(),
            }
    return None

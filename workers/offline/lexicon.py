"""Which words a language knows, and the likeliest correction of one it doesn't.

Wraps pyspellchecker. Its dictionaries come from word-frequency lists and have gaps that would
make a tutor scold learners for correct words, so a word also counts as known when it is in a
small supplement, when it is a regular Spanish form of a known word (see `spanish.py`), when it
is the British spelling of a known American one, or the Brazilian accent of a European
Portuguese one.
"""

from __future__ import annotations

import heapq
import re
import threading
from functools import lru_cache

from spellchecker import SpellChecker

from workers.offline import spanish

SUPPORTED = frozenset({"en", "es", "de", "fr", "it", "pt"})

# Loanwords and chat words a learner uses in any language. Added to the dictionaries (not only
# accepted) so that a misspelling of one can be corrected to it.
_EVERYWHERE = """ok okay email e-mail internet online web wifi app blog smartphone selfie tennis
    golf jazz rock pop weekend pizza sushi haha jaja hmm wow"""
_SUPPLEMENT = {
    "en": "dreamt learnt spelt burnt spoilt leapt smelt whilst amongst grey programme",
    "it": "po abitiamo",
}
# Italian nouns and adjectives change their last vowel: sposato, sposata, sposati, sposate.
_ITALIAN_ENDINGS = "oaie"

# British spellings, from the endings the American-based English dictionary knows in another
# form: colour(s), favourite, centre, organise(d), analyse, travelled, catalogue, licence.
_BRITISH = [
    (re.compile(r"our(?=(s|ed|ing|ite|ites|ful|able|less|er|ers)?$)"), "or"),
    (re.compile(r"tre(?=s?$)"), "ter"),
    (re.compile(r"is(?=(e|es|ed|ing|ation|ations|er|ers)$)"), "iz"),
    (re.compile(r"ys(?=(e|es|ed|ing)$)"), "yz"),
    (re.compile(r"ll(?=(ed|ing|er|ers)$)"), "l"),
    (re.compile(r"ogue(?=s?$)"), "og"),
    (re.compile(r"ence(?=s?$)"), "ense"),
]
# Brazilian Portuguese writes ô and ê where the European spelling has ó and é (ônibus, tênis).
_BRAZILIAN = str.maketrans({"ô": "ó", "ê": "é", "ó": "ô", "é": "ê"})

_lock = threading.Lock()
_checkers: dict[str, SpellChecker] = {}


def checker(language: str) -> SpellChecker:
    """Return the shared spell checker for a language, loading it on first use."""
    loaded = _checkers.get(language)
    if loaded is not None:
        return loaded
    # Loading takes up to a second; the lock keeps worker threads from loading it twice.
    with _lock:
        if language not in _checkers:
            _checkers[language] = _load(language)
        return _checkers[language]


def _load(language: str) -> SpellChecker:
    spell = SpellChecker(language=language)
    frequencies = spell.word_frequency.dictionary
    # As frequent as a common word, so that corrections may pick a supplement word.
    common = heapq.nlargest(2000, frequencies.values())[-1]
    words = f"{_EVERYWHERE} {_SUPPLEMENT.get(language, '')}".split()
    if language == "es":
        words += spanish.supplement()
    # One batch: every load re-scans the whole dictionary.
    spell.word_frequency.load_json(dict.fromkeys(words, common))
    return spell


def is_known(word: str, *, language: str) -> bool:
    """Return whether `word` is a correct word of `language`, as far as we can tell."""
    spell = checker(language)
    # Dictionaries spell with a plain apostrophe and without the œ ligature.
    lookup = word.replace("\u2019", "'").replace("œ", "oe").replace("Œ", "Oe").lower()

    def known(candidate: str) -> bool:
        return bool(spell.known([candidate]))

    if known(lookup):
        return True
    if language == "es":
        return spanish.is_inflection(lookup, known=known)
    if language == "en":
        return any(known(pattern.sub(american, lookup)) for pattern, american in _BRITISH)
    if language == "it" and len(lookup) > 3 and lookup[-1] in _ITALIAN_ENDINGS:
        return any(known(lookup[:-1] + vowel) for vowel in _ITALIAN_ENDINGS)
    if language == "pt":
        return known(lookup.translate(_BRAZILIAN))
    return False


def is_known_name(word: str) -> bool:
    """Return whether a capitalised word is a name the English dictionary knows ("Madrid")."""
    # The English list is rich in place and first names, which the others mostly lack.
    return bool(checker("en").known([word]))


def word_frequency(word: str, *, language: str) -> int:
    """Return how often `word` occurs in the language's word list (0 if it is not there)."""
    return checker(language).word_frequency[word.lower()]


@lru_cache(maxsize=4096)
def best_correction(word: str, *, language: str, thorough: bool) -> str | None:
    """Return the likeliest known word for a misspelt `word`, or None when nothing is close.

    One edit away is cheap. Two edits away costs up to a second in the big dictionaries, so
    callers ask for it (`thorough`) only a few times per text.
    """
    spell = checker(language)
    lowered = word.lower()
    candidates = spell.known(spell.edit_distance_1(lowered))
    if not candidates and thorough:
        candidates = spell.known(spell.edit_distance_2(lowered))
    candidates.discard(lowered)
    if not candidates:
        return None
    # Ties broken alphabetically so the same text always gets the same suggestion.
    return max(sorted(candidates), key=lambda candidate: spell.word_frequency[candidate])

"""Which words a language knows, and the corrections of one it doesn't.

Two sources. Hunspell dictionaries (Debian's hunspell-* packages, read through chunspell) decide
whether a word is correct: they are made for spell checking and know every inflection and
compound. pyspellchecker's word-frequency lists propose corrections and rank them: each
candidate one edit away (or only an accent away) that Hunspell accepts, the most frequent first.
Without Hunspell the frequency lists decide alone, as before, with their known gaps (see
`is_known`); the worker says at start which dictionaries it has (`describe_dictionaries`).
"""

from __future__ import annotations

import heapq
import logging
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spellchecker import SpellChecker

from workers.offline import spanish

log = logging.getLogger("findus.offline")

SUPPORTED = frozenset({"en", "es", "de", "fr", "it", "pt"})
DICTIONARY_DIRS = [Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts")]
# Every variant a learner may write counts: Brazilian and European Portuguese, British English.
HUNSPELL_NAMES = {
    "en": ["en_US", "en_GB"],
    "es": ["es_ES"],
    "de": ["de_DE", "de_AT", "de_CH"],
    "fr": ["fr_FR", "fr"],
    "it": ["it_IT"],
    "pt": ["pt_PT", "pt_BR"],
}
HUNSPELL_PACKAGES = "hunspell-en-us hunspell-es hunspell-de-de hunspell-fr hunspell-it "
HUNSPELL_PACKAGES += "hunspell-pt-pt hunspell-pt-br"

# Loanwords and chat words a learner uses in any language.
_EVERYWHERE = """ok okay email e-mail internet online web wifi app blog smartphone selfie tennis
    golf jazz rock pop weekend pizza sushi haha jaja hmm wow"""
_SUPPLEMENT = {
    "en": "dreamt learnt spelt burnt spoilt leapt smelt whilst amongst grey programme",
    "it": "po abitiamo",
}

# British spellings, from the endings the American dictionary knows in another form: colour(s),
# favourite, centre, organise(d), analyse, travelled, catalogue, licence.
_BRITISH = [
    (re.compile(r"our(?=(s|ed|ing|ite|ites|ful|able|less|er|ers)?$)"), "or"),
    (re.compile(r"tre(?=s?$)"), "ter"),
    (re.compile(r"is(?=(e|es|ed|ing|ation|ations|er|ers)$)"), "iz"),
    (re.compile(r"ys(?=(e|es|ed|ing)$)"), "yz"),
    (re.compile(r"ll(?=(ed|ing|er|ers)$)"), "l"),
    (re.compile(r"ogue(?=s?$)"), "og"),
    (re.compile(r"ence(?=s?$)"), "ense"),
    (re.compile(r"(?<=.)ae(?=.)"), "e"),  # orthopaedic, encyclopaedia, anaemia
]
# Without Hunspell: Italian nouns and adjectives change their last vowel (sposato, sposata).
_ITALIAN_ENDINGS = "oaie"
# Without Hunspell: Brazilian Portuguese writes ô and ê where European has ó and é.
_BRAZILIAN = str.maketrans({"ô": "ó", "ê": "é", "ó": "ô", "é": "ê"})

# Forms learners build by rule that the language makes otherwise, and words run together.
IRREGULAR_PASTS = """arise arose arisen; be was been; become became become; begin began begun;
    break broke broken; bring brought brought; build built built; buy bought bought; catch caught
    caught; choose chose chosen; come came come; do did done; draw drew drawn; drink drank drunk;
    drive drove driven; eat ate eaten; fall fell fallen; feel felt felt; fight fought fought; find
    found found; fly flew flown; forget forgot forgotten; get got got; give gave given; go went
    gone; grow grew grown; have had had; hear heard heard; hold held held; keep kept kept; know knew
    known; leave left left; lose lost lost; make made made; meet met met; pay paid paid; ride rode
    ridden; run ran run; say said said; see saw seen; sell sold sold; send sent sent; sing sang
    sung; sit sat sat; sleep slept slept; speak spoke spoken; spend spent spent; stand stood stood;
    swim swam swum; take took taken; teach taught taught; tell told told; think thought thought;
    throw threw thrown; understand understood understood; wake woke woken; wear wore worn; win won
    won; write wrote written"""
_RUN_TOGETHER = {
    "en": {
        "alot": "a lot",
        "infact": "in fact",
        "ofcourse": "of course",
        "eachother": "each other",
    },
    "es": {"aveces": "a veces", "osea": "o sea", "porfavor": "por favor", "talvez": "tal vez"},
    # "qual è" takes no apostrophe; "c'è" and "po'" take one, not an accent.
    "it": {
        "perfavore": "per favore",
        "dimeno": "di meno",
        "qual'è": "qual è",
        "qual\u2019è": "qual è",
        "cè": "c'è",
        "pò": "po'",
    },
    "pt": {"porfavor": "por favor", "derrepente": "de repente", "concerteza": "com certeza"},
}


def _overregularised() -> dict[str, str]:
    """Return "buyed" -> "bought", "goed" -> "went": regular endings on irregular verbs."""
    forms = {}
    for entry in IRREGULAR_PASTS.split(";"):
        base, past, _ = entry.split()
        stem = base[:-1] if base.endswith("e") else base
        forms[stem + "ed"] = past
        if len(base) <= 4 and base[-1] not in "aeiouwy" and base[-2] in "aeiou":
            forms[base + base[-1] + "ed"] = past  # "runned", "swimmed"
    return forms


KNOWN_FORMS = {"en": _RUN_TOGETHER["en"] | _overregularised()} | {
    language: pairs for language, pairs in _RUN_TOGETHER.items() if language != "en"
}

# Letters a learner may have written without their accent, per language; German learners
# without an umlaut key write "ue" for "ü" and "ss" for "ß".
ACCENTED = {
    "es": {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "úü", "n": "ñ"},
    "de": {"a": "ä", "o": "ö", "u": "ü"},
    "fr": {"a": "àâ", "e": "éèêë", "i": "îï", "o": "ô", "u": "ùûü", "c": "ç"},
    "it": {"a": "à", "e": "èé", "i": "ì", "o": "ò", "u": "ù"},
    "pt": {"a": "áâãà", "e": "éê", "i": "í", "o": "óôõ", "u": "ú", "c": "ç"},
}
GERMAN_TRANSCRIPTIONS = [("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("ss", "ß")]

LETTERS = {
    "en": "abcdefghijklmnopqrstuvwxyz'",
    "es": "abcdefghijklmnopqrstuvwxyzáéíóúüñ",
    "de": "abcdefghijklmnopqrstuvwxyzäöüß",
    "fr": "abcdefghijklmnopqrstuvwxyzàâæçéèêëîïôœùûüÿ",
    "it": "abcdefghijklmnopqrstuvwxyzàèéìíòóù",
    "pt": "abcdefghijklmnopqrstuvwxyzáâãàçéêíóôõú",
}


@dataclass
class Lexicon:
    """A language's dictionaries, loaded once and shared by the worker threads."""

    language: str
    frequencies: dict[str, int]
    hunspell: list[Any] = field(default_factory=list)
    supplement: frozenset[str] = frozenset()
    # Accent-free spelling -> the frequency list's words with that spelling ("dias" -> "días").
    by_plain: dict[str, list[str]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.hunspell]


_lock = threading.Lock()
_lexicons: dict[str, Lexicon] = {}


def lexicon(language: str) -> Lexicon:
    """Return the shared lexicon of a language, loading it on first use."""
    loaded = _lexicons.get(language)
    if loaded is not None:
        return loaded
    # Loading takes up to a few seconds; the lock keeps worker threads from loading it twice.
    with _lock:
        if language not in _lexicons:
            _lexicons[language] = _load(language)
        return _lexicons[language]


def _load(language: str) -> Lexicon:
    spell = SpellChecker(language=language)
    frequencies = dict(spell.word_frequency.dictionary)
    words = f"{_EVERYWHERE} {_SUPPLEMENT.get(language, '')}".split()
    if language == "es":
        words += spanish.supplement()
    # As frequent as a common word, so that corrections may pick a supplement word.
    common = heapq.nlargest(2000, frequencies.values())[-1]
    for word in words:
        frequencies.setdefault(word, common)
    by_plain: dict[str, list[str]] = defaultdict(list)
    for word in frequencies:
        plain = strip_accents(word)
        if plain != word:
            by_plain[plain].append(word)
    return Lexicon(
        language=language,
        frequencies=frequencies,
        hunspell=_hunspell(language),
        supplement=frozenset(words),
        by_plain=dict(by_plain),
    )


def hunspell_files(language: str) -> list[tuple[str, Path]]:
    """Return the Hunspell dictionaries installed for a language, by name and folder."""
    found = []
    for name in HUNSPELL_NAMES.get(language, []):
        for folder in DICTIONARY_DIRS:
            if (folder / f"{name}.dic").exists() and (folder / f"{name}.aff").exists():
                found.append((name, folder))
                break
    # fr_FR and fr are often the same file: keep one.
    if language == "fr" and len(found) > 1:
        found = found[:1]
    return found


def _hunspell(language: str) -> list[Any]:
    try:
        import hunspell
    except ImportError:
        return []
    return [
        (name, hunspell.Hunspell(name, hunspell_data_dir=str(folder)))
        for name, folder in hunspell_files(language)
    ]


def describe_dictionaries() -> str:
    """Return, for the worker's log, which spelling dictionaries the offline checker uses."""
    try:
        import hunspell  # noqa: F401
    except ImportError:
        return (
            "offline spelling: chunspell is not installed, so word-frequency lists only "
            "(less precise); install the project's dependencies"
        )
    used, missing = [], []
    for language in sorted(SUPPORTED):
        names = [name for name, _ in hunspell_files(language)]
        (used if names else missing).append(
            f"{language} ({', '.join(names)})" if names else language
        )
    message = "offline spelling: Hunspell " + (", ".join(used) or "none")
    if missing:
        message += (
            f"; no Hunspell dictionary for {', '.join(missing)}, so word-frequency lists there "
            f"(less precise; Debian packages: {HUNSPELL_PACKAGES})"
        )
    return message


def has_hunspell(language: str) -> bool:
    return bool(lexicon(language).hunspell)


@lru_cache(maxsize=65536)
def is_known(word: str, *, language: str) -> bool:
    """Return whether `word` is a correct word of `language`, as far as we can tell."""
    lex = lexicon(language)
    # Dictionaries spell with a plain apostrophe.
    word = word.replace("\u2019", "'")
    lowered = word.lower()
    if lowered in lex.supplement:
        return True
    if lex.hunspell:
        return (
            _hunspell_knows(lex, word)
            or any(_hunspell_knows(lex, v) for v in _accepted_variants(lowered, language))
            or _is_derived(lowered, language, lambda w: _hunspell_knows(lex, w))
        )
    return _known_without_hunspell(lex, lowered)


# Words made by rule that dictionaries cannot all list: a prefix on a known word ("écozones",
# "antiestrés"), a superlative ("furiosissimo"), pronouns on a Spanish verb ("lastimarlo").
PREFIXES = ("éco", "eco", "auto", "anti", "bio", "micro", "macro", "multi", "super", "ultra")
SUPERLATIVES = {
    "it": [("issim" + e, b) for e in "oaie" for b in "oaie"],
    "es": [("ísim" + e, b) for e in ("o", "a", "os", "as") for b in ("o", "a", "e", "")],
}
MIN_DERIVED_BASE = 4


def _is_derived(word: str, language: str, known: spanish.Known) -> bool:
    if language == "en":
        return False
    for prefix in PREFIXES:
        base = word.removeprefix(prefix).removeprefix("-")
        if base != word and len(base) >= MIN_DERIVED_BASE and known(base):
            return True
    for ending, base_ending in SUPERLATIVES.get(language, []):
        base = word.removesuffix(ending)
        if base != word and len(base) >= MIN_DERIVED_BASE - 1 and known(base + base_ending):
            return True
    return language == "es" and spanish.is_verb_with_pronouns(word, known=known)


# Spellings that are right but that the installed dictionaries miss: Portuguese before the 1990
# agreement ("acção", "correcto", "platéia"), French after the 1990 rectifications ("diner",
# "envoutante"), British English ("colour").
_PORTUGUESE_BEFORE_1990 = [("cç", "ç"), ("pç", "ç"), ("ct", "t"), ("pt", "t"), ("éia", "eia")]
_PORTUGUESE_BEFORE_1990 += [("ôo", "oo"), ("ü", "u")]
_FRENCH_CIRCUMFLEX = [("i", "î"), ("u", "û")]


def _accepted_variants(word: str, language: str) -> list[str]:
    if language == "en":
        return [pattern.sub(american, word) for pattern, american in _BRITISH]
    if language == "pt":
        return [word.replace(old, new) for old, new in _PORTUGUESE_BEFORE_1990 if old in word]
    if language == "fr":
        return [
            word[:i] + accented + word[i + 1 :]
            for plain, accented in _FRENCH_CIRCUMFLEX
            for i, char in enumerate(word)
            if char == plain
        ]
    return []


def known_form(word: str, *, language: str) -> str | None:
    """Return the right form of a word built by a wrong rule ("buyed" -> "bought"), if listed."""
    return KNOWN_FORMS.get(language, {}).get(word.lower())


def _hunspell_knows(lex: Lexicon, word: str) -> bool:
    return any(h.spell(word) for _, h in lex.hunspell)


def _known_without_hunspell(lex: Lexicon, lowered: str) -> bool:
    lowered = lowered.replace("œ", "oe")

    def known(candidate: str) -> bool:
        return candidate in lex.frequencies

    if known(lowered):
        return True
    if lex.language == "es":
        return spanish.is_inflection(lowered, known=known)
    if lex.language == "en":
        return any(known(pattern.sub(american, lowered)) for pattern, american in _BRITISH)
    if lex.language == "it" and len(lowered) > 3 and lowered[-1] in _ITALIAN_ENDINGS:
        return any(known(lowered[:-1] + vowel) for vowel in _ITALIAN_ENDINGS)
    if lex.language == "pt":
        return known(lowered.translate(_BRAZILIAN))
    return False


def word_frequency(word: str, *, language: str) -> int:
    """Return how often `word` occurs in the language's word list.

    A form the list lacks ("tías") counts as often as the word it is a form of ("tía"), as the
    spelling dictionary analyses it; a word neither knows counts 0.
    """
    lex = lexicon(language)
    lowered = word.lower()
    if lowered in lex.frequencies:
        return lex.frequencies[lowered]
    return _stem_frequency(lowered, language)


@lru_cache(maxsize=8192)
def _stem_frequency(word: str, language: str) -> int:
    lex = lexicon(language)
    others = {stem.lower() for stem in stems(word, language=language)} - {word}
    return max((lex.frequencies.get(stem, 0) for stem in others), default=0)


@lru_cache(maxsize=16384)
def stems(word: str, *, language: str) -> tuple[str, ...]:
    """Return the stems the spelling dictionaries give for `word` ("amigos": "amigo")."""
    found = [
        stem
        for _, h in lexicon(language).hunspell
        for analysis in h.analyze(word)
        for stem in re.findall(r"st:(\S+)", analysis)
    ]
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=8192)
def corrections(word: str, *, language: str) -> tuple[str, ...]:
    """Return the known words one edit (or only accents) away from `word`, likeliest first."""
    lex = lexicon(language)
    lowered = word.lower()
    plain = strip_accents(lowered)
    found = set(lex.by_plain.get(plain, []))
    if plain in lex.frequencies:
        found.add(plain)
    found |= {c for c in _one_edit(lowered, LETTERS.get(language, "")) if c in lex.frequencies}
    found.discard(lowered)
    known = []
    for candidate in found:
        if is_known(candidate, language=language):
            known.append(candidate)
        elif (language == "de" or word[:1].isupper()) and is_known(
            candidate.capitalize(), language=language
        ):
            # The frequency lists write nouns and names in lower case: "wahrheit", "méxico".
            known.append(candidate.capitalize())
    # The frequency lists lack many inflected forms ("tías"): a missing accent is looked up in
    # the spelling dictionary itself.
    known += [c for c in accented(lowered, language=language) if c.lower() not in found]
    # Most frequent first; ties alphabetically, so the same text always gets the same answer.
    return tuple(sorted(known, key=lambda c: (-word_frequency(c, language=language), c)))


@lru_cache(maxsize=8192)
def accented(word: str, *, language: str) -> tuple[str, ...]:
    """Return the words the dictionaries know that differ from `word` by one accent only."""
    lex = lexicon(language)
    if not lex.hunspell:
        return ()
    letters = ACCENTED.get(language, {})
    variants = {
        word[:i] + accent + word[i + 1 :]
        for i, char in enumerate(word)
        for accent in letters.get(char, "")
    }
    if language == "de":
        variants |= {
            word[:i] + umlaut + word[i + len(pair) :]
            for pair, umlaut in GERMAN_TRANSCRIPTIONS
            for i in _positions(word, pair)
        }
    if language == "es" and _hunspell_knows(lex, word + "r"):
        # "goberna" is "gobernar" without its r, not the Argentine command "goberná".
        variants = {v for v in variants if v[-1] not in "áéí"}
    found = []
    for variant in sorted(variants):
        if _hunspell_knows(lex, variant):
            found.append(variant)
        elif language == "de" and _hunspell_knows(lex, variant.capitalize()):
            found.append(variant.capitalize())
    return tuple(found)


def _positions(word: str, part: str) -> list[int]:
    return [i for i in range(len(word)) if word.startswith(part, i)]


def _one_edit(word: str, letters: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + swaps + replaces + inserts)


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def capitalised_form(word: str, *, language: str) -> str | None:
    """Return "Hund" for "hund": a word known only with a capital (a German noun, a name)."""
    # Elsewhere a word known only with a capital is a name, and "como" is no mistake for "Como".
    if language not in ("de", "en") or not word[:1].islower() or not has_hunspell(language):
        return None
    capitalised = word[:1].upper() + word[1:]
    lex = lexicon(language)
    if _hunspell_knows(lex, word.replace("\u2019", "'")) or not _hunspell_knows(lex, capitalised):
        return None
    # German glues nouns together, so Hunspell takes "Erbreitern" (Erb-reitern) for a noun when
    # "erbreitern" is a slip for "verbreitern": only a noun in use is a sure capital. And
    # "größe" may be "Größe" or "große".
    if word.lower() not in lex.frequencies or accented(word, language=language):
        return None
    if strip_accents(word) != word and _hunspell_knows(lex, strip_accents(word)):
        return None
    # English capitalises names, days and languages; "yong" is rather "young" than "Yong".
    if language == "en" and any(c.islower() for c in corrections(word, language=language)):
        return None
    return capitalised

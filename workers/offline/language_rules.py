"""Rules for one language each: English "a"/"an" and "i", Spanish "el"/"él"."""

from __future__ import annotations

import itertools

from workers.offline import lexicon
from workers.offline.rules import (
    MID,
    STARTS,
    TYPOGRAPHIC_APOSTROPHE,
    Draft,
    Word,
    is_plain_word,
    match_case,
    word_set,
)
from workers.schemas import GrammarIssue

# Spelled with a vowel but said with a consonant ("a university", "a euro", "a one-off").
CONSONANT_SOUND_PREFIXES = tuple(
    word_set("uni use usu usa uti ura ure uri uro eu ewe ubiq uku unanim")
)
CONSONANT_SOUND_WORDS = {"one", "once"}
# "un-" as a negative prefix is said with a vowel: "an uninteresting film".
VOWEL_SOUND_UNI = ("unin", "unim", "unid", "unil")
# Spelled with a consonant but said with a vowel: the silent h.
VOWEL_SOUND_PREFIXES = ("hour", "honest", "honor", "honour", "heir")

COMMON_VERB_FREQUENCY = 1000  # occurrences in the Spanish word list; "comer" has 219,048

ENGLISH_I = {"i", "i'm", "i've", "i'd", "i'll"}

# After "el" these are verbs, so "el" is the pronoun "él": "el es", "el tiene". ("Vino" is
# left out: "el vino" is the wine.)
SPANISH_VERBS_AFTER_EL = word_set(
    """es está estaba estuvo era fue tiene tenía tuvo va iba hace hizo hacía puede podía pudo quiere
    quería quiso dice dijo decía sabe sabía supo ha había habla hablaba come comía vive vivía
    trabaja trabajaba viene pone puso sale salió ve vio da dio cree piensa juega prefiere siente
    conoce parece será estará tendrá irá hará podrá querría sería estaría tendría duerme entiende
    vuelve pide sigue lee escribe"""
)
# Pronouns and adverbs that sit between the subject "él" and its verb: "el me dijo", "el no es".
SPANISH_WORDS_AFTER_SUBJECT = word_set(
    "me te se le les lo la los las nos no ya también tampoco nunca siempre"
)
# Nouns that take "el" and look like verbs: "el agua" (aguar), "el programa" (programar).
SPANISH_NOUNS_AFTER_EL = word_set(
    """agua arma alma ala alba ancla asma aula hacha hada área arca aria ama águila cura guía papa
    programa problema sistema tema idioma mapa clima día drama poema planeta dilema aroma cometa
    pijama tranvía fantasma mañana panda pirata poeta atleta policía guarda guardia vale parte
    debe corte pase porte"""
)


def english_article_issues(draft: Draft) -> list[GrammarIssue]:
    if draft.language != "en":
        return []
    issues = []
    for article, word in itertools.pairwise(draft.words):
        # A capital "A" mid-sentence is a name or label ("vitamin A"), not the article.
        is_article = article.text in ("a", "an") or (
            article.text in ("A", "An") and article.after in STARTS
        )
        if not is_article or not draft.gap(article, word).isspace():
            continue
        if not is_plain_word(word.text) or word.text.isupper() or word.text.lower() in ("a", "an"):
            continue  # acronyms: "an FBI agent" but "a UFO"; we cannot tell which
        vowel = starts_with_vowel_sound(word.text.lower())
        wanted = "an" if vowel else "a"
        if article.text.lower() != wanted:
            issues.append(
                draft.issue(
                    start=article.start,
                    end=article.end,
                    suggestion=match_case(article.text, wanted),
                    key="article_an" if vowel else "article_a",
                    category="article",
                    severity="minor",
                    word=word.text,
                )
            )
    return issues


def starts_with_vowel_sound(word: str) -> bool:
    """Guess from the spelling whether an English word starts with a vowel sound."""
    if word.startswith(VOWEL_SOUND_PREFIXES) or word.startswith(VOWEL_SOUND_UNI):
        return True
    first_part = word.split("-")[0]  # "a one-off"
    if first_part in CONSONANT_SOUND_WORDS or word.startswith(CONSONANT_SOUND_PREFIXES):
        return False
    return word[:1] in "aeiou"


def english_pronoun_i_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag a small "i" mid-sentence (at a sentence start the capital-letter rule covers it)."""
    if draft.language != "en":
        return []
    return [
        draft.issue(
            start=word.start,
            end=word.end,
            suggestion="I" + word.text[1:],
            key="pronoun_i",
            category="capitalisation",
            severity="minor",
        )
        for word in draft.words
        if word.after == MID and word.text.replace(TYPOGRAPHIC_APOSTROPHE, "'") in ENGLISH_I
    ]


def spanish_el_issues(draft: Draft) -> list[GrammarIssue]:
    if draft.language != "es":
        return []
    issues = []
    for index, word in enumerate(draft.words):
        if word.text not in ("el", "El"):
            continue
        following = draft.words[index + 1] if index + 1 < len(draft.words) else None
        if _is_pronoun_el(draft, word, following):
            issues.append(
                draft.issue(
                    start=word.start,
                    end=word.end,
                    suggestion=match_case(word.text, "él"),
                    key="spanish_el",
                    category="accent",
                    severity="moderate",
                )
            )
    return issues


def _is_pronoun_el(draft: Draft, el: Word, following: Word | None) -> bool:
    rest = draft.text[el.end :]
    if following is None or not draft.gap(el, following).isspace():
        # An article needs a noun after it: "con el." or "para el, ..." can only be "él".
        return el.after == MID and (not rest.strip() or rest.lstrip()[:1] in ".,;:!?)")
    next_word = following.text.lower()
    if next_word in SPANISH_WORDS_AFTER_SUBJECT or next_word in SPANISH_VERBS_AFTER_EL:
        return True
    return next_word not in SPANISH_NOUNS_AFTER_EL and looks_like_spanish_third_person(next_word)


def looks_like_spanish_third_person(word: str) -> bool:
    """Guess whether `word` is a regular third-person verb: trabaja, bebe, habló, comía."""

    def infinitive_known(stem: str, *endings: str) -> bool:
        # Common verbs only: the list also has rare ones like "postrer", which would make
        # "el postre" (the dessert) look like "él postre".
        return len(stem) >= 2 and any(
            lexicon.word_frequency(stem + ending, language="es") >= COMMON_VERB_FREQUENCY
            for ending in endings
        )

    if word.endswith("aba"):
        return infinitive_known(word[:-3], "ar")
    if word.endswith("ía"):
        return infinitive_known(word[:-2], "er", "ir")
    if word.endswith("ió"):
        return infinitive_known(word[:-2], "er", "ir")
    if word.endswith("ó"):
        return infinitive_known(word[:-1], "ar")
    if word.endswith("a"):
        return infinitive_known(word[:-1], "ar")
    if word.endswith("e"):
        return infinitive_known(word[:-1], "er", "ir")
    return False

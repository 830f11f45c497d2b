"""Spanish grammar the offline checker can be sure of.

Each rule is a pattern that is wrong wherever it stands, with one right form:

- "yo" with a verb form only "él" or "ella" takes: "yo fue" -> "yo fui", "yo tiene" -> "yo tengo";
- a singular possessive before a plural noun: "mi amigos" -> "mis amigos";
- "mí" and "tú", the pronouns, where the possessive was written: "a mi me gusta", "tu eres";
- "ser" for a passing state that only "estar" expresses: "soy cansado" -> "estoy cansado";
- "mas" for "más" inside a sentence, "anos" for "años" after a number;
- a word far rarer than the same word with its accent: "ademas" -> "además".

Forms come from Hunspell's analysis of a word (its stems), so a rule stays silent when the
dictionary is missing.
"""

from __future__ import annotations

import itertools

from workers.offline import lexicon, spanish
from workers.offline.rules import MID, Draft, Word, match_case, word_set
from workers.schemas import GrammarIssue

# Verb forms of "él"/"ella" that "yo" never takes, and the form it does take.
FIRST_PERSON = {
    "es": "soy",
    "está": "estoy",
    "va": "voy",
    "tiene": "tengo",
    "hace": "hago",
    "puede": "puedo",
    "quiere": "quiero",
    "dice": "digo",
    "sabe": "sé",
    "ha": "he",
    "viene": "vengo",
    "sale": "salgo",
    "pone": "pongo",
    "da": "doy",
    "conoce": "conozco",
    "piensa": "pienso",
    "prefiere": "prefiero",
    "juega": "juego",
    "duerme": "duermo",
    "vuelve": "vuelvo",
    "siente": "siento",
    "entiende": "entiendo",
    "pide": "pido",
    "sigue": "sigo",
}
FIRST_PERSON_PAST = {
    "fue": "fui",
    "tuvo": "tuve",
    "hizo": "hice",
    "estuvo": "estuve",
    "pudo": "pude",
    "dijo": "dije",
    "vino": "vine",
    "quiso": "quise",
    "supo": "supe",
    "dio": "di",
    "vio": "vi",
    "puso": "puse",
    "trajo": "traje",
}
# Between "yo" and its verb: "yo no fue", "yo lo hizo", "yo también va", "yo nada sé" (where
# "nada" is no form of "nadar").
BETWEEN_SUBJECT_AND_VERB = word_set(
    """no me te lo la le los las les nos se también ya nunca siempre nada casi solo sola ahora
    todavía jamás"""
)
# After these "yo" is one of several subjects ("mi amigo y yo"), is compared ("como yo") or may
# want the subjunctive ("que yo vaya"), so a present form is left alone.
NOT_ALONE = word_set("y e o u ni como entre excepto menos según incluso")
SUBJUNCTIVE_BEFORE = word_set("que cuando aunque ojalá quizá quizás")

POSSESSIVES = {"mi": "mis", "tu": "tus", "su": "sus"}
PREPOSITIONS = word_set("a de para por sin sobre hacia según ante contra")
# After "a mi", "para mi" ...: these show that "mi" is the pronoun "mí", not "my".
AFTER_PRONOUN_MI = word_set("me mismo misma también tampoco no")

# Passing states: with "ser" they would describe a character ("soy cansado": I am tiresome).
STATES = ("cansad", "content", "enojad", "enfadad", "ocupad", "emocionad", "sentad", "acostad")
SER_TO_ESTAR = {"soy": "estoy", "eres": "estás", "somos": "estamos", "sois": "estáis"}
DEGREE = word_set("muy tan bastante demasiado súper")

NUMBER_WORDS = word_set(
    """dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis
    diecisiete dieciocho diecinueve veinte veintiún veintidós veintitrés veinticuatro veinticinco
    treinta cuarenta cincuenta sesenta setenta ochenta noventa cien cientos mil muchos pocos
    varios unos algunos cuantos cuántos"""
)
COMMON_VERB_FREQUENCY = 1000  # occurrences in the Spanish word list; "comer" has 219,048
ACCENT_RATIO = 200  # times more frequent with its accent, for a known word to be taken as a slip


def verb_person_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "yo fue", "yo no tiene": a verb form of "él" after the subject "yo"."""
    if draft.language != "es":
        return []
    issues = []
    for index, word in enumerate(draft.words):
        if word.text.lower() != "yo":
            continue
        verb_index = index + 1
        while verb_index < len(draft.words) and (
            draft.words[verb_index].text.lower() in BETWEEN_SUBJECT_AND_VERB
            and draft.words[verb_index].after == MID
        ):
            verb_index += 1
        if verb_index >= len(draft.words) or draft.words[verb_index].after != MID:
            continue
        verb = draft.words[verb_index]
        if not draft.gap(draft.words[verb_index - 1], verb).isspace():
            continue
        before = draft.previous_word(index)
        first_person = _first_person(verb.text, before.text.lower() if before else "")
        if first_person is None:
            continue
        issues.append(
            draft.issue(
                start=word.start,
                end=verb.end,
                suggestion=draft.text[word.start : verb.start] + first_person,
                key="verb_person",
                category="verb_form",
                severity="moderate",
                verb=verb.text,
                form=first_person,
            )
        )
    return issues


def _first_person(verb: str, before: str) -> str | None:
    if before in NOT_ALONE:
        return None
    if verb in FIRST_PERSON_PAST:
        return FIRST_PERSON_PAST[verb]
    past = _regular_past_first_person(verb)
    if past is not None or before in SUBJUNCTIVE_BEFORE:
        return past
    return FIRST_PERSON.get(verb) or _regular_present_first_person(verb)


def _regular_past_first_person(verb: str) -> str | None:
    """Return "hablé" for "habló", "comí" for "comió": the accent marks the preterite."""
    for ending, infinitives, first in (("ió", ("er", "ir"), "í"), ("ó", ("ar",), "é")):
        stem = verb.removesuffix(ending)
        if stem != verb and len(stem) >= 2 and _is_common_verb(stem, infinitives):
            form = stem + first
            return form if lexicon.is_known(form, language="es") else None
    return None


def _regular_present_first_person(verb: str) -> str | None:
    """Return "trabajo" for "trabaja", "vivo" for "vive".

    Only when the form cannot be a subjunctive, which "yo" shares with "él": "coma" is "comer"'s,
    so "a" must come from an -ar verb and "e" from an -er or -ir verb, and not the other way.
    """
    for ending, own, other in (("a", ("ar",), ("er", "ir")), ("e", ("er", "ir"), ("ar",))):
        stem = verb.removesuffix(ending)
        if stem == verb or len(stem) < 2:
            continue
        if _is_common_verb(stem, own) and not any(
            lexicon.is_known(stem + infinitive, language="es") for infinitive in other
        ):
            form = stem + "o"
            return form if lexicon.is_known(form, language="es") else None
    return None


def _is_common_verb(stem: str, infinitives: tuple[str, ...]) -> bool:
    return any(
        lexicon.word_frequency(stem + infinitive, language="es") >= COMMON_VERB_FREQUENCY
        for infinitive in infinitives
    )


def possessive_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "mi amigos" (-> "mis"), "a mi me" (-> "mí") and "tu eres" (-> "tú")."""
    if draft.language != "es":
        return []
    issues = []
    for index, word in enumerate(draft.words):
        lowered = word.text.lower()
        if lowered not in POSSESSIVES:
            continue
        following = draft.next_word(index)
        issue = _pronoun_issue(draft, index, word, following)
        if issue is None and following is not None:
            issue = _possessive_plural_issue(draft, word, following)
        if issue is not None:
            issues.append(issue)
    return issues


def _pronoun_issue(
    draft: Draft, index: int, word: Word, following: Word | None
) -> GrammarIssue | None:
    lowered = word.text.lower()
    before = draft.previous_word(index)
    after = draft.text[word.end :].lstrip()[:1]
    if lowered == "mi" and before is not None and before.text.lower() in PREPOSITIONS:
        ends = following is None and (not after or after in ".,;:!?)")
        if ends or (following is not None and following.text.lower() in AFTER_PRONOUN_MI):
            return draft.issue(
                start=word.start,
                end=word.end,
                suggestion=match_case(word.text, "mí"),
                key="pronoun_mi",
                category="accent",
                severity="moderate",
            )
    if lowered == "tu" and following is not None and following.text in SECOND_PERSON_VERBS:
        return draft.issue(
            start=word.start,
            end=following.end,
            suggestion=match_case(word.text, "tú") + " " + following.text,
            key="pronoun_tu",
            category="accent",
            severity="moderate",
        )
    return None


def _possessive_plural_issue(draft: Draft, word: Word, noun: Word) -> GrammarIssue | None:
    if noun.text != noun.text.lower() or noun.text in VERB_FORMS or not is_plural(noun.text):
        return None
    plural = match_case(word.text, POSSESSIVES[word.text.lower()])
    return draft.issue(
        start=word.start,
        end=noun.end,
        suggestion=f"{plural} {noun.text}",
        key="possessive_plural",
        category="agreement",
        severity="moderate",
        possessive=plural,
        noun=noun.text,
    )


def is_plural(word: str) -> bool:
    """Return whether Hunspell reads `word` as the plural of another word: "amigos", "veces",
    "acciones" (the accent of "acción" goes in the plural)."""
    plain = lexicon.strip_accents(word)
    for stem in lexicon.stems(word, language="es"):
        base = lexicon.strip_accents(stem)
        plurals = (base + "s", base + "es", base[:-1] + "ces" if base.endswith("z") else "")
        if stem != word and plain in plurals:
            return True
    return False


VERB_FORMS = frozenset(
    spanish.supplement()
)  # "eres" is not the plural of "ere" (the letter r) after "tu"
# Forms of "tú" that no noun shares ("sales" is also salts), so that "tu" before them is "tú".
SECOND_PERSON_VERBS = word_set(
    """eres estás vas tienes puedes quieres dices sabes haces vienes pones ves das juegas duermes
    piensas prefieres entiendes oyes fuiste tuviste hiciste estuviste pudiste dijiste"""
)


def estar_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "soy cansado": a passing state takes "estar"."""
    if draft.language != "es":
        return []
    issues = []
    for index, word in enumerate(draft.words):
        estar = SER_TO_ESTAR.get(word.text.lower())
        if estar is None:
            continue
        adjective_index = index + 1
        while adjective_index < len(draft.words) and draft.words[
            adjective_index
        ].text.lower() in DEGREE | {"un", "poco"}:
            adjective_index += 1
        if adjective_index >= len(draft.words):
            continue
        adjective = draft.words[adjective_index]
        words = draft.words[index : adjective_index + 1]
        if any(w.after != MID for w in words[1:]) or not all(
            draft.gap(a, b).isspace() for a, b in itertools.pairwise(words)
        ):
            continue
        if not _is_state(adjective.text):
            continue
        issues.append(
            draft.issue(
                start=word.start,
                end=adjective.end,
                suggestion=match_case(word.text, estar) + draft.text[word.end : adjective.end],
                key="estar_state",
                category="verb_form",
                severity="moderate",
                state=adjective.text,
                verb=match_case(word.text, estar),
            )
        )
    return issues


def _is_state(word: str) -> bool:
    return any(word in (state + ending for ending in ("o", "a", "os", "as")) for state in STATES)


def accent_word_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag a real word written for its accented twin: "mas" -> "más", "ademas" -> "además"."""
    if draft.language != "es":
        return []
    issues = []
    for index, word in enumerate(draft.words):
        accented = _accented_twin(draft, index, word)
        if accented is not None:
            issues.append(
                draft.issue(
                    start=word.start,
                    end=word.end,
                    suggestion=match_case(word.text, accented),
                    key="accent_word",
                    category="accent",
                    severity="moderate",
                    word=word.text,
                )
            )
    return issues


def _accented_twin(draft: Draft, index: int, word: Word) -> str | None:
    lowered = word.text.lower()
    if word.text[:1].isupper() and word.after == MID:
        return None  # a name
    before = draft.previous_word(index)
    if lowered == "mas":
        # "Mas" meaning "but" is literary and follows a comma; mid-sentence it is "más".
        return "más" if before is not None else None
    if lowered == "anos":
        number = before is not None and (before.text.isdigit() or before.text in NUMBER_WORDS)
        return "años" if number else None
    if not lowered.isalpha() or lexicon.strip_accents(lowered) != lowered:
        return None
    twins = lexicon.lexicon("es").by_plain.get(lowered, [])
    stems = lexicon.stems(lowered, language="es")
    # Only a form of a rarer word ("ademas": plural of "adema"); a word in its own right may be
    # a newer spelling ("guion") or a word of its own ("periodo").
    if len(twins) != 1 or not stems or lowered in stems:
        return None
    frequency = lexicon.word_frequency(lowered, language="es")
    if lexicon.word_frequency(twins[0], language="es") < ACCENT_RATIO * max(frequency, 1):
        return None
    return twins[0]


RULES = [verb_person_issues, possessive_issues, estar_issues, accent_word_issues]

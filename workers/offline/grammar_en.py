"""English grammar the offline checker can be sure of: "he go" wants "he goes".

"He" and "she" are only ever subjects, so a bare verb after them is wrong unless an auxiliary
came first ("does he go?", "will she come?") or the sentence demands a subjunctive ("we insist
that he go"). Which form is meant, present or past, the sentence may tell: after "yesterday" the
learner is offered both, not told one.
"""

from __future__ import annotations

from workers.offline import lexicon
from workers.offline.rules import MID, Draft, Word, word_set
from workers.schemas import GrammarIssue

SUBJECTS = {"he", "she"}
# Verbs common in learners' writing; their -s and past forms follow from the spelling rules
# below and from the irregular verbs lexicon.py lists.
REGULAR_VERBS = word_set(
    """like want need love live work study play watch try look seem help ask use call start walk
    talk travel believe learn visit listen prefer hope enjoy open wait stay remember agree decide
    change move answer arrive cook clean dance plan cry worry carry finish miss wash fix reach
    practise practice return stop hate explain improve receive"""
)
IRREGULAR_PRESENT = {"be": "is", "have": "has", "do": "does", "go": "goes"}
AUXILIARIES = word_set(
    """do does did don't doesn't didn't will would can could shall should may might must won't
    wouldn't can't cannot couldn't shouldn't mustn't let"""
)
# "We insist that he go": the subjunctive after these is right, if formal.
MANDATIVE = word_set(
    """suggest suggests suggested insist insists insisted demand demands demanded recommend
    recommends recommended require requires required request requests requested propose
    proposes proposed essential important necessary vital"""
)
COORDINATORS = word_set("and nor")
PRONOUNS = word_set("i you he she we they me him her us them")
PAST_MARKERS = word_set("yesterday ago last was were did had earlier")
MODALS_WITH_NOT = {"need", "dare"}  # "he need not worry" is right


def _pasts() -> dict[str, str]:
    pasts = {}
    for entry in lexicon.IRREGULAR_PASTS.split(";"):
        base, past, _ = entry.split()
        pasts[base] = past
    return pasts


PASTS = _pasts()
BASE_VERBS = REGULAR_VERBS | set(PASTS)
PAST_FORMS = set(PASTS.values()) | set(lexicon.KNOWN_FORMS["en"])  # "went", and "buyed" too


def third_person_issues(draft: Draft) -> list[GrammarIssue]:
    if draft.language != "en":
        return []
    issues = []
    for index, subject in enumerate(draft.words):
        verb = draft.next_word(index)
        if subject.text.lower() not in SUBJECTS or verb is None or verb.text not in BASE_VERBS:
            continue
        if _is_right_after_all(draft, index, verb):
            continue
        present = subject.text + " " + third_person(verb.text)
        past = subject.text + " " + past_tense(verb.text)
        if _speaks_of_the_past(draft, index, verb):
            suggestion, key = f"{past} / {present}", "third_person_or_past"
        else:
            suggestion, key = present, "third_person"
        issues.append(
            draft.issue(
                start=subject.start,
                end=verb.end,
                suggestion=suggestion,
                key=key,
                category="verb_form",
                severity="moderate",
                subject=subject.text,
                present=third_person(verb.text),
                past=past_tense(verb.text),
            )
        )
    return issues


def _is_right_after_all(draft: Draft, index: int, verb: Word) -> bool:
    words = draft.words
    after_verb = words[index + 2].text.lower() if index + 2 < len(words) else ""
    if verb.text in MODALS_WITH_NOT and after_verb == "not":
        return True
    before = words[index - 1].text.lower() if index > 0 and words[index].after == MID else ""
    if before in AUXILIARIES:
        return True  # "does he go", "will she come"
    if before in COORDINATORS and index > 1 and words[index - 1].after == MID:
        # "She and he go", "Tom and he go": two subjects; "I sing and he dance" is two clauses.
        first = words[index - 2]
        return first.text.lower() in PRONOUNS or first.text[:1].isupper()
    sentence = {w.text.lower() for w in draft.sentence_of(index)}
    return before == "that" and bool(sentence & MANDATIVE)


def _speaks_of_the_past(draft: Draft, index: int, verb: Word) -> bool:
    for word in draft.sentence_of(index):
        lowered = word.text.lower()
        if word is verb:
            continue
        if lowered in PAST_MARKERS or lowered in PAST_FORMS:
            return True
    return False


def third_person(verb: str) -> str:
    """Return the -s form of an English verb: "go" -> "goes", "study" -> "studies"."""
    if verb in IRREGULAR_PRESENT:
        return IRREGULAR_PRESENT[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in ("a", "e", "i", "o", "u"):
        return verb[:-1] + "ies"
    return verb + "s"


def past_tense(verb: str) -> str:
    """Return the simple past of an English verb: "go" -> "went", "stop" -> "stopped"."""
    if verb == "be":
        return "was"
    if verb in PASTS:
        return PASTS[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in ("a", "e", "i", "o", "u"):
        return verb[:-1] + "ied"
    doubled = verb + verb[-1] + "ed"
    if lexicon.is_known(doubled, language="en") and not lexicon.is_known(
        verb + "ed", language="en"
    ):
        return doubled  # "stopped", "planned"
    return verb + "ed"

"""Italian grammar the offline checker can be sure of: the article's form and joined prepositions.

- The article depends on the sound after it: "l'" before a vowel, "lo" and "gli" before s and
  a consonant, z, gn, ps, pn and x ("il uomo" -> "l'uomo", "i studenti" -> "gli studenti").
- "di", "in" and "su" join the article after them into one word ("di il" -> "del"). After "a"
  and "da" the learner may have meant the verbs "ha" and "dà" ("lui a la macchina"), so both
  readings are offered.
- The verb "è" takes a grave accent: "é" alone is no Italian word.
- Before a verb the pronouns are "mi" and "ti" ("me piace" -> "mi piace"); "me" and "te" follow
  a preposition ("a me piace", "per te") or come before "lo", "ne" and the like ("me lo dice").
"""

from __future__ import annotations

from workers.offline import lexicon
from workers.offline.rules import APOSTROPHES, MID, Draft, Word, match_case, word_set
from workers.schemas import GrammarIssue

VOWELS = "aeiouàèéìíòóù"
# Sounds that take "lo" and "gli": s + consonant, z, gn, ps, pn, x.
LO_SOUNDS = ("z", "gn", "ps", "pn", "x")

JOINED = {
    "di": {"il": "del", "lo": "dello", "la": "della", "i": "dei", "gli": "degli", "le": "delle"},
    "a": {"il": "al", "lo": "allo", "la": "alla", "i": "ai", "gli": "agli", "le": "alle"},
    "da": {"il": "dal", "lo": "dallo", "la": "dalla", "i": "dai", "gli": "dagli", "le": "dalle"},
    "in": {"il": "nel", "lo": "nello", "la": "nella", "i": "nei", "gli": "negli", "le": "nelle"},
    "su": {"il": "sul", "lo": "sullo", "la": "sulla", "i": "sui", "gli": "sugli", "le": "sulle"},
}
ELIDED = {"di": "dell", "a": "all", "da": "dall", "in": "nell", "su": "sull"}
# "a" and "da" may be the verbs "ha" and "dà" written without their h or accent.
VERB_LOOKALIKES = {"a": "ha", "da": "dà"}


def article_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "il uomo" (-> "l'uomo"), "il zio" (-> "lo zio"), "i amici" (-> "gli amici")."""
    if draft.language != "it":
        return []
    issues = []
    for index, article in enumerate(draft.words):
        noun = draft.next_word(index)
        if article.text.lower() not in ("il", "i") or noun is None or not _is_plain_noun(noun):
            continue
        wanted = _article_for(article.text.lower(), noun.text)
        if wanted is None:
            continue
        joined = wanted == "l'"
        suggestion = match_case(article.text, wanted) + ("" if joined else " ") + noun.text
        issues.append(
            draft.issue(
                start=article.start,
                end=noun.end,
                suggestion=suggestion,
                key="italian_article",
                category="article",
                severity="moderate",
                article=match_case(article.text, wanted),
            )
        )
    return issues


def _is_plain_noun(word: Word) -> bool:
    text = word.text
    return text.isalpha() and text.islower() and lexicon.is_known(text, language="it")


def _article_for(article: str, noun: str) -> str | None:
    """Return the article `noun` wants instead of "il" or "i", or None if it takes that one."""
    first, second = noun[0], noun[1:2]
    if first == "i" and second in VOWELS:
        return None  # "iato", "ieri": the i sounds like a y, and usage varies
    vowel = first in VOWELS
    lo_sound = noun.startswith(LO_SOUNDS) or (first == "s" and second and second not in VOWELS)
    if article == "il":
        return "l'" if vowel else "lo" if lo_sound else None
    return "gli" if vowel or lo_sound else None


def joined_preposition_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "di il" (-> "del"), "in la" (-> "nella"), "su l'erba" (-> "sull'erba")."""
    if draft.language != "it":
        return []
    issues = []
    for index, preposition in enumerate(draft.words):
        lowered = preposition.text.lower()
        following = draft.next_word(index)
        if lowered not in JOINED or following is None or following.after != MID:
            continue
        article, rest = _split_article(following.text)
        joined = _joined(lowered, article)
        if joined is None or (not rest and draft.next_word(index + 1) is None):
            continue  # an article needs a noun after it
        joined = match_case(preposition.text, joined) + rest
        end = following.end
        suggestion = joined
        if lowered in VERB_LOOKALIKES:
            verb = match_case(preposition.text, VERB_LOOKALIKES[lowered])
            suggestion = f"{joined} / {verb} {following.text}"
        issues.append(
            draft.issue(
                start=preposition.start,
                end=end,
                suggestion=suggestion,
                key="joined_preposition" if suggestion == joined else "joined_or_verb",
                category="preposition",
                severity="moderate",
                joined=joined,
                verb=VERB_LOOKALIKES.get(lowered, ""),
            )
        )
    return issues


def _split_article(word: str) -> tuple[str, str]:
    """Split "l'uomo" into "l'" and "uomo"; any other word is all article or none."""
    for apostrophe in APOSTROPHES:
        head, found, tail = word.partition(apostrophe)
        if found and head.lower() == "l" and tail:
            return "l'", apostrophe + tail
    return word.lower(), ""


def _joined(preposition: str, article: str) -> str | None:
    if article == "l'":
        return ELIDED[preposition]
    return JOINED[preposition].get(article)


CLITICS = {"me": "mi", "te": "ti"}
# After these "me" and "te" are right: "a me piace", "secondo me è", "come te".
BEFORE_STRESSED_PRONOUN = word_set(
    """a di da in su per con tra fra secondo come tranne verso senza dopo prima contro anche e o
    che"""
)
# Verb forms the dictionary lists as words of their own, not as forms of an infinitive.
VERB_FORMS = word_set(
    """ha hanno è sono era erano fa fanno va vanno sta stanno dà danno può possono deve devono
    vuole vogliono sa sanno piace piacciono dice dicono viene vengono"""
)


def clitic_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "me piace" (-> "mi piace"), "te ha detto" (-> "ti ha detto")."""
    if draft.language != "it":
        return []
    issues = []
    for index, pronoun in enumerate(draft.words):
        clitic = CLITICS.get(pronoun.text.lower())
        verb = draft.next_word(index)
        if clitic is None or verb is None or not _is_verb(verb.text):
            continue
        before = draft.words[index - 1] if index > 0 and pronoun.after == MID else None
        if before is not None and before.text.lower() in BEFORE_STRESSED_PRONOUN:
            continue
        issues.append(
            draft.issue(
                start=pronoun.start,
                end=pronoun.end,
                suggestion=match_case(pronoun.text, clitic),
                key="italian_clitic",
                category="word_choice",
                severity="moderate",
                clitic=clitic,
            )
        )
    return issues


def _is_verb(word: str) -> bool:
    if word in VERB_FORMS:
        return True
    return word.isalpha() and any(
        stem != word and stem.endswith(("are", "ere", "ire"))
        for stem in lexicon.stems(word, language="it")
    )


def e_accent_issues(draft: Draft) -> list[GrammarIssue]:
    """Flag "é" written alone: the verb is "è"."""
    if draft.language != "it":
        return []
    return [
        draft.issue(
            start=word.start,
            end=word.end,
            suggestion=match_case(word.text, "è"),
            key="italian_e",
            category="accent",
            severity="minor",
        )
        for word in draft.words
        if word.text in ("é", "É")
    ]


RULES = [article_issues, joined_preposition_issues, clitic_issues, e_accent_issues]

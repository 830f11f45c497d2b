"""The offline grammar check: find the mistakes in a learner's text, correct it, sum it up.

Word-level rules (spelling, "a"/"an", "el"/"él", repeated words) come first and never overlap.
The sentence-level rule, a capital letter at the start, touches the start of a word; when that
word already has an issue it amends it instead of adding a second, overlapping one, so "cassa
es bonita" gets one fix: "Casa".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from workers.edits import grouped
from workers.offline import grammar_en, grammar_es, grammar_it, language_rules, rules, spelling
from workers.offline.rules import NO_SUGGESTION, Draft, Word
from workers.offline.texts import SUMMARIES, category_name, feedback_language_or_fallback
from workers.schemas import Correction, GrammarCorrection, GrammarIssue, Unsure

WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # \u2019: the typographic apostrophe
# A sentence ends at . ! or ? followed by a space; "..." and "…" rather continue one, and so
# does a question or exclamation closed by a quote or bracket: «Ma che?» ha risposto.
SENTENCE_END = re.compile(r"(?<!\.)(?:\.(?!\.)|[!?](?![!?\"'»”\u2019)\]]))\S*\s")

# Earlier rules win when two would mark the same characters: they are the more specific.
WORD_RULES: list[Callable[[Draft], list[GrammarIssue]]] = [
    grammar_en.third_person_issues,
    *grammar_es.RULES,
    *grammar_it.RULES,
    language_rules.spanish_el_issues,
    language_rules.english_article_issues,
    language_rules.english_pronoun_i_issues,
    spelling.spelling_issues,
    rules.repeated_word_issues,
]


def analyse(*, text: str, language: str, feedback_language: str) -> GrammarCorrection:
    """Return the offline model's answer for one learner message, in the models' shape.

    Corrections it is sure of are applied to the corrected text; a word it only suspects is
    listed as unsure, with its few candidates if it has them.
    """
    issues = find_issues(text, language=language, feedback_language=feedback_language)
    sure = [i for i in issues if is_sure(i.suggestion)]
    return GrammarCorrection(
        corrected_text=correct(text, sure),
        edits=[
            Correction(
                original=i.original,
                correction=i.suggestion,
                explanation=i.explanation,
                category=i.category,
                severity=i.severity,
            )
            for i in sure
        ],
        unsure=[
            Unsure(
                original=i.original,
                candidates=[] if i.suggestion == NO_SUGGESTION else i.suggestion.split(" / "),
                explanation=i.explanation,
                category=i.category,
            )
            for i in issues
            if not is_sure(i.suggestion)
        ],
        summary=summarize(grouped(issues), feedback_language=feedback_language),
    )


def is_sure(suggestion: str) -> bool:
    """Return whether a suggestion is one correction, not "?" or a few candidates."""
    return suggestion != NO_SUGGESTION and " / " not in suggestion


def find_issues(text: str, *, language: str, feedback_language: str) -> list[GrammarIssue]:
    """Return the mistakes found in `text`, sorted by position and never overlapping."""
    draft = Draft(
        text=text,
        words=tokenise(text),
        language=language,
        feedback_language=feedback_language,
        ignored=[match.span() for match in rules.IGNORED.finditer(text)],
    )
    issues: list[GrammarIssue] = []
    for rule in WORD_RULES:
        issues.extend(
            issue for issue in rule(draft) if not any(_overlap(issue, kept) for kept in issues)
        )
    for word in rules.sentence_starts_in_lower_case(draft):
        issues = _with_capital(draft, issues, word)
    # No rule for a missing final full stop: chat messages, greetings and signatures go
    # without one, and on the corpora it was wrong more often than right.
    return sorted(issues, key=lambda issue: issue.start)


def correct(text: str, issues: list[GrammarIssue]) -> str:
    """Return `text` with every issue's suggestion in place of its original."""
    # From the end backwards, so that earlier indexes stay valid.
    for issue in sorted(issues, key=lambda issue: issue.start, reverse=True):
        text = text[: issue.start] + issue.suggestion + text[issue.end :]
    return text


def summarize(issues: list[GrammarIssue], *, feedback_language: str) -> str:
    """Return a one-line summary of the issues, in the feedback language."""
    feedback = feedback_language_or_fallback(feedback_language)
    if not issues:
        return SUMMARIES["none"][feedback]
    # Most frequent first, then in the order they appear.
    categories = [category for category, _ in Counter(i.category for i in issues).most_common()]
    names = ", ".join(category_name(c, feedback_language=feedback) for c in categories)
    template = SUMMARIES["one" if len(issues) == 1 else "many"][feedback]
    checked = SUMMARIES["checked"][feedback]
    return f"{template.format(count=len(issues), categories=names)} {checked}"


def tokenise(text: str) -> list[Word]:
    """Return the words of `text`, each marked with whether it starts a sentence or a line."""
    words: list[Word] = []
    for match in WORD.finditer(text):
        previous = words[-1] if words else None
        words.append(
            Word(
                start=match.start(),
                end=match.end(),
                text=match.group(),
                after=_boundary(text, previous, match.start()),
            )
        )
    return words


def _boundary(text: str, previous: Word | None, start: int) -> str:
    if previous is None:
        return rules.TEXT
    gap = text[previous.end : start]
    if SENTENCE_END.search(gap) and not _is_abbreviation(previous, gap):
        return rules.SENTENCE
    return rules.LINE if "\n" in gap else rules.MID


def _is_abbreviation(previous: Word, gap: str) -> bool:
    """Return whether the dot after `previous` marks an abbreviation, initial or ordinal."""
    if not gap.startswith("."):
        return False
    word = previous.text
    return len(word) == 1 or word.isdigit() or word.lower() in rules.ABBREVIATIONS


def _overlap(issue: GrammarIssue, other: GrammarIssue | Word) -> bool:
    return issue.start < other.end and other.start < issue.end


def _with_capital(draft: Draft, issues: list[GrammarIssue], word: Word) -> list[GrammarIssue]:
    # Category "capitalisation" rather than "spelling": the word is spelt right, the sentence
    # around it asks for the capital (the same word is correct in small letters mid-sentence).
    for issue in issues:
        if issue.start == word.start:
            if not is_sure(issue.suggestion):
                # An unsure word keeps its candidates, each with the capital.
                fixed = " / ".join(rules.capitalise(c) for c in issue.suggestion.split(" / "))
                return _replaced(issues, issue, issue.model_copy(update={"suggestion": fixed}))
            fixed = rules.capitalise(issue.suggestion)
            note = draft.explain("sentence_capital", suggestion=fixed)
            return _replaced(issues, issue, _amended(issue, suggestion=fixed, note=note))
    # Another issue may hold the end of the word ("l'hopital": "hopital" is misspelt); then the
    # capital goes on the part before it.
    end = min([i.start for i in issues if _overlap(i, word)] + [word.end])
    fixed = rules.capitalise(draft.text[word.start : end])
    issue = draft.issue(
        start=word.start,
        end=end,
        suggestion=fixed,
        key="sentence_capital",
        category="capitalisation",
        severity="minor",
    )
    return [*issues, issue]


def _replaced(
    issues: list[GrammarIssue], old: GrammarIssue, new: GrammarIssue
) -> list[GrammarIssue]:
    return [new if issue is old else issue for issue in issues]


def _amended(issue: GrammarIssue, *, suggestion: str, note: str) -> GrammarIssue:
    return issue.model_copy(
        update={"suggestion": suggestion, "explanation": f"{issue.explanation} {note}"}
    )

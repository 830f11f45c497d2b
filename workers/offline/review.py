"""The offline review of a finished conversation, built from the issues its analyses found.

Everything here is counting: which kinds of mistakes came back, how long and varied the
sentences were. The offline check sees spelling and a few rules, not grammar, so a message
without issues is not called correct and no CEFR level is claimed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from chat.feedback import CATEGORY_LABELS
from workers.offline.checker import is_sure
from workers.offline.exercise_texts import EXERCISES, GENERAL_EXERCISES
from workers.offline.review_texts import ADVICE, COUNTS, QUOTES, STRENGTHS, SUMMARY
from workers.offline.texts import LANGUAGE_IN, category_name, feedback_language_or_fallback
from workers.schemas import Category, ConversationReviewResult, RecurringIssue

WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")  # letters, with apostrophes inside
SENTENCE = re.compile(r"[^.!?…\n]*[^\W\d_][^.!?…\n]*[.!?…]*")
MAX_EXAMPLES = 3
MAX_EXERCISES = 5
LONGEST_EXAMPLE = 100  # characters; a longer sentence is quoted by its mistake alone
# The advice and exercises are written per family of categories.
ADVICE_GROUPS = {
    "spelling": "spelling",
    "accent": "spelling",
    "capitalisation": "punctuation",
    "punctuation": "punctuation",
    "word_choice": "word_choice",
    "extra_word": "style",
}


@dataclass(frozen=True)
class Finding:
    """One issue from the payload, with the learner's words around it."""

    category: Category
    severity: str
    original: str
    suggestion: str
    sentence: str  # the sentence of the learner's message that holds `original`


@dataclass(frozen=True)
class Writing:
    """What the learner wrote, counted."""

    messages: int
    clean_messages: int
    words: int
    distinct_words: int
    sentences: int

    @property
    def average_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def build_review(payload: dict[str, Any]) -> ConversationReviewResult:
    """Return the review of the conversation described by a `review_prompt` payload."""
    feedback = feedback_language_or_fallback(str(payload.get("feedback_language", "en")))
    language = str(payload.get("language", ""))
    messages = [m for m in payload.get("messages") or [] if isinstance(m, dict)]
    findings = [f for message in messages for f in _findings(message)]
    writing = _count(messages)
    categories = [c for c, _ in Counter(f.category for f in findings).most_common()]
    language_in = LANGUAGE_IN[feedback].get(language, language)
    return ConversationReviewResult(
        recurring_issues=[_recurring(c, findings, feedback) for c in categories],
        strengths=_strengths(writing, findings, feedback),
        exercises=_exercises(categories, findings, feedback, language_in),
        estimated_level=None,
        summary=_summary(writing, categories, feedback),
    )


def _findings(message: dict[str, Any]) -> list[Finding]:
    text = str(message.get("text") or "")
    findings = []
    for issue in message.get("issues") or []:
        if not isinstance(issue, dict):
            continue
        original = str(issue.get("original") or "")
        category = issue.get("category")
        position = text.find(original) if original else -1
        # Only what the learner really wrote can be quoted to them.
        if position < 0 or category not in CATEGORY_LABELS:
            continue
        findings.append(
            Finding(
                category=category,
                severity=str(issue.get("severity") or "moderate"),
                original=original,
                suggestion=_sure(str(issue.get("suggestion") or "")),
                sentence=_sentence_around(text, position, original),
            )
        )
    return findings


def _sure(suggestion: str) -> str:
    """Return a suggestion that is one correction; "" for "?" or a few candidates, which are
    no form to practise."""
    return suggestion if is_sure(suggestion) else ""


def _sentence_around(text: str, position: int, original: str) -> str:
    for match in SENTENCE.finditer(text):
        if match.start() <= position and position + len(original) <= match.end():
            sentence = match.group().strip()
            return sentence if len(sentence) <= LONGEST_EXAMPLE else original
    return original


def _count(messages: list[dict[str, Any]]) -> Writing:
    texts = [str(m.get("text") or "") for m in messages]
    words = [w.lower() for text in texts for w in WORD.findall(text)]
    return Writing(
        messages=len(messages),
        clean_messages=sum(1 for m in messages if not m.get("issues")),
        words=len(words),
        distinct_words=len(set(words)),
        sentences=sum(len(SENTENCE.findall(text)) for text in texts),
    )


def _recurring(category: Category, findings: list[Finding], feedback: str) -> RecurringIssue:
    own = [f for f in findings if f.category == category]
    count = COUNTS["once"][feedback] if len(own) == 1 else COUNTS["many"][feedback]
    parts = [count.format(count=len(own)), ADVICE[group(category)][feedback]]
    first = next((f for f in own if f.suggestion), None)
    if first is not None:
        parts.append(COUNTS["example"][feedback].format(pair=_pair(first, feedback)))
    examples = list(dict.fromkeys(f.sentence for f in own))[:MAX_EXAMPLES]
    title = category_name(category, feedback_language=feedback)
    return RecurringIssue(
        title=title[:1].upper() + title[1:], explanation=" ".join(parts), examples=examples
    )


def _strengths(writing: Writing, findings: list[Finding], feedback: str) -> list[str]:
    # A message the offline check found nothing in is not called correct: grammar went unchecked.
    strengths = []
    if writing.distinct_words >= 10:
        strengths.append(STRENGTHS["vocabulary"][feedback].format(distinct=writing.distinct_words))
    if writing.average_sentence >= 6:
        average = round(writing.average_sentence)
        strengths.append(STRENGTHS["full_sentences"][feedback].format(average=average))
    if writing.messages >= 3:
        strengths.append(STRENGTHS["kept_going"][feedback].format(total=writing.messages))
    if writing.words >= 15 and not any(f.category == "spelling" for f in findings):
        strengths.append(STRENGTHS["accurate_spelling"][feedback])
    return strengths or [STRENGTHS["started"][feedback]]


def _exercises(
    categories: list[Category], findings: list[Finding], feedback: str, language_in: str
) -> list[str]:
    """Return 3 to 5 exercises: first on the learner's own mistakes, then general practice."""
    general = [EXERCISES[g]["general"][feedback] for g in dict.fromkeys(map(group, categories))]
    general += [exercise[feedback] for exercise in GENERAL_EXERCISES]
    exercises = [_targeted_exercise(c, findings, feedback) for c in categories]
    exercises += [template.format(language_in=language_in) for template in general]
    # There are always four general exercises, so at least three remain.
    return list(dict.fromkeys(e for e in exercises if e))[:MAX_EXERCISES]


def _targeted_exercise(category: Category, findings: list[Finding], feedback: str) -> str:
    own = [f for f in findings if f.category == category and f.suggestion]
    if group(category) == "spelling":
        # The bare words: "él", not "Él." (a capital or full stop may have been merged in).
        words: dict[str, str] = {}
        for finding in own:
            word = finding.suggestion.strip(" .!?")
            words.setdefault(word.casefold(), word)
        items = list(words.values())[:5]
    else:
        items = list(dict.fromkeys(_pair(f, feedback) for f in own))[:MAX_EXAMPLES]
    if not items:
        return ""
    return EXERCISES[group(category)]["targeted"][feedback].format(items=", ".join(items))


def group(category: str) -> str:
    """Return the family of advice and exercises a category belongs to."""
    return ADVICE_GROUPS.get(category, "grammar")


def _pair(finding: Finding, feedback: str) -> str:
    quote = QUOTES[feedback]
    return f"{quote.format(finding.original)} → {quote.format(finding.suggestion)}"


def _summary(writing: Writing, categories: list[Category], feedback: str) -> str:
    if writing.messages == 0:
        activity = SUMMARY["no_messages"][feedback]
    elif writing.messages == 1:
        activity = SUMMARY["one_message"][feedback]
    else:
        activity = SUMMARY["messages"][feedback].format(total=writing.messages)
    if categories:
        main = category_name(categories[0], feedback_language=feedback)
        issues = SUMMARY["main_issue"][feedback].format(category=main)
    else:
        issues = SUMMARY["no_issues"][feedback]
    level_note = SUMMARY["level_unknown"][feedback]
    return " ".join([activity, issues, level_note] if writing.messages else [activity, level_note])

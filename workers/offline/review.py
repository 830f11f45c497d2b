"""The offline review of a finished conversation, built from the issues its analyses found.

Everything here is counting: which kinds of mistakes came back, which messages were clean, how
long and varied the sentences were. The level estimate is a rough heuristic and says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, get_args

from workers.offline.exercise_texts import EXERCISES, GENERAL_EXERCISES
from workers.offline.review_texts import ADVICE, COUNTS, QUOTES, STRENGTHS, SUMMARY
from workers.offline.texts import LANGUAGE_IN, category_name, feedback_language_or_fallback
from workers.schemas import Category, ConversationReviewResult, Level, RecurringIssue

LEVELS: list[Level] = list(get_args(Level))
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")  # letters, with apostrophes inside
SENTENCE = re.compile(r"[^.!?…\n]*[^\W\d_][^.!?…\n]*[.!?…]*")
MAX_EXAMPLES = 3
MAX_EXERCISES = 5
LONGEST_EXAMPLE = 100  # characters; a longer sentence is quoted by its mistake alone
# A missing full stop says less about a learner's level than a wrong verb form.
SEVERITY_WEIGHTS = {"minor": 0.5, "moderate": 1.0, "major": 2.0}


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
    level_setting = payload.get("level")
    chosen: Level = level_setting if level_setting in LEVELS else "A1"
    messages = [m for m in payload.get("messages") or [] if isinstance(m, dict)]
    findings = [f for message in messages for f in _findings(message)]
    writing = _count(messages)
    mistakes = sum(SEVERITY_WEIGHTS.get(f.severity, 1.0) for f in findings)
    level = estimate_level(writing=writing, mistakes=mistakes, chosen=chosen)
    categories = [c for c, _ in Counter(f.category for f in findings).most_common()]
    language_in = LANGUAGE_IN[feedback].get(language, language)
    return ConversationReviewResult(
        recurring_issues=[_recurring(c, findings, feedback) for c in categories],
        strengths=_strengths(writing, findings, feedback),
        exercises=_exercises(categories, findings, feedback, language_in),
        estimated_level=level,
        summary=_summary(writing, categories, level, feedback),
    )


def estimate_level(*, writing: Writing, mistakes: float, chosen: Level) -> Level:
    """Return a rough CEFR level: longer, more varied, more accurate sentences score higher.

    Never more than one level above the learner's choice, and never above it on a few
    sentences: short texts say little.
    """
    if writing.words < 10:
        return chosen
    thresholds = [4, 7, 11, 15, 20]  # average words per sentence for A2, B1, B2, C1, C2
    index = sum(writing.average_sentence >= t for t in thresholds)
    vocabulary_caps = [8, 20, 40, 80, 140]  # distinct words needed for A2 ... C2
    index = min(index, sum(writing.distinct_words >= c for c in vocabulary_caps))
    errors_per_100_words = 100 * mistakes / writing.words
    index -= 2 if errors_per_100_words > 20 else 1 if errors_per_100_words > 10 else 0
    ceiling = LEVELS.index(chosen) + (1 if writing.words >= 30 else 0)
    return LEVELS[max(0, min(index, ceiling, len(LEVELS) - 1))]


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
        if position < 0 or category not in ADVICE:
            continue
        findings.append(
            Finding(
                category=category,
                severity=str(issue.get("severity") or "moderate"),
                original=original,
                suggestion=str(issue.get("suggestion") or ""),
                sentence=_sentence_around(text, position, original),
            )
        )
    return findings


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
    parts = [count.format(count=len(own)), ADVICE[category][feedback]]
    first = next((f for f in own if f.suggestion), None)
    if first is not None:
        parts.append(COUNTS["example"][feedback].format(pair=_pair(first, feedback)))
    examples = list(dict.fromkeys(f.sentence for f in own))[:MAX_EXAMPLES]
    title = category_name(category, feedback_language=feedback)
    return RecurringIssue(
        title=title[:1].upper() + title[1:], explanation=" ".join(parts), examples=examples
    )


def _strengths(writing: Writing, findings: list[Finding], feedback: str) -> list[str]:
    strengths = []
    if writing.messages and writing.clean_messages == writing.messages:
        strengths.append(STRENGTHS["all_clean"][feedback])
    elif writing.clean_messages:
        strengths.append(
            STRENGTHS["some_clean"][feedback].format(
                clean=writing.clean_messages, total=writing.messages
            )
        )
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
    general = [EXERCISES[c]["general"][feedback] for c in categories]
    general += [exercise[feedback] for exercise in GENERAL_EXERCISES]
    exercises = [_targeted_exercise(c, findings, feedback) for c in categories]
    exercises += [template.format(language_in=language_in) for template in general]
    # There are always four general exercises, so at least three remain.
    return list(dict.fromkeys(e for e in exercises if e))[:MAX_EXERCISES]


def _targeted_exercise(category: Category, findings: list[Finding], feedback: str) -> str:
    own = [f for f in findings if f.category == category and f.suggestion]
    if category == "spelling":
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
    return EXERCISES[category]["targeted"][feedback].format(items=", ".join(items))


def _pair(finding: Finding, feedback: str) -> str:
    quote = QUOTES[feedback]
    return f"{quote.format(finding.original)} → {quote.format(finding.suggestion)}"


def _summary(writing: Writing, categories: list[Category], level: Level, feedback: str) -> str:
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
    # Mirrors `estimate_level`, which keeps the chosen level below ten words.
    level_key = "level_estimated" if writing.words >= 10 else "level_kept"
    level_note = SUMMARY[level_key][feedback].format(level=level)
    return " ".join([activity, issues, level_note] if writing.messages else [activity, level_note])

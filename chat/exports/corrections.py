"""Every correction the learner was given, as a CSV a spreadsheet opens as it is.

One row per issue of every grammar analysis of their messages. UTF-8 with a byte order mark,
which Excel needs to read accents right. A cell that starts like a formula (= + - @, or a tab
or carriage return) is prefixed with an apostrophe, so a spreadsheet shows the learner's or the
model's text instead of running it.
"""

from __future__ import annotations

import csv
import io
import re

from chat.languages import LANGUAGES
from chat.models import GrammarAnalysis

HEADER = [
    "Date (UTC)",
    "Language",
    "Conversation",
    "Your sentence",
    "Original",
    "Correction",
    "Category",
    "Explanation",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a sentence ends: its closing punctuation (and quotes or brackets) and the space after it.
SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u00bb\u201d\u2019)\]]*\s+|\n+")


def safe_cell(text: str) -> str:
    """Return the text as a spreadsheet cell that is never read as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def sentence_around(text: str, start: int, end: int) -> str:
    """Return the sentence of `text` that holds the characters [start:end]."""
    begin, finish = 0, len(text)
    for boundary in SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            begin = boundary.end()
        elif boundary.start() >= end:
            finish = boundary.start() + len(boundary.group().rstrip())
            break
    return text[begin:finish].strip()


def build_csv(*, owner_id: int, language: str = "") -> bytes:
    """Return every correction of the learner's messages (of one language, or all), oldest
    first, as CSV bytes."""
    analyses = (
        GrammarAnalysis.objects.filter(message__conversation__owner_id=owner_id)
        .select_related("message__conversation")
        .order_by("message__created_at", "message_id")
    )
    if language:
        analyses = analyses.filter(message__conversation__language=language)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for analysis in analyses.iterator(chunk_size=500):
        message = analysis.message
        conversation = message.conversation
        for issue in analysis.issues:
            writer.writerow(
                [
                    message.created_at.strftime("%Y-%m-%d %H:%M"),
                    LANGUAGES.get(conversation.language, conversation.language),
                    safe_cell(f"{conversation.title} #{conversation.pk}"),
                    safe_cell(sentence_around(message.text, issue["start"], issue["end"])),
                    safe_cell(issue.get("original", "")),
                    safe_cell(issue.get("suggestion", "")),
                    issue.get("category", ""),
                    safe_cell(issue.get("explanation", "")),
                ]
            )
    return out.getvalue().encode("utf-8-sig")

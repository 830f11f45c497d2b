"""What the chat page shows: each learner message as a turn with its analysis and reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chat.models import GrammarAnalysis, Job, Message


@dataclass
class Segment:
    """A run of the learner's text; `issue` is the 1-based number of the issue it shows, if any."""

    text: str
    issue: int | None = None
    category: str = ""


@dataclass
class Turn:
    message: Message
    analysis: GrammarAnalysis | None = None
    reply: Message | None = None
    jobs: dict[str, Job] = field(default_factory=dict)

    @property
    def segments(self) -> list[Segment]:
        return highlight(self.message.text, self.analysis.issues if self.analysis else [])

    @property
    def analysis_job(self) -> Job | None:
        return self.jobs.get("analysis")

    @property
    def reply_job(self) -> Job | None:
        return self.jobs.get("reply")


def highlight(text: str, issues: list[dict[str, Any]]) -> list[Segment]:
    """Split the text at the issues' spans, every place of an issue (its `also` places too)
    marked with the issue's number. Spans were checked against the text when stored; a span
    that does not fit (or overlaps the one before) is left unhighlighted."""
    places = []
    for number, issue in enumerate(issues, start=1):
        spans = [(issue["start"], issue["end"]), *(tuple(span) for span in issue.get("also", []))]
        for index, (start, end) in enumerate(spans):
            # The first place quotes `original`; the others repeat the same words.
            if 0 <= start < end <= len(text) and text[start:end] == issue["original"]:
                places.append((start, end, number, issue["category"]))
            elif index == 0:
                break
    segments, position = [], 0
    for start, end, number, category in sorted(places):
        if start < position:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], number, category))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments

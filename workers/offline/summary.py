"""The offline summary: the learner's own words, shortened, newest kept.

It understands nothing, so it retells nothing it could get wrong: the beginning of each learner
message, quoted, after the summary so far, within the summary's length (the oldest go first).
"""

from __future__ import annotations

from typing import Any

from workers.memory import SUMMARY_MAX_CHARS

QUOTE_WORDS = 12


def build_summary(payload: dict[str, Any]) -> str:
    """Return the summary so far with the learner's messages among `payload["turns"]` added."""
    quotes = [
        _quote(str(turn.get("text") or ""))
        for turn in payload.get("turns", [])
        if isinstance(turn, dict) and turn.get("role") == "learner"
    ]
    lines = [line for line in str(payload.get("summary") or "").split(" | ") if line]
    lines += [f"The learner wrote: “{quote}”" for quote in quotes if quote]
    while len(lines) > 1 and len(" | ".join(lines)) > SUMMARY_MAX_CHARS:
        lines.pop(0)
    return " | ".join(lines)


def _quote(text: str) -> str:
    words = text.split()
    return " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")

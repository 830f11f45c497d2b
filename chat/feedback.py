"""The vocabulary of feedback that the web shows and the AI side produces: categories and
severities of mistakes. Both sides import it from here; it imports nothing of either."""

from __future__ import annotations

from typing import Literal

Category = Literal["spelling", "grammar", "word_choice", "punctuation", "style"]
Severity = Literal["minor", "moderate", "major"]

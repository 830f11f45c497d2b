"""How far the offline tutor's "try to use ..." can be trusted, measured on the learner corpora.

    uv run python -m bench.focus_quality [--corpora ../shared/corpora]

The offline tutor invites a learner to use the corrected forms of their most frequent recent
mistakes (workers/offline/tutor.py, practice_invitation). Those forms are the offline checker's
suggestions, so an invitation is only as right as they are. For each corpus this runs the checker
over every sentence and reports, for all its corrections and for those the invitation would use:

- parallel corpora (a learner sentence and the annotators' correction): the share whose
  suggestion the reference confirms (the suggested words are in the reference, the original is
  not, or less often);
- GED corpora (error spans, no corrections): the share that mark an annotated error;
- native text: how many corrections per 100 sentences, every one a false alarm.

Then it treats each corpus as one learner's history and prints the three patterns a new
conversation would practise, and whether the reference confirms them.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from bench import harness

WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def confirmed(text: str, issue: Any, refs: list[str]) -> bool:
    """Whether some reference takes the issue's suggestion: its words appear in the reference
    and the original's words appear there fewer times than in the learner's text."""
    original = [w.casefold() for w in WORD.findall(issue.original)]
    suggested = [w.casefold() for w in WORD.findall(issue.suggestion)]
    written = Counter(w.casefold() for w in WORD.findall(text))
    for ref in refs:
        in_ref = Counter(w.casefold() for w in WORD.findall(ref))
        takes_suggestion = all(in_ref[w] >= suggested.count(w) for w in suggested)
        drops_original = any(in_ref[w] < written[w] for w in original) or not original
        if takes_suggestion and drops_original:
            return True
    return False


def marks_an_error(issue: Any, errors: list[list[int]]) -> bool:
    return any(issue.start < end and start < issue.end for start, end in errors)


def evaluate(path: Path) -> dict[str, Any]:
    from chat.history.mistakes import pattern_key
    from workers.offline.checker import find_issues

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    kind, language = rows[0]["kind"], rows[0]["lang"]
    figures = {"all": [0, 0], "invited": [0, 0]}  # [issues, right]
    patterns: Counter[str] = Counter()
    examples: dict[str, tuple[Any, bool]] = {}
    for row in rows:
        issues = find_issues(row["text"], language=language, feedback_language="en")
        for issue in issues:
            if kind == "parallel":
                right = confirmed(row["text"], issue, row["refs"])
            elif kind == "ged":
                right = marks_an_error(issue, row["errors"])
            else:
                right = False  # native text: every correction is a false alarm
            for group in ("all", "invited") if _invited(language, issue) else ("all",):
                figures[group][0] += 1
                figures[group][1] += right
            key = pattern_key(
                category=issue.category, original=issue.original, suggestion=issue.suggestion
            )
            patterns[key] += 1
            examples.setdefault(key, (issue, right))
    top = [(key, n) for key, n in patterns.most_common() if _invited(language, examples[key][0])]
    return {
        "corpus": path.stem,
        "language": language,
        "kind": kind,
        "sentences": len(rows),
        "issues": figures["all"][0],
        "right": _share(*figures["all"]) if kind != "native" else None,
        "invited issues": figures["invited"][0],
        "invited right": _share(*figures["invited"]) if kind != "native" else None,
        "invited per 100 sentences": round(100 * figures["invited"][0] / len(rows), 1),
        "focus": [_practised(*examples[key], times, kind) for key, times in top[:3]],
    }


def _invited(language: str, issue: Any) -> bool:
    """Whether the offline tutor would invite the learner to use the issue's correction."""
    from workers.offline.tutor import practice_invitation

    focus = {"category": issue.category, "original": issue.original, "suggestion": issue.suggestion}
    return bool(practice_invitation(language, [focus]))


def _practised(issue: Any, right: bool, times: int, kind: str) -> str:
    from chat.history.mistakes import pattern_label

    label = pattern_label(original=issue.original, suggestion=issue.suggestion)
    verdict = "" if kind == "native" else (", confirmed" if right else ", wrong")
    return f"{label} ({times} times{verdict})"


def _share(issues: int, right: int) -> float | None:
    return round(right / issues, 3) if issues else None


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=harness.ROOT.parent / "shared" / "corpora")
    args = parser.parse_args(argv)
    harness.configure_django()
    results = [evaluate(path) for path in sorted(args.corpora.glob("*.jsonl"))]
    columns = ["corpus", "language", "kind", "sentences", "issues", "right", "invited issues",
               "invited right", "invited per 100 sentences"]  # fmt: skip
    print(harness.table(results, columns))
    for result in results:
        print(f"{result['corpus']}: a new conversation would practise {result['focus']}")
    return results


if __name__ == "__main__":
    main()

"""How good the grammar analysis is, measured on learner sentences with annotators' corrections.

    uv run python -m bench.quality ../shared/corpora/cowsl2h.jsonl            # the offline model
    uv run python -m bench.quality --model reference ../shared/corpora/jfleg.jsonl
    FINDUS_AI_MODEL=openai:gpt-4.1-mini uv run python -m bench.quality --model configured FILE

Each line of a corpus file is `{"id", "lang", "corpus", "kind", "text", "refs" | "errors"}`
(see ../shared/corpora/README.md): `parallel` sentences carry their corrections, `ged` ones the
spans the annotators marked, `native` ones are edited native text where any flag is a false
alarm. Every sentence goes through findus' own analysis (prompt, agent, span alignment) with
the chosen model:

- `offline`: the "local" model of workers/offline;
- `reference`: a model that answers with the annotators' first correction and its edits, to
  measure how exactly findus turns a correction into spans (edit F1, exact spans);
- `unchanged`: a model that answers every text unchanged, instantly: the CPU time of findus'
  pipeline (prompt, pydantic-ai's agent run, alignment) without any model work;
- `configured`: whatever FINDUS_AI_MODEL names (a real provider costs money: use --limit).

It prints, per file: erroneous sentences flagged, correct sentences flagged, precision and
recall of the flagged spans, suggestions equal to the annotators' correction, misspelt
(non-)words caught, CPU time per message and tokens used.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "findus.settings")
os.environ.setdefault("DEBUG", "true")

# The annotators' edits are cut with a tokeniser of their own, not findus' (workers/edits.py),
# so that the reference figures test findus' alignment rather than repeat it.
GOLD_TOKEN = re.compile(r"\w+|[^\w\s]")
FEEDBACK_LANGUAGE = "en"
NO_SUGGESTION = "?"  # workers.edits.NO_SUGGESTION: a word flagged without a sure correction
LEVEL = "B1"


@dataclass(frozen=True)
class GoldEdit:
    # Characters of the learner's text. An addition has start >= end: the gap it goes in runs
    # from `end` (the end of the token before) to `start` (the start of the token after).
    start: int
    end: int
    correction: str


@dataclass
class Sentence:
    id: str
    lang: str
    corpus: str
    kind: str
    text: str
    refs: list[str] = field(default_factory=list)
    errors: list[list[int]] = field(default_factory=list)

    @property
    def is_erroneous(self) -> bool:
        # JFLEG has four annotators: where one left a sentence alone and three fixed a typo in
        # it, the typo is real, and a flag on it is no false alarm.
        if self.kind == "parallel":
            return any(_squash(ref) != _squash(self.text) for ref in self.refs)
        return bool(self.errors) if self.kind == "ged" else False

    def gold_edits(self) -> list[list[GoldEdit]]:
        """Per reference, the annotators' edits (none when the sentence counts as correct)."""
        if self.kind != "parallel" or not self.is_erroneous:
            return []
        return [gold_edits(self.text, ref) for ref in self.refs]


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    suggestion: str


def load(paths: Iterable[Path], limit: int | None) -> dict[str, list[Sentence]]:
    corpora: dict[str, list[Sentence]] = {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        corpora[path.stem] = [Sentence(**row) for row in rows[:limit]]
    return corpora


def _squash(text: str) -> str:
    return " ".join(text.split())


def gold_edits(text: str, corrected: str) -> list[GoldEdit]:
    """Return the token edits from `text` to `corrected`, neighbouring changes joined."""
    source = list(GOLD_TOKEN.finditer(text))
    target = list(GOLD_TOKEN.finditer(corrected))
    matcher = SequenceMatcher(
        None, [m.group() for m in source], [m.group() for m in target], autojunk=False
    )
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            start, end = source[i1].start(), source[i2 - 1].end()
        else:  # an addition: the gap between the tokens around it, marked by start > end
            start = source[i1].start() if i1 < len(source) else len(text)
            end = source[i1 - 1].end() if i1 else 0
        replacement = corrected[target[j1].start() : target[j2 - 1].end()] if j1 < j2 else ""
        edits.append(GoldEdit(start, end, replacement))
    return edits


# --- Models --------------------------------------------------------------------------------------


def reference_model(sentences: list[Sentence]):
    """Return a model that answers every analysis with the annotators' first correction."""
    from pydantic_ai.messages import ModelResponse, ToolCallPart
    from pydantic_ai.models.function import FunctionModel

    from workers.edits import classify
    from workers.offline.model import last_user_prompt
    from workers.prompts import parse_job_payload

    references = {s.text: s.refs[0] for s in sentences if s.kind == "parallel" and s.refs}

    def respond(messages, info):
        job = parse_job_payload(last_user_prompt(messages)) or {}
        text = str(job.get("text", ""))
        corrected = references.get(text, text)
        language = str(job.get("language", ""))
        edits = [
            {
                "original": text[edit.start : edit.end],
                "correction": edit.correction,
                "explanation": "The annotators' correction.",
                "category": classify(
                    text[edit.start : edit.end], edit.correction, language=language
                ),
            }
            for edit in gold_edits(text, corrected)
        ]
        answer = {"corrected_text": corrected, "edits": edits, "summary": ""}
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, answer)])

    return FunctionModel(respond, model_name="reference")


def use_model(name: str, sentences: list[Sentence]) -> str:
    """Point findus at the chosen model; return its name for the report."""
    from django.conf import settings

    from workers import ai

    if name == "offline":
        from workers.offline import lexicon

        settings.FINDUS_AI_MODEL = "local"
        # Loaded once per worker in production: not part of any message's time.
        for language in {s.lang for s in sentences} | {"en"}:
            lexicon.lexicon(language)
        _time_offline_check()
        return "local (offline)"
    if name in ("reference", "unchanged"):
        model = reference_model(sentences if name == "reference" else [])
        ai.current_model = lambda: model
        if name == "unchanged":
            return "unchanged (every text back as it is: the cost of the pipeline alone)"
        return "reference (annotators' corrections)"
    return settings.FINDUS_AI_MODEL


_check_cpu_ms: list[float] = []  # the offline checker's own CPU time, per call


def _time_offline_check() -> None:
    """Record the CPU time of the offline checker itself, inside each agent run."""
    from workers.offline import model

    check = model.analyse

    def timed(**arguments):
        # thread_time: the checker runs in a worker thread, beside pydantic-ai's event loop.
        start = time.thread_time()
        try:
            return check(**arguments)
        finally:
            _check_cpu_ms.append((time.thread_time() - start) * 1000)

    model.analyse = timed


# --- Scoring -------------------------------------------------------------------------------------


@dataclass
class Tally:
    sentences: int = 0
    erroneous: int = 0
    erroneous_flagged: int = 0
    correct: int = 0
    correct_flagged: int = 0
    places: int = 0
    places_real: int = 0
    gold: int = 0
    gold_found: int = 0
    suggestions: int = 0
    suggestions_exact: int = 0
    misspelt: int = 0
    misspelt_caught: int = 0
    # The reference model: edits derived vs the annotators' edits.
    edits_matched: int = 0
    edits_derived: int = 0
    edits_gold: int = 0
    gold_realised: int = 0
    rebuilt: int = 0
    cpu_ms: list[float] = field(default_factory=list)
    check_cpu_ms: list[float] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    failures: int = 0


def places_of(result) -> list[Place]:
    places = []
    for issue in result.issues:
        for start, end in [(issue.start, issue.end), *getattr(issue, "also", [])]:
            places.append(Place(start, end, issue.suggestion))
    return places


def is_concrete(suggestion: str) -> bool:
    """Return whether a suggestion is one correction, not "?" or a few candidates."""
    return suggestion != NO_SUGGESTION and " / " not in suggestion


def applied(text: str, place: Place) -> str:
    return text[: place.start] + place.suggestion + text[place.end :]


def touches(place: Place, start: int, end: int) -> bool:
    if start >= end:  # an addition, between `end` and `start`: the flag must reach the gap
        return place.start <= start and end <= place.end
    return place.start < end and start < place.end


def score(sentence: Sentence, result, tally: Tally, *, reference: bool) -> None:
    places = places_of(result)
    for place in places:
        if sentence.text[place.start : place.end] == "":
            raise AssertionError(f"empty span in {sentence.id}")
    flagged = bool(places)
    if sentence.is_erroneous:
        tally.erroneous += 1
        tally.erroneous_flagged += flagged
    else:
        tally.correct += 1
        tally.correct_flagged += flagged
    if sentence.kind == "native":
        return
    refs = sentence.gold_edits()
    if sentence.kind == "ged":
        gold_spans = [(start, end) for start, end in sentence.errors]
    else:
        gold_spans = [(e.start, e.end) for edits in refs for e in edits]
    tally.places += len(places)
    tally.places_real += sum(any(touches(p, s, e) for s, e in gold_spans) for p in places)
    # Recall against the reference that the flags fit best, as multi-reference GEC scoring does.
    candidates = [[(s, e) for s, e in sentence.errors]] if sentence.kind == "ged" else []
    candidates += [[(e.start, e.end) for e in edits] for edits in refs]
    if candidates and sentence.is_erroneous:
        found = [sum(any(touches(p, s, e) for p in places) for s, e in c) for c in candidates]
        best = max(range(len(candidates)), key=lambda i: (found[i], -len(candidates[i])))
        tally.gold += len(candidates[best])
        tally.gold_found += found[best]
    if sentence.kind != "parallel":
        return
    all_gold = {edit for edits in refs for edit in edits}
    references = sentence.refs if sentence.is_erroneous else []
    for place in places:
        if is_concrete(place.suggestion):
            tally.suggestions += 1
            tally.suggestions_exact += agrees(sentence.text, place, references)
    for edit in {e for e in all_gold if is_misspelling(sentence, e)}:
        tally.misspelt += 1
        tally.misspelt_caught += any(touches(p, edit.start, edit.end) for p in places)
    if reference:
        score_reference(sentence, result, places, tally)


def agrees(text: str, place: Place, references: list[str]) -> bool:
    """Return whether a suggestion writes what an annotator wrote at that place.

    It does when the text with the suggestion applied lies on a shortest way from the learner's
    text to one of the references, counted in words removed and added: every word the
    suggestion removes that annotator removed too, and every word it writes they wrote at that
    place ("tambien" ->
    "también" where they rewrote "Mi mama tambien" as "A mi mamá también"), and nothing else.
    "buyed" -> "buyer" where they wrote "bought" is not on the way, nor is a fix that is half
    right.
    """
    suggested = GOLD_TOKEN.findall(applied(text, place))
    source = GOLD_TOKEN.findall(text)
    made = word_distance(source, suggested)
    if made == 0:
        return False
    for reference in references:
        target = GOLD_TOKEN.findall(reference)
        if word_distance(source, target) == made + word_distance(suggested, target):
            return True
    return False


def word_distance(a: list[str], b: list[str]) -> int:
    """Return the fewest words to remove from `a` and add to turn it into `b`.

    A changed word counts as one removed and one added: with a cheaper change, any word would
    stand for any other, and a wrong word in the right place would look half right.
    """
    # The texts share most words: compare only what lies between their common ends.
    while a and b and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    return len(a) + len(b) - 2 * common_subsequence(a, b)


def common_subsequence(a: list[str], b: list[str]) -> int:
    """Return the length of the longest sequence of words found in order in both."""
    row = [0] * (len(b) + 1)
    for word in a:
        diagonal = 0
        for j, other in enumerate(b, start=1):
            diagonal, row[j] = row[j], diagonal + 1 if word == other else max(row[j], row[j - 1])
    return row[-1]


def score_reference(sentence: Sentence, result, places: list[Place], tally: Tally) -> None:
    """Count the places that make exactly annotators' edits, and the edits they make.

    A place may make two neighbouring edits at once ("you can" -> "can you" is an addition and
    a deletion to the annotators): it is right if every edit it makes is theirs.
    """
    gold = set(gold_edits(sentence.text, sentence.refs[0]))
    realised: set[GoldEdit] = set()
    for place in places:
        made = set(gold_edits(sentence.text, applied(sentence.text, place)))
        if made and made <= gold:
            tally.edits_matched += 1
            realised |= made
    tally.edits_derived += len(places)
    tally.edits_gold += len(gold)
    tally.gold_realised += len(realised)
    rebuilt = sentence.text
    for place in sorted(places, key=lambda p: p.start, reverse=True):
        rebuilt = applied(rebuilt, place)
    tally.rebuilt += _squash(rebuilt) == _squash(sentence.refs[0])


def is_misspelling(sentence: Sentence, edit: GoldEdit) -> bool:
    """A non-word the annotators corrected to a near word: one word for one, a few letters off."""
    original = sentence.text[edit.start : edit.end]
    if not (original.isalpha() and edit.correction.isalpha()):
        return False
    if original.lower() == edit.correction.lower() or len(original) < 3:
        return False
    if distance(original.lower(), edit.correction.lower()) > 2:
        return False
    return not judge_knows(original, sentence.lang)


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        previous, row = row, [i]
        for j, char_b in enumerate(b, start=1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
    return row[-1]


@cache
def _judges(language: str) -> list[Any]:
    """Hunspell dictionaries that decide what a non-word is (independent of the checker's
    own word lists); empty when Hunspell or its dictionaries are missing."""
    try:
        import hunspell
    except ImportError:
        return []
    names = {"en": ["en_US", "en_GB"], "pt": ["pt_PT", "pt_BR"]}.get(language, [])
    names = names or [f"{language}_{language.upper()}"]
    judges = []
    for name in names:
        if Path(f"/usr/share/hunspell/{name}.dic").exists():
            judges.append(hunspell.Hunspell(name, hunspell_data_dir="/usr/share/hunspell"))
    return judges


def judge_knows(word: str, language: str) -> bool:
    judges = _judges(language)
    if not judges:
        return True  # no judge: count no word as misspelt
    return any(j.spell(word) or j.spell(word.lower()) for j in judges)


# --- Running -------------------------------------------------------------------------------------


def run(sentences: list[Sentence], *, reference: bool, tally: Tally, details) -> None:
    from workers.kinds.analysis import analyse_text

    # One message first, untimed: the first one loads the dictionaries and the agent.
    for language in sorted({s.lang for s in sentences}):
        analyse_text(text="ok", language=language, feedback_language=FEEDBACK_LANGUAGE, level=LEVEL)
    for sentence in sentences:
        _check_cpu_ms.clear()
        cpu = time.process_time()
        try:
            done = analyse_text(
                text=sentence.text,
                language=sentence.lang,
                feedback_language=FEEDBACK_LANGUAGE,
                level=LEVEL,
            )
        except Exception as error:  # a model's failure is a figure here, not a crash
            tally.failures += 1
            print(f"  {sentence.id}: {type(error).__name__}: {error}", file=sys.stderr)
            continue
        tally.cpu_ms.append((time.process_time() - cpu) * 1000)
        if _check_cpu_ms:
            tally.check_cpu_ms.append(sum(_check_cpu_ms))
        result = done.result
        tally.input_tokens += done.input_tokens or 0
        tally.output_tokens += done.output_tokens or 0
        tally.sentences += 1
        score(sentence, result, tally, reference=reference)
        if details is not None:
            record = {"id": sentence.id, "text": sentence.text, "kind": sentence.kind}
            record["erroneous"] = sentence.is_erroneous
            record["refs"], record["errors"] = sentence.refs, sentence.errors
            record["issues"] = [i.model_dump() for i in result.issues]
            details.write(json.dumps(record, ensure_ascii=False) + "\n")


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)


def figures(tally: Tally, *, reference: bool) -> dict[str, Any]:
    out = {
        "sentences": tally.sentences,
        "failures": tally.failures,
        "erroneous_flagged": ratio(tally.erroneous_flagged, tally.erroneous),
        "correct_flagged": ratio(tally.correct_flagged, tally.correct),
        "span_precision": ratio(tally.places_real, tally.places),
        "span_recall": ratio(tally.gold_found, tally.gold),
        "exact_suggestions": ratio(tally.suggestions_exact, tally.suggestions),
        "misspelt_caught": ratio(tally.misspelt_caught, tally.misspelt),
        "counts": {
            "erroneous": tally.erroneous,
            "correct": tally.correct,
            "flags": tally.places,
            "suggestions": tally.suggestions,
            "misspelt": tally.misspelt,
        },
        "cpu_ms_p50": percentile(tally.cpu_ms, 0.5),
        "cpu_ms_p95": percentile(tally.cpu_ms, 0.95),
        "cpu_ms_mean": round(statistics.fmean(tally.cpu_ms), 2) if tally.cpu_ms else None,
        "check_cpu_ms_p50": percentile(tally.check_cpu_ms, 0.5),
        "check_cpu_ms_p95": percentile(tally.check_cpu_ms, 0.95),
        "tokens_per_message": round(
            (tally.input_tokens + tally.output_tokens) / max(1, tally.sentences), 1
        ),
    }
    if reference:
        precision = ratio(tally.edits_matched, tally.edits_derived)
        recall = ratio(tally.gold_realised, tally.edits_gold)
        out["reference"] = {
            "edit_precision": precision,
            "edit_recall": recall,
            "edit_f1": round(2 * precision * recall / (precision + recall), 3)
            if precision and recall
            else None,
            "corrected_text_rebuilt_from_spans": ratio(tally.rebuilt, tally.sentences),
        }
    return out


ROWS = [
    ("erroneous sentences flagged", "erroneous_flagged", "%"),
    ("correct sentences flagged", "correct_flagged", "%"),
    ("flagged spans that are real errors", "span_precision", ""),
    ("annotated errors flagged (recall)", "span_recall", ""),
    ("suggestions equal to the annotators' correction", "exact_suggestions", "%"),
    ("misspelt (non-)words caught", "misspelt_caught", "%"),
    ("offline check: CPU ms per message, p95", "check_cpu_ms_p95", "ms"),
    ("whole agent run: CPU ms per message, p95", "cpu_ms_p95", "ms"),
    ("tokens per message", "tokens_per_message", "n"),
]


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = [
        "| | " + " | ".join(f"{results[n]['lang']} {n}" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, key, unit in ROWS:
        cells = []
        for name in names:
            value = results[name][key]
            if value is None:
                cells.append("-")
            elif unit == "%":
                cells.append(f"{value:.0%}")
            elif unit in ("ms", "n"):
                cells.append(f"{value:g}")
            else:
                cells.append(f"{value:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if any("reference" in results[n] for n in names):
        for label, key in [
            ("reference: edit F1", "edit_f1"),
            ("reference: edit precision", "edit_precision"),
            ("reference: edit recall", "edit_recall"),
            ("reference: corrected text rebuilt", "corrected_text_rebuilt_from_spans"),
        ]:
            cells = [
                "-" if results[n].get("reference", {}).get(key) is None
                else f"{results[n]['reference'][key]:.3f}"
                for n in names
            ]  # fmt: skip
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path, help="corpus files (*.jsonl)")
    parser.add_argument(
        "--model", choices=["offline", "reference", "unchanged", "configured"], default="offline"
    )
    parser.add_argument("--limit", type=int, help="at most this many sentences per file")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--details", type=Path, help="write every sentence's issues (JSONL)")
    args = parser.parse_args(argv)

    import django

    django.setup()
    corpora = load(args.corpora, args.limit)
    everything = [s for sentences in corpora.values() for s in sentences]
    model_name = use_model(args.model, everything)
    reference = args.model == "reference"
    details = args.details.open("w", encoding="utf-8") if args.details else None
    results: dict[str, dict[str, Any]] = {}
    try:
        for name, sentences in corpora.items():
            tally = Tally()
            run(sentences, reference=reference, tally=tally, details=details)
            languages = sorted({s.lang for s in sentences})
            results[name] = {"lang": "/".join(languages), **figures(tally, reference=reference)}
    finally:
        if details is not None:
            details.close()
    print(f"model: {model_name}; feedback language {FEEDBACK_LANGUAGE}, level {LEVEL}\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"model": model_name, "corpora": results}, indent=1))
    return results


if __name__ == "__main__":
    main()

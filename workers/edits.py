"""Where a model's corrections are: align the learner's text with the corrected text.

Models correct text well but count characters badly. So the analysis model returns the corrected
text and its edits as quoted fragments; here the two texts are aligned token by token (as
grammatical-error-correction toolkits such as ERRANT do), every change between them becomes an
edit with an exact span, and each edit gets the explanation and category of the reported edit
that fits it. Pure functions: no Django, no model.
"""

# French typography writes the apostrophe as \u2019, which RUF001 mistakes for a backtick.

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from chat.feedback import Category, Severity
from workers.schemas import (
    Correction,
    GrammarAnalysisResult,
    GrammarCorrection,
    GrammarIssue,
    Unsure,
)

# Words (with inner apostrophes and hyphens: "don't", "l'école" stays one token only when the
# model keeps it so on both sides) and single marks.
TOKEN = re.compile(r"\w+(?:['\u2019\-]\w+)*|[^\w\s]")
# Typographic variants that are not a learner's mistake.
_SAME_MARK = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# Marks that belong to the word before them: an added comma goes with "Yes" in "Yes, I do".
_CLOSING = frozenset(",.;:!?)]}»…%\"'")
NO_SUGGESTION = "?"  # the suggestion of a word flagged without a sure correction

ARTICLES = {
    "en": "a an the",
    "es": "el la los las un una unos unas lo",
    "de": "der die das den dem des ein eine einen einem einer eines",
    "fr": "le la les l un une des du",
    "it": "il lo la i gli le l un uno una",
    "pt": "o a os as um uma uns umas",
}
PREPOSITIONS = {
    "en": "in on at to for of with from by about into onto over under after before during",
    "es": "a de en con por para sobre desde hasta entre sin hacia al del",
    "de": "in an auf mit zu von bei nach aus für über unter vor um durch gegen ohne seit im am "
    "zum zur vom beim ins",
    "fr": "à de en dans sur avec pour par chez sans sous vers au aux du des",
    "it": "a di da in con su per tra fra al allo alla ai agli alle del dello della dei degli "
    "delle nel nello nella nei negli nelle dal dallo dalla dai dagli dalle sul sulla sui",
    "pt": "a de em com por para sobre até entre sem ao à aos às do da dos das no na nos nas "
    "pelo pela pelos pelas num numa",
}

GENERIC_EXPLANATIONS = {
    "replace": {
        "en": "Write “{correction}” instead of “{original}”.",
        "es": "Escribe “{correction}” en lugar de “{original}”.",
        "de": "Schreib „{correction}“ statt „{original}“.",
        "fr": "Écris « {correction} » au lieu de « {original} ».",
        "it": "Scrivi “{correction}” invece di “{original}”.",
        "pt": "Escreva “{correction}” em vez de “{original}”.",
    },
    "remove": {
        "en": "Leave out “{original}”.",
        "es": "Quita “{original}”.",
        "de": "Lass „{original}“ weg.",
        "fr": "Enlève « {original} ».",
        "it": "Togli “{original}”.",
        "pt": "Retire “{original}”.",
    },
    "add": {
        "en": "Add “{correction}”.",
        "es": "Añade “{correction}”.",
        "de": "Ergänze „{correction}“.",
        "fr": "Ajoute « {correction} ».",
        "it": "Aggiungi “{correction}”.",
        "pt": "Acrescente “{correction}”.",
    },
}


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return self.text.translate(_SAME_MARK)


@dataclass(frozen=True)
class Edit:
    """One change: the learner's tokens [first, last) become the corrected tokens [to_first,
    to_last). Character spans in both texts; an addition has start == end."""

    first: int
    last: int
    to_first: int
    to_last: int
    start: int
    end: int
    to_start: int
    to_end: int
    original: str
    correction: str


@dataclass(frozen=True)
class Place:
    """Where an issue is shown: a non-empty span of the learner's text and what replaces it."""

    start: int
    end: int
    to_start: int
    to_end: int
    explanation: str
    category: Category
    severity: Severity


def tokenise(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def align(text: str, corrected: str) -> list[Edit]:
    """Return the changes that turn `text` into `corrected`, in order.

    Neighbouring changed tokens form one edit, as the corpora's annotators count them.
    """
    source, target = tokenise(text), tokenise(corrected)
    matcher = SequenceMatcher(
        None, [t.key for t in source], [t.key for t in target], autojunk=False
    )
    return [
        _edit(source, target, text, corrected, (first, last, to_first, to_last))
        for tag, first, last, to_first, to_last in matcher.get_opcodes()
        if tag != "equal"
    ]


def _edit(
    source: list[Token],
    target: list[Token],
    text: str,
    corrected: str,
    tokens: tuple[int, int, int, int],
) -> Edit:
    first, last, to_first, to_last = tokens
    start, end = _span(source, first, last, len(text))
    to_start, to_end = _span(target, to_first, to_last, len(corrected))
    return Edit(
        first=first,
        last=last,
        to_first=to_first,
        to_last=to_last,
        start=start,
        end=end,
        to_start=to_start,
        to_end=to_end,
        original=text[start:end],
        correction=corrected[to_start:to_end],
    )


def split_along_reports(
    edit: Edit, reports: list[Correction], text: str, corrected: str
) -> list[Edit]:
    """Split a run of neighbouring changes where the model's own edits tile it exactly.

    "buyed a apple" -> "bought an apple" aligns as one change, "buyed a" -> "bought an"; the
    model reported two, each with its explanation, so the learner gets two.
    """
    source, target = tokenise(text), tokenise(corrected)
    pieces = {_trimmed(r) for r in reports}
    pieces = sorted((p for p in pieces if p[0] != p[1]), key=lambda p: (-len(p[0]) - len(p[1]), p))
    parts, i, j = [], edit.first, edit.to_first
    while (i, j) != (edit.last, edit.to_last):
        for before, after in pieces:
            i_end, j_end = i + len(before), j + len(after)
            if (
                i_end <= edit.last
                and j_end <= edit.to_last
                and tuple(t.key for t in source[i:i_end]) == before
                and tuple(t.key for t in target[j:j_end]) == after
            ):
                parts.append((i, i_end, j, j_end))
                i, j = i_end, j_end
                break
        else:
            return [edit]
    if len(parts) < 2:
        return [edit]
    return [_edit(source, target, text, corrected, part) for part in parts]


def _span(tokens: list[Token], first: int, last: int, length: int) -> tuple[int, int]:
    if first < last:
        return tokens[first].start, tokens[last - 1].end
    # Nothing on this side: the point between the tokens around it.
    point = tokens[first - 1].end if first > 0 else (tokens[0].start if tokens else length)
    return point, point


def problem_with(text: str, correction: GrammarCorrection) -> str | None:
    """Return what a model must fix in its correction of `text`, or None if it is usable."""
    if text.strip() and not correction.corrected_text.strip():
        return "corrected_text is empty: give the learner's whole text, corrected."
    real_edits = [e for e in correction.edits if _norm(e.original) != _norm(e.correction)]
    if real_edits and not align(text, correction.corrected_text):
        return (
            "corrected_text is the learner's text unchanged, but you listed edits: apply every "
            "edit in corrected_text."
        )
    return None


def analysis_from_correction(
    text: str, correction: GrammarCorrection, *, language: str, feedback_language: str
) -> GrammarAnalysisResult:
    """Return the stored analysis: the issues that `correction` makes in `text`, with spans."""
    corrected = correction.corrected_text
    source, target = tokenise(text), tokenise(corrected)
    places = []
    aligned = [
        piece
        for edit in align(text, corrected)
        for piece in split_along_reports(edit, correction.edits, text, corrected)
    ]
    for edit in aligned:
        place = _place(edit, source, target, text, corrected)
        if place is None:
            continue
        report = _report_for(edit, correction.edits, text, corrected)
        places.append(
            _explained(place, edit, report, language=language, feedback=feedback_language)
        )
    places = _merged(places, corrected)
    issues = [_issue(place, text, corrected) for place in places]
    issues += _unsure_issues(correction.unsure, source, text, taken=places)
    return GrammarAnalysisResult(
        issues=grouped(issues), corrected_text=corrected, summary=correction.summary
    )


def _place(
    edit: Edit, source: list[Token], target: list[Token], text: str, corrected: str
) -> tuple[int, int, int, int] | None:
    """Return the span to show for an edit; an addition borrows the word next to it."""
    if edit.first < edit.last:
        start, end, to_start, to_end = edit.start, edit.end, edit.to_start, edit.to_end
        if edit.to_first == edit.to_last:
            return start, end, to_start, to_end  # words to leave out
        # "arm, warum" -> "arm und warum": where the space around the change changes too, the
        # word next to it goes with it ("arm," -> "arm und").
        if edit.first > 0 and edit.to_first > 0:
            gap = text[source[edit.first - 1].end : start]
            to_gap = corrected[target[edit.to_first - 1].end : to_start]
            if bool(gap) != bool(to_gap):
                start, to_start = source[edit.first - 1].start, target[edit.to_first - 1].start
        if edit.last < len(source) and edit.to_last < len(target):
            gap = text[end : source[edit.last].start]
            to_gap = corrected[to_end : target[edit.to_last].start]
            if bool(gap) != bool(to_gap):
                end, to_end = source[edit.last].end, target[edit.to_last].end
        return start, end, to_start, to_end
    if not source:
        return None
    added = target[edit.to_first : edit.to_last]
    # An added mark goes with the word before it ("Yes" -> "Yes,"), and so does a word added
    # before a mark ("Welt." -> "Welt vor."); other added words go with the word after them
    # ("dog" -> "a dog").
    at_end = edit.first == len(source)
    before_a_mark = not at_end and source[edit.first].text in _CLOSING
    leftwards = all(t.text in _CLOSING for t in added) or before_a_mark
    if edit.first > 0 and (leftwards or at_end):
        before = source[edit.first - 1]
        return before.start, before.end, target[edit.to_first - 1].start, edit.to_end
    after = source[edit.first]
    return after.start, after.end, edit.to_start, target[edit.to_last].end


def _trimmed(report: Correction) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return a reported edit's tokens without the words it quotes unchanged around it."""
    before = [t.key for t in tokenise(report.original)]
    after = [t.key for t in tokenise(report.correction)]
    while before and after and before[0] == after[0]:
        before, after = before[1:], after[1:]
    while before and after and before[-1] == after[-1]:
        before, after = before[:-1], after[:-1]
    return tuple(before), tuple(after)


def _report_for(
    edit: Edit, reports: list[Correction], text: str, corrected: str
) -> Correction | None:
    """Return the model's reported edit that fits `edit` best, if any does."""
    best, best_fit = None, 0
    for report in reports:
        fit = _fit(edit, report, text, corrected)
        if fit > best_fit:
            best, best_fit = report, fit
    return best


def _fit(edit: Edit, report: Correction, text: str, corrected: str) -> int:
    original, replacement = _norm(report.original), _norm(report.correction)
    if original == _norm(edit.original) and replacement == _norm(edit.correction):
        return 3
    # The model quoted some words around the change: "a apple" -> "an apple" for "a" -> "an".
    if _covers(text, report.original, edit.start, edit.end) and _covers(
        corrected, report.correction, edit.to_start, edit.to_end
    ):
        return 2
    return 0


def _covers(text: str, fragment: str, start: int, end: int) -> bool:
    """Return whether `fragment` occurs in `text` around [start, end) (empty fits a point)."""
    fragment = fragment.strip()
    if not fragment:
        return start == end
    position = text.find(fragment, max(0, end - len(fragment)))
    while position != -1 and position <= start:
        if position + len(fragment) >= end:
            return True
        position = text.find(fragment, position + 1)
    return False


def _explained(
    place: tuple[int, int, int, int],
    edit: Edit,
    report: Correction | None,
    *,
    language: str,
    feedback: str,
) -> Place:
    start, end, to_start, to_end = place
    if report is not None:
        explanation, category, severity = report.explanation, report.category, report.severity
    else:
        explanation = generic_explanation(edit.original, edit.correction, feedback=feedback)
        category, severity = classify(edit.original, edit.correction, language=language), "moderate"
    return Place(start, end, to_start, to_end, explanation, category, severity)


def _merged(places: list[Place], corrected: str) -> list[Place]:
    """Join places that overlap (an added word and an added mark around the same word)."""
    merged: list[Place] = []
    for place in sorted(places, key=lambda p: (p.start, p.end)):
        if merged and place.start < merged[-1].end:
            last = merged[-1]
            explanation = last.explanation
            if place.explanation not in explanation:
                explanation = f"{explanation} {place.explanation}"
            merged[-1] = Place(
                last.start,
                max(last.end, place.end),
                min(last.to_start, place.to_start),
                max(last.to_end, place.to_end),
                explanation,
                last.category,
                _graver(last.severity, place.severity),
            )
        else:
            merged.append(place)
    return merged


def _graver(a: Severity, b: Severity) -> Severity:
    order = ["minor", "moderate", "major"]
    return a if order.index(a) >= order.index(b) else b


def _issue(place: Place, text: str, corrected: str) -> GrammarIssue:
    return GrammarIssue(
        start=place.start,
        end=place.end,
        original=text[place.start : place.end],
        suggestion=corrected[place.to_start : place.to_end],
        explanation=place.explanation,
        category=place.category,
        severity=place.severity,
    )


def _unsure_issues(
    unsure: list[Unsure], source: list[Token], text: str, *, taken: list[Place]
) -> list[GrammarIssue]:
    """Return an issue for every place of each word the model flagged without correcting it."""
    issues = []
    spans = [(p.start, p.end) for p in taken]
    for item in unsure:
        wanted = [t.key for t in tokenise(item.original)]
        if not wanted:
            continue
        suggestion = " / ".join(c for c in item.candidates if c.strip()) or NO_SUGGESTION
        for index in range(len(source) - len(wanted) + 1):
            window = source[index : index + len(wanted)]
            if [t.key for t in window] != wanted:
                continue
            start, end = window[0].start, window[-1].end
            if any(start < other_end and other_start < end for other_start, other_end in spans):
                continue
            spans.append((start, end))
            issues.append(
                GrammarIssue(
                    start=start,
                    end=end,
                    original=text[start:end],
                    suggestion=suggestion,
                    explanation=item.explanation,
                    category=item.category,
                    severity="moderate",
                )
            )
    return issues


def grouped(issues: list[GrammarIssue]) -> list[GrammarIssue]:
    """Return the issues in text order, each mistake once: repeats become its `also` places."""
    first: dict[tuple[str, str], GrammarIssue] = {}
    places: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for issue in sorted(issues, key=lambda i: i.start):
        key = (issue.original, issue.suggestion)
        if key in first:
            places[key].append((issue.start, issue.end))
        else:
            first[key], places[key] = issue, list(issue.also)
    return [
        issue.model_copy(update={"also": places[key]}) if places[key] else issue
        for key, issue in first.items()
    ]


def generic_explanation(original: str, correction: str, *, feedback: str) -> str:
    """Return a plain "write X instead of Y" in the feedback language, for an unexplained edit."""
    kind = "add" if not original else "remove" if not correction else "replace"
    texts = GENERIC_EXPLANATIONS[kind]
    return texts.get(feedback, texts["en"]).format(original=original, correction=correction)


def classify(original: str, correction: str, *, language: str) -> Category:
    """Return the likeliest category of an edit from its words alone (no grammar parse)."""
    if original.lower() == correction.lower():
        return "capitalisation"
    if strip_accents(original).lower() == strip_accents(correction).lower():
        return "accent"
    before = [t.key.lower() for t in tokenise(original)]
    after = [t.key.lower() for t in tokenise(correction)]
    words_before = [w for w in before if w[0].isalnum()]
    words_after = [w for w in after if w[0].isalnum()]
    if words_before == words_after:
        return "punctuation"
    if sorted(words_before) == sorted(words_after):
        return "word_order"
    articles = set(ARTICLES.get(language, "").split())
    prepositions = set(PREPOSITIONS.get(language, "").split())
    changed = set(words_before) ^ set(words_after)
    if changed and changed <= articles:
        return "article"
    if changed and changed <= prepositions:
        return "preposition"
    if not words_before:
        return "missing_word"
    if not words_after:
        return "extra_word"
    if len(words_before) == len(words_after) == 1:
        return _classify_word(words_before[0], words_after[0])
    return "other"


def _classify_word(before: str, after: str) -> Category:
    common = len(_common_prefix(before, after))
    if common >= 3 and common >= min(len(before), len(after)) - 3:
        # Same stem, another ending: a form of the same word ("go" -> "goes", "bonita" ->
        # "bonito"), unless the change is a slip inside a longer word.
        if _distance(before, after) <= 1 and min(len(before), len(after)) >= 6:
            return "spelling"
        return "other"
    if _distance(before, after) <= max(1, len(after) // 4):
        return "spelling"
    return "word_choice"


def _common_prefix(a: str, b: str) -> str:
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return a[:length]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of neighbours counting as one."""
    previous_row = list(range(len(b) + 1))
    before_previous: list[int] = []
    for i, char_a in enumerate(a, start=1):
        row = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(
                previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + (char_a != char_b)
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before_previous[j - 2] + 1)
            row.append(cost)
        before_previous, previous_row = previous_row, row
    return previous_row[-1]


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _norm(fragment: str) -> str:
    return " ".join(t.key for t in tokenise(fragment))

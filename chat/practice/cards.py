"""Making practice cards: one per corrected mistake in the learner's own sentences, and one per
fresh exercise ("More like this"); suspending and deleting them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from chat.models import Card, Message, Mistake, MistakePattern
from chat.practice import scheduling
from chat.practice.checking import only_punctuation_differs
from chat.practice.sentences import Marked, mark_fix, sentence_around, trimmed


@dataclass(frozen=True)
class Fix:
    """One correction of a text: text[start:end] should read `suggestion`."""

    start: int
    end: int
    suggestion: str


def make_cards(*, message: Message, mistakes: Iterable[Mistake]) -> list[Card]:
    """Make (or find again) a card for each of the message's mistakes that has a correction.

    The card's front is the learner's sentence with that mistake marked and the message's other
    corrections in that sentence applied, so the back's corrected sentence is right throughout.
    A card is known by its fix in the learner's own sentence, so running the analysis again
    finds the same cards (and points them at the new mistake rows) instead of adding more.
    """
    mistakes = sorted(mistakes, key=lambda mistake: mistake.start)
    fixes = {
        mistake.pk: Fix(mistake.start, mistake.end, mistake.suggestion) for mistake in mistakes
    }
    now = timezone.now()
    cards: dict[str, Card] = {}  # by fingerprint: one row per fix, even if an issue repeats
    for mistake in mistakes:
        if not _worth_a_card(message.text, mistake):
            continue
        marked = _card_face(message.text, fixes[mistake.pk], others=[
            fix for pk, fix in fixes.items() if pk != mistake.pk
        ])  # fmt: skip
        if marked is None:
            continue
        learner_sentence, fingerprint = marked
        cards[fingerprint] = Card(
            owner_id=mistake.owner_id,
            language=mistake.language,
            pattern_id=mistake.pattern_id,
            mistake=mistake,
            source=Card.Source.MISTAKE,
            sentence=learner_sentence.sentence,
            start=learner_sentence.start,
            end=learner_sentence.end,
            answer=learner_sentence.answer,
            corrected_sentence=learner_sentence.corrected,
            explanation=mistake.explanation,
            fingerprint=fingerprint,
            **scheduling.new_schedule(now),
        )
    if not cards:
        return []
    return Card.objects.bulk_create(
        list(cards.values()),
        update_conflicts=True,
        unique_fields=["owner", "fingerprint"],
        update_fields=["mistake", "pattern"],
    )


def _worth_a_card(text: str, mistake: Mistake) -> bool:
    """Say no to fixes with nothing to practise: no change at all, or only the punctuation at
    the very end of a chat message (most chat messages end without a full stop; a card for each
    would bury the ones that matter)."""
    if mistake.suggestion.strip() == mistake.original.strip():
        return False
    at_the_end = not text[mistake.end :].strip()
    return not (at_the_end and only_punctuation_differs(mistake.original, mistake.suggestion))


def _card_face(text: str, fix: Fix, *, others: list[Fix]) -> tuple[Marked, str] | None:
    """Return the card's sentence with `fix` marked and the others applied, and its fingerprint.

    Another fix that touches the marked part (which may have grown to whole words, or taken in
    a neighbouring word) becomes part of its answer, so the back is right throughout.
    """
    start, end = sentence_around(text, fix.start, fix.end)
    sentence = text[start:end]
    fix = _tidy(sentence, Fix(fix.start - start, fix.end - start, fix.suggestion))
    inside = [
        _tidy(sentence, Fix(other.start - start, other.end - start, other.suggestion))
        for other in others
        if other.start >= start and other.end <= end and not _overlap(other, fix, start)
    ]
    learners = mark_fix(sentence, start=fix.start, end=fix.end, suggestion=fix.suggestion)
    if learners is None:
        return None
    touching = [other for other in inside if _overlap(other, learners)]
    if touching:
        marked_start = min(learners.start, fix.start, *(other.start for other in touching))
        marked_end = max(learners.end, fix.end, *(other.end for other in touching))
        part = [Fix(f.start - marked_start, f.end - marked_start, f.suggestion)
                for f in (fix, *touching)]  # fmt: skip
        answer = _applied(sentence[marked_start:marked_end], part)
        learners = trimmed(sentence, start=marked_start, end=marked_end, answer=answer)
        if learners is None:
            return None
    fingerprint = card_fingerprint(learners.sentence, learners.start, learners.end, learners.answer)
    # The other fixes of the sentence, last first so the earlier positions stay valid.
    sentence, marked_start, marked_end = learners.sentence, learners.start, learners.end
    for other in sorted(inside, key=lambda other: other.start, reverse=True):
        if other in touching:
            continue
        if other.end <= marked_start:
            shift = len(other.suggestion) - (other.end - other.start)
            marked_start, marked_end = marked_start + shift, marked_end + shift
        sentence = sentence[: other.start] + other.suggestion + sentence[other.end :]
    face = Marked(sentence=sentence, start=marked_start, end=marked_end, answer=learners.answer)
    return face, fingerprint


def _overlap(fix: Fix, other: Fix | Marked, offset: int = 0) -> bool:
    return fix.start - offset < other.end and other.start < fix.end - offset


def _tidy(sentence: str, fix: Fix) -> Fix:
    """Return the fix with the space it leaves doubled taken in: removing "que" from "sí, que
    no" gives "sí, no", not "sí,  no"."""
    if fix.suggestion or fix.start == 0 or fix.end >= len(sentence):
        return fix
    if sentence[fix.start - 1] == " " and sentence[fix.end] == " ":
        return Fix(fix.start, fix.end + 1, "")
    return fix


def _applied(text: str, fixes: list[Fix]) -> str:
    for fix in sorted(fixes, key=lambda fix: fix.start, reverse=True):
        text = text[: fix.start] + fix.suggestion + text[fix.end :]
    return text


def card_fingerprint(sentence: str, start: int, end: int, answer: str) -> str:
    """Return what makes two cards the same fix: the sentence, the marked span and the answer."""
    return hashlib.sha256(f"{sentence}\0{start}\0{end}\0{answer}".encode()).hexdigest()


@dataclass(frozen=True)
class Exercise:
    """A fresh sentence with one mistake in it, checked: sentence[start:end] is the mistake."""

    sentence: str
    start: int
    end: int
    answer: str
    explanation: str


def add_exercise_cards(
    *, owner_id: int, pattern: MistakePattern, exercises: Iterable[Exercise], now: datetime
) -> list[Card]:
    """Store the exercises the learner does not have yet as cards of the pattern; return them."""
    cards = {}
    for exercise in exercises:
        fingerprint = card_fingerprint(
            exercise.sentence, exercise.start, exercise.end, exercise.answer
        )
        marked = Marked(exercise.sentence, exercise.start, exercise.end, exercise.answer)
        cards[fingerprint] = Card(
            owner_id=owner_id,
            language=pattern.language,
            pattern=pattern,
            source=Card.Source.EXERCISE,
            sentence=marked.sentence,
            start=marked.start,
            end=marked.end,
            answer=marked.answer,
            corrected_sentence=marked.corrected,
            explanation=exercise.explanation,
            fingerprint=fingerprint,
            **scheduling.new_schedule(now),
        )
    # Known by its fingerprint, or by reading the same as a card of the learner's own sentence
    # (whose fingerprint is taken before the sentence's other fixes are applied).
    known = Card.objects.filter(owner_id=owner_id).filter(
        Q(fingerprint__in=list(cards)) | Q(sentence__in=[card.sentence for card in cards.values()])
    )
    seen = set()
    for fingerprint, sentence, start, end, answer in known.values_list(
        "fingerprint", "sentence", "start", "end", "answer"
    ):
        seen |= {fingerprint, card_fingerprint(sentence, start, end, answer)}
    fresh = [card for fingerprint, card in cards.items() if fingerprint not in seen]
    # ignore_conflicts: the same exercise stored meanwhile (a re-run racing a retry) is kept once.
    Card.objects.bulk_create(fresh, ignore_conflicts=True)
    return fresh


def suspend(card: Card, *, suspended: bool) -> Card:
    """Take the card out of practice (or put it back), keeping its schedule."""
    Card.objects.filter(pk=card.pk, owner_id=card.owner_id).update(suspended=suspended)
    card.suspended = suspended
    return card


def delete(card: Card) -> None:
    """Delete the card and its reviews for good."""
    Card.objects.filter(pk=card.pk, owner_id=card.owner_id).delete()

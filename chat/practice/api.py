"""The practice API: due cards, answering and rating them, suspending and deleting them, and
"More like this". Every read is the caller's own: another learner's card is a 404."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from ninja import Router, Status

from chat import limits
from chat.models import Card
from chat.practice import cards, requests, schemas, selectors
from chat.practice.checking import Checked, check_card
from chat.practice.scheduling import RATINGS, CardSuspended, review_card
from chat.schemas import A_POST, AN_ID, BAD_SHAPE, LIMITED, NO_LOGIN, ErrorOut

NO_CARD = {"detail": "No such card."}

router = Router(tags=["practice"])


@router.get("/practice/cards", response={200: schemas.CardsDueOut, **BAD_SHAPE, **NO_LOGIN})
async def cards_due(request: HttpRequest, language: schemas.LanguageCode | None = None):
    """The caller's due cards in practice order (recurring patterns first), with counts per
    language and, when nothing is due, when the next card is."""
    return practice_out(await selectors.practice(request.auth, language))


@router.get("/practice/cards/{card_id}", response={200: schemas.CardOut, **AN_ID, **NO_LOGIN})
async def get_card(request: HttpRequest, card_id: int):
    card = await selectors.owned_card(request.auth, card_id)
    return card if card is not None else Status(404, NO_CARD)


@router.post(
    "/practice/cards/{card_id}/check",
    response={200: schemas.CheckOut, **AN_ID, **NO_LOGIN, **A_POST},
)
async def check_answer(request: HttpRequest, card_id: int, body: schemas.CheckIn):
    """Check a typed answer and show the back, with a suggested rating. Stores nothing: send
    the rating to /review."""
    card = await selectors.owned_card(request.auth, card_id)
    if card is None:
        return Status(404, NO_CARD)
    return check_out(card, check_card(card, body.typed))


@router.post(
    "/practice/cards/{card_id}/review",
    response={200: schemas.ReviewedOut, 409: ErrorOut, **AN_ID, **NO_LOGIN, **A_POST},
)
async def review(request: HttpRequest, card_id: int, body: schemas.ReviewIn):
    """Answer a card and rate it in one call: the typed answer is judged and logged with the
    rating, and FSRS schedules the card's next review. A bad rating is a 422 that stores
    nothing; a suspended card is a 409."""
    card = await selectors.owned_card(request.auth, card_id)
    if card is None:
        return Status(404, NO_CARD)
    try:
        card, logged, checked = await sync_to_async(review_card)(
            card=card, typed=body.typed, rating=RATINGS[body.rating]
        )
    except CardSuspended:
        return Status(409, {"detail": "This card is suspended; unsuspend it to practise it."})
    except Card.DoesNotExist:  # deleted meanwhile
        return Status(404, NO_CARD)
    card = await selectors.owned_card(request.auth, card.pk)  # with its pattern, for the answer
    if card is None:
        return Status(404, NO_CARD)
    return {"check": check_out(card, checked), "review": logged, "card": card}


@router.post(
    "/practice/cards/{card_id}/suspend",
    response={200: schemas.CardOut, **AN_ID, **NO_LOGIN, **A_POST},
)
async def suspend(request: HttpRequest, card_id: int):
    """Take the card out of practice; its schedule is kept for when it comes back."""
    return await _suspended(request, card_id, suspended=True)


@router.post(
    "/practice/cards/{card_id}/unsuspend",
    response={200: schemas.CardOut, **AN_ID, **NO_LOGIN, **A_POST},
)
async def unsuspend(request: HttpRequest, card_id: int):
    return await _suspended(request, card_id, suspended=False)


async def _suspended(request: HttpRequest, card_id: int, *, suspended: bool):
    card = await selectors.owned_card(request.auth, card_id)
    if card is None:
        return Status(404, NO_CARD)
    return await sync_to_async(cards.suspend)(card, suspended=suspended)


@router.delete(
    "/practice/cards/{card_id}",
    response={204: None, **AN_ID, **NO_LOGIN, **A_POST},
)
async def delete_card(request: HttpRequest, card_id: int):
    """Delete the card and its review log for good."""
    card = await selectors.owned_card(request.auth, card_id)
    if card is None:
        return Status(404, NO_CARD)
    await sync_to_async(cards.delete)(card)
    return Status(204, None)


@router.post(
    "/practice/more",
    response={202: schemas.PracticeRequestOut, **AN_ID, **NO_LOGIN, **A_POST, **LIMITED},
)
async def more_like_this(request: HttpRequest, body: schemas.MoreIn):
    """Queue an exercises job: fresh sentences on the card's (or the pattern's) mistake, stored
    as new cards, due at once. Poll GET /practice/requests/{id} for the job's state.

    While one for the same pattern is under way, that one is returned. A learner may ask
    FINDUS_PRACTICE_REQUESTS_PER_HOUR times an hour; past that, 429 with Retry-After.
    """
    card = pattern = None
    if body.card_id is not None:
        card = await selectors.owned_card(request.auth, body.card_id)
        if card is None:
            return Status(404, NO_CARD)
        pattern = card.pattern
    else:
        pattern = await selectors.owned_pattern(request.auth, body.pattern_id)
    if pattern is None:
        return Status(404, {"detail": "No such pattern."})
    async with limits.spend(request.auth.pk, limits.PRACTICE_REQUESTS_PER_HOUR):
        asked = await sync_to_async(requests.ask_for_exercises)(
            owner=request.auth, pattern=pattern, card=card
        )
    return Status(202, asked)


@router.get(
    "/practice/requests/{request_id}",
    response={200: schemas.PracticeRequestOut, **AN_ID, **NO_LOGIN},
)
async def get_practice_request(request: HttpRequest, request_id: int):
    """A "More like this" request: its job's state, and how many new cards it made. A failed
    job can be retried with POST /jobs/{id}/retry."""
    asked = await selectors.owned_practice_request(request.auth, request_id)
    if asked is None:
        return Status(404, {"detail": "No such practice request."})
    return asked


def practice_out(practice: selectors.Practice) -> dict[str, Any]:
    """Return the due cards and counts as the API (and the practice page's script) reads them."""
    return {
        "counts": _counts_out(practice.counts),
        "languages": [_counts_out(counts) for counts in practice.languages],
        "cards": practice.cards,
    }


def _counts_out(counts: selectors.LanguageCounts) -> dict[str, Any]:
    return {
        "language": counts.language,
        "due": counts.due,
        "later": counts.later,
        "suspended": counts.suspended,
        "total": counts.total,
        "next_due_at": counts.next_due_at,
    }


def check_out(card: Card, checked: Checked) -> dict[str, Any]:
    rating_names = {int(rating): name for name, rating in RATINGS.items()}
    return {
        "verdict": checked.verdict,
        "notes": checked.notes,
        "suggested_rating": rating_names[checked.suggested_rating],
        "answer": card.answer,
        "corrected_sentence": card.corrected_sentence,
        "explanation": card.explanation,
    }

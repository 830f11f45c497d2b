"""The practice page: the due cards of one language (or all), answered and rated in the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from chat.languages import LANGUAGES
from chat.practice import selectors
from chat.practice.api import practice_out
from chat.practice.schemas import CardsDueOut
from chat.views import _render


@require_GET
@login_required
async def practice(request: HttpRequest) -> HttpResponse:
    """The due cards, recurring patterns first, with the same data the API gives (the page's
    script reads it from a JSON block, then talks to the API)."""
    language = request.GET.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise Http404("No such language.")
    state = await selectors.practice(await request.auser(), language)
    data = CardsDueOut.model_validate(practice_out(state)).model_dump(mode="json")
    languages = [
        (counts, LANGUAGES.get(counts.language, counts.language)) for counts in state.languages
    ]
    context = {
        "practice": state,
        "data": data,
        "language": language,
        "language_name": LANGUAGES.get(language or "", ""),
        "languages": languages,
    }
    return await _render(request, "chat/practice/practice.html", context)

"""The exports page: ask for an Anki deck or a CSV of corrections, and download them."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from chat import limits
from chat.exports import selectors, services
from chat.languages import LANGUAGES
from chat.limits import in_words
from chat.models import Export


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="What to export", choices=Export.Format.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label="Language",
        choices=[("", "All languages"), *LANGUAGES.items()],
        required=False,
    )


@require_http_methods(["GET", "POST"])
@login_required
async def exports(request: HttpRequest) -> HttpResponse:
    """List the learner's exports; a POST asks for a new one (the page then shows it made)."""
    learner = await request.auser()
    form = ExportForm(request.POST or None, initial={"format": Export.Format.ANKI})
    if request.method == "GET":
        return await _page(request, learner, form)
    if not form.is_valid():
        return await _page(request, learner, form, status=400)
    try:
        async with limits.spend(learner.pk, limits.EXPORTS_PER_HOUR):
            await sync_to_async(services.request_export)(owner=learner, **form.cleaned_data)
    except limits.RateLimited as refused:
        response = await _page(request, learner, form, status=429, refused=refused.detail)
        response["Retry-After"] = str(refused.retry_after)
        return response
    return redirect("exports")


async def _page(request, learner, form, *, status: int = 200, refused: str = "") -> HttpResponse:
    context = {
        "form": form,
        "exports": await selectors.exports_of(learner),
        "refused": refused,
        "kept_for": in_words(settings.FINDUS_EXPORT_TTL),
    }
    response = TemplateResponse(request, "chat/exports/exports.html", context, status=status)
    return await sync_to_async(response.render)()

"""The history pages: my mistakes, one mistake pattern, my progress, my settings."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from chat.history import chart, remembering, selectors, trends
from chat.history.forms import HistoryQuery, LearnerSettingsForm
from chat.history.progress import CATEGORIES
from chat.languages import LANGUAGES


async def _render(request: HttpRequest, template: str, context: dict, status: int = 200):
    response = TemplateResponse(request, template, context, status=status)
    return await sync_to_async(response.render)()


async def _asked(request: HttpRequest) -> tuple[HistoryQuery, dict]:
    """Return the page's query and the context every history page shares: the languages the
    learner practises and the one shown (the asked one, else the one practised last)."""
    query = HistoryQuery(request.GET)
    languages = await selectors.languages_of(await request.auser())
    context = {"query": query, "languages": [(code, LANGUAGES[code]) for code in languages]}
    if not query.is_valid():
        return query, context
    language = query.cleaned_data["language"] or (languages[0] if languages else "")
    if language and language not in languages:
        context["languages"].append((language, LANGUAGES[language]))
    context.update(
        language=language,
        language_name=LANGUAGES.get(language, ""),
        recent_conversations=trends.RECENT_CONVERSATIONS,
        min_words=trends.MIN_WORDS,
    )
    return query, context


@require_GET
@login_required
async def mistakes(request: HttpRequest) -> HttpResponse:
    query, context = await _asked(request)
    if not query.is_valid():
        return await _render(request, "chat/history/mistakes.html", context, status=400)
    owner = await request.auser()
    if context["language"]:
        context["overview"] = await selectors.mistakes_overview(
            owner,
            language=context["language"],
            sort=query.cleaned_data["sort"] or "frequent",
            page=query.cleaned_data["page"] or 1,
        )
    context["settings"] = await selectors.learner_settings(owner)
    return await _render(request, "chat/history/mistakes.html", context)


@require_GET
@login_required
async def mistake_pattern(request: HttpRequest, pattern_id: int) -> HttpResponse:
    history = await selectors.pattern_history(await request.auser(), pattern_id)
    if history is None:
        raise Http404("No such mistake pattern.")
    context = {
        "history": history,
        "language_name": LANGUAGES.get(history.pattern.language, ""),
        "recent_conversations": trends.RECENT_CONVERSATIONS,
    }
    return await _render(request, "chat/history/pattern.html", context)


@require_GET
@login_required
async def progress(request: HttpRequest) -> HttpResponse:
    query, context = await _asked(request)
    if not query.is_valid():
        return await _render(request, "chat/history/progress.html", context, status=400)
    if context["language"]:
        series = await selectors.progress(await request.auser(), language=context["language"])
        context.update(
            series=series,
            charts=chart.draw(series) if series.points else None,
            rows=chart.figures(series),
            # The legend names the kinds of mistake the chart shows, not all fourteen.
            categories=[c for c in CATEGORIES if any(p.mistakes[c] for p in series.points)],
        )
    return await _render(request, "chat/history/progress.html", context)


@require_http_methods(["GET", "POST"])
@login_required
async def learner_settings(request: HttpRequest) -> HttpResponse:
    owner = await request.auser()
    if request.method == "POST":
        form = LearnerSettingsForm(request.POST)
        if form.is_valid():
            await sync_to_async(remembering.change_learner_settings)(
                owner=owner, tutor_remembers=form.cleaned_data["tutor_remembers"]
            )
            messages.success(request, "Saved.")
            return redirect("learner-settings")
    current = await selectors.learner_settings(owner)
    form = LearnerSettingsForm(initial={"tutor_remembers": current.tutor_remembers})
    return await _render(request, "chat/history/settings.html", {"form": form})

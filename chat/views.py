"""The learner's pages: thin async views over the same reads and domain calls as the API."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat import accounts, limits, selectors, services
from chat.forms import NewConversationForm
from chat.models import Conversation


async def _render(request: HttpRequest, template: str, context: dict, status: int = 200):
    response = TemplateResponse(request, template, context, status=status)
    return await sync_to_async(response.render)()


@require_http_methods(["GET", "POST"])
async def register(request: HttpRequest) -> HttpResponse:
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and await sync_to_async(form.is_valid)():
        user = await sync_to_async(form.save)()
        await auth.alogin(request, user)
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return await _render(request, "registration/register.html", {"form": form}, status)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
async def login(request: HttpRequest) -> HttpResponse:
    """Log in; repeated wrong passwords for a username from one address are refused a while."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    username = request.POST.get("username", "")
    # Never a bound form: it would try the password again to show its errors.
    context = {
        "next": next_url,
        "form": AuthenticationForm(request, initial={"username": username}),
    }
    if request.method == "GET":
        return await _render(request, "registration/login.html", context)
    try:
        await accounts.log_in(request, username=username, password=request.POST.get("password", ""))
    except limits.RateLimited as refused:
        response = await _render(
            request, "registration/login.html", {**context, "refused": refused.detail}, 429
        )
        response["Retry-After"] = str(refused.retry_after)
        return response
    except accounts.WrongCredentials:
        return await _render(request, "registration/login.html", {**context, "wrong": True})
    return redirect(_safe_next(request, next_url))


def _safe_next(request: HttpRequest, next_url: str) -> str:
    """Return where to go after login: `next` if it stays on this site, else the home page."""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_GET
@login_required
async def home(request: HttpRequest) -> HttpResponse:
    return await _home(request, NewConversationForm())


async def _home(request: HttpRequest, form: NewConversationForm, status: int = 200):
    conversations = await selectors.conversations_of(await request.auser())
    context = {"conversations": conversations, "form": form}
    return await _render(request, "chat/home.html", context, status)


@require_POST
@login_required
async def new_conversation(request: HttpRequest) -> HttpResponse:
    form = NewConversationForm(request.POST)
    if not form.is_valid():
        return await _home(request, form, status=400)
    conversation = await sync_to_async(services.start_conversation)(
        owner=await request.auser(), **form.cleaned_data
    )
    return redirect("conversation", conversation_id=conversation.pk)


@require_GET
@login_required
async def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = await _owned(await request.auser(), conversation_id)
    turns = await selectors.conversation_turns(conversation)
    return await _render(
        request, "chat/conversation.html", {"conversation": conversation, "turns": turns}
    )


@require_GET
@login_required
async def turns(request: HttpRequest, conversation_id: int, message_id: int | None = None):
    """HTML of the conversation's turns (or one turn), for the page to swap in as jobs finish."""
    conversation = await _owned(await request.auser(), conversation_id)
    found = await selectors.conversation_turns(conversation, message_id)
    if message_id is not None and not found:
        raise Http404("No such message.")
    context = {"conversation": conversation, "turns": found}
    return await _render(request, "chat/_turns.html", context)


@require_GET
@login_required
async def review(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = await _owned(await request.auser(), conversation_id)
    state = await selectors.review_state(conversation)
    template = "chat/_review.html" if request.GET.get("fragment") else "chat/review.html"
    context = {
        "conversation": conversation,
        "job": state.job,
        "review": state.review,
        "review_html": state.html,
    }
    return await _render(request, template, context)


async def _owned(owner: AbstractBaseUser, conversation_id: int) -> Conversation:
    conversation = await selectors.owned_conversation(owner, conversation_id)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation

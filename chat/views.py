"""The learner's pages: thin async views over the same domain calls as the API."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat import limits, services
from chat.forms import NewConversationForm
from chat.models import Conversation, Job, Review
from chat.rendering import render_markdown
from chat.turns import conversation_turns


def login_required(view):
    """Redirect anonymous visitors to the login page; pass the user to the view."""

    async def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = await request.auser()
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return await view(request, user, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


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
    context = {"next": next_url}
    if request.method == "GET":
        return await _render(
            request, "registration/login.html", {**context, "form": AuthenticationForm(request)}
        )
    username = request.POST.get("username", "")
    throttle = limits.LoginThrottle(username, limits.client_address(request))
    try:
        await throttle.check()
    except limits.RateLimited as refused:
        # An unbound form: a bound one would try the password again when the page shows errors.
        form = AuthenticationForm(request, initial={"username": username})
        response = await _render(
            request,
            "registration/login.html",
            {**context, "form": form, "refused": refused.detail},
            429,
        )
        response["Retry-After"] = str(refused.retry_after)
        return response
    form = AuthenticationForm(request, data=request.POST)
    if await sync_to_async(form.is_valid)():
        await throttle.succeeded()
        await auth.alogin(request, form.get_user())
        return redirect(_safe_next(request, next_url))
    if username and request.POST.get("password"):
        await throttle.failed()
    return await _render(request, "registration/login.html", {**context, "form": form})


def _safe_next(request: HttpRequest, next_url: str) -> str:
    """Return where to go after login: `next` if it stays on this site, else the home page."""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_GET
@login_required
async def home(request: HttpRequest, user) -> HttpResponse:
    conversations = [c async for c in Conversation.objects.filter(owner=user)]
    context = {"conversations": conversations, "form": NewConversationForm()}
    return await _render(request, "chat/home.html", context)


@require_POST
@login_required
async def new_conversation(request: HttpRequest, user) -> HttpResponse:
    form = NewConversationForm(request.POST)
    if not form.is_valid():
        conversations = [c async for c in Conversation.objects.filter(owner=user)]
        context = {"conversations": conversations, "form": form}
        return await _render(request, "chat/home.html", context, status=400)
    conversation = await sync_to_async(services.start_conversation)(owner=user, **form.cleaned_data)
    return redirect("conversation", conversation_id=conversation.pk)


@require_GET
@login_required
async def conversation(request: HttpRequest, user, conversation_id: int) -> HttpResponse:
    conversation = await _owned(user, conversation_id)
    context = {"conversation": conversation, "turns": await conversation_turns(conversation)}
    return await _render(request, "chat/conversation.html", context)


@require_GET
@login_required
async def turns(request: HttpRequest, user, conversation_id: int, message_id: int | None = None):
    """HTML of the conversation's turns (or one turn), for the page to swap in as jobs finish."""
    conversation = await _owned(user, conversation_id)
    found = await conversation_turns(conversation, message_id)
    if message_id is not None and not found:
        raise Http404("No such message.")
    context = {"conversation": conversation, "turns": found}
    return await _render(request, "chat/_turns.html", context)


@require_GET
@login_required
async def review(request: HttpRequest, user, conversation_id: int) -> HttpResponse:
    conversation = await _owned(user, conversation_id)
    template = "chat/_review.html" if request.GET.get("fragment") else "chat/review.html"
    return await _render(request, template, await _review_context(conversation))


async def _review_context(conversation: Conversation) -> dict:
    job = await Job.objects.filter(conversation=conversation, kind=Job.Kind.REVIEW).afirst()
    found = await Review.objects.filter(conversation=conversation).afirst()
    return {
        "conversation": conversation,
        "job": job,
        "review": found,
        "review_html": render_markdown(found.markdown) if found else "",
    }


async def _owned(user, conversation_id: int) -> Conversation:
    conversation = await Conversation.objects.filter(pk=conversation_id, owner=user).afirst()
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation

"""The JSON API: thin async views that validate, check ownership, store, enqueue and answer."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from ninja import NinjaAPI, Status
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from chat import accounts, limits, schemas, selectors, services
from chat.account.api import router as account_router
from chat.events import conversation_stream
from chat.exports.api import router as exports_router
from chat.history import api as history_api
from chat.models import Conversation
from chat.practice import api as practice_api
from chat.schemas import A_POST, AN_ID, BAD_SHAPE, LIMITED, NO_LOGIN


class AsyncSessionAuth(APIKeyCookie):
    """Django's session login, read without blocking the event loop; CSRF is checked first."""

    param_name = settings.SESSION_COOKIE_NAME
    is_async = True

    async def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        # Django's own get_user (the session, the user, the session hash check) in one thread
        # hop; request.auser() takes one hop for the session and another for the user.
        user = await sync_to_async(auth.get_user)(request)
        return user if user.is_authenticated else None


api = NinjaAPI(
    title="findus API",
    version="1",
    description="Conversations with an AI language tutor, grammar analyses and reviews.",
    auth=AsyncSessionAuth(),
    urls_namespace="api",
)
api.add_router("", exports_router)
api.add_router("", account_router)
api.add_router("", practice_api.router)
api.add_router("", history_api.router)


@api.exception_handler(services.InvalidInput)
def invalid_input(request: HttpRequest, error: services.InvalidInput):
    return api.create_response(request, {"detail": str(error)}, status=400)


@api.exception_handler(services.ConversationEnded)
def conversation_ended(request: HttpRequest, error: services.ConversationEnded):
    detail = "This conversation has ended; start a new one to keep practising."
    return api.create_response(request, {"detail": detail}, status=409)


@api.exception_handler(services.NotRetryable)
def not_retryable(request: HttpRequest, error: services.NotRetryable):
    return api.create_response(request, {"detail": str(error)}, status=409)


def unreadable_request(request: HttpRequest, error: Exception):
    # Outside the API Django answers these with 400; ninja would answer 500.
    detail = f"The request could not be read: {error}"
    return api.create_response(request, {"detail": detail}, status=400)


for _unreadable in (MultiPartParserError, BadRequest, SuspiciousOperation):
    api.add_exception_handler(_unreadable, unreadable_request)


@api.exception_handler(limits.RateLimited)
def rate_limited(request: HttpRequest, error: limits.RateLimited):
    response = api.create_response(request, {"detail": error.detail}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


# --- Accounts ---------------------------------------------------------------------------------


@api.get("/auth/csrf", auth=None, response=schemas.CsrfOut, tags=["accounts"])
async def csrf(request: HttpRequest):
    """Set the CSRF cookie and return the token to send back in the X-CSRFToken header."""
    return {"csrf_token": get_token(request)}


@api.post(
    "/auth/register",
    auth=None,
    response={201: schemas.UserOut, **A_POST, **BAD_SHAPE},
    tags=["accounts"],
)
async def register(request: HttpRequest, credentials: schemas.CredentialsIn):
    """Create an account and log in."""
    _check_csrf(request)
    user = await sync_to_async(accounts.create_account)(
        username=credentials.username, password=credentials.password
    )
    await auth.alogin(request, user)
    return Status(201, user)


@api.post(
    "/auth/login", auth=None,
    response={200: schemas.UserOut, **A_POST, **BAD_SHAPE, **LIMITED},
    tags=["accounts"],
)  # fmt: skip
async def login(request: HttpRequest, credentials: schemas.CredentialsIn):
    """Log in. After repeated wrong passwords for a username, logins from that address are
    refused with 429 for a while (Retry-After says how long)."""
    _check_csrf(request)
    try:
        return await accounts.log_in(
            request, username=credentials.username, password=credentials.password
        )
    except accounts.WrongCredentials:
        return Status(400, {"detail": "Wrong username or password."})


@api.post("/auth/logout", response={204: None, **NO_LOGIN, **A_POST}, tags=["accounts"])
async def logout(request: HttpRequest):
    await auth.alogout(request)
    return Status(204, None)


def _check_csrf(request: HttpRequest) -> None:
    # Endpoints without a login still need CSRF protection (against login CSRF).
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken.")


# --- Conversations ----------------------------------------------------------------------------


@api.post(
    "/conversations",
    response={201: schemas.ConversationOut, **NO_LOGIN, **A_POST, **BAD_SHAPE},
    tags=["conversations"],
)
async def create_conversation(request: HttpRequest, body: schemas.ConversationIn):
    conversation = await sync_to_async(services.start_conversation)(
        owner=request.auth,
        language=body.language,
        feedback_language=body.feedback_language,
        level=body.level,
    )
    return Status(201, conversation)


@api.get(
    "/conversations",
    response={200: list[schemas.ConversationOut], **NO_LOGIN},
    tags=["conversations"],
)
async def list_conversations(request: HttpRequest):
    """The caller's conversations, newest activity first."""
    return await selectors.conversations_of(request.auth)


@api.get(
    "/conversations/{conversation_id}",
    response={200: schemas.ConversationDetailOut, **AN_ID, **NO_LOGIN},
    tags=["conversations"],
)
async def get_conversation(request: HttpRequest, conversation_id: int):
    conversation = await _owned_conversation(request, conversation_id)
    read = await selectors.read_conversation(conversation)
    messages = [
        {**_fields(message, schemas.MessageOut), "analysis": read.analyses.get(message.pk)}
        for message in read.messages
    ]
    return {
        **_fields(conversation, schemas.ConversationOut),
        "messages": messages,
        "jobs": read.jobs,
        "offline_tutor": settings.FINDUS_AI_MODEL == "local",
    }


@api.post(
    "/conversations/{conversation_id}/messages",
    response={202: schemas.PostedMessageOut, 409: schemas.ErrorOut, **AN_ID, **NO_LOGIN,
              **A_POST, **LIMITED},
    tags=["conversations"],
)  # fmt: skip
async def post_message(request: HttpRequest, conversation_id: int, body: schemas.MessageIn):
    """Store a learner message and queue its tutor reply and grammar analysis.

    A learner may post FINDUS_MESSAGES_PER_MINUTE messages a minute and FINDUS_MESSAGES_PER_DAY
    a day, and once their jobs have used FINDUS_TOKENS_PER_DAY tokens in a UTC day, no more that
    day; past that the answer is 429 with Retry-After, and nothing is stored.
    """
    services.check_message_text(body.text)
    # The ownership check is the posting transaction's own locked read (one database trip and
    # one thread hop fewer); a foreign or missing conversation gives its count back and is 404.
    caps = (limits.MESSAGES_PER_MINUTE, limits.MESSAGES_PER_DAY, limits.TOKENS_PER_DAY)
    async with limits.spend(request.auth.pk, *caps):
        try:
            message, jobs = await sync_to_async(services.post_message_by)(
                owner=request.auth, conversation_id=conversation_id, text=body.text
            )
        except Conversation.DoesNotExist:
            raise ConversationNotFound from None
    return Status(202, {"message": message, "jobs": jobs})


@api.post(
    "/conversations/{conversation_id}/end",
    response={202: schemas.JobOut, **AN_ID, **NO_LOGIN, **A_POST, **LIMITED},
    tags=["conversations"],
)
async def end_conversation(request: HttpRequest, conversation_id: int):
    """End the conversation and queue its review (ending again returns the same review job).

    A learner may end FINDUS_ENDS_PER_MINUTE conversations a minute; past that, 429.
    """
    conversation = await _owned_conversation(request, conversation_id)
    async with limits.spend(request.auth.pk, limits.ENDS_PER_MINUTE):
        job = await sync_to_async(services.end_conversation)(conversation=conversation)
    return Status(202, job)


@api.get(
    "/conversations/{conversation_id}/review",
    response={200: schemas.ReviewStateOut, **AN_ID, **NO_LOGIN},
    tags=["conversations"],
)
async def get_review(request: HttpRequest, conversation_id: int):
    conversation = await _owned_conversation(request, conversation_id)
    state = await selectors.review_state(conversation)
    if state.job is None:
        return Status(
            404, {"detail": "This conversation has not been ended, so it has no review yet."}
        )
    review = state.review
    review_out = None
    if review is not None:
        review_out = {
            "estimated_level": review.estimated_level,
            "content": review.content,
            "markdown": review.markdown,
            "html": state.html,
            "created_at": review.created_at,
        }
    return {"job": state.job, "review": review_out}


@api.get(
    "/conversations/{conversation_id}/events",
    response={200: None, **AN_ID, **NO_LOGIN},
    tags=["conversations"],
    openapi_extra={
        "responses": {200: {"description": "An event stream", "content": {"text/event-stream": {}}}}
    },
)
async def conversation_events(request: HttpRequest, conversation_id: int):
    """Server-Sent Events for one conversation: reply deltas, job state changes, results.

    Events: `ready` when connected (refetch the conversation then: events are not replayed),
    `reply.delta` {job_id, message_id, delta, text so far}, and `job` {id, kind, state,
    message_id, attempts, and on success the analysis, reply or review}.
    """
    conversation = await _owned_conversation(request, conversation_id)
    response = StreamingHttpResponse(
        conversation_stream(conversation.pk), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # no proxy buffering of the stream
    return response


@api.post(
    "/jobs/{job_id}/retry",
    response={202: schemas.JobOut, 409: schemas.ErrorOut, **AN_ID, **NO_LOGIN, **A_POST},
    tags=["conversations"],
)
async def retry_job(request: HttpRequest, job_id: int):
    """Queue a failed reply, analysis or review again."""
    job = await selectors.owned_job(request.auth, job_id)
    if job is None:
        return Status(404, {"detail": "No such job."})
    return Status(202, await sync_to_async(services.retry_job)(job=job))


async def _owned_conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    conversation = await selectors.owned_conversation(request.auth, conversation_id)
    if conversation is None:
        raise ConversationNotFound
    return conversation


class ConversationNotFound(Exception):
    """No conversation with that id belongs to the caller (whether or not it exists)."""


@api.exception_handler(ConversationNotFound)
def conversation_not_found(request: HttpRequest, error: ConversationNotFound):
    return api.create_response(request, {"detail": "No such conversation."}, status=404)


def _fields(instance: Any, schema: type[schemas.Schema]) -> dict[str, Any]:
    """Return the attributes of a model instance that a schema shows."""
    return {name: getattr(instance, name) for name in schema.model_fields}

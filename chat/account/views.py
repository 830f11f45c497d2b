"""The account pages: what findus keeps about you, your data as a download, deleting it all."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from chat import limits
from chat.account import deletion, selectors


async def _render(request: HttpRequest, template: str, context: dict, status: int = 200):
    response = TemplateResponse(request, template, context, status=status)
    return await sync_to_async(response.render)()


@require_GET
@login_required
async def account(request: HttpRequest) -> HttpResponse:
    return await _render(request, "chat/account/account.html", {"learner": await request.auser()})


@require_GET
@login_required
@never_cache
async def my_data(request: HttpRequest) -> HttpResponse:
    """Everything findus stores about the learner, as one JSON file to download."""
    learner = await request.auser()
    document = await sync_to_async(_my_data_json)(learner)
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    filename = f"findus-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _my_data_json(learner: AbstractBaseUser) -> bytes:
    data = selectors.learner_data(learner)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@login_required
@never_cache
async def delete_account(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, then delete the account and everything of it."""
    template = "chat/account/delete.html"
    if request.method == "GET":
        return await _render(request, template, {})
    try:
        await deletion.delete_account(request, password=request.POST.get("password", ""))
    except deletion.WrongPassword:
        return await _render(request, template, {"wrong": True}, status=400)
    except limits.RateLimited as refused:
        response = await _render(request, template, {"refused": refused.detail}, status=429)
        response["Retry-After"] = str(refused.retry_after)
        return response
    return redirect("account-deleted")


@require_GET
async def account_deleted(request: HttpRequest) -> HttpResponse:
    return await _render(request, "chat/account/deleted.html", {})

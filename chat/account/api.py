"""The account API: everything stored about you (GET), and deleting your account (POST)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from chat.account import deletion, selectors
from chat.schemas import A_POST, BAD_SHAPE, LIMITED, NO_LOGIN

router = Router(tags=["account"])


class AccountOut(Schema):
    id: int
    username: str
    email: str
    date_joined: datetime | None
    last_login: datetime | None


class MyDataOut(Schema):
    format: str = Field(description="The document's format and version: findus-my-data/1.")
    exported_at: datetime
    account: AccountOut
    settings: dict[str, Any]
    conversations: list[dict[str, Any]] = Field(
        description="Each with its messages (a learner message with its analysis) and review."
    )
    mistake_patterns: list[dict[str, Any]]
    mistakes: list[dict[str, Any]]
    cards: list[dict[str, Any]] = Field(description="Each with its review log.")
    practice_requests: list[dict[str, Any]]
    exports: list[dict[str, Any]] = Field(description="What was exported when; not the files.")
    jobs: list[dict[str, Any]]


class DeleteAccountIn(Schema):
    password: str = Field(description="Your password, to confirm.")


@router.get("/account/data", response={200: MyDataOut, **NO_LOGIN})
async def my_data(request: HttpRequest):
    """Everything findus stores about you, in one document."""
    return await selectors.alearner_data(request.auth)


@router.post("/account/delete", response={204: None, **NO_LOGIN, **A_POST, **BAD_SHAPE, **LIMITED})
async def delete_account(request: HttpRequest, body: DeleteAccountIn):
    """Delete your account and everything of yours, for good, and log out.

    A wrong password is 400 and deletes nothing; after repeated wrong passwords from one
    address, 429 for a while, as for logins.
    """
    try:
        await deletion.delete_account(request, password=body.password)
    except deletion.WrongPassword:
        return Status(400, {"detail": "That is not your password; nothing was deleted."})
    return Status(204, None)

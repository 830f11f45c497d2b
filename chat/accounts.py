"""Accounts: creating one and logging in, the same way from the pages and the API."""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest

from chat.limits import LoginThrottle, client_address
from chat.services import InvalidInput


class WrongCredentials(Exception):
    """The username or the password is wrong (which one is not said)."""


async def log_in(request: HttpRequest, *, username: str, password: str) -> AbstractBaseUser:
    """Log the request in, or raise WrongCredentials, or RateLimited after repeated failures.

    Wrong passwords for one username from one address are counted (chat/limits.py); at the
    limit, logins are refused for a while even with the right password.
    """
    throttle = LoginThrottle(username, client_address(request))
    await throttle.check()
    user = await auth.aauthenticate(request, username=username, password=password)
    if user is None:
        if username and password:  # a blank field is a slip, not a guess
            await throttle.failed()
        raise WrongCredentials
    await throttle.succeeded()
    await auth.alogin(request, user)
    return user


def create_account(*, username: str, password: str) -> User:
    """Create a learner's account, or raise InvalidInput saying what is wrong."""
    username = username.strip()
    if not username:
        raise InvalidInput("Choose a username.")
    candidate = User(username=username)
    try:
        User._meta.get_field("username").clean(username, candidate)
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from None
    try:
        return User.objects.create_user(username=username, password=password)
    except IntegrityError:
        raise InvalidInput("That username is taken; choose another.") from None

"""Small typed readers for settings from the environment, failing loudly on bad values.

The environment may be completed by a local, git-ignored `.env` file in the project's root,
which `uv run python -m findus.dev` writes on its first run. The environment always wins.
"""

from __future__ import annotations

import os
from pathlib import Path

import dotenv
from django.core.exceptions import ImproperlyConfigured

DOTENV_PATH = Path(__file__).resolve().parent.parent / ".env"


def read_dotenv(path: Path = DOTENV_PATH) -> None:
    """Set each variable of the .env file that the environment does not set already."""
    dotenv.load_dotenv(path, override=False)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]

"""Debian's Chromium driven by Playwright (whose own browser download does not work here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser, Page, expect, sync_playwright

from chat import services
from tests.helpers import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Start Chromium for the block. Playwright's sync API runs an event loop in this thread
    while it is open, so the ORM is best called before or after, not inside."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def new_page(browser: Browser, viewport: dict[str, int] = DESKTOP, **options: object) -> Page:
    """Open a page in a fresh context (its own cookies) that records console errors and 404s."""
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("response", lambda r: r.status == 404 and page.console_errors.append(f"404 {r.url}"))
    return page


def register(page: Page, app: str, username: str) -> User:
    """Create an account through the register page; return the learner."""
    page.goto(f"{app}/register/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("New conversation")
    return User.objects.get(username=username)


def start_conversation(
    page: Page, *, language: str = "es", feedback_language: str = "en", level: str = "A2"
) -> int:
    """Start a conversation from the home page; return its id."""
    page.select_option("#id_language", language)
    page.select_option("#id_feedback_language", feedback_language)
    page.select_option("#id_level", level)
    page.click("text=Start")
    expect(page.locator("#conversation")).to_be_visible()
    return int(page.locator("#conversation").get_attribute("data-conversation"))


def send(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.click("#send button[type=submit]")


def log_in(page: Page, app: str, username: str) -> User:
    """Create a learner and give the page their session: quicker than registering by hand."""
    user = User.objects.create_user(username, password=PASSWORD)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": app}])
    return user


def open_conversation(page: Page, app: str, owner: User, **fields: str) -> int:
    """Start a conversation (Spanish, explained in English, A2 unless told) and open its page."""
    fields = {"language": "es", "feedback_language": "en", "level": "A2", **fields}
    conversation = services.start_conversation(owner=owner, **fields)
    page.goto(f"{app}/conversations/{conversation.pk}/")
    return conversation.pk


def shoot(page: Page, name: str) -> None:
    """Save the page at desktop and phone widths as tests/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)

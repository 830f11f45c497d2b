"""Model output that carries markup renders inert on every page: no script from the data, no event
handler attributes, no javascript: links, no images from another origin. Checked in the HTML the
server sends, and in a real browser (no dialog opens, no request leaves for another origin, no
CSP violation is reported). Every page sends a CSP that forbids inline script and foreign images.

The strings are written straight into the database, as a misbehaving model would leave them.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.test import Client
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from chat.history.mistakes import record_mistakes
from chat.live import conversation_channel as channel_name
from chat.models import Job, MistakePattern
from tests.browsers import chromium
from tests.processes import start_uvicorn
from tests.security.conftest import (
    issue,
    make_conversation,
    make_review,
    make_turn,
    make_user,
)
from tests.security.routes import page_path, page_routes

# Another origin on loopback: a request to it would be seen, and reaches nobody.
FOREIGN = "http://127.0.0.2:9"
SCRIPT = "<script>alert('script')</script>"
ONERROR = "<img src=x onerror=\"alert('onerror')\">"
JS_LINK = "<a href=\"javascript:alert('link')\">click me</a>"
FOREIGN_IMAGE = f'<img src="{FOREIGN}/pixel.png">'
PAYLOAD = f"{SCRIPT} {ONERROR} {JS_LINK} {FOREIGN_IMAGE}"
REVIEW_MARKDOWN = f"""## Review

Well done. {PAYLOAD}

[click me](javascript:alert('markdown-link')) ![pixel]({FOREIGN}/markdown.png)

<svg onload="alert('svg')"></svg><iframe src="javascript:alert('iframe')"></iframe>
"""
# Breaks out of an attribute if it is not escaped (the issue's category lands in a class).
ATTRIBUTE_BREAKER = 'spelling" onmouseover="alert(\'attribute\')" data-x="'
OUR_SCRIPT = "/static/chat/chat.js"


def hostile_conversation(owner):
    """An ended conversation whose every model-written field carries markup."""
    conversation = make_conversation(owner, ended=True)
    text = f"Hola {SCRIPT} y la cassa {FOREIGN_IMAGE}"
    issues = [
        {**issue(text, SCRIPT, ONERROR, PAYLOAD), "category": ATTRIBUTE_BREAKER},
        issue(text, "cassa", JS_LINK, f"{FOREIGN_IMAGE} {ONERROR}"),
    ]
    first = make_turn(conversation, text=text, reply=PAYLOAD, issues=issues, summary=PAYLOAD)
    # In the learner's history too (a category is checked on arrival, so only the texts).
    record_mistakes(message=first, issues=[{**issues[0], "category": "agreement"}, issues[1]])
    second = make_turn(conversation, text="Otra", reply_state="failed", analysis_state="running")
    Job.objects.filter(message=second, kind="reply").update(last_error=PAYLOAD)
    make_review(conversation, REVIEW_MARKDOWN)
    return conversation, first, second


class Markup(HTMLParser):
    """What a page's HTML would make a browser run or fetch."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str | None] = []
        self.handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self.foreign_urls: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if value.startswith(("javascript:", "vbscript:")):
                self.javascript_urls.append(f"<{tag} {name}={value}>")
            if value.startswith(("http:", "https:", "//")):
                self.foreign_urls.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str) -> Markup:
    markup = Markup(html)
    assert set(markup.scripts) <= {OUR_SCRIPT}, markup.scripts
    assert markup.handlers == []
    assert markup.javascript_urls == []
    assert markup.foreign_urls == []
    return markup


@pytest.mark.django_db
def test_model_output_renders_inert_on_every_page_and_fragment():
    owner = make_user("owner")
    conversation, first, _ = hostile_conversation(owner)
    client = Client()
    client.force_login(owner)
    pattern = MistakePattern.objects.filter(owner=owner).first()
    ids = {"conversation_id": conversation.pk, "message_id": first.pk, "pattern_id": pattern.pk}
    pages = {
        "the chat page": page_path("conversation", ids),
        "the turns fragment": page_path("turns", ids),
        "one turn's fragment": page_path("turn", ids),
        "the review page": page_path("review", ids),
        "the review fragment": page_path("review", ids) + "?fragment=1",
        "the home page": page_path("home", ids),
        "my mistakes": page_path("mistakes", ids) + "?language=es",
        "a mistake pattern": page_path("mistake-pattern", ids),
        "my progress": page_path("progress", ids) + "?language=es",
    }
    for what, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, what
        markup = assert_inert(response.content.decode())
        shown = " ".join(markup.text)
        if "turn" in what or "chat" in what:
            # The data is on the page, as text: escaped, not dropped.
            assert SCRIPT in shown and ONERROR in shown and FOREIGN_IMAGE in shown, what
        if what in ("the chat page", "the turns fragment"):
            # A failure is told in plain words; its technical reason (last_error) is for admins.
            assert "Your tutor could not answer this time." in shown, what
        if "review" in what:
            assert "Well done." in shown, what
        if "mistake" in what:
            assert SCRIPT in shown and JS_LINK in shown, what


@pytest.mark.django_db
def test_the_api_review_html_is_inert():
    owner = make_user("owner")
    conversation, _, _ = hostile_conversation(owner)
    client = Client()
    client.force_login(owner)
    review = client.get(f"/api/conversations/{conversation.pk}/review").json()["review"]
    assert review["markdown"] == REVIEW_MARKDOWN  # the API hands markdown back as data
    markup = assert_inert(review["html"])
    assert markup.scripts == []
    assert "<img" not in review["html"] and "<a" not in review["html"]


def csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_every_page_sends_a_csp_without_inline_script_or_foreign_images():
    owner = make_user("owner")
    conversation, first, _ = hostile_conversation(owner)
    pattern = MistakePattern.objects.filter(owner=owner).first()
    ids = {"conversation_id": conversation.pk, "message_id": first.pk, "pattern_id": pattern.pk}
    anonymous, logged_in = Client(), Client()
    logged_in.force_login(owner)
    for name in page_routes():
        for client in (anonymous, logged_in):
            response = client.get(page_path(name, ids))
            header = response.headers.get("Content-Security-Policy")
            assert header, f"{name}: no Content-Security-Policy ({response.status_code})"
            policy = csp(header)
            assert policy["default-src"] == ["'self'"], name
            assert policy["script-src"] == ["'self'"], name
            assert set(policy["img-src"]) <= {"'self'", "data:"}, name
            assert policy["object-src"] == ["'none'"], name
            assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, name
    assert Client().get("/no-such-page/").headers.get("Content-Security-Policy")


# --- In a real browser, against uvicorn -------------------------------------------------------


@pytest.fixture(scope="module")
def app(django_db_setup, clean_redis_db):
    server, base = start_uvicorn("uvicorn-xss")
    yield base
    server.stop()


@pytest.fixture
def hostile():
    """The hostile conversation and its owner's session cookie, stored before Playwright starts:
    the ORM must not run under Playwright's event loop, or its connection outlives the test."""
    owner = make_user("owner")
    conversation, first, second = hostile_conversation(owner)
    client = Client()
    client.force_login(owner)
    return conversation, first, second, client.cookies["sessionid"].value


@pytest.fixture
def browser_page(app, hostile):
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.seen = {"dialogs": [], "foreign": [], "csp": []}

        def on_dialog(dialog):
            page.seen["dialogs"].append(dialog.message)
            dialog.dismiss()

        def route(request_route):
            # Nothing leaves for another origin: it is recorded and refused here.
            if _origin(request_route.request.url) == _origin(app):
                request_route.continue_()
            else:
                page.seen["foreign"].append(request_route.request.url)
                request_route.abort()

        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and page.seen["csp"].append(m.text),
        )
        context.route("**/*", route)
        yield page


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.django_db(transaction=True)
def test_model_output_stays_inert_in_a_real_browser(app, hostile, browser_page):
    conversation, first, second, session = hostile
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": session, "domain": urlsplit(app).hostname, "path": "/"}]
    )

    page.goto(f"{app}/conversations/{conversation.pk}/")
    page.wait_for_load_state("networkidle")
    assert_nothing_ran(page)
    expect(page.locator(f"#turn-{first.pk} .bubble.tutor .text")).to_have_text(PAYLOAD)
    # Live updates: the page swaps in a fresh turn's HTML, and streams a reply as plain text.
    nudge(
        page, conversation.pk, {"kind": "analysis", "message_id": first.pk}, f"/turns/{first.pk}/"
    )
    publish(conversation.pk, "reply.delta", {"message_id": second.pk, "delta": "", "text": PAYLOAD})
    expect(page.locator(f"#turn-{second.pk} .bubble.tutor.streaming .text")).to_have_text(PAYLOAD)
    expect(page.locator(f"#turn-{first.pk} .issues li")).to_have_count(2)
    assert_nothing_ran(page)

    page.goto(f"{app}/conversations/{conversation.pk}/review/")
    page.wait_for_load_state("networkidle")
    assert_nothing_ran(page)
    expect(page.locator(".review-body")).to_contain_text("Well done.")
    nudge(page, conversation.pk, {"kind": "review", "state": "succeeded"}, "fragment=1")
    expect(page.locator(".review-body")).to_contain_text("Well done.")
    assert_nothing_ran(page)


def assert_nothing_ran(page) -> None:
    found = page.evaluate(
        """() => ({
          scripts: [...document.scripts].map(s => s.getAttribute("src")),
          handlers: [...document.querySelectorAll("*")].flatMap(
            e => [...e.attributes].filter(a => a.name.startsWith("on")).map(a => a.name)),
          links: document.querySelectorAll(
            "[href^='javascript' i], [src^='javascript' i]").length,
          images: [...document.images].map(i => i.getAttribute("src")),
        })"""
    )
    assert page.seen == {"dialogs": [], "foreign": [], "csp": []}
    assert found["scripts"] == [OUR_SCRIPT]
    assert found["handlers"] == []
    assert found["links"] == 0
    assert found["images"] == []


def nudge(page, conversation_id: int, job: dict, refetched: str) -> None:
    """Publish a job event until the page refetches the HTML it names (the first may come before
    the page's event stream listens)."""
    for _ in range(30):
        try:
            with page.expect_response(lambda r: refetched in r.url, timeout=1000):
                publish(conversation_id, "job", job)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"the page never refetched {refetched}")


def publish(conversation_id: int, event: str, data: dict) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.publish(channel_name(conversation_id), json.dumps({"event": event, "data": data}))

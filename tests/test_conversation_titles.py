"""Each conversation is titled so a list of them can be told apart: first words, then date."""

from __future__ import annotations

import pytest
from django.utils import dateformat, timezone

from chat.models import Conversation
from tests.helpers import post_message, register, start_conversation

pytestmark = pytest.mark.django_db


def today() -> str:
    return dateformat.format(timezone.localdate(), "j M Y")


@pytest.fixture
def conversation(client):
    register(client)
    return start_conversation(client, language="de")


def title_of(conversation: dict) -> str:
    return Conversation.objects.get(pk=conversation["id"]).title


def test_a_new_conversation_is_titled_with_its_language_and_date(conversation):
    assert conversation["title"] == f"German conversation · {today()}"


def test_the_first_message_gives_the_title_its_first_words(client, conversation):
    text = "Hallo! Ich heiße Anna und wohne seit zwei Jahren in Berlin."
    post_message(client, conversation["id"], text)
    assert title_of(conversation) == f"Hallo! Ich heiße Anna und wohne seit… · {today()}"

    post_message(client, conversation["id"], "Und du?")
    assert title_of(conversation).startswith("Hallo! Ich heiße Anna")


def test_a_title_cut_after_a_sentence_needs_no_ellipsis(client, conversation):
    post_message(client, conversation["id"], "Ich habe einen Hund und eine Katze. Wunderbar!")
    assert title_of(conversation) == f"Ich habe einen Hund und eine Katze. · {today()}"


def test_a_short_first_message_is_the_title_whole(client, conversation):
    post_message(client, conversation["id"], "Guten Morgen.")
    assert title_of(conversation) == f"Guten Morgen. · {today()}"


def test_line_breaks_and_direction_controls_do_not_reach_the_title(client, conversation):
    post_message(client, conversation["id"], "Hallo\n\n  Welt\u202e und\tso\x07 weiter")
    assert title_of(conversation) == f"Hallo Welt und so weiter · {today()}"


def test_a_first_message_without_spaces_is_cut_within_the_word(client, conversation):
    post_message(client, conversation["id"], "Donaudampfschifffahrtsgesellschaftskapitänsmütze")
    words = title_of(conversation).removesuffix(f" · {today()}")
    assert words == "Donaudampfschifffahrtsgesellschaftskapi…"


def test_other_conversations_keep_their_own_titles(client, conversation):
    other = start_conversation(client, language="fr")
    post_message(client, conversation["id"], "Guten Morgen.")
    assert title_of(other) == f"French conversation · {today()}"


def test_the_home_page_shows_a_title_as_text(client, conversation):
    post_message(client, conversation["id"], "<b>Hallo</b> <script>alert(1)</script>")
    page = client.get("/").content.decode()
    assert "&lt;b&gt;Hallo&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Hallo" not in page

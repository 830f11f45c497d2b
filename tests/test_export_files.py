"""The export files themselves: the Anki deck opens as Anki would read it (a zip holding an
SQLite collection) with one escaped note per card, and the CSV of corrections parses, with a
byte order mark and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from chat.exports.anki import build_deck, stable_id
from chat.exports.corrections import build_csv, sentence_around
from chat.models import Card
from tests.security.conftest import issue, make_conversation, make_turn, make_user

pytestmark = pytest.mark.django_db


def make_card(owner, *, sentence: str, wrong: str, answer: str, language: str = "es", **fields):
    start = sentence.index(wrong)
    return Card.objects.create(
        owner=owner,
        language=language,
        sentence=sentence,
        start=start,
        end=start + len(wrong),
        answer=answer,
        corrected_sentence=sentence.replace(wrong, answer),
        explanation=fields.pop("explanation", "Casa has one s."),
        fingerprint=f"{owner.pk}:{sentence}:{wrong}",
        due=timezone.now(),
        **fields,
    )


def notes_in(apkg: bytes, tmp_path: Path) -> list[dict]:
    """Open the .apkg as Anki does and return its notes: fields, tags, guid, deck name."""
    with zipfile.ZipFile(io.BytesIO(apkg)) as archive:
        assert "collection.anki2" in archive.namelist()
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    collection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        decks = json.loads(collection.execute("select decks from col").fetchone()[0])
        rows = collection.execute(
            "select notes.guid, notes.flds, notes.tags, notes.mid, cards.did from notes "
            "join cards on cards.nid = notes.id order by notes.id"
        ).fetchall()
    finally:
        collection.close()
    return [
        {
            "guid": guid, "fields": fields.split("\x1f"), "tags": tags.split(),
            "model_id": model_id, "deck": decks[str(deck_id)]["name"], "deck_id": deck_id,
        }
        for guid, fields, tags, model_id, deck_id in rows
    ]  # fmt: skip


def test_the_deck_holds_one_note_per_card_with_the_mistake_marked_and_the_text_escaped(tmp_path):
    ana, eve = make_user("ana"), make_user("eve")
    make_card(ana, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    make_card(
        ana,
        sentence="Yo <b>tengo</b> & un perro.",
        wrong="<b>tengo</b>",
        answer="tengo",
        explanation='<script>alert("x")</script>',
    )
    make_card(ana, sentence="Ich habe ein Hund.", wrong="ein", answer="einen", language="de")
    make_card(eve, sentence="Eve's own card.", wrong="own", answer="mine")

    notes = notes_in(build_deck(owner_id=ana.pk), tmp_path)

    assert len(notes) == 3
    first, second, german = notes
    assert first["fields"][0] == "Me gusta la <mark>cassa</mark>."
    assert first["fields"][1:] == ["casa", "Me gusta la casa.", "Casa has one s."]
    assert second["fields"][0] == "Yo <mark>&lt;b&gt;tengo&lt;/b&gt;</mark> &amp; un perro."
    assert second["fields"][3] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert {note["deck"] for note in notes} == {"findus::Spanish", "findus::German"}
    assert german["deck"] == "findus::German"
    assert {"findus", "es", "mistake"} <= set(first["tags"])
    assert "Eve" not in str(notes)


def test_the_model_deck_and_note_ids_stay_the_same_from_one_export_to_the_next(tmp_path):
    ana, eve = make_user("ana"), make_user("eve")
    make_card(ana, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    make_card(eve, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir(), (tmp_path / "c").mkdir()

    [once] = notes_in(build_deck(owner_id=ana.pk), tmp_path / "a")
    [again] = notes_in(build_deck(owner_id=ana.pk), tmp_path / "b")
    [eves] = notes_in(build_deck(owner_id=eve.pk), tmp_path / "c")

    assert (once["guid"], once["model_id"], once["deck_id"]) == (
        again["guid"], again["model_id"], again["deck_id"],
    )  # fmt: skip
    assert once["model_id"] == stable_id("findus-model", ana.pk)
    assert eves["model_id"] != once["model_id"] and eves["deck_id"] != once["deck_id"]
    assert eves["guid"] != once["guid"]


def test_a_deck_of_one_language_leaves_the_others_out(tmp_path):
    ana = make_user("ana")
    make_card(ana, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    make_card(ana, sentence="Ich habe ein Hund.", wrong="ein", answer="einen", language="de")

    [note] = notes_in(build_deck(owner_id=ana.pk, language="de"), tmp_path)

    assert note["deck"] == "findus::German"


def test_a_learner_without_cards_gets_an_empty_deck_anki_can_open(tmp_path):
    assert notes_in(build_deck(owner_id=make_user("ana").pk), tmp_path) == []


def test_making_a_deck_leaves_no_temporary_file_behind(tmp_path, monkeypatch):
    ana = make_user("ana")
    make_card(ana, sentence="Me gusta la cassa.", wrong="cassa", answer="casa")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    assert build_deck(owner_id=ana.pk).startswith(b"PK")

    assert list(tmp_path.iterdir()) == []


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark for UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_correction_with_the_sentence_it_was_in():
    ana = make_user("ana")
    conversation = make_conversation(ana)
    text = "Hola, soy Ana. Me gusta la cassa y el perro. ¿Y tú?"
    make_turn(
        conversation,
        text=text,
        issues=[
            issue(text, "cassa", "casa", "Casa se escribe con una s."),
            issue(text, "Hola", "¡Hola", "Falta el signo de apertura."),
        ],
    )
    make_turn(make_conversation(make_user("eve")), text="Eve escribe cassa.")

    header, *rows = read_csv(build_csv(owner_id=ana.pk))

    assert header[:4] == ["Date (UTC)", "Language", "Conversation", "Your sentence"]
    assert len(rows) == 2
    assert rows[0][1:] == [
        "Spanish", f"Spanish conversation #{conversation.pk}", "Me gusta la cassa y el perro.",
        "cassa", "casa", "spelling", "Casa se escribe con una s.",
    ]  # fmt: skip
    assert rows[1][3:6] == ["Hola, soy Ana.", "Hola", "¡Hola"]


def test_no_cell_of_the_csv_starts_like_a_formula():
    ana = make_user("ana")
    text = '=HYPERLINK("http://evil") y -5 o +1 @home'
    make_turn(
        make_conversation(ana),
        text=text,
        issues=[
            issue(text, "=HYPERLINK", "@SUM(1)", "-bad"),
            issue(text, "+1", "+2", "=1+1"),
        ],
    )

    _, *rows = read_csv(build_csv(owner_id=ana.pk))

    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert rows[0][4:6] == ["'=HYPERLINK", "'@SUM(1)"]
    assert rows[0][7] == "'-bad"


@pytest.mark.parametrize(
    ("text", "wrong", "sentence"),
    [
        ("Uno. Dos tres. Cuatro.", "tres", "Dos tres."),
        ("¿Qué tal? Bien, gracias!", "gracias", "Bien, gracias!"),
        ("Sin punto final", "punto", "Sin punto final"),
        ("Primera línea\nsegunda cassa", "cassa", "segunda cassa"),
    ],
)
def test_the_sentence_around_a_mistake_is_the_one_that_holds_it(text, wrong, sentence):
    start = text.index(wrong)
    assert sentence_around(text, start, start + len(wrong)) == sentence

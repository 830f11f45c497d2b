"""The learner's practice cards as an Anki deck (.apkg), made with genanki.

Every field is HTML in Anki, and every text here is the learner's or the model's, so each is
escaped; the only markup is ours (the <mark> around the mistake). The model, deck and note ids
are derived from the learner and the card, so importing a newer export updates the cards
already in Anki instead of adding copies.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
from html import escape
from pathlib import Path

import genanki

from chat.languages import LANGUAGES
from chat.models import Card

FIELDS = ["Sentence", "Answer", "Corrected", "Explanation"]
FRONT = '<div class="sentence">{{Sentence}}</div><div class="prompt">Fix the marked part.</div>'
BACK = (
    "{{FrontSide}}<hr id=answer>"
    '<div class="answer">{{Answer}}</div>'
    '<div class="corrected">{{Corrected}}</div>'
    '<div class="explanation">{{Explanation}}</div>'
)
STYLE = """
.card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left; }
mark { background: #ffd6d6; border-bottom: 2px solid #a4161a; }
.prompt, .explanation { color: #58606b; font-size: 16px; }
.answer { font-weight: 600; color: #1d6b35; }
"""


def stable_id(*parts: object) -> int:
    """Return an Anki id (between 2**30 and 2**31, as genanki advises) that `parts` decide."""
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def marked_sentence(card: Card) -> str:
    """Return the card's sentence as HTML with its mistake marked; a missing word shows a gap."""
    before, wrong, after = (
        card.sentence[: card.start],
        card.sentence[card.start : card.end],
        card.sentence[card.end :],
    )
    return f"{escape(before)}<mark>{escape(wrong) or '&nbsp;…&nbsp;'}</mark>{escape(after)}"


def card_fields(card: Card) -> list[str]:
    """Return the note's fields, in FIELDS order, each one safe HTML."""
    return [
        marked_sentence(card),
        escape(card.answer) or "(remove it)",
        escape(card.corrected_sentence),
        escape(card.explanation),
    ]


def learner_model(owner_id: int) -> genanki.Model:
    return genanki.Model(
        stable_id("findus-model", owner_id),
        "findus: fix the mistake",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Fix it", "qfmt": FRONT, "afmt": BACK}],
        css=STYLE,
    )


def build_deck(*, owner_id: int, language: str = "") -> bytes:
    """Return the learner's cards (of one language, or all) as an .apkg file: a deck per
    language, "findus::Spanish" and so on."""
    cards = Card.objects.filter(owner_id=owner_id).select_related("pattern").order_by("id")
    if language:
        cards = cards.filter(language=language)
    model = learner_model(owner_id)
    decks: dict[str, genanki.Deck] = {}
    for card in cards.iterator(chunk_size=500):
        deck = decks.get(card.language)
        if deck is None:
            name = f"findus::{LANGUAGES.get(card.language, card.language)}"
            deck = decks[card.language] = genanki.Deck(
                stable_id("findus-deck", owner_id, card.language), name
            )
        tags = ["findus", card.language, card.source]
        if card.pattern is not None:
            tags.append(card.pattern.category)
        if card.suspended:
            tags.append("suspended")
        deck.add_note(
            genanki.Note(
                model=model,
                fields=card_fields(card),
                guid=genanki.guid_for("findus-card", owner_id, card.fingerprint),
                tags=tags,
            )
        )
    if not decks:  # an empty export is still a deck Anki opens
        name = f"findus::{LANGUAGES.get(language, 'Cards')}"
        decks[language] = genanki.Deck(stable_id("findus-deck", owner_id, language), name)
    return _apkg(genanki.Package(list(decks.values())))


def _apkg(package: genanki.Package) -> bytes:
    """Return the package as .apkg bytes: a zip of its SQLite collection.

    genanki's own write_to_file leaves its temporary collection file behind, one per export;
    this writes it in a temporary folder that goes away.
    """
    with tempfile.TemporaryDirectory(prefix="findus-anki-") as folder:
        path = Path(folder) / "collection.anki2"
        collection = sqlite3.connect(path)
        try:
            now = time.time()
            package.write_to_db(collection.cursor(), now, itertools.count(int(now * 1000)))
            collection.commit()
        finally:
            collection.close()
        file = io.BytesIO()
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")  # no images or sounds
    return file.getvalue()

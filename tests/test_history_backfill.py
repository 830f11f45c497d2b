"""Analyses stored before the mistake history existed join it when findus is upgraded."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("chat", "0008_issue_categories")]
AFTER = [("chat", "0009_history_from_earlier_analyses")]


@pytest.fixture(autouse=True)
def back_to_the_latest_migration():
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def issue(text: str, original: str, suggestion: str) -> dict:
    start = text.index(original)
    return {
        "start": start, "end": start + len(original), "original": original,
        "suggestion": suggestion, "explanation": "Casa has one s.", "category": "spelling",
        "severity": "minor",
    }  # fmt: skip


def test_every_issue_of_an_earlier_analysis_becomes_a_mistake_in_its_pattern():
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="ana")
    conversation = old.get_model("chat", "Conversation").objects.create(
        owner=user, language="es", feedback_language="en", level="A2", title="Old one"
    )
    Message = old.get_model("chat", "Message")
    GrammarAnalysis = old.get_model("chat", "GrammarAnalysis")
    for text in ("Mi cassa es grande.", "La Cassa es roja y la cassa es mía."):
        message = Message.objects.create(conversation=conversation, role="learner", text=text)
        issues = [issue(text, "cassa", "casa")]
        if "mía" in text:
            issues.insert(0, issue(text, "Cassa", "casa"))
        GrammarAnalysis.objects.create(
            message=message, issues=issues, corrected_text=text, summary="Spelling."
        )

    new = migrate(AFTER)

    MistakePattern = new.get_model("chat", "MistakePattern")
    [pattern] = MistakePattern.objects.all()  # "Cassa" and "cassa": one pattern
    assert (pattern.key, pattern.occurrences) == ("spelling:cassa>casa", 3)
    assert pattern.label == "cassa → casa"
    mistakes = new.get_model("chat", "Mistake").objects.order_by("message_id", "start")
    assert [(m.original, m.start, m.pattern_id) for m in mistakes] == [
        ("cassa", 3, pattern.pk),
        ("Cassa", 3, pattern.pk),
        ("cassa", 22, pattern.pk),
    ]
    assert {m.owner_id for m in mistakes} == {user.pk}

"""Earlier analyses join the learner's history: each issue becomes a Mistake in its pattern.

Analyses stored before the history existed (migration 0006) would otherwise be missing from
"My mistakes", progress and the tutor's memory. The grouping is chat/history/mistakes.py's as it
was when this migration was written, copied here so that later changes there cannot change it.
Cards are not made for them: a learner's practice starts from what they write next.
"""

import unicodedata

from django.db import migrations

EDGE_PUNCTUATION = " \t\n.,;:!?¡¿\"'«»\u201c\u201d\u201e\u2018\u2019()[]"


def normalised(text):
    text = unicodedata.normalize("NFC", text).casefold().strip(EDGE_PUNCTUATION)
    return " ".join(text.split())


def key_and_label(issue):
    original, suggestion = issue["original"], issue.get("suggestion", "")
    rule = (issue.get("rule") or "").strip()
    if rule:
        return f"{issue['category']}:rule:{normalised(rule)}"[:300], rule[:300]
    key = f"{issue['category']}:{normalised(original)}>{normalised(suggestion)}"[:300]
    return key, f"{original.strip()} → {suggestion.strip() or '(remove)'}"[:300]


def record_earlier_analyses(apps, schema_editor):
    GrammarAnalysis = apps.get_model("chat", "GrammarAnalysis")
    Mistake = apps.get_model("chat", "Mistake")
    MistakePattern = apps.get_model("chat", "MistakePattern")
    analyses = GrammarAnalysis.objects.select_related("message__conversation").exclude(
        message__mistakes__isnull=False
    )
    patterns = {}
    for analysis in analyses.iterator(chunk_size=500):
        message = analysis.message
        conversation = message.conversation
        for issue in analysis.issues or []:
            if not {"start", "end", "original", "category"} <= issue.keys():
                continue
            key, label = key_and_label(issue)
            found = (conversation.owner_id, conversation.language, key)
            pattern = patterns.get(found)
            if pattern is None:
                pattern, _ = MistakePattern.objects.get_or_create(
                    owner_id=conversation.owner_id,
                    language=conversation.language,
                    key=key,
                    defaults={
                        "category": issue["category"],
                        "label": label,
                        "first_seen_at": message.created_at,
                        "last_seen_at": message.created_at,
                    },
                )
                patterns[found] = pattern
            pattern.occurrences += 1
            pattern.first_seen_at = min(pattern.first_seen_at, message.created_at)
            pattern.last_seen_at = max(pattern.last_seen_at, message.created_at)
            pattern.explanation = issue.get("explanation", "")
            Mistake.objects.create(
                owner_id=conversation.owner_id,
                pattern=pattern,
                conversation=conversation,
                message=message,
                language=conversation.language,
                category=issue["category"],
                start=issue["start"],
                end=issue["end"],
                original=issue["original"],
                suggestion=issue.get("suggestion", ""),
                explanation=issue.get("explanation", ""),
                made_at=message.created_at,
            )
    for pattern in patterns.values():
        pattern.save(update_fields=["occurrences", "first_seen_at", "last_seen_at", "explanation"])


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0008_issue_categories"),
    ]

    operations = [migrations.RunPython(record_earlier_analyses, migrations.RunPython.noop)]

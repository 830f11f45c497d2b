"""Stored issues move to the categories of chat/feedback.py: "grammar" and "style" are gone."""

from django.db import migrations

RENAMED = {"grammar": "other", "style": "other"}


def rename_categories(apps, schema_editor):
    GrammarAnalysis = apps.get_model("chat", "GrammarAnalysis")
    for analysis in GrammarAnalysis.objects.iterator():
        issues = analysis.issues or []
        if any(issue.get("category") in RENAMED for issue in issues):
            for issue in issues:
                issue["category"] = RENAMED.get(issue.get("category"), issue.get("category"))
            analysis.save(update_fields=["issues"])


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0007_review_estimated_level_optional"),
    ]

    operations = [migrations.RunPython(rename_categories, migrations.RunPython.noop)]

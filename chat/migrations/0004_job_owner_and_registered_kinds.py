"""Jobs belong to a learner (an export has no conversation), and their kinds come from the registry
of job kinds (chat/kinds.py). A learner's own retry is recorded as a re-run."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import chat.kinds


def owners_from_conversations(apps, schema_editor):
    Job = apps.get_model("chat", "Job")
    Conversation = apps.get_model("chat", "Conversation")
    Job.objects.update(
        owner_id=Subquery(
            Conversation.objects.filter(pk=OuterRef("conversation_id")).values("owner_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0003_job_run_started_at_attempt"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="jobs",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(owners_from_conversations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="job",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="jobs",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="conversation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="jobs",
                to="chat.conversation",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="kind",
            field=models.CharField(choices=chat.kinds.choices, max_length=16),
        ),
        migrations.AlterField(
            model_name="jobrerun",
            name="via",
            field=models.CharField(
                choices=[("admin", "Admin"), ("shell", "Shell"), ("learner", "Learner")],
                max_length=8,
            ),
        ),
    ]

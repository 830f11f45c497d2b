from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0006_learner_history_practice_exports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="review",
            name="estimated_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("A1", "A1"),
                    ("A2", "A2"),
                    ("B1", "B1"),
                    ("B2", "B2"),
                    ("C1", "C1"),
                    ("C2", "C2"),
                ],
                max_length=2,
                null=True,
            ),
        ),
    ]

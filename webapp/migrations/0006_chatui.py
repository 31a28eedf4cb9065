from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    # 0005_voice (another branch) may land first: the lead renumbers and re-chains on merge.
    dependencies = [
        ("webapp", "0004_docs"),
    ]

    operations = [
        migrations.AddField(
            model_name="fact",
            name="hidden",
            field=models.BooleanField(
                default=False,
                help_text="Deleted by the resume's owner: never shown to the interview; kept so a re-parse remembers it.",
            ),
        ),
    ]

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    # Depends on the latest on main (0005_import_jobs); 0005_voice (another branch): the lead re-chains on merge.
    dependencies = [
        ("webapp", "0005_import_jobs"),
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

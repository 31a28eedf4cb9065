from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("webapp", "0003_harden"),
    ]

    operations = [
        migrations.AddField(
            model_name="fact",
            name="askable",
            field=models.BooleanField(
                default=True, help_text="False for boilerplate (pay, legal text, how to apply): shown, never probed."
            ),
        ),
        migrations.AddField(
            model_name="fact",
            name="context",
            field=models.CharField(
                blank=True, help_text="Where the claim belongs, e.g. the role, employer and dates.", max_length=300
            ),
        ),
    ]

import importlib

from django.conf import settings
from django.db import migrations


def rekey(apps, schema_editor):
    """Fold every username again, now to its confusable skeleton: 0003's folding, run anew (of two
    users whose names now fold alike, the older keeps the key; the younger still logs in by its
    exact name)."""
    apps.get_model("webapp", "UserKey").objects.all().delete()
    importlib.import_module("webapp.migrations.0003_harden").add_keys(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("webapp", "0009_fact_kind_edits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

from django.conf import settings
from django.db import migrations


def rekey(apps, schema_editor):
    """Fold every username again, now to its confusable skeleton; of two users whose names now fold
    alike, the older keeps the key and the younger is left without one (it still logs in by its
    exact name), as 0003 did."""
    from webapp.models import fold_username

    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    UserKey = apps.get_model("webapp", "UserKey")
    UserKey.objects.all().delete()
    seen = set()
    for user in User.objects.order_by("pk"):
        folded = fold_username(user.username)
        if folded in seen:
            print(f"\n  username {user.username!r} looks like an older user's; left without a folded key")
            continue
        seen.add(folded)
        UserKey.objects.create(user_id=user.pk, folded=folded)


class Migration(migrations.Migration):
    dependencies = [
        ("webapp", "0009_fact_kind_edits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

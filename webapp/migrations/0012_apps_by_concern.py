"""The documents, interviews and serving models leave this app for their own (state only: their
tables keep their names and rows), and their content types follow them, so that permissions,
users' and groups' grants of them and the admin's history keep pointing at the same rows."""

from django.db import migrations

MOVED = {
    "documents": ["jobposting", "resume", "fact", "importjob", "importjobfile"],
    "interviews": ["interviewsession", "turn", "voicetake"],
    "serving": ["modelversion", "trainingrun"],
}


def _relabel(apps, old_of, new_of):
    """Move each moved model's content type from ``old_of(app)`` to ``new_of(app)``. A row already
    under the new label was made by a ``migrate`` run in between (its post_migrate signal creates
    the content types of the installed models); the row with the history is kept instead of it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app, models in MOVED.items():
        for model in models:
            old = ContentType.objects.filter(app_label=old_of(app), model=model)
            if old.exists():
                ContentType.objects.filter(app_label=new_of(app), model=model).delete()
                old.update(app_label=new_of(app))


def forwards(apps, schema_editor):
    _relabel(apps, lambda app: "webapp", lambda app: app)


def backwards(apps, schema_editor):
    _relabel(apps, lambda app: app, lambda app: "webapp")


class Migration(migrations.Migration):
    dependencies = [
        ("webapp", "0011_turn_act_choices"),
        ("documents", "0001_initial"),
        ("interviews", "0001_initial"),
        ("serving", "0001_initial"),
        # Content types, and what points to them (their permissions, the admin's log entries).
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Dependents first: a model leaves before the models it points to.
                migrations.DeleteModel(name="VoiceTake"),
                migrations.DeleteModel(name="Turn"),
                migrations.DeleteModel(name="InterviewSession"),
                migrations.DeleteModel(name="Fact"),
                migrations.DeleteModel(name="ImportJobFile"),
                migrations.DeleteModel(name="ImportJob"),
                migrations.DeleteModel(name="TrainingRun"),
                migrations.DeleteModel(name="Resume"),
                migrations.DeleteModel(name="JobPosting"),
                migrations.DeleteModel(name="ModelVersion"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]

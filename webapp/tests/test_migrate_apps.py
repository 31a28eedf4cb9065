"""The models' move into their apps (webapp.0012 and the apps' 0001): on a database of the one app,
every row stays with its relations, and content types, permissions, grants and the admin's log
follow the models to their new labels."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from webapp.documents.models import Fact, ImportJob, JobPosting, Resume
from webapp.interviews.models import InterviewSession, Turn, VoiceTake
from webapp.models import UserKey
from webapp.serving.models import ModelVersion, TrainingRun

BEFORE = ("webapp", "0011_turn_act_choices")
MOVED = {
    "documents": ["fact", "importjob", "importjobfile", "jobposting", "resume"],
    "interviews": ["interviewsession", "turn", "voicetake"],
    "serving": ["modelversion", "trainingrun"],
}


def _migrate_back() -> Any:
    """The database as the one app left it: the apps' migrations (and webapp.0012) unapplied.
    Returns the historical models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE, *((app, None) for app in MOVED)])
    executor.loader.build_graph()  # reads which migrations are applied now
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _migrate_forward() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _old_rows(apps: Any) -> dict[str, Any]:
    """One of each kind of row, made through the models of the one app."""

    def model(name: str) -> Any:
        return apps.get_model("webapp", name)

    user = apps.get_model("auth", "User").objects.create(username="alice", password="!")
    model("UserKey").objects.create(user=user, folded="alice")
    job = model("JobPosting").objects.create(title="Data analyst", company="Acme", text="Requirements: SQL")
    resume = model("Resume").objects.create(owner=user, label="Alice's resume", text="SQL at Initech")
    Fact = model("Fact")
    Fact.objects.create(job=job, section="requirements", text="SQL", position=0, kind="requirement")
    Fact.objects.create(resume=resume, section="experience", text="SQL at Initech", position=0)
    Fact.objects.create(resume=resume, section="skills", text="Python", position=1, hidden=True)
    version = model("ModelVersion").objects.create(kind="selector", name="v1", path="selector/v1", is_active=True)
    model("TrainingRun").objects.create(kind="selector", status="finished", model_version=version)
    imported = model("ImportJob").objects.create(kind="job", owner=user, total=1)
    model("ImportJobFile").objects.create(job=imported, name="jobs.csv", data=b"title,text\nA,B\n")
    session = model("InterviewSession").objects.create(candidate=user, resume=resume, job=job, model_version=version)
    Turn = model("Turn")
    Turn.objects.create(session=session, index=0, role="interviewer", text="Tell me about SQL.")
    answer = Turn.objects.create(session=session, index=1, role="candidate", text="I wrote reports.", client_id="c1")
    take = model("VoiceTake").objects.create(session=session, turn=answer, text="I wrote reports.", duration=2.5)
    return {"user": user, "job": job, "resume": resume, "version": version, "session": session, "take": take}


def _grant_and_log(apps: Any, old: dict[str, Any]) -> None:
    """A permission of a moved model granted to the user, and an admin log entry about the posting."""
    OldContentType = apps.get_model("contenttypes", "ContentType")
    posting_type, _ = OldContentType.objects.get_or_create(app_label="webapp", model="jobposting")
    permission, _ = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=posting_type, codename="change_jobposting", defaults={"name": "Can change job posting"}
    )
    old["user"].user_permissions.add(permission)
    LogEntry.objects.create(
        user_id=old["user"].pk,
        content_type_id=posting_type.pk,
        object_id=str(old["job"].pk),
        object_repr="Data analyst",
        action_flag=ADDITION,
    )
    old["posting_type"] = posting_type.pk


def _assert_rows_kept(old: dict[str, Any]) -> None:
    user = get_user_model().objects.get(pk=old["user"].pk)
    assert UserKey.objects.get(user=user).folded == "alice"
    job = JobPosting.objects.get(pk=old["job"].pk)
    resume = Resume.objects.get(pk=old["resume"].pk, owner=user)
    assert [f.text for f in job.facts.all()] == ["SQL"]
    assert [(f.text, f.hidden) for f in resume.facts.all()] == [("SQL at Initech", False), ("Python", True)]
    assert Fact.objects.count() == 3
    version = ModelVersion.objects.get(pk=old["version"].pk, is_active=True)
    assert list(TrainingRun.objects.values_list("model_version", "status")) == [(version.pk, "finished")]
    imported = ImportJob.objects.get(owner=user)
    assert [(f.name, bytes(f.data)) for f in imported.files.all()] == [("jobs.csv", b"title,text\nA,B\n")]
    session = InterviewSession.objects.get(pk=old["session"].pk)
    assert (session.candidate, session.resume, session.job, session.model_version) == (user, resume, job, version)
    assert [(t.index, t.role, t.client_id) for t in session.turns.all()] == [
        (0, Turn.Role.INTERVIEWER, ""),
        (1, Turn.Role.CANDIDATE, "c1"),
    ]
    take = VoiceTake.objects.get(pk=old["take"].pk)
    assert (take.session, take.turn.index if take.turn else None, take.duration) == (session, 1, 2.5)


def _assert_types_moved(old: dict[str, Any]) -> None:
    for app, models in MOVED.items():
        assert sorted(ContentType.objects.filter(app_label=app).values_list("model", flat=True)) == models
    assert list(ContentType.objects.filter(app_label="webapp").values_list("model", flat=True)) == ["userkey"]
    posting_type = ContentType.objects.get_for_model(JobPosting)
    assert posting_type.pk == old["posting_type"]  # the same row, relabelled
    assert Permission.objects.get(content_type=posting_type, codename="change_jobposting")
    user = get_user_model().objects.get(pk=old["user"].pk)
    assert user.has_perm("documents.change_jobposting")
    assert not user.has_perm("webapp.change_jobposting")
    assert LogEntry.objects.get(content_type=posting_type).get_edited_object() == JobPosting.objects.get()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_row_and_moves_content_types_and_permissions_to_the_new_apps():
    try:
        old_apps = _migrate_back()
        assert "webapp_jobposting" in connection.introspection.table_names()
        old = _old_rows(old_apps)
        _grant_and_log(old_apps, old)
    finally:
        _migrate_forward()  # whatever happened, the next test finds the latest state
    _assert_rows_kept(old)
    _assert_types_moved(old)


@pytest.mark.django_db(transaction=True)
def test_it_moves_the_content_types_back_when_migrated_backwards():
    posting_type = ContentType.objects.get_for_model(JobPosting).pk
    try:
        _migrate_back()
        labels = dict(
            ContentType.objects.filter(model__in=["jobposting", "turn", "modelversion"]).values_list(
                "model", "app_label"
            )
        )
        assert labels == {"jobposting": "webapp", "turn": "webapp", "modelversion": "webapp"}
        assert ContentType.objects.get(app_label="webapp", model="jobposting").pk == posting_type
    finally:
        _migrate_forward()
    assert ContentType.objects.get_for_model(JobPosting).pk == posting_type


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_content_type_with_the_history_when_a_migrate_in_between_made_a_new_one():
    """``migrate webapp 0011`` leaves the apps' 0001 applied, and its post_migrate signal then makes
    fresh ``documents.*`` content types beside the relabelled ``webapp.*`` ones."""
    posting_type = ContentType.objects.get_for_model(JobPosting).pk
    try:
        _migrate_back()
        ContentType.objects.create(app_label="documents", model="jobposting")
    finally:
        _migrate_forward()
    assert list(ContentType.objects.filter(model="jobposting").values_list("pk", "app_label")) == [
        (posting_type, "documents")
    ]

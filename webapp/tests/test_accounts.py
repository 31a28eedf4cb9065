"""Accounts (issue 8): login throttling, password rules, usernames unique when folded."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from webapp.forms import SignupForm
from webapp.models import UserKey, fold_username


def sign_up(client, username: str, password: str = "a-long-passphrase-42"):  # type: ignore[no-untyped-def]
    return client.post(reverse("signup"), {"username": username, "password1": password, "password2": password})


@pytest.mark.django_db
def test_it_locks_a_username_after_too_many_wrong_passwords(client, users, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
        assert r.status_code == 200 and not r.context["user"].is_authenticated
    r = client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.content.decode()
    r = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    assert r.status_code == 429  # even the right password, until the cool-off ends
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_locks_one_username_on_one_address_only(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
    r = client.post(reverse("login"), {"username": "bob", "password": "bob-password-1"})
    assert r.status_code == 302  # bob is not locked out by alice's attacker
    other = client_class_from(client)
    r = other.post(reverse("login"), {"username": "alice", "password": "alice-password-1"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 302  # alice from another address still signs in


def client_class_from(client):  # type: ignore[no-untyped-def]
    return type(client)()


@pytest.mark.django_db
def test_it_resets_the_count_after_a_successful_login(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
    assert client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"}).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
    assert r.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        (" " * 8, "only spaces"),
        ("\t \u3000 \n   ", "only spaces"),
        ("84736291047", "entirely numeric"),
        ("12345678", "entirely numeric"),
    ],
)
def test_it_refuses_blank_and_all_digit_passwords(client, password, message):
    r = sign_up(client, "dana", password)
    assert r.status_code == 200
    assert message in " ".join(r.context["form"].errors["password2"])
    assert not get_user_model().objects.filter(username="dana").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "twin",
    ["Admin", "ádmin", "ADMİN".lower(), "ａｄｍｉｎ", "Ädmin", "\u0430dmin", "adm\u0131n", "admi\u0578", "админ"],
)
def test_it_refuses_a_username_that_folds_to_an_existing_one(client, twin):
    get_user_model().objects.create_user("admin", password="admin-password-1")
    r = sign_up(client, twin)
    assert r.status_code == 200
    assert "already exists" in " ".join(r.context["form"].errors["username"])
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_it_keeps_folded_twins_out_in_the_database_too():
    """What holds under concurrency: two sign-ups that both passed the form check cannot both commit."""
    User = get_user_model()
    User.objects.create_user("admin", password="admin-password-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ÁDMIN", password="admin-password-2")
    assert list(UserKey.objects.values_list("folded", flat=True)) == ["admin"]


@pytest.mark.django_db
def test_it_turns_a_lost_race_into_a_form_error(monkeypatch):
    get_user_model().objects.create_user("admin", password="admin-password-1")
    form = SignupForm({"username": "Admin", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"})
    monkeypatch.setattr(SignupForm, "clean_username", lambda self: self.cleaned_data["username"])  # the check raced
    assert form.is_valid()
    assert form.save() is None
    assert "already exists" in " ".join(form.errors["username"])
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_it_still_signs_up_distinct_users_and_renames_keep_their_key(client):
    assert sign_up(client, "dana").status_code == 302
    dana = get_user_model().objects.get(username="dana")
    dana.username = "Dana2"
    dana.save()
    assert UserKey.objects.get(user=dana).folded == "dana2"


def test_it_folds_case_accents_and_width():
    assert {fold_username(n) for n in ("admin", "Admin", "ádmin", "ÀDMÎN", "ａｄｍｉｎ")} == {"admin"}
    assert fold_username("straße") == "strasse"
    assert fold_username("bob") != fold_username("b0b")


def test_it_folds_look_alike_letters_of_other_scripts():
    looks_alike = (
        "\u0430dmin",
        "adm\u0131n",
        "admi\u0578",
        "админ",
        "\u0391dmin",
    )  # Cyrillic, dotless i, Armenian, Greek
    assert {fold_username(n) for n in looks_alike} == {"admin"}
    assert fold_username("Анна") == fold_username("anna") and fold_username("李雷") != fold_username("admin")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["alice", "Alice", "ALICE", "\u0430lice"])
def test_it_signs_in_by_the_folded_username(client, users, typed):
    r = client.post(reverse("login"), {"username": typed, "password": "alice-password-1"})
    assert r.status_code == 302 and int(client.session["_auth_user_id"]) == users[0].pk


@pytest.mark.django_db
def test_case_and_look_alikes_share_one_count_of_failed_logins(client, users, settings):
    for typed in ("alice", "Alice", "ALICE", "\u0430lice")[: settings.AXES_FAILURE_LIMIT - 1] + ("aLice",):
        r = client.post(reverse("login"), {"username": typed, "password": "wrong-password"})
    assert r.status_code == 429  # not five tries for each way of writing it


@pytest.mark.django_db
def test_the_migration_folds_stored_keys_again_and_the_older_twin_keeps_its_key():
    import importlib

    from django.apps import apps

    User = get_user_model()
    admin = User.objects.create_user("admin", password="admin-password-1")
    UserKey.objects.all().delete()
    twin = User.objects.create_user("bob", password="bob-password-1")
    User.objects.filter(pk=twin.pk).update(username="\u0430dmin")  # stored before look-alikes were refused
    UserKey.objects.all().delete()
    UserKey.objects.create(user=admin, folded="stale")
    importlib.import_module("webapp.migrations.0010_username_skeletons").rekey(apps, None)
    assert list(UserKey.objects.values_list("user_id", "folded")) == [(admin.pk, "admin")]

"""What every page of the site shares: its icon."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client


def test_the_site_has_an_icon_and_names_it(db):  # type: ignore[no-untyped-def]
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("webapp/favicon.svg")
    assert finders.find("webapp/favicon.svg")
    page = Client().get("/login/").content.decode()
    assert f'rel="icon" type="image/svg+xml" href="{static("webapp/favicon.svg")}"' in page

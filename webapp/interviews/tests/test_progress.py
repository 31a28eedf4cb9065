"""*My progress*: scores across finished interviews drawn as SVG charts, and the requirements practised."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.interview_helpers import next_turn, start
from webapp.interviews import interviews, progress

GOOD = "At Acme I migrated the production PostgreSQL database to version 15 and cut query time by 40% in three months."


@pytest.fixture
def alice_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    return client


def finished(user, answer: str = GOOD):  # type: ignore[no-untyped-def]
    """An interview of one answered question, ended: its report is saved."""
    session = start(user)
    next_turn(session)
    interviews.add_answer(session, answer)
    interviews.end(session)
    session.refresh_from_db()
    return session


def test_it_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("progress"))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.django_db(transaction=True)
def test_it_says_how_to_get_a_score_before_any_interview_ended(alice_client, users):
    start(users[0])  # begun, never ended: no score yet
    page = alice_client.get(reverse("progress")).content.decode()
    assert "No finished interview with answers yet" in page and "<svg" not in page


@pytest.mark.django_db(transaction=True)
def test_it_draws_each_finished_interview_on_the_charts_and_gives_the_numbers(alice_client, users):
    sessions = [finished(users[0], "I did it."), finished(users[0])]
    finished(users[1])  # bob's: never on alice's page
    scores = [s.report["overall"]["score"] for s in sessions]

    page = alice_client.get(reverse("progress")).content.decode()

    assert page.count('<svg class="chart"') == 2 and 'role="img"' in page and '<title id="overall-title">' in page
    overall = re.search(r'data-series="overall">\s*<polyline points="([^"]+)"', page)
    assert overall is not None and len(overall.group(1).split()) == 2  # one point per interview
    for part in progress.PARTS[:3]:
        assert f'data-series="{part}"' in page
    rows = re.findall(r"<tr><td>(\d)</td>.*?</td><td>(\d+)</td>", page)
    assert rows == [("1", str(scores[0])), ("2", str(scores[1]))]
    change = scores[1] - scores[0]
    assert f"latest overall score {scores[1]}/100 ({'+' if change >= 0 else ''}{change} since your first)" in page
    assert reverse("report", args=[sessions[0].pk]) in page


@pytest.mark.django_db(transaction=True)
def test_it_places_a_higher_score_higher_on_the_chart(users):
    finished(users[0], "I did it.")
    finished(users[0])
    data = progress.page(users[0])
    (line,) = data["overall_chart"]["series"]
    (x1, y1, v1), (x2, y2, v2) = line.points
    assert x1 < x2 and (v1 < v2) == (y1 > y2) and v1 != v2  # SVG's y grows downwards


@pytest.mark.django_db(transaction=True)
def test_it_lists_the_requirements_each_posting_had_backed_and_not_yet(alice_client, users):
    session = finished(users[0])
    report = session.report
    page = alice_client.get(reverse("progress")).content.decode()
    assert "Requirements you have practised" in page and session.job.title in page
    for c in report["covered_requirements"]:
        assert c["requirement"] in page
    assert report["uncovered_requirements"], "the fixture leaves a requirement no answer backs"
    assert report["uncovered_requirements"][0] in page
    assert reverse("new_interview", args=[session.job.pk]) in page

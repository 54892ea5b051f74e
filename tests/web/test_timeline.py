"""The case's timeline as milestones (issue 16.4): staff read who did what and when, with the
raw audit events one click away; the officer reads the milestones that concern the agency in
plain words, the exchange's staff never named, with the due dates the profile publishes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lers.cases.lifecycle import State
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def page(client, user, name: str, reference: str) -> str:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse(name, args=[reference]))
    assert response.status_code == 200
    return response.content.decode()


def milestones(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", row).strip()
        for row in re.findall(r"<(?:tr|li) data-milestone>(.*?)</(?:tr|li)>", html, re.S)
    ]


def test_staff_see_milestones_with_who_and_the_raw_events_behind_a_click(
    client, make_case, analyst, reviewer
):
    case = make_case(State.APPROVED)
    for _ in range(3):  # every page load is on the record; it is not a milestone
        html = page(client, reviewer, "workbench-case", case.reference)
    rows = milestones(html)
    labels = [
        "Submitted by the agency",
        "Triage started",
        "Sent to verification",
        "Requester verified",
        "Approved",
    ]
    for label, row in zip(labels, rows, strict=True):
        assert label in row
    assert analyst.username in rows[1] and reviewer.username in rows[4]
    assert not any("case.viewed" in row for row in rows)
    # The raw events are there, folded away.
    folded = html[html.index('<details id="events">') :]
    assert "case.viewed" in folded and "case.approve" in folded


def test_the_officer_reads_the_milestones_in_plain_words_without_staff_names(
    client, make_case, officer_a, analyst, reviewer
):
    case = make_case(State.LEGAL_REVIEW)
    html = page(client, officer_a, "portal-case", case.reference)
    rows = milestones(html)
    assert "You sent the request" in rows[0]
    assert any("The exchange is verifying the requesting officers" in r for r in rows)
    assert any("The requesting officers were verified" in r for r in rows)
    timeline = html[html.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</div>")]
    assert analyst.username not in timeline and reviewer.username not in timeline
    assert "the exchange" in timeline
    assert "data-due" not in timeline  # binance keeps its review target internal


@pytest.fixture
def hx97(settings):
    settings.LERS_POLICY = "hx97"


def test_the_officer_sees_the_due_date_the_profile_publishes(hx97, client, make_case, officer_a):
    case = make_case(State.VERIFICATION)
    html = page(client, officer_a, "portal-case", case.reference)
    timeline = html[html.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</div>")]
    deadline = case.deadlines.get(kind="review")
    assert f"due {deadline.due_at:%Y-%m-%d}" in timeline.replace("\n", " ")


def test_each_side_reads_the_case_in_its_own_voice(client, make_case, officer_a, analyst):
    """Issue 16.7: staff read "the agency's", the officer reads "your"."""
    case = make_case(State.AWAITING_INFORMATION)
    staff = page(client, analyst, "workbench-case", case.reference)
    assert "Awaiting the agency&#x27;s information" in staff or "Awaiting the agency's" in staff
    assert "Awaiting your information" not in staff
    assert "Your case number" not in staff and "The agency's case number" in staff
    assert "Withdrawn by your agency" not in staff
    officer = page(client, officer_a, "portal-case", case.reference)
    assert "Awaiting your information" in officer
    assert "Your case number" in officer
    assert "Your answer to the exchange&#x27;s questions" in officer
    assert "Agency's answer to our questions" not in officer

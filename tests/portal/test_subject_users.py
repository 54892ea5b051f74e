"""HX-09: the subject users are asked for "where permissible": under hx97 a request without them
is shown the gap but is neither stopped nor marked incomplete; the profile's ``blocking``
decides."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.cases.lifecycle import State
from lers.cases.models import Case
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD
from tests.custom_profile import custom_profile

pytestmark = [pytest.mark.django_db, pytest.mark.req("HX-09")]


def _without_subjects(make_case) -> Case:
    case = make_case(State.DRAFT)
    case.targets.all().delete()
    return case


def test_hx97_submits_without_subject_users_and_shows_the_gap(
    settings, client, make_case, officer_a
):
    settings.LERS_POLICY = "hx97"
    case = _without_subjects(make_case)
    assert client.login(username=officer_a.username, password=PASSWORD)
    review = reverse("portal-request-step", args=[case.reference, "review"])
    page = client.get(review).content.decode()
    assert "Recommended:" in page
    assert "Where permissible, identify the subject users" in page
    assert 'name="confirm_incomplete"' not in page  # nothing blocks: no "send it incomplete"
    response = client.post(review, {"terms_acknowledged": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.incomplete


def test_the_api_submits_it_without_accepting_incomplete(settings, make_case, officer_a):
    settings.LERS_POLICY = "hx97"
    case = _without_subjects(make_case)
    api = Api(token_for(officer_a))
    detail = api.get(f"/requests/{case.reference}").json()
    (gap,) = [g for g in detail["checklist"] if g["id"] == "subject-users"]
    assert gap["blocking"] is False
    submitted = api.post(
        f"/requests/{case.reference}/submit",
        json={"accept_incomplete": False, "terms_acknowledged": True},
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"


def test_blocking_in_the_profile_decides(settings, tmp_path, client, make_case, officer_a):
    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {'fields = ["targets"]\nblocking = false\n': 'fields = ["targets"]\nblocking = true\n'},
    )
    case = _without_subjects(make_case)
    assert client.login(username=officer_a.username, password=PASSWORD)
    review = reverse("portal-request-step", args=[case.reference, "review"])
    response = client.post(review, {"terms_acknowledged": "on"})
    assert response.status_code == 409
    assert "identify the subject users" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT

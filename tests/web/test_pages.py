"""The pages scope every case to who asks; domain errors map to HTTP statuses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.get(reverse("account_login")).status_code == 200


def test_officer_sees_own_case_in_the_portal(client, make_case, officer_a):
    case = make_case(State.SUBMITTED)
    login(client, officer_a)
    listing = client.get(reverse("portal-cases"))
    assert case.reference in listing.content.decode()
    page = client.get(reverse("portal-case", args=[case.reference]))
    assert page.status_code == 200
    assert "compliance team will triage" in page.content.decode()


def test_officer_cannot_open_other_agency_case(client, make_case, officer_b):
    case = make_case(State.SUBMITTED)
    login(client, officer_b)
    assert case.reference not in client.get(reverse("portal-cases")).content.decode()
    assert client.get(reverse("portal-case", args=[case.reference])).status_code == 404
    response = client.post(reverse("portal-withdraw", args=[case.reference]), {"reason": "x"})
    assert response.status_code == 404


def test_officer_not_on_the_case_gets_404_but_the_agency_admin_sees_it(
    client, make_case, colleague_a, agency_admin_a
):
    case = make_case(State.SUBMITTED)
    login(client, colleague_a)
    assert client.get(reverse("portal-case", args=[case.reference])).status_code == 404
    client.logout()
    login(client, agency_admin_a)
    assert client.get(reverse("portal-case", args=[case.reference])).status_code == 200


def test_officers_cannot_open_the_staff_pages(client, make_case, officer_a):
    case = make_case(State.SUBMITTED)
    login(client, officer_a)
    assert client.get(reverse("workbench-case", args=[case.reference])).status_code == 404
    assert client.get(reverse("home")).status_code == 302  # to the portal


def test_staff_queue_lists_urgent_first(client, make_case, analyst):
    standard = make_case(State.SUBMITTED)
    urgent = make_case(State.SUBMITTED, urgency="emergency")
    login(client, analyst)
    body = client.get(reverse("home")).content.decode()
    assert body.index(urgent.reference) < body.index(standard.reference)


def test_staff_reading_a_case_is_audited(client, make_case, analyst):
    case = make_case(State.SUBMITTED)
    login(client, analyst)
    assert client.get(reverse("workbench-case", args=[case.reference])).status_code == 200
    assert AuditEvent.objects.filter(
        action="case.viewed", case_ref=case.reference, actor_id=analyst.pk
    ).exists()


def test_a_transition_through_the_page(client, make_case, analyst):
    case = make_case(State.SUBMITTED)
    login(client, analyst)
    response = client.post(reverse("workbench-transition", args=[case.reference, "start_triage"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.TRIAGE


def test_an_illegal_transition_is_409(client, make_case, analyst):
    case = make_case(State.SUBMITTED)
    login(client, analyst)
    response = client.post(
        reverse("workbench-transition", args=[case.reference, "verify"]), {"text": "ok"}
    )
    assert response.status_code == 409
    assert "“Verified” is not possible: the request is submitted." in response.content.decode()
    json_response = client.post(
        reverse("workbench-transition", args=[case.reference, "verify"]),
        {"text": "ok"},
        HTTP_ACCEPT="application/json",
    )
    assert json_response.status_code == 409
    assert json_response.json()["error"]["code"] == "illegal_transition"


def test_a_move_the_role_does_not_allow_is_403(client, make_case, auditor):
    case = make_case(State.SUBMITTED)
    login(client, auditor)
    response = client.post(reverse("workbench-transition", args=[case.reference, "start_triage"]))
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == State.SUBMITTED


def test_officer_withdraws_from_the_portal(client, make_case, officer_a):
    case = make_case(State.SUBMITTED)
    login(client, officer_a)
    response = client.post(
        reverse("portal-withdraw", args=[case.reference]), {"reason": "Done.", "confirm": "on"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN


@pytest.mark.req("HX-14")
def test_officers_see_the_review_clock_only_where_the_profile_publishes_it(
    client, settings, make_case, officer_a
):
    settings.LERS_POLICY = "hx97"  # 5-15 business days, published
    case = make_case(State.SUBMITTED)
    login(client, officer_a)
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Review and decision" in page
    settings.LERS_POLICY = "binance"  # an internal target only
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Review and decision" not in page


@pytest.mark.req("X-04")
def test_the_officers_case_page_reads_the_same_whatever_the_number_of_officers(
    client, make_case, officer_a, colleague_a, small_exchange
):
    """issue 17.6: the case page's queries do not grow with what it lists (no query per
    officer on the case); the list page's stay few."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lers.cases import services
    from lers.cases.lifecycle import State

    case = make_case(State.LEGAL_REVIEW)
    client.force_login(officer_a)
    url = reverse("portal-case", args=[case.reference])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen.captured_queries)

    queries()  # the first pages fill what the process caches
    alone = queries()
    services.case_add_officer(case=case, by=officer_a, colleague=colleague_a.officer)
    # one more officer listed, no more queries (here one fewer: no colleague is left to offer)
    assert queries() <= alone <= 23
    with CaptureQueriesContext(connection) as seen:
        assert client.get(reverse("portal-cases")).status_code == 200
    assert len(seen.captured_queries) <= 6


@pytest.mark.req("X-04")
def test_the_staff_case_page_reads_the_same_whatever_the_number_of_targets(
    client, make_case, officer_a, analyst, small_exchange
):
    """issue 17.6: targets, their candidate accounts and the officers are read once each, not
    once per row (nor once per place the page lists them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lers.cases import services

    def triaged(extra: list[str]):
        case = make_case(State.DRAFT)
        for value in extra:
            services.target_add(case=case, by=officer_a, kind="email", value=value)
        services.case_submit(case=case, by=officer_a, accept_incomplete=True)
        case = services.case_start_triage(case=case, by=analyst)
        services.case_resolve_targets(case=case, by=analyst)  # each target lists its accounts
        return case

    def queries(case) -> int:
        url = reverse("workbench-case", args=[case.reference])
        client.get(url)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen.captured_queries)

    client.force_login(analyst)
    fewer = triaged([])
    more = triaged(["one@example.org", "two@example.org", "three@example.org"])
    queries(fewer)  # the first pages fill what the process caches
    assert queries(more) == queries(fewer)

"""HX-14: "we typically require 5 to 15 business days for internal review. Note that complex
cases may extend this timeframe." Officers are told both numbers (the case page, the submission,
the API); staff mark a case complex with a reason, on the record, and its review clock runs
``sla.complex_extra_business_days`` longer, where ``sla.complex_cases_may_take_longer`` lets it
(binance does not: refused with the reason)."""

from __future__ import annotations

import tomllib

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from lers.accounts.models import Role
from lers.audit.models import AuditEvent
from lers.cases.calendar import due_at
from lers.cases.deadlines import calendar_of
from lers.cases.lifecycle import State
from lers.cases.models import Case, Deadline
from lers.policy.loader import PolicyError, parse, shipped_profiles
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD, make_user, run_jobs
from tests.custom_profile import custom_profile

pytestmark = [pytest.mark.django_db, pytest.mark.req("HX-14")]

AIM = "The exchange aims to answer in {} to {} business days."


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _review(case: Case) -> Deadline:
    return case.deadlines.get(kind=Deadline.Kind.REVIEW)


def _mark(client, case: Case, reason: str = "Funds split over forty wallets on five chains."):
    return client.post(
        reverse("workbench-complex", args=[case.reference]), {"reason": reason}, follow=True
    )


@pytest.mark.parametrize(("minimum", "told"), [(None, AIM.format(5, 15)), ("3", AIM.format(3, 15))])
def test_hx97_officers_are_told_the_review_time_on_submitting_and_on_the_case_page(
    settings, tmp_path, client, make_case, officer_a, minimum, told
):
    if minimum is None:
        settings.LERS_POLICY = "hx97"
    else:  # review_business_days_min is what officers read
        custom_profile(
            settings,
            tmp_path,
            "hx97",
            {"review_business_days_min = 5": f"review_business_days_min = {minimum}"},
        )
    case = make_case(State.DRAFT)
    _login(client, officer_a)
    response = client.post(
        reverse("portal-request-step", args=[case.reference, "review"]),
        {"terms_acknowledged": "on"},
        follow=True,
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(told in m for m in flashed) or told in response.content.decode()
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert 'id="review-time"' in page and told in page
    detail = Api(token_for(officer_a)).get(f"/requests/{case.reference}").json()
    assert detail["review_expectation"] == told


def test_binance_publishes_no_review_time(client, make_case, officer_a):
    case = make_case(State.SUBMITTED)  # binance: review_target_published = false
    _login(client, officer_a)
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "aims to answer" not in page and 'id="review-time"' not in page


def test_hx97_staff_mark_a_case_complex_and_its_review_clock_runs_longer(
    settings, client, make_case, analyst, officer_a
):
    settings.LERS_POLICY = "hx97"
    case = make_case(State.TRIAGE)
    clock = _review(case)
    assert clock.length == 15
    _login(client, analyst)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert reverse("workbench-complex", args=[case.reference]) in page
    assert "the review may take 15 more business days" in page

    # A reason is needed; without one nothing changes.
    _mark(client, case, reason=" ")
    case.refresh_from_db()
    assert case.complex_at is None and _review(case).length == 15
    mail.outbox.clear()

    page = _mark(client, case).content.decode()
    assert "Marked complex" in page and "forty wallets" in page
    case.refresh_from_db()
    assert case.complex_at is not None and case.complex_by == analyst
    clock = _review(case)
    assert clock.length == 30
    expected = due_at(calendar_of(case), clock.started_at, "business_days", 30)
    assert clock.due_at == expected
    event = AuditEvent.objects.get(action="case.marked_complex", case_ref=case.reference)
    assert event.actor_id == analyst.pk and "forty wallets" in event.payload["reason"]
    assert event.payload["extra_business_days"] == 15
    assert AuditEvent.objects.filter(action="deadline.extended", case_ref=case.reference).exists()

    # The officer is told, by email and on the case page.
    run_jobs()
    (notice,) = [m for m in mail.outbox if officer_a.email in m.to and "complex" in m.subject]
    assert "15 more business days" in notice.body
    _login(client, officer_a)
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert AIM.format(5, 15) in page
    assert "marked this request as complex: the review may take up to 15 more business days" in page

    # Once is enough.
    _login(client, analyst)
    again = _mark(client, case).content.decode()
    assert "already marked complex" in again
    assert _review(case).length == 30


def test_binance_refuses_to_mark_a_case_complex_with_the_reason(client, make_case, analyst):
    case = make_case(State.TRIAGE)
    before = _review(case).due_at
    _login(client, analyst)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert 'id="complex-refused"' in page
    assert reverse("workbench-complex", args=[case.reference]) not in page
    response = _mark(client, case)
    assert "does not let a complex case take longer" in response.content.decode()
    case.refresh_from_db()
    assert case.complex_at is None and _review(case).due_at == before
    assert not AuditEvent.objects.filter(action="case.marked_complex").exists()
    refused = Api(token_for(analyst)).post(
        f"/cases/{case.reference}/complex", json={"reason": "Many chains."}
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "guard_failed"
    assert "does not let a complex case take longer" in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("base", "changes", "length"),
    [
        (
            "binance",
            {
                "complex_cases_may_take_longer = false": (
                    "complex_cases_may_take_longer = true\ncomplex_extra_business_days = 5"
                )
            },
            20,
        ),
        (
            "hx97",
            {
                "complex_extra_business_days = 15  # deployment choice": (
                    "complex_extra_business_days = 3"
                )
            },
            18,
        ),
    ],
)
def test_the_profile_decides_how_much_longer(
    settings, tmp_path, make_case, analyst, base, changes, length
):
    custom_profile(settings, tmp_path, base, changes)
    case = make_case(State.TRIAGE)
    detail = Api(token_for(analyst)).post(
        f"/cases/{case.reference}/complex", json={"reason": "Cross-chain laundering."}
    )
    assert detail.status_code == 200, detail.content
    assert detail.json()["complex_reason"] == "Cross-chain laundering."
    assert detail.json()["complex_at"]
    assert _review(Case.objects.get(pk=case.pk)).length == length


def test_through_the_api_and_only_by_staff_under_review(
    settings, make_case, analyst, operator, officer_a
):
    settings.LERS_POLICY = "hx97"
    case = make_case(State.AWAITING_INFORMATION)  # the clock is paused: it still lengthens
    path = f"/cases/{case.reference}/complex"
    assert Api(token_for(operator)).post(path, json={"reason": "x"}).status_code == 403
    assert Api(token_for(officer_a)).post(path, json={"reason": "x"}).status_code in (401, 403)
    stranger = Api(token_for(make_user("stranger", Role.INTAKE_ANALYST)))  # not on the case
    assert stranger.post(path, json={"reason": "x"}).status_code == 404
    done = Api(token_for(analyst)).post(path, json={"reason": "Five exchanges involved."})
    assert done.status_code == 200
    clock = _review(case)
    assert clock.status == Deadline.Status.PAUSED and clock.length == 30
    told = Api(token_for(officer_a)).get(f"/requests/{case.reference}").json()
    assert "complex" in told["review_expectation"]

    decided = make_case(State.APPROVED)
    late = Api(token_for(analyst)).post(
        f"/cases/{decided.reference}/complex", json={"reason": "Too late."}
    )
    assert late.status_code == 409 and late.json()["error"]["code"] == "illegal_transition"


def test_an_urgent_request_keeps_its_hours(settings, make_case, analyst):
    settings.LERS_POLICY = "hx97"
    case = make_case(State.TRIAGE, urgency="urgent")
    refused = Api(token_for(analyst)).post(
        f"/cases/{case.reference}/complex", json={"reason": "Many wallets."}
    )
    assert refused.status_code == 409 and "hours" in refused.json()["error"]["message"]


def test_a_permission_to_take_longer_needs_its_length():
    data = tomllib.loads(shipped_profiles()["hx97"].read_text(encoding="utf-8"))
    del data["sla"]["complex_extra_business_days"]
    with pytest.raises(PolicyError, match=r"sla\.complex_extra_business_days"):
        parse(data)
    data["sla"]["complex_cases_may_take_longer"] = False
    parse(data)
    data["sla"]["complex_extra_business_days"] = 5
    with pytest.raises(PolicyError, match=r"needs sla\.complex_cases_may_take_longer"):
        parse(data)

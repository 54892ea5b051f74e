"""The exchange's back office through the API (X-11): staff tokens list and read cases and
record decisions, within what the person may do in the workbench."""

from __future__ import annotations

import pytest

from lers.audit.models import AuditEvent
from lers.cases.models import ApprovedScope
from tests.api.conftest import Api, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11")]


def test_the_queue_shows_titles_only_of_readable_cases(make_case, analyst, officer_a):
    mine = make_case("triage")
    other = make_case("submitted", team=False)
    listed = {c["reference"]: c for c in Api(token_for(analyst)).get("/cases").json()}
    assert listed[mine.reference]["title"] == "Test" and listed[mine.reference]["readable"]
    # Nobody's yet: only the queue line, nothing the case page would show.
    assert listed[other.reference]["title"] == "" and not listed[other.reference]["readable"]
    assert "agency_case_number" not in listed[other.reference]
    new = Api(token_for(analyst)).get("/cases", data={"queue": "new"}).json()
    assert [c["reference"] for c in new] == [other.reference]


def test_reading_a_case_is_on_the_record(make_case, analyst):
    case = make_case("triage")
    detail = Api(token_for(analyst)).get(f"/cases/{case.reference}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["state"] == "triage" and "request_information" in body["actions"]
    assert str(analyst) in body["members"]
    assert AuditEvent.objects.filter(action="case.viewed", actor_id=analyst.pk).exists()


def test_ask_decline_and_approve_through_the_api(make_case, analyst, reviewer):
    asked = make_case("triage")
    api = Api(token_for(analyst))
    response = api.post(
        f"/cases/{asked.reference}/decisions",
        json={"decision": "request_information", "question": "Which wallet is the victim's?"},
    )
    assert response.status_code == 200 and response.json()["state"] == "awaiting_information"

    declined = make_case("triage")
    empty = api.post(f"/cases/{declined.reference}/decisions", json={"decision": "decline"})
    assert empty.status_code == 409 and empty.json()["error"]["code"] == "guard_failed"
    reason = "not_law_enforcement"
    response = api.post(
        f"/cases/{declined.reference}/decisions",
        json={"decision": "decline", "reasons": [reason], "message": "Not a police body."},
    )
    assert response.status_code == 200 and response.json()["state"] == "declined"
    assert response.json()["decline_reasons"] == [reason]

    review = make_case("legal_review")
    approve = {
        "decision": "approve",
        "note": "KYC only.",
        "scope": {"categories": ["kyc"]},
        "without_accounts": True,  # no account resolved in this case
    }
    # The analyst may not approve: the same rule as the workbench.
    refused = api.post(f"/cases/{review.reference}/decisions", json=approve)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_permitted"
    approved = Api(token_for(reviewer)).post(f"/cases/{review.reference}/decisions", json=approve)
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert ApprovedScope.objects.get(case=review).categories == ["kyc"]


def test_a_scope_wider_than_the_request_is_refused(make_case, reviewer):
    review = make_case("legal_review")
    wider = {"decision": "approve", "note": "x", "scope": {"categories": ["kyc", "devices"]}}
    response = Api(token_for(reviewer)).post(f"/cases/{review.reference}/decisions", json=wider)
    assert response.status_code in (409, 422)
    assert response.json()["error"]["message"]


def test_an_auditor_reads_every_case_and_decides_nothing(make_case, auditor):
    case = make_case("triage")
    api = Api(token_for(auditor, ["cases:read"]))
    assert api.get(f"/cases/{case.reference}").status_code == 200
    refused = api.post(
        f"/cases/{case.reference}/decisions",
        json={"decision": "request_information", "question": "?"},
    )
    assert refused.status_code == 403


def test_a_staff_token_cannot_use_the_agency_operations(make_case, analyst):
    make_case("triage")
    assert Api(token_for(analyst)).get("/requests").status_code == 403

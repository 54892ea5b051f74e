"""Cross-border is derived, not declared (JU-12): "If a request is submitted by a foreign law
enforcement agency and involves entities or user data located in other countries/regions,
submission is generally required through formal channels such as MLAT". lers compares the
agency's country with the handling entity's jurisdiction; an agency that ticks nothing still
gets the rule; staff correct it with a reason, on the record, on the page and in the API."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.jurisdiction import cross_border_of
from lers.cases.lifecycle import State
from lers.cases.models import Case, Entity
from lers.cases.services.document_checks import document_seal_check
from lers.cases.services.verification import callback_required
from lers.core.errors import IllegalTransition
from lers.core.policy import active_policy
from lers.demo.services import complete_request
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-12")]


@pytest.fixture
def ju(settings, db):
    """The ju profile with its entities (Seychelles and Hong Kong), as `lers entities sync`
    makes them."""
    settings.LERS_POLICY = "ju"
    cases.entities_sync(by=None)


def draft_in_portal(client, officer_user) -> Case:
    """A draft made through the portal's own form (the officer is asked nothing about borders)."""
    client.logout()
    assert client.login(username=officer_user.username, password=PASSWORD)
    response = client.post(
        reverse("portal-request-new"),
        {"request_types": ["information"], "urgency": "standard", "title": "Borders"},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    return Case.objects.latest("pk")


def checklist(client, case: Case) -> str:
    page = client.get(reverse("portal-request-step", args=[case.reference, "documents"]))
    assert page.status_code == 200
    return page.content.decode()


def test_a_foreign_agency_that_ticks_nothing_gets_the_cross_border_rule(ju, client, officer_a):
    # Agency A is in GB; ju's entities are in SC and HK.
    case = draft_in_portal(client, officer_a)
    form = client.get(reverse("portal-request-step", args=[case.reference, "legal"]))
    assert 'name="cross_border"' not in form.content.decode()  # nothing to tick
    page = checklist(client, case)
    assert "A cross-border request needs the MLAT" in page
    found = cross_border_of(case)
    assert (found.value, found.derived, found.corrected) == (True, True, False)
    assert (found.agency_country, found.jurisdictions) == ("GB", ("HK", "SC"))


def test_an_agency_in_the_country_of_an_entity_is_domestic_until_routed_elsewhere(
    ju, client, officer_b
):
    case = draft_in_portal(client, officer_b)  # agency B is in HK
    assert "A cross-border request needs the MLAT" not in checklist(client, case)
    case.entity = Entity.objects.get(code="ju_global")  # the Seychelles entity
    case.save(update_fields=["entity"])
    assert cross_border_of(case).value is True
    case.entity = Entity.objects.get(code="ju_hk")
    case.save(update_fields=["entity"])
    assert cross_border_of(case).value is False


def submitted(officer_user) -> Case:
    case = cases.case_create(
        officer_user=officer_user, request_types=["information"], title="Cross-border"
    )
    complete_request(case, officer_user.officer)
    return cases.case_submit(case=case, by=officer_user, accept_incomplete=True)


def taken(client, analyst, case: Case) -> None:
    client.logout()
    assert client.login(username=analyst.username, password=PASSWORD)
    assert client.post(reverse("workbench-take", args=[case.reference])).status_code == 302


def test_staff_correct_it_on_the_case_page_with_a_reason_and_can_undo_it(
    ju, client, officer_b, analyst
):
    case = submitted(officer_b)  # HK agency: domestic as derived
    taken(client, analyst, case)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert 'id="cross-border"' in page and "Treated as domestic" in page
    url = reverse("workbench-cross-border", args=[case.reference])

    refused = client.post(url, {"value": "yes", "reason": "  "}, follow=True)
    assert "say why the request is or is not cross-border" in refused.content.decode()
    case.refresh_from_db()
    assert case.cross_border_corrected is None

    reason = "The agency acts for a foreign court; the user data sits in Seychelles"
    assert client.post(url, {"value": "yes", "reason": reason}).status_code == 302
    case.refresh_from_db()
    assert cross_border_of(case).value is True
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert "Treated as cross-border" in page and reason in page
    event = AuditEvent.objects.get(action="case.cross_border_corrected", case_ref=case.reference)
    assert event.actor_id == analyst.pk
    assert event.payload["from"] is False and event.payload["to"] is True
    assert event.payload["derived"] is False and event.payload["reason"] == reason

    # The officer sees what the exchange treats the request as.
    client.logout()
    assert client.login(username=officer_b.username, password=PASSWORD)
    officer_page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "The exchange treats this request as cross-border." in officer_page

    client.logout()
    assert client.login(username=analyst.username, password=PASSWORD)
    assert client.post(url, {"value": "derived", "reason": "Checked again"}).status_code == 302
    case.refresh_from_db()
    assert case.cross_border_corrected is None and cross_border_of(case).value is False
    assert AuditEvent.objects.filter(action="case.cross_border_corrected").count() == 2


def test_the_correction_decides_the_review_and_is_closed_after_the_decision(
    ju, officer_b, analyst, reviewer
):
    # Agency B (HK) drafted it as domestic (no MLAT); triage routed it to the Seychelles entity.
    agency = officer_b.officer.agency
    agency.switchboard_phone = "+85228600000"  # the directory number a call-back confirms
    agency.save(update_fields=["switchboard_phone"])
    case = submitted(officer_b)
    with transaction.atomic():
        for user in (analyst, reviewer):
            cases.member_add(case=case, user=user, by=analyst)
    case = cases.case_start_triage(case=case, by=analyst)
    case = cases.case_route(case=case, by=analyst, entity=Entity.objects.get(code="ju_global"))
    case = cases.case_send_to_verification(case=case, by=analyst)
    for document in case.documents.filter(doc_type__in=active_policy().sealed_documents()):
        document_seal_check(document=document, by=analyst, present=True)  # JU-18
    if callback_required(case):
        cases.callback_record(case=case, by=analyst, number="+85228600000", outcome="confirmed")
    case = cases.case_verify(case=case, by=analyst, note="Verified")
    assert case.state == State.LEGAL_REVIEW
    assert cases.cross_border_limit(case) == "general_information_only"
    cases.case_cross_border_correct(
        case=case, by=reviewer, value=False, reason="Treaty partner: domestic treatment"
    )
    case.refresh_from_db()
    assert cases.cross_border_limit(case) is None
    cases.case_approve(case=case, by=reviewer, note="In full", without_accounts=True)
    with pytest.raises(IllegalTransition, match="settled before the decision"):
        cases.case_cross_border_correct(case=case, by=reviewer, value=True, reason="late")


def test_staff_correct_it_in_the_api(ju, client, officer_b, analyst):
    case = submitted(officer_b)
    taken(client, analyst, case)
    api = Api(token_for(analyst))
    before = api.get(f"/cases/{case.reference}")
    assert before.status_code == 200
    assert before.json()["cross_border"] is False
    assert before.json()["cross_border_detail"]["jurisdictions"] == ["HK", "SC"]

    missing = api.post(f"/cases/{case.reference}/cross-border", json={"value": True})
    assert missing.status_code == 422
    answer = api.post(
        f"/cases/{case.reference}/cross-border",
        json={"value": True, "reason": "The data sits with the Seychelles entity"},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["cross_border"] is True
    assert body["cross_border_detail"]["corrected"] is True
    assert body["cross_border_detail"]["derived"] is False
    assert AuditEvent.objects.filter(
        action="case.cross_border_corrected", actor_id=analyst.pk, case_ref=case.reference
    ).exists()

    # The officer's API says what the exchange treats it as; the officer cannot set it.
    officer_api = Api(token_for(officer_b))
    assert officer_api.get(f"/requests/{case.reference}").json()["cross_border"] is True

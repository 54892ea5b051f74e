"""Whom the exchange serves, at the submission of a request through the portal's form (JU-02,
HX-01, HX-03, BN-01): hx97 and binance record the matter type and serve criminal matters only;
an address the profile does not take, or an agency that lists no domains, is refused with the
reason or held for staff, who clear the hold with a note before verification."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lers.accounts.mfa import totp_provision
from lers.accounts.models import User
from lers.agencies.models import Agency, Officer
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.demo.services import DEMO_PDF
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.custom_profile import custom_profile

pytestmark = pytest.mark.django_db

REFUSED_CIVIL = "serves criminal investigations only; this request is about: a civil matter"
NOT_GOVERNMENT = "only from an official government email address"


@pytest.fixture
def hx97(settings):
    settings.LERS_POLICY = "hx97"


@pytest.fixture
def ju(settings):
    settings.LERS_POLICY = "ju"


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def step(case, page: str) -> str:
    return reverse("portal-request-step", args=[case.reference, page])


def legal(client, case, matter_type: str):
    """The legal step of the form, as the officer posts it (the draft's other values kept)."""
    return client.post(
        step(case, "legal"),
        {
            "legal_instrument": case.legal_instrument,
            "legal_basis": case.legal_basis,
            "legal_clauses": case.legal_clauses,
            "language": case.language,
            "matter_type": matter_type,
        },
    )


def submit(client, case):
    return client.post(
        step(case, "review"), {"terms_acknowledged": "on", "confirm_incomplete": "1"}
    )


def served(action: str, case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, case_ref=case.reference))


@pytest.mark.req("HX-01")
def test_hx97_records_the_matter_type_and_refuses_a_civil_matter_with_the_reason(
    hx97, client, make_case, officer_a
):
    case = make_case()
    signed_in(client, officer_a)
    page = client.get(step(case, "legal")).content.decode()
    assert "What is the request about?" in page and 'value="civil"' in page
    assert legal(client, case, "civil").status_code == 302
    case.refresh_from_db()
    assert case.matter_type == "civil"

    refused = submit(client, case)
    assert refused.status_code == 403
    assert REFUSED_CIVIL in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT
    (event,) = served("served.refused", case)
    assert event.payload["door"] == "submission" and event.payload["matter_type"] == "civil"

    legal(client, case, "criminal")
    assert submit(client, case).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.matter_type, case.served_holds) == (State.SUBMITTED, "criminal", [])
    assert served("served.accepted", case)


@pytest.mark.req("HX-01", "BN-01")
@pytest.mark.parametrize("profile", ["hx97", "binance"])
def test_the_checklist_asks_the_matter_type_where_criminal_matters_only_are_served(
    settings, client, make_case, officer_a, profile
):
    settings.LERS_POLICY = profile
    case = make_case()
    legal(signed_in(client, officer_a), case, "")
    review = client.get(step(case, "review")).content.decode()
    assert "Say what the request is about" in review


@pytest.mark.req("JU-02")
def test_ju_asks_no_matter_type(ju, client, make_case, officer_a):
    case = make_case()
    page = signed_in(client, officer_a).get(step(case, "legal")).content.decode()
    assert "What is the request about?" not in page


@pytest.fixture
def hx97_holds(settings, tmp_path):
    custom_profile(settings, tmp_path, "hx97", {'not_served = "refuse"': 'not_served = "hold"'})


@pytest.mark.req("HX-01")
def test_a_held_civil_matter_goes_to_verification_only_once_staff_clear_the_hold(
    hx97_holds, client, make_case, officer_a, analyst
):
    """``served.not_served = "hold"``: the request is submitted, held with the reason; the
    analyst sees it, cannot send it to verification, clears it with a note (on the record)."""
    case = make_case()
    legal(signed_in(client, officer_a), case, "civil")
    assert submit(client, case).status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert [h["code"] for h in case.served_holds] == ["matter_type"]
    assert served("served.held", case)
    client.logout()

    signed_in(client, analyst)
    client.post(reverse("workbench-take", args=[case.reference]))
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert "Held for a person" in page and "a civil matter" in page
    sent = client.post(
        reverse("workbench-transition", args=[case.reference, "send_to_verification"])
    )
    case.refresh_from_db()
    assert case.state == State.TRIAGE
    assert sent.status_code == 409 and "The request is held" in sent.content.decode()
    api = Api(token_for(analyst))
    detail = api.get(f"/cases/{case.reference}").json()
    assert detail["held"] is True and detail["served_holds"][0]["code"] == "matter_type"
    assert api.post(f"/cases/{case.reference}/hold/clear", json={}).status_code == 422
    cleared = api.post(
        f"/cases/{case.reference}/hold/clear",
        json={"note": "The agency confirmed a criminal fraud investigation runs alongside."},
    )
    assert cleared.status_code == 200 and cleared.json()["held"] is False
    case.refresh_from_db()
    assert case.served_hold_cleared_by == analyst and case.served_hold_note
    assert served("served.hold_cleared", case)
    client.post(reverse("workbench-transition", args=[case.reference, "send_to_verification"]))
    case.refresh_from_db()
    assert case.state == State.VERIFICATION


def officer_at(agency: Agency, email: str) -> User:
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    Officer.objects.create(
        user=user,
        agency=agency,
        office_phone="+442079460000",
        mobile_phone="+447700900000",
        status=Officer.Status.ACTIVE,
    )
    totp_provision(user, TOTP_SECRET)
    return user


@pytest.mark.req("HX-03")
def test_hx97_refuses_a_submission_from_an_address_that_is_not_a_government_one(
    hx97, settings, tmp_path, client, make_case, agency_a
):
    personal = officer_at(agency_a, "sam.smith@gmail.com")
    case = make_case(officer=personal)
    refused = submit(signed_in(client, personal), case)
    assert refused.status_code == 403 and NOT_GOVERNMENT in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT

    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {'non_government_email = "refuse"': 'non_government_email = "hold"'},
    )
    assert submit(client, case).status_code == 302
    case.refresh_from_db()
    assert [h["code"] for h in case.served_holds] == ["non_government_email"]


@pytest.mark.req("JU-02", "JU-03")
def test_ju_takes_a_submission_from_a_personal_address_with_the_written_authorisation(
    ju, client, make_case, agency_a
):
    personal = officer_at(agency_a, "sam.smith@gmail.com")
    case = make_case(officer=personal)
    refused = submit(signed_in(client, personal), case)
    assert refused.status_code == 403
    assert "written authorisation from your agency&#x27;s government mailbox" in (
        refused.content.decode()
    )
    client.post(
        step(case, "documents"),
        {
            "doc_type": "authorisation_letter",
            "file": SimpleUploadedFile("authorisation.pdf", DEMO_PDF),
        },
    )
    assert submit(client, case).status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert [h["code"] for h in case.served_holds] == ["personal_email"]


@pytest.mark.req("BN-01", "X-05")
def test_a_request_from_an_agency_that_lists_no_domains_is_held_not_passed(client, make_case):
    """The agency's listed domains vouch for the officer's address; where it lists none, the
    request is held for staff with the reason (before, it passed silently)."""
    bare = Agency.objects.create(name="City Police", country="GB", switchboard_phone="+4420")
    officer = officer_at(bare, "pc.jones@met.police.uk")
    case = make_case(officer=officer)
    assert submit(signed_in(client, officer), case).status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    (hold,) = case.served_holds
    assert hold["code"] == "agency_domain" and "lists no email domains" in hold["reason"]

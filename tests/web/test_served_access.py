"""Whom the exchange serves, at the first door: the officer's access request through the
portal's pages and its review in the workbench (JU-02, HX-01, HX-03, BN-01). The profile
refuses a requester it does not serve with the reason on the page, or holds the request for the
reviewer, who approves it only with a note; every decision is an audit row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from lers.accounts.mfa import totp_code
from lers.accounts.models import User
from lers.agencies.models import AccessRequest, Agency, Officer
from lers.audit.models import AuditEvent
from lers.jobs.models import Job
from tests.conftest import PASSWORD
from tests.custom_profile import custom_profile
from tests.web.pages import ACCESS_FORM, PNG, mailed_code, secret_on_page

pytestmark = pytest.mark.django_db

FORM = {**ACCESS_FORM, "terms_acknowledged": "on"}


def sign_up(client, **changes: str):
    return client.post(reverse("portal-access"), {**FORM, **changes})


def apply(client, *, proofs: tuple[str, ...] = (), **changes: str) -> AccessRequest:
    """The whole way in through the pages: the form, the mailbox code, the second factor, the
    proofs of authority; then signed out, the request waiting for review."""
    assert sign_up(client, **changes).status_code == 302
    confirmed = client.post(reverse("portal-access-confirm"), {"code": mailed_code()})
    assert confirmed["Location"] == reverse("mfa_activate_totp")
    secret = secret_on_page(client.get(reverse("mfa_activate_totp")))
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    for doc_type in proofs:
        upload = client.post(
            reverse("portal-access-proof"),
            {"doc_type": doc_type, "file": SimpleUploadedFile(f"{doc_type}.png", PNG)},
        )
        assert upload.status_code == 302, upload.content.decode()[-800:]
    client.logout()
    found = AccessRequest.objects.get(user__email=changes.get("email", FORM["email"]))
    assert found.status == AccessRequest.Status.SUBMITTED
    return found


def decide(client, analyst, access_request: AccessRequest, **data: str) -> str:
    """The reviewer approves on the request's page; returns the page it comes back to."""
    client.login(username=analyst.username, password=PASSWORD)
    response = client.post(
        reverse("workbench-access-decide", args=[access_request.pk]),
        {"decision": "approve", "agency": "new", "kind": "police", **data},
        follow=True,
    )
    client.logout()
    return response.content.decode()


def served_events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.mark.req("JU-02", "HX-01", "BN-01")
@pytest.mark.parametrize("profile", ["ju", "hx97", "binance"])
@pytest.mark.parametrize("kind", ["private_party", "civil_litigant"])
def test_a_private_party_or_civil_litigant_is_refused_at_the_access_request(
    client, settings, profile, kind
):
    """None of the three guidelines serves private parties or civil litigants: the access
    request is refused with the reason on the page, nothing is created, the refusal is
    recorded."""
    settings.LERS_POLICY = profile
    page = client.get(reverse("portal-access")).content.decode()
    assert 'value="private_party"' in page and 'value="civil_litigant"' in page
    response = sign_up(client, requester_kind=kind)
    assert response.status_code == 200
    text = response.content.decode()
    assert "it does not take requests from" in text
    assert not User.objects.filter(email=FORM["email"]).exists()
    assert not AccessRequest.objects.exists() and not Job.objects.exists()
    (refused,) = served_events("served.refused")
    assert refused.payload["door"] == "access" and refused.payload["profile"] == profile
    assert [f["code"] for f in refused.payload["findings"]] == ["requester_kind"]


@pytest.mark.req("HX-01")
def test_a_profile_that_holds_the_unserved_lets_the_reviewer_decide_with_a_note(
    client, settings, tmp_path, analyst
):
    """``served.not_served = "hold"``: the civil litigant's request waits for the reviewer,
    the reason shown; approving it takes a note, which goes on the record."""
    custom_profile(settings, tmp_path, "hx97", {'not_served = "refuse"': 'not_served = "hold"'})
    held = apply(client, proofs=("badge_photo",), requester_kind="civil_litigant")
    assert held.requester_kind == "civil_litigant"
    assert [h["code"] for h in held.served_holds] == ["requester_kind"]
    assert served_events("served.held")[0].object_id == str(held.pk)

    client.login(username=analyst.username, password=PASSWORD)
    queue = client.get(reverse("workbench-access")).content.decode()
    assert 'data-held="1"' in queue
    detail = client.get(reverse("workbench-access-detail", args=[held.pk])).content.decode()
    assert "Held for a person" in detail and "civil proceedings" in detail
    client.logout()

    page = decide(client, analyst, held)
    assert "This request is held" in page
    held.refresh_from_db()
    assert held.status == AccessRequest.Status.SUBMITTED
    decide(client, analyst, held, hold_note="Confirmed by phone: a prosecutor, not a litigant.")
    held.refresh_from_db()
    assert held.status == AccessRequest.Status.APPROVED
    approved = AuditEvent.objects.get(action="access.approved")
    assert approved.payload["hold_note"].startswith("Confirmed by phone")
    assert [h["code"] for h in approved.payload["holds"]] == ["requester_kind"]


@pytest.mark.req("HX-03")
def test_hx97_refuses_an_access_request_from_an_address_that_is_not_a_government_one(
    client, settings, tmp_path
):
    settings.LERS_POLICY = "hx97"
    response = sign_up(client, email="sam.smith@gmail.com")
    assert response.status_code == 200
    assert "only from an official government email address" in response.content.decode()
    assert not AccessRequest.objects.exists()
    (refused,) = served_events("served.refused")
    assert refused.payload["findings"][0]["code"] == "non_government_email"
    assert refused.payload["email_domain"] == "gmail.com"

    # The same profile with `non_government_email = "hold"`: the request waits for staff.
    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {'non_government_email = "refuse"': 'non_government_email = "hold"'},
    )
    assert sign_up(client, email="sam.smith@gmail.com").status_code == 302
    held = AccessRequest.objects.get()
    assert [h["code"] for h in held.served_holds] == ["non_government_email"]
    assert "gmail.com is not a government domain" in held.served_holds[0]["reason"]


@pytest.mark.req("BN-01", "X-05")
def test_binance_takes_any_address_for_review_and_shows_the_registrys_verdict(client, analyst):
    """Binance's guideline names no email rule (``non_government_email = "accept"``): no hold,
    the reviewer sees the registry's verdict as before."""
    taken = apply(client, proofs=("officer_id",), email="sam.smith@gmail.com")
    assert taken.served_holds == [] and taken.domain_status == "outside"
    assert served_events("served.accepted")
    client.login(username=analyst.username, password=PASSWORD)
    detail = client.get(reverse("workbench-access-detail", args=[taken.pk])).content.decode()
    assert "outside" in detail and "Held for a person" not in detail


@pytest.mark.req("JU-02", "JU-03")
def test_ju_takes_a_personal_address_only_with_the_written_authorisation(client, settings, analyst):
    """Ju's seed: "provide written authorization from the government domain email to the
    officer's personal email" — the request is held; it is approved only with that document
    among the proofs, and with the reviewer's note."""
    settings.LERS_POLICY = "ju"
    held = apply(client, proofs=("officer_id",), email="sam.smith@gmail.com")
    assert [h["code"] for h in held.served_holds] == ["personal_email"]
    assert "written authorisation" in held.served_holds[0]["reason"]

    page = decide(client, analyst, held, hold_note="Checked.")
    assert "approved only with Written authorisation" in page
    held.refresh_from_db()
    assert held.status == AccessRequest.Status.SUBMITTED

    client.login(username="sam.smith@gmail.com", password=FORM["password"])
    status = client.get(reverse("portal-access-status")).content.decode()
    assert 'id="authorisation-missing"' in status
    client.post(
        reverse("portal-access-proof"),
        {
            "doc_type": "authorisation_letter",
            "file": SimpleUploadedFile("authorisation.png", PNG),
        },
    )
    status = client.get(reverse("portal-access-status")).content.decode()
    assert 'id="authorisation-missing"' not in status
    client.logout()
    assert "This request is held" in decide(client, analyst, held)
    decide(client, analyst, held, hold_note="Authorisation from the bureau's mailbox, verified.")
    officer = Officer.objects.get(user__email="sam.smith@gmail.com")
    # The personal domain does not become the agency's: it would vouch for anyone at gmail.com.
    assert officer.agency.email_domains == []


@pytest.mark.req("JU-02", "JU-03")
def test_without_the_exception_ju_holds_or_refuses_a_personal_address_as_its_key_says(
    client, settings, tmp_path
):
    written = 'personal_email_with_written_authorisation = "authorisation_letter"\n'
    custom_profile(settings, tmp_path, "ju", {written: ""}, name="ju_no_exception")
    assert sign_up(client, email="sam.smith@gmail.com").status_code == 302
    held = AccessRequest.objects.get()
    assert [h["code"] for h in held.served_holds] == ["non_government_email"]

    custom_profile(
        settings,
        tmp_path,
        "ju",
        {written: "", 'non_government_email = "hold"': 'non_government_email = "refuse"'},
        name="ju_refuses",
    )
    response = sign_up(client, email="jo.bloggs@gmail.com")
    assert "only from an official government email address" in response.content.decode()
    assert not AccessRequest.objects.filter(user__email="jo.bloggs@gmail.com").exists()


@pytest.mark.req("HX-03", "X-05")
def test_approval_into_an_agency_that_lists_no_domains_is_held_for_a_note(client, analyst):
    """An agency without listed email domains cannot vouch for the address: the approval does
    not pass silently, it takes the reviewer's note, on the record."""
    bare = Agency.objects.create(name="Metropolitan Police Service", country="GB")
    access_request = apply(client, proofs=("officer_id",))
    assert access_request.served_holds == []
    page = decide(client, analyst, access_request, agency=str(bare.pk))
    assert "lists no email domains" in page
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED
    decide(client, analyst, access_request, agency=str(bare.pk), hold_note="Called the force.")
    approved = AuditEvent.objects.get(action="access.approved")
    assert [h["code"] for h in approved.payload["holds"]] == ["agency_domain"]
    assert approved.payload["hold_note"] == "Called the force."


def enrol_with_proof(client, doc_type: str) -> AccessRequest:
    """The pages a new officer goes through: form, mailbox code, second factor, a proof."""
    assert sign_up(client).status_code == 302
    client.post(reverse("portal-access-confirm"), {"code": mailed_code()})
    secret = secret_on_page(client.get(reverse("mfa_activate_totp")))
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    client.post(
        reverse("portal-access-proof"),
        {"doc_type": doc_type, "file": SimpleUploadedFile(f"{doc_type}.png", PNG)},
    )
    return AccessRequest.objects.get(user__email=FORM["email"])


@pytest.fixture
def met_police(db):
    return Agency.objects.create(
        name="Metropolitan Police Service", country="GB", email_domains=["met.police.uk"]
    )


@pytest.mark.req("HX-03")
def test_hx97_asks_no_approval_first_a_registry_address_of_a_known_agency_goes_on(
    client, settings, met_police
):
    """``intake.access_approval_required = false`` (97 takes requests "from a government-domain
    email with badge or authorisation letter"): once the mailbox is confirmed and the badge
    attached, lers approves the officer into the agency whose domains cover the address; the
    approval is on the record as lers's own, and each request is still verified."""
    settings.LERS_POLICY = "hx97"
    found = enrol_with_proof(client, "badge_photo")
    assert found.status == AccessRequest.Status.APPROVED and found.decided_by is None
    officer = Officer.objects.get(user=found.user)
    assert officer.agency == met_police and officer.status == Officer.Status.ACTIVE
    (approved,) = served_events("access.approved")
    assert approved.actor_id is None and approved.payload["automatic"] is True


@pytest.mark.req("BN-02")
def test_where_approval_comes_first_the_same_officer_waits_for_a_person(
    client, settings, met_police
):
    settings.LERS_POLICY = "binance"  # access_approval_required = true
    found = enrol_with_proof(client, "officer_id")
    assert found.status == AccessRequest.Status.SUBMITTED
    assert not Officer.objects.filter(user=found.user).exists()


def test_no_known_agency_for_the_address_leaves_it_to_a_person(client, settings):
    settings.LERS_POLICY = "hx97"
    found = enrol_with_proof(client, "badge_photo")
    assert found.status == AccessRequest.Status.SUBMITTED

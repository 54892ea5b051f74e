"""Requesting access through the pages, and its review by staff (BN-02, HX-03, X-05)."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from lers.accounts.mfa import totp_code
from lers.agencies.models import AccessRequest, Agency, Officer
from lers.audit.models import AuditEvent
from lers.core.policy import active_policy
from tests.conftest import PASSWORD
from tests.web.pages import ACCESS_FORM, PNG, current_step, mailed_code, secret_on_page

pytestmark = pytest.mark.django_db

FORM = ACCESS_FORM


def request_access(client) -> AccessRequest:
    response = client.post(reverse("portal-access"), FORM)
    assert response.status_code == 302
    response = client.post(reverse("portal-access-confirm"), {"code": mailed_code()})
    # X-01: the mailbox is proven and the person signed in (no second sign-in); before
    # anything else, the new account sets up its second factor.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("portal-access-status"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    secret = secret_on_page(client.get(reverse("mfa_activate_totp")))
    # allauth announces the new factor after commit; run those callbacks as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert activated.status_code == 302
    # Typing the code proved the factor: the recovery codes follow without asking the password
    # again, and lead back to where the officer was going.
    codes = client.get(activated["Location"])
    assert codes.status_code == 200, codes.get("Location")
    assert reverse("portal-access-status") in codes.content.decode()
    proof = active_policy().officer_verification.proof_of_authority_any_of[0]
    upload = client.post(
        reverse("portal-access-proof"),
        {"doc_type": proof, "file": _file("badge.png", PNG)},
    )
    assert upload.status_code == 302
    return AccessRequest.objects.get(user__email=FORM["email"])


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.req("BN-02", "HX-03")
def test_an_officer_requests_access_and_staff_approve_it(client, analyst):
    access_request = request_access(client)
    assert access_request.status == AccessRequest.Status.SUBMITTED
    status = client.get(reverse("portal-access-status")).content.decode()
    assert "Waiting for review" in status and "badge.png" in status
    client.logout()

    assert client.login(username=analyst.username, password=PASSWORD)
    queue = client.get(reverse("workbench-access")).content.decode()
    assert "dc.smith@met.police.uk" in queue
    detail = client.get(reverse("workbench-access-detail", args=[access_request.pk]))
    assert "registry" in detail.content.decode()
    proof = access_request.proofs.get()
    download = client.get(reverse("workbench-access-proof", args=[access_request.pk, proof.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="access.proof_viewed", actor_id=analyst.pk).exists()
    decided = client.post(
        reverse("workbench-access-decide", args=[access_request.pk]),
        {"decision": "approve", "agency": "new", "kind": "police"},
    )
    assert decided.status_code == 302
    officer = Officer.objects.get(user__email=FORM["email"])
    assert officer.agency == Agency.objects.get(name="Metropolitan Police Service")
    assert officer.agency.email_domains == ["met.police.uk"]
    client.logout()

    assert client.login(username=FORM["email"], password=FORM["password"])
    assert client.get(reverse("portal-cases")).status_code == 200


def test_a_failed_submit_keeps_what_was_typed(client):
    response = client.post(reverse("portal-access"), {**FORM, "office_phone": "12"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a phone number" in page or "not a valid phone number" in page
    assert 'value="Metropolitan Police Service"' in page
    assert 'value="DS Jo Jones"' in page
    assert not AccessRequest.objects.exists()


def test_signing_up_with_an_existing_address_looks_the_same(client, officer_a):
    response = client.post(reverse("portal-access"), {**FORM, "email": officer_a.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal-access-confirm")
    wrong = client.post(reverse("portal-access-confirm"), {"code": "123456"})
    assert "not right" in wrong.content.decode()


def test_an_executable_proof_is_refused_with_the_reason(client):
    request_access(client)
    proof = active_policy().officer_verification.proof_of_authority_any_of[0]
    response = client.post(
        reverse("portal-access-proof"),
        {"doc_type": proof, "file": _file("badge.pdf", b"MZ" + b"\x00" * 64)},
    )
    assert response.status_code == 400
    assert "Windows executable" in response.content.decode()


def test_staff_refuse_with_a_reason(client, analyst):
    access_request = request_access(client)
    client.logout()
    client.login(username=analyst.username, password=PASSWORD)
    client.post(
        reverse("workbench-access-decide", args=[access_request.pk]),
        {"decision": "refuse", "reason": "Could not confirm with the force."},
    )
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.REFUSED


@pytest.mark.parametrize("persona", ["officer_a", "auditor", "operator"])
def test_only_reviewers_reach_the_access_pages(client, request, persona):
    access_request = request_access(client)
    proof = access_request.proofs.get()
    client.logout()
    user = request.getfixturevalue(persona)
    client.login(username=user.username, password=PASSWORD)
    assert access_request.pk not in [
        r.pk for r in client.get(reverse("workbench-access")).context["requests"]
    ]
    for url in (
        reverse("workbench-access-detail", args=[access_request.pk]),
        reverse("workbench-access-proof", args=[access_request.pk, proof.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("workbench-access-decide", args=[access_request.pk]), {"decision": "refuse"}
    )
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name, args in (
        ("workbench-access", []),
        ("workbench-access-detail", [1]),
        ("portal-access-status", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_refused_approval_leaves_no_new_agency_behind(client, analyst):
    client.post(reverse("portal-access"), FORM)
    client.post(reverse("portal-access-confirm"), {"code": mailed_code()})
    access_request = AccessRequest.objects.get(user__email=FORM["email"])
    client.login(username=analyst.username, password=PASSWORD)
    response = client.post(
        reverse("workbench-access-decide", args=[access_request.pk]),
        {"decision": "approve", "agency": "new", "kind": "police"},
    )
    assert response.status_code == 302  # back to the request, with the reason shown
    assert not Agency.objects.filter(name=FORM["agency_name"]).exists()  # no proof attached
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


@pytest.mark.req("BN-02", "X-01")
def test_getting_access_is_one_guided_flow_with_its_steps_shown(client):
    """Official email → mailbox code → second factor → recovery codes → proof → review, with
    no second sign-in in the middle."""
    assert current_step(client.get(reverse("portal-access"))) == "email"
    client.post(reverse("portal-access"), FORM)
    assert current_step(client.get(reverse("portal-access-confirm"))) == "code"
    confirmed = client.post(reverse("portal-access-confirm"), {"code": mailed_code()})
    assert confirmed["Location"] == reverse("mfa_activate_totp")
    setup = client.get(confirmed["Location"])
    assert current_step(setup) == "factor"
    with TestCase.captureOnCommitCallbacks(execute=True):
        activated = client.post(
            reverse("mfa_activate_totp"), {"code": totp_code(secret_on_page(setup))}
        )
    codes = client.get(activated["Location"])
    assert current_step(codes) == "recovery"
    status = client.get(reverse("portal-access-status"))
    assert current_step(status) == "proof"
    proof = active_policy().officer_verification.proof_of_authority_any_of[0]
    client.post(
        reverse("portal-access-proof"), {"doc_type": proof, "file": _file("badge.png", PNG)}
    )
    assert current_step(client.get(reverse("portal-access-status"))) == "review"

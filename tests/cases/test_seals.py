"""JU-18 / JU-06 / HX-05 and the ``formats`` keys: "documents should bear official seals or valid
electronic signatures"; "a stamped and/or signed court order ... and/or an official letter". The
analyst confirms each official document's seal or signature on the workbench (who and when on
the record); where the profile requires it, verification waits for it. "PDF is recommended"
is told to officers; UTC and encryption are what lers always does, so no key."""

from __future__ import annotations

import re
import tomllib

import pytest
from django.urls import reverse

from lers.accounts.models import Role
from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document
from lers.demo.services import DEMO_PDF
from lers.policy.loader import PolicyError, parse, shipped_profiles
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD, make_user
from tests.custom_profile import custom_profile

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _verify(client, case: Case):
    return client.post(
        reverse("workbench-transition", args=[case.reference, "verify"]),
        {"text": "Call-back to the switchboard confirmed the officer."},
    )


def _sealed(case: Case) -> list[Document]:
    return list(case.documents.filter(doc_type__in=_sealed_types()).order_by("pk"))


def _seal(client, case: Case, document: Document, seal: str, note: str = ""):
    return client.post(
        reverse("workbench-document-seal", args=[case.reference, document.pk]),
        {"seal": seal, "note": note},
        follow=True,
    )


@pytest.mark.req("JU-18", "JU-06")
def test_ju_verification_waits_for_every_seal_the_analyst_confirms(
    settings, client, make_case, analyst
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.VERIFICATION)
    services.callback_record(
        case=case, by=analyst, number=case.agency.switchboard_phone, outcome="confirmed"
    )
    _login(client, analyst)
    refused = _verify(client, case)
    assert refused.status_code == 409
    assert "Confirm the seal or signature of each official document" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.VERIFICATION

    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert 'id="document-checks"' in page
    sealed = _sealed(case)
    # The case filing decision and the stamped request letter (and the MLAT documents of a
    # cross-border request).
    assert {"case_filing_decision", "official_letter"} <= {d.doc_type for d in sealed}
    for document in sealed:
        assert f'data-document="{document.pk}"' in page
        assert reverse("workbench-document-seal", args=[case.reference, document.pk]) in page
    # The officers' IDs bear no seal: nothing to confirm on them.
    officer_id = case.documents.filter(doc_type="officer_id").first()
    assert officer_id is not None
    assert reverse("workbench-document-seal", args=[case.reference, officer_id.pk]) not in page

    *first, last = sealed
    for document in first:
        _seal(client, case, document, "present")
    assert "Confirm the seal" in _verify(client, case).content.decode()  # one still unchecked
    page = _seal(client, case, last, "present").content.decode()
    assert "Seal or signature confirmed" in page and str(analyst) in page
    for document in sealed:
        document.refresh_from_db()
        assert document.seal == Document.Seal.PRESENT
        assert document.seal_checked_by == analyst and document.seal_checked_at is not None
    events = AuditEvent.objects.filter(action="case.document_seal_checked", case_ref=case.reference)
    assert [(e.actor_id, e.payload["to"]) for e in events] == [(analyst.pk, "present")] * len(
        sealed
    )

    assert _verify(client, case).status_code == 302
    case.refresh_from_db()
    assert case.state == State.LEGAL_REVIEW


@pytest.mark.req("JU-18", "JU-14", "HX-05")
@pytest.mark.parametrize("profile", ["ju", "hx97"])
def test_a_document_without_its_seal_stops_verification(
    settings, client, make_case, analyst, profile
):
    settings.LERS_POLICY = profile
    case = make_case(State.VERIFICATION)
    services.callback_record(
        case=case, by=analyst, number=case.agency.switchboard_phone, outcome="confirmed"
    )
    _login(client, analyst)
    sealed = _sealed(case)
    assert sealed
    *fine, last = sealed
    for document in fine:
        _seal(client, case, document, "present")
    # "No seal" says what is wrong; without it nothing is recorded.
    page = _seal(client, case, last, "missing").content.decode()
    assert "say what is wrong" in page
    last.refresh_from_db()
    assert last.seal == Document.Seal.UNCHECKED
    _seal(client, case, last, "missing", note="Letter carries no stamp.")
    last.refresh_from_db()
    assert last.seal == Document.Seal.MISSING and last.seal_note == "Letter carries no stamp."
    refused = _verify(client, case)
    assert refused.status_code == 409 and "No seal or signature on" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.VERIFICATION


def _sealed_types() -> list[str]:
    from lers.core.policy import active_policy

    return sorted(active_policy().sealed_documents())


@pytest.mark.req("JU-18")
def test_binance_offers_the_check_without_waiting_for_it(client, make_case, analyst):
    case = make_case(State.VERIFICATION)  # binance: seal_or_signature = "recommended"
    _login(client, analyst)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert "verification does not wait for it" in page
    assert 'data-seal="unchecked"' in page
    assert _verify(client, case).status_code == 302
    case.refresh_from_db()
    assert case.state == State.LEGAL_REVIEW


@pytest.mark.req("JU-18")
def test_changing_seal_or_signature_in_the_profile_changes_verification(
    settings, tmp_path, client, make_case, analyst
):
    custom_profile(
        settings,
        tmp_path,
        "binance",
        {'seal_or_signature = "recommended"': 'seal_or_signature = "required"'},
    )
    case = make_case(State.VERIFICATION)
    _login(client, analyst)
    assert _verify(client, case).status_code == 409
    for document in case.documents.filter(doc_type__in=_sealed_types()):
        _seal(client, case, document, "present")
    assert _verify(client, case).status_code == 302


@pytest.mark.req("JU-18", "X-11")
def test_the_seal_check_through_the_staff_api(settings, make_case, analyst, operator, officer_a):
    settings.LERS_POLICY = "ju"
    case = make_case(State.VERIFICATION)
    api = Api(token_for(analyst))
    documents = api.get(f"/cases/{case.reference}").json()["documents"]
    letter = next(d for d in documents if d["doc_type"] == "official_letter")
    assert letter["seal"] == "unchecked" and letter["seal_checked_by"] is None
    path = f"/cases/{case.reference}/documents/{letter['id']}/seal"
    done = api.post(path, json={"present": True})
    assert done.status_code == 200, done.content
    assert done.json()["seal"] == "present" and done.json()["seal_checked_by"] == str(analyst)
    missing = api.post(path, json={"present": False})
    assert missing.status_code == 409 and "what is wrong" in missing.json()["error"]["message"]
    # Operators work on the case but do not check documents; officers reach no staff route.
    assert Api(token_for(operator)).post(path, json={"present": True}).status_code == 403
    assert Api(token_for(officer_a)).post(path, json={"present": True}).status_code in (401, 403)
    stranger = Api(token_for(make_user("stranger", Role.INTAKE_ANALYST)))  # not on the case
    assert stranger.post(path, json={"present": True}).status_code == 404
    officer_path = f"/cases/{case.reference}/documents/{letter['id']}/officer"
    assert stranger.post(officer_path, json={"officer_name": "Li Lei"}).status_code == 404
    id_doc = next(d for d in documents if d["doc_type"] == "officer_id")
    not_sealed = api.post(
        f"/cases/{case.reference}/documents/{id_doc['id']}/seal", json={"present": True}
    )
    assert not_sealed.status_code == 422


@pytest.mark.req("JU-18")
def test_officers_are_told_the_preferred_format_and_staff_see_other_formats(
    settings, tmp_path, client, make_case, officer_a, analyst
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.DRAFT)
    services.document_add(
        case=case, by=officer_a, doc_type="screenshot", name="wallet.png", content=PNG
    )
    _login(client, officer_a)
    documents = reverse("portal-request-step", args=[case.reference, "documents"])
    page = client.get(documents).content.decode()
    assert 'id="preferred-format"' in page and "PDF is preferred." in page
    assert "must bear the official seal or a valid signature" in page
    services.case_submit(case=case, by=officer_a)
    services.case_start_triage(case=case, by=analyst)
    _login(client, analyst)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    png = case.documents.get(original_name="wallet.png")
    row = re.search(rf'<tr data-document="{png.pk}">.*?</tr>', page, re.S)
    assert row and 'data-format="other"' in row.group(0)

    custom_profile(
        settings,
        tmp_path,
        "binance",
        {'preferred_document_format = "pdf"  # deployment choice': ""},
    )
    draft = services.case_create(officer_user=officer_a, request_types=["information"])
    _login(client, officer_a)
    page = client.get(reverse("portal-request-step", args=[draft.reference, "documents"]))
    assert "PDF is preferred." not in page.content.decode()
    assert "should bear the official seal" in page.content.decode()  # binance: recommended


@pytest.mark.req("JU-18", "JU-08")
@pytest.mark.parametrize("key", ["times_in_utc", "sensitive_content_encryption"])
def test_utc_and_encryption_are_not_keys(key):
    """lers writes and reads every time in UTC and encrypts every production whatever the
    profile: a profile that still carries these keys is told they are unknown."""
    data = tomllib.loads(shipped_profiles()["ju"].read_text(encoding="utf-8"))
    data["formats"][key] = True
    with pytest.raises(PolicyError, match=rf"formats\.{key}: unknown key"):
        parse(data)


def test_a_seal_check_needs_a_document_that_bears_one():
    data = tomllib.loads(shipped_profiles()["hx97"].read_text(encoding="utf-8"))
    data["formats"]["seal_or_signature"] = "not_required"
    with pytest.raises(PolicyError, match="bears_seal"):
        parse(data)
    for doc in data["document_types"].values():
        doc.pop("bears_seal", None)
    parse(data)  # not checked, nothing to check
    data["formats"]["seal_or_signature"] = "required"
    with pytest.raises(PolicyError, match="no document type bears_seal"):
        parse(data)


def test_a_draft_upload_keeps_unchecked(settings, make_case, officer_a):
    settings.LERS_POLICY = "ju"
    case = make_case(State.DRAFT)
    document = services.document_add(
        case=case, by=officer_a, doc_type="official_letter", name="letter.pdf", content=DEMO_PDF
    )
    assert document.seal == Document.Seal.UNCHECKED and document.seal_checked_by is None

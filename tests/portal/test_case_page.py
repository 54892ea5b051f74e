"""Following a request: the thread with the exchange (with files), answering a question,
withdrawing, and asking to extend a preservation (X-02, JU-05, HX-13, BN-05, JU-13)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import Case, Message
from lers.core.errors import DomainError
from lers.demo.services import DEMO_PDF, complete_request
from lers.jobs.models import Job
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, officer_a):
    assert client.login(username=officer_a.username, password=PASSWORD)
    return client


def mails_to(address: str) -> list[dict]:
    return [j.payload for j in Job.objects.filter(name="mail.send") if address in j.payload["to"]]


@pytest.mark.req("HX-13", "JU-05")
def test_the_officer_answers_a_question_with_a_file(signed_in, make_case, analyst):
    case = make_case(State.AWAITING_INFORMATION)
    page = signed_in.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Which account holds the funds?" in page  # the question, above the answer form
    response = signed_in.post(
        reverse("portal-answer", args=[case.reference]),
        {
            "body": "The first address; statement attached.",
            "doc_type": "official_letter",
            "file": SimpleUploadedFile("statement.pdf", DEMO_PDF),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    answer = case.messages.order_by("pk").last()
    (document,) = answer.attachments.all()
    assert (document.doc_type, document.original_name) == ("official_letter", "statement.pdf")
    page = signed_in.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "statement.pdf" in page


def test_a_refused_attachment_keeps_the_answer_back_and_the_text_on_the_page(signed_in, make_case):
    case = make_case(State.AWAITING_INFORMATION)
    response = signed_in.post(
        reverse("portal-answer", args=[case.reference]),
        {
            "body": "My carefully written answer.",
            "doc_type": "other",
            "file": SimpleUploadedFile("run.pdf", b"\x7fELF" + b"\x00" * 64),
        },
    )
    assert response.status_code == 409
    assert "My carefully written answer." in response.content.decode()
    assert "executable" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.AWAITING_INFORMATION
    assert not case.messages.filter(body__startswith="My carefully").exists()


@pytest.mark.req("X-02")
def test_messages_with_files_reach_the_other_side(signed_in, make_case, analyst, officer_a):
    case = make_case(State.TRIAGE)  # the analyst holds it
    Job.objects.all().delete()
    response = signed_in.post(
        reverse("portal-message", args=[case.reference]),
        {
            "body": "A second victim came forward.",
            "doc_type": "police_report",
            "file": SimpleUploadedFile("report.pdf", DEMO_PDF),
        },
    )
    assert response.status_code == 302
    (to_staff,) = mails_to(analyst.email)
    assert "A second victim came forward." in to_staff["text"] and "report.pdf" in to_staff["text"]
    assert "/cases/" in to_staff["text"] and "/portal/" not in to_staff["text"]

    services.message_post(case=case, by=analyst, body="Thank you, received.")
    services.message_post(
        case=case, by=analyst, body="Internal: check the report.", visibility="internal"
    )
    (to_officer,) = mails_to(officer_a.email)
    assert "Thank you, received." in to_officer["text"]
    page = signed_in.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Thank you, received." in page and "Internal: check" not in page


def test_no_message_on_a_draft(signed_in, make_case):
    case = make_case(State.DRAFT)
    response = signed_in.post(reverse("portal-message", args=[case.reference]), {"body": "Hi"})
    assert response.status_code == 409
    assert not Message.objects.filter(case=case).exists()


@pytest.mark.req("X-02")
def test_withdrawing_needs_a_reason_and_records_it(signed_in, make_case):
    case = make_case(State.TRIAGE)
    response = signed_in.post(reverse("portal-withdraw", args=[case.reference]), {"reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == State.TRIAGE
    signed_in.post(
        reverse("portal-withdraw", args=[case.reference]), {"reason": "Settled.", "confirm": "on"}
    )
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    page = signed_in.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Withdrawn by your agency." in page
    assert reverse("portal-withdraw", args=[case.reference]) not in page


@pytest.fixture
def preservation_case(settings, entities, officer_a, colleague_a):
    settings.LERS_POLICY = "ju"
    case = services.case_create(officer_user=officer_a, request_types=["preservation"])
    complete_request(case, officer_a.officer)
    services.case_add_officer(case=case, by=officer_a, colleague=colleague_a.officer)
    return services.case_submit(case=case, by=officer_a)


@pytest.mark.req("JU-13", "BN-05")
def test_an_extension_is_drafted_from_the_preserved_request(
    signed_in, preservation_case, colleague_a
):
    parent = preservation_case
    page = signed_in.get(reverse("portal-case", args=[parent.reference])).content.decode()
    assert "Request a preservation extension" in page
    response = signed_in.post(
        reverse("portal-extension", args=[parent.reference]),
        {"reason": "The investigation needs 90 more days."},
    )
    draft = Case.objects.get(parent=parent)
    assert response["Location"] == reverse(
        "portal-request-step", args=[draft.reference, "documents"]
    )
    assert (draft.state, draft.request_types) == (State.DRAFT, ["preservation_extension"])
    assert draft.legal_basis == parent.legal_basis
    assert draft.summary.startswith("The investigation needs 90 more days.")
    assert {t.normalised for t in draft.targets.all()} == {
        t.normalised for t in parent.targets.all()
    }
    assert draft.officers.filter(pk=colleague_a.officer.pk).exists()
    assert not draft.documents.exists()  # the new legal paper is the officer's to attach
    page = signed_in.get(reverse("portal-case", args=[parent.reference])).content.decode()
    assert draft.reference in page


def test_only_a_preservation_can_be_extended(signed_in, make_case, officer_a, settings):
    case = make_case(State.SUBMITTED)  # a request for information
    page = signed_in.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Request a preservation extension" not in page
    response = signed_in.post(
        reverse("portal-extension", args=[case.reference]), {"reason": "More time"}
    )
    assert response.status_code == 409
    assert not Case.objects.filter(parent=case).exists()


def test_a_profile_without_extensions_refuses_them(settings, make_case, officer_a):
    settings.LERS_POLICY = "hx97"  # its request types include no preservation extension
    case = make_case(State.SUBMITTED)
    case.request_types = ["preservation"]
    case.save()
    with pytest.raises(DomainError, match="no preservation extension"):
        services.case_request_extension(case=case, by=officer_a, reason="More time")


@pytest.mark.req("X-02")
def test_staff_write_to_the_agency_from_the_workbench(client, make_case, analyst, officer_a):
    case = make_case(State.TRIAGE)
    Job.objects.all().delete()
    assert client.login(username=analyst.username, password=PASSWORD)
    response = client.post(
        reverse("workbench-message", args=[case.reference]),
        {
            "body": "Please send the court order in full.",
            "visibility": "shared",
            "doc_type": "other",
            "file": SimpleUploadedFile("template.pdf", DEMO_PDF),
        },
    )
    assert response.status_code == 302
    (mail,) = mails_to(officer_a.email)
    assert "Please send the court order in full." in mail["text"] and "template.pdf" in mail["text"]
    client.post(
        reverse("workbench-message", args=[case.reference]),
        {"body": "Looks forged, call the switchboard.", "visibility": "internal"},
    )
    assert len(mails_to(officer_a.email)) == 1  # internal notes stay inside
    client.logout()
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "Please send the court order" in page and "Compliance team" in page
    assert "Looks forged" not in page
    document = case.documents.get(original_name="template.pdf")
    download = client.get(reverse("portal-document", args=[case.reference, document.pk]))
    assert download.status_code == 200


def test_auditors_read_but_do_not_write(client, make_case, auditor):
    case = make_case(State.TRIAGE)
    assert client.login(username=auditor.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert reverse("workbench-message", args=[case.reference]) not in page
    response = client.post(
        reverse("workbench-message", args=[case.reference]),
        {"body": "An auditor's note", "visibility": "internal"},
    )
    assert response.status_code == 403
    assert not case.messages.filter(body="An auditor's note").exists()


@pytest.mark.req("X-07")
def test_files_of_internal_notes_never_reach_the_officer(signed_in, make_case, analyst):
    case = make_case(State.TRIAGE)
    services.message_post(
        case=case,
        by=analyst,
        body="Risk memo attached.",
        visibility="internal",
        attachments=[services.Attachment("other", "internal-risk-memo.pdf", DEMO_PDF)],
    )
    memo = case.documents.get(original_name="internal-risk-memo.pdf")
    page = signed_in.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "internal-risk-memo.pdf" not in page
    download = signed_in.get(reverse("portal-document", args=[case.reference, memo.pk]))
    assert download.status_code == 404
    with pytest.raises(DomainError):
        services.document_open(document=memo, by=case.officers.get().user)


@pytest.mark.req("X-03")
def test_an_agency_admin_reads_a_case_but_acts_only_when_on_it(client, make_case, agency_admin_a):
    case = make_case(State.AWAITING_INFORMATION)
    assert client.login(username=agency_admin_a.username, password=PASSWORD)
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert case.reference in page
    for form in ("portal-answer", "portal-withdraw", "portal-message", "portal-colleague-add"):
        assert reverse(form, args=[case.reference]) not in page, form
    document = case.documents.first()
    download = client.get(reverse("portal-document", args=[case.reference, document.pk]))
    assert download.status_code == 200  # an audited read
    draft = make_case(State.DRAFT)
    assert (
        client.get(reverse("portal-request-step", args=[draft.reference, "facts"])).status_code
        == 404
    )


@pytest.fixture
def one_extension_policy(settings, tmp_path):
    """The Ju.com profile with a limit of one extension (no shipped profile sets one)."""
    from pathlib import Path

    import lers.policy

    shipped = Path(lers.policy.__file__).parent / "profiles" / "ju.toml"
    text = shipped.read_text().replace(
        "[preservation]\n", "[preservation]\nmax_extensions = 1\n", 1
    )
    custom = tmp_path / "ju-one-extension.toml"
    custom.write_text(text)
    settings.LERS_POLICY = str(custom)


@pytest.mark.req("JU-13")
def test_the_extension_limit_counts_the_whole_chain_but_not_drafts(
    preservation_case, one_extension_policy, officer_a
):
    first = services.case_request_extension(case=preservation_case, by=officer_a, reason="a")
    # A draft not sent does not use the allowance: a second draft is possible.
    services.case_request_extension(case=preservation_case, by=officer_a, reason="b").delete()
    complete_request(first, officer_a.officer)
    first = services.case_submit(case=first, by=officer_a)
    with pytest.raises(DomainError, match="allows 1 extension"):
        services.case_request_extension(case=preservation_case, by=officer_a, reason="c")
    with pytest.raises(DomainError, match="allows 1 extension"):
        services.case_request_extension(case=first, by=officer_a, reason="an extension's")


def test_an_extension_cannot_be_started_from_scratch(settings, entities, officer_a, client):
    settings.LERS_POLICY = "ju"
    with pytest.raises(DomainError, match="page of the request it extends"):
        services.case_create(officer_user=officer_a, request_types=["preservation_extension"])
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-request-new")).content.decode()
    assert 'value="preservation_extension"' not in page

"""Email as the channel (JU-03, issue 15 item 6): under Ju, whose one published channel is the
mailbox, a known officer's email is a submitted request (the officer never signs in); each
attachment is typed by what it is (its name, its first page) and the analyst may retype it; an
unknown sender waits for the telephone verification Ju performs, and the call leads to the
case; the intake queue shows, before any case exists, each attachment's judged content and the
identifiers the message names. Real RFC 5322 messages, DKIM-signed with the test key."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.cases.models import CallBack, Case
from lers.cases.services import case_start_triage, document_retype
from lers.core.errors import DomainError
from lers.intake.models import IntakeMessage
from lers.intake.services import intake_message
from lers.productions.cover import CJK_CANDIDATES
from tests.conftest import PASSWORD, run_jobs
from tests.custom_profile import custom_profile
from tests.intake.messages import dns, message

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-03")]

ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
FILING_ZH = "立案决定书"
LETTER_EN = "Notice of Assistance in Evidence Collection"
EXE = b"MZ\x90\x00" + b"\x00" * 200  # a Windows executable


def take(raw: bytes) -> IntakeMessage:
    intake, created = intake_message(raw, source="file", dnsfunc=dns)
    assert created
    return intake


def _cjk_font() -> Path | None:
    return next((font for font, _index in CJK_CANDIDATES if font.exists()), None)


def pdf(*lines: str) -> bytes:
    """A real one-page PDF with a text layer (fpdf2); Chinese needs a CJK font."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    font = _cjk_font()
    if font is not None and any(ord(c) > 127 for line in lines for c in line):
        document.add_font("cjk", fname=str(font))
        document.set_font("cjk", size=14)
    else:
        document.set_font("helvetica", size=14)
    for line in lines:
        document.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def docx(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filing_page() -> tuple[str, bytes]:
    """A case filing decision with a neutral file name: typed by its first page (立案决定书
    where a CJK font can draw it, else the English title the profile also lists)."""
    title = FILING_ZH if _cjk_font() is not None else "Decision to File a Case"
    return "scan-0001.pdf", pdf(title, "Shanghai Municipal PSB, No. 2026-0142")


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_ju03_a_known_officers_email_is_a_submitted_case_staff_take_without_the_officer(
    client, agencies, analyst
):
    intake = take(message(attachments=[("letter.pdf", PDF, pdf(LETTER_EN))]))
    case = intake.case
    assert intake.status == IntakeMessage.Status.DONE, intake.reasons
    assert (case.state, case.channel) == (State.SUBMITTED, Case.Channel.EMAIL)
    assert case.submitted_at is not None
    # Ju flags what misses the checklist (intake.incomplete_submission = "flagged").
    assert case.incomplete is True
    assert list(case.officers.all()) == [agencies["li"].officer]
    submitted = AuditEvent.objects.get(action="case.submit", case_ref=case.reference)
    assert submitted.payload["incomplete"] is True and "case-filing" in submitted.payload["missing"]
    assert AuditEvent.objects.filter(action="intake.case_submitted").count() == 1
    # The officer never signed in; staff see it in the new-cases queue and take it.
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("home") + "?queue=new").content.decode()
    assert case.reference in page
    run_jobs()
    (ack,) = [m for m in mail.outbox if "detective.li@met.police.uk" in m.to]
    assert case.reference in ack.subject and "It is submitted" in ack.body
    assert case_start_triage(case=case, by=analyst).state == State.TRIAGE


def test_ju03_email_submits_is_the_key_a_draft_without_it(settings, tmp_path):
    custom_profile(settings, tmp_path, "ju", {"email_submits = true": "email_submits = false"})
    intake = take(message())
    assert intake.case.state == State.DRAFT and not intake.case.submitted_at


def test_ju03_a_profile_refusing_incomplete_requests_leaves_the_email_a_draft_with_the_reason(
    settings, tmp_path
):
    custom_profile(
        settings,
        tmp_path,
        "ju",
        {'incomplete_submission = "flagged"': 'incomplete_submission = "refused"'},
    )
    intake = take(message())
    assert intake.case.state == State.DRAFT
    assert intake.status == IntakeMessage.Status.QUEUED
    stays = "the case stays a draft: The request is incomplete"
    assert any(r.startswith(stays) for r in intake.reasons)
    assert AuditEvent.objects.filter(action="intake.case_not_submitted").count() == 1


def test_ju03_attachments_are_typed_by_file_name_and_first_page(agencies):
    filing_name, filing = filing_page()
    intake = take(
        message(
            attachments=[
                (filing_name, PDF, filing),
                ("doc2.pdf", PDF, pdf(LETTER_EN, "Article 54, Criminal Procedure Law")),
                (f"{FILING_ZH}-扫描.pdf", PDF, pdf("page 1")),
                ("officer-work-id-li.docx", DOCX, docx("Metropolitan Police")),
                ("attachment3.docx", DOCX, docx("协助冻结财产通知书", "2026-142")),
                ("notes.pdf", PDF, pdf("Some notes")),
            ]
        )
    )
    judged = {a["name"]: (a["doc_type"], a["typed_by"]) for a in intake.attachments}
    assert judged == {
        filing_name: ("case_filing_decision", "first page"),
        "doc2.pdf": ("official_letter", "first page"),
        f"{FILING_ZH}-扫描.pdf": ("case_filing_decision", "file name"),
        "officer-work-id-li.docx": ("officer_id", "file name"),
        "attachment3.docx": ("official_letter", "first page"),
        "notes.pdf": ("other", ""),
    }
    received = AuditEvent.objects.get(action="intake.received").payload
    assert {a["name"]: (a["doc_type"], a["typed_by"]) for a in received["attachments"]} == judged
    documents = {d.original_name: d.doc_type for d in intake.case.documents.all()}
    assert documents == {name: kind for name, (kind, _by) in judged.items()}
    # The typed documents count for the checklist: no gap for the filing decision or letter.
    missing = AuditEvent.objects.get(action="case.submit").payload["missing"]
    assert "case-filing" not in missing and "request-letter" not in missing


def test_ju03_the_analyst_retypes_a_document_on_the_record(client, analyst, reviewer):
    intake = take(message(attachments=[("notes.pdf", PDF, pdf("Some notes"))]))
    case = intake.case
    (document,) = case.documents.all()
    assert document.doc_type == "other"
    url = reverse("workbench-document-type", args=[case.reference, document.pk])
    assert client.login(username=reviewer.username, password=PASSWORD)
    client.post(url, {"doc_type": "police_report"})  # not on the case: nothing changes
    document.refresh_from_db()
    assert document.doc_type == "other"
    client.logout()
    case = case_start_triage(case=case, by=analyst)
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert 'id="document-types"' in page
    client.post(url, {"doc_type": "police_report", "reason": "It is the report to the police."})
    document.refresh_from_db()
    assert document.doc_type == "police_report"
    event = AuditEvent.objects.get(action="case.document_retyped")
    assert (event.actor_id, event.payload["from"], event.payload["to"]) == (
        analyst.pk,
        "other",
        "police_report",
    )
    assert event.payload["reason"] == "It is the report to the police."
    with pytest.raises(DomainError, match="not a document type"):
        document_retype(document=document, by=analyst, doc_type="love_letter")


def test_ju03_an_unknown_sender_waits_for_the_telephone_verification_then_becomes_a_case(
    client, agencies, analyst, reviewer
):
    intake = take(
        message(
            sender="new.officer@met.police.uk",
            attachments=[("letter.pdf", PDF, pdf(LETTER_EN))],
        )
    )
    assert intake.case is None and not Case.objects.exists()
    assert intake.status == IntakeMessage.Status.QUEUED
    assert intake.waits_for == IntakeMessage.WaitsFor.TELEPHONE
    assert any(r.startswith("telephone verification needed") for r in intake.reasons)
    run_jobs()
    (told,) = [m for m in mail.outbox if "new.officer@met.police.uk" in m.to]
    assert "verifies it by telephone" in told.body and "/portal/access/" not in told.body

    verify = reverse("workbench-intake-verify", args=[intake.pk])
    assert client.login(username=reviewer.username, password=PASSWORD)  # the analysts' work
    call = {"number": "+442072301212", "outcome": "confirmed"}
    assert client.post(verify, call).status_code == 404
    assert not AuditEvent.objects.filter(action="intake.sender_called").exists()
    client.logout()
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-intake")).content.decode()
    assert "Telephone verification needed" in page and "Record the call" in page
    # A number the sender could have given does not verify: the directory's number is called.
    answer = client.post(verify, {"number": "+442079460123", "outcome": "confirmed"}, follow=True)
    assert "not a number the message or the sender gave" in answer.content.decode()
    intake.refresh_from_db()
    assert intake.case is None and intake.waits_for == IntakeMessage.WaitsFor.TELEPHONE
    client.post(verify, {"number": "+44 20 7230 1212", "outcome": "no_answer"})
    intake.refresh_from_db()
    assert intake.case is None and any("no answer" in r for r in intake.reasons)

    client.post(
        verify,
        {
            "number": "+44 20 7230 1212",
            "outcome": "confirmed",
            "name": "DC Jane New",
            "note": "Desk sergeant confirmed DC New and the request.",
        },
    )
    intake.refresh_from_db()
    case = intake.case
    assert case is not None and intake.waits_for == ""
    assert (case.state, case.channel) == (State.TRIAGE, Case.Channel.EMAIL)
    assert case.assignee == analyst
    (officer,) = case.officers.all()
    assert officer.user.email == "new.officer@met.police.uk" and officer.agency == agencies["met"]
    assert not officer.user.has_usable_password()
    (call,) = case.callbacks.all()
    assert (call.source, call.outcome) == (CallBack.Source.DIRECTORY, CallBack.Outcome.CONFIRMED)
    assert case.documents.get().doc_type == "official_letter"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"intake.sender_called", "officer.registered_by_call", "case.submit"} <= actions
    assert AuditEvent.objects.filter(action="intake.sender_called").count() == 2
    # The sender is now a known officer: the next email is a submitted case at once.
    later = take(
        message(sender="new.officer@met.police.uk", subject="[Standard] | MPS | MPS-2 | Freeze")
    )
    assert later.case.state == State.SUBMITTED


def test_ju03_unknown_sender_is_the_key_portal_access_without_it(settings, tmp_path):
    custom_profile(
        settings,
        tmp_path,
        "ju",
        {'unknown_sender = "telephone_verification"': 'unknown_sender = "portal_access"'},
    )
    intake = take(message(sender="new.officer@met.police.uk"))
    assert intake.case is not None and intake.case.state == State.DRAFT
    assert intake.waits_for == ""
    run_jobs()
    (ack,) = [m for m in mail.outbox if "new.officer@met.police.uk" in m.to]
    assert "/portal/access/" in ack.body


def test_ju03_the_intake_queue_shows_judged_attachments_and_identifiers_before_any_case(
    client, analyst
):
    filing_name, filing = filing_page()
    intake = take(
        message(
            sender="new.officer@met.police.uk",
            body=f"Please freeze {ADDRESS} and the account of UID 12345678.",
            attachments=[("order.pdf", PDF, EXE), (filing_name, PDF, filing)],
        )
    )
    assert intake.case is None
    refused, typed = intake.attachments
    assert refused["ok"] is False and "Windows executable" in refused["reason"]
    assert typed["ok"] is True and typed["doc_type"] == "case_filing_decision"
    assert typed["content"] == "PDF document"
    values = {(i["kind"], i["value"]) for i in intake.identifiers}
    assert ("address", ADDRESS) in values
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-intake")).content.decode()
    row = page[page.index(f'id="intake-{intake.pk}"') :]
    assert 'data-attachment="order.pdf" data-refused' in row
    assert "Windows executable" in row
    assert 'data-doc-type="case_filing_decision"' in row
    assert ADDRESS in row

"""Email intake (issue 7, first step): real messages built with the standard library and
signed with a test DKIM key; each is taken exactly once, kept raw and hashed, and ends where
it should, nothing lost."""

from __future__ import annotations

import email
import email.policy
import hashlib

import pytest
from django.core import mail
from django.core.management import call_command

from lers.audit.models import AuditEvent
from lers.cases.models import Case
from lers.intake.models import IntakeMessage
from lers.intake.services import intake_message
from lers.intake.subject import SubjectError, parse_subject
from lers.policy import load
from tests.conftest import run_jobs
from tests.custom_profile import custom_profile
from tests.intake.messages import dns, message

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-03", "X-05")]


def take(raw: bytes) -> IntakeMessage:
    intake, created = intake_message(raw, source="file", dnsfunc=dns)
    assert created
    return intake


def test_a_signed_message_from_a_government_domain_is_accepted_and_kept_raw(settings):
    settings.LERS_POLICY = "ju"
    raw = message()
    intake = take(raw)
    assert intake.status == IntakeMessage.Status.DONE, intake.reasons
    assert (intake.dkim, intake.dkim_domain, intake.aligned) == ("pass", "met.police.uk", True)
    assert intake.domain_status == "registry"
    assert intake.parsed == {
        "urgency": "urgent",
        "organisation": "Metropolitan Police Service",
        "case_number": "MPS-2026-0142",
        "request_types": ["information"],
    }
    with intake.raw.open("rb") as kept:
        assert kept.read() == raw
    assert intake.sha256 == hashlib.sha256(raw).hexdigest()
    assert AuditEvent.objects.filter(action="intake.received").count() == 1


def test_a_known_officers_email_becomes_a_submitted_case_with_targets_and_an_acknowledgement(
    settings, agencies
):
    settings.LERS_POLICY = "ju"
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    intake = take(message(attachments=[("court-order.pdf", "application/pdf", pdf)]))
    case = intake.case
    # Ju's channel is the mailbox (intake.email_submits): the email is the request.
    assert case.channel == Case.Channel.EMAIL and case.state == "submitted"
    assert case.agency == agencies["met"] and list(case.officers.all()) == [agencies["li"].officer]
    assert (case.urgency, case.request_types, case.agency_case_number) == (
        "urgent",
        ["information"],
        "MPS-2026-0142",
    )
    assert case.targets.get().normalised == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert case.documents.get().original_name == "court-order.pdf"
    run_jobs()
    (ack,) = [m for m in mail.outbox if "detective.li@met.police.uk" in m.to]
    assert case.reference in ack.subject and "/portal/cases/" in ack.body


def test_an_unregistered_sender_of_a_known_agency_leaves_the_case_for_verification(
    settings, tmp_path
):
    """Where the profile sends unknown senders to portal access (``intake.unknown_sender``);
    Ju verifies them by telephone first (test_email_channel)."""
    custom_profile(
        settings,
        tmp_path,
        "ju",
        {'unknown_sender = "telephone_verification"': 'unknown_sender = "portal_access"'},
    )
    intake = take(message(sender="new.officer@met.police.uk"))
    assert intake.case is not None and not intake.case.officers.exists()
    assert intake.status == IntakeMessage.Status.QUEUED
    assert any("not a registered officer" in r for r in intake.reasons)
    run_jobs()
    (ack,) = [m for m in mail.outbox if "new.officer@met.police.uk" in m.to]
    assert "/portal/access/" in ack.body


def test_a_sender_no_agency_claims_creates_nothing_and_gets_no_answer(settings):
    intake = take(message(sender="someone@fbi.gov", sign_domain="fbi.gov"))
    assert intake.case is None and intake.status == IntakeMessage.Status.QUEUED
    assert any("agency unknown" in r for r in intake.reasons)
    run_jobs()
    assert not mail.outbox


def test_an_executable_named_pdf_is_refused_and_the_rest_goes_on(settings):
    exe = b"MZ\x90\x00" + b"\x00" * 200  # a Windows executable
    intake = take(message(attachments=[("order.pdf", "application/pdf", exe)]))
    assert intake.case is not None and not intake.case.documents.exists()
    assert any("order.pdf" in r and "refused" in r for r in intake.reasons)
    with intake.raw.open("rb") as kept:  # the raw message keeps the file, for the record
        kept_message = email.message_from_bytes(kept.read(), policy=email.policy.default)
    (part,) = list(kept_message.iter_attachments())
    assert part.get_payload(decode=True) == exe


def test_a_large_attachment_over_the_limit_is_refused_not_lost(settings):
    settings.LERS_MAX_UPLOAD_BYTES = 10 * 2**20
    big = b"%PDF-1.4\n" + b"0" * (20 * 2**20)
    intake = take(message(attachments=[("scan.pdf", "application/pdf", big)]))
    assert intake.case is not None and not intake.case.documents.exists()
    assert any("scan.pdf" in r for r in intake.reasons)
    assert intake.size > 20 * 2**20  # the raw message, attachment and all, is kept


def test_a_message_is_taken_exactly_once(settings):
    raw = message()
    first, created = intake_message(raw, source="imap", dnsfunc=dns)
    again, created_again = intake_message(raw, source="imap", dnsfunc=dns)
    assert created and not created_again and again.pk == first.pk
    assert IntakeMessage.objects.count() == 1


def test_a_broken_signature_is_queued_with_the_reason(settings):
    raw = message().replace(b"MPS-2026-0142", b"MPS-2026-9999")  # altered after signing
    intake = take(raw)
    assert intake.status == IntakeMessage.Status.QUEUED
    assert intake.dkim == "fail" and any(r.startswith("DKIM fail") for r in intake.reasons)


def test_a_look_alike_domain_signing_for_itself_is_queued(settings):
    raw = message(sender="li@police-uk.example.com", sign_domain="police-uk.example.com")
    intake = take(raw)
    assert intake.dkim == "pass"  # a valid signature of the wrong domain
    assert intake.domain_status == "lookalike"
    assert intake.status == IntakeMessage.Status.QUEUED
    assert any("lookalike" in r for r in intake.reasons)


def test_a_from_address_the_signature_does_not_cover_is_queued(settings):
    raw = message(sender="chief@met.police.uk", sign_domain="example.org")
    intake = take(raw)
    assert not intake.aligned and any("not the signing domain" in r for r in intake.reasons)


def test_a_subject_without_the_grammar_is_queued_not_dropped(settings):
    intake = take(message(subject="Request for records regarding fraud"))
    assert intake.status == IntakeMessage.Status.QUEUED
    assert any(r.startswith("subject:") for r in intake.reasons)
    assert intake.parsed == {}


def test_a_chinese_subject_with_full_width_separators_is_read(settings):
    settings.LERS_POLICY = "ju"
    intake = take(
        message(
            sender="wang@gaj.sh.gov.cn",
            sign_domain="gaj.sh.gov.cn",
            subject="【紧急】｜上海市公安局｜SH-2026-0142｜冻结、调取证据",
        )
    )
    assert intake.status == IntakeMessage.Status.QUEUED  # no officer of that address yet
    assert intake.waits_for == IntakeMessage.WaitsFor.TELEPHONE and intake.case is None
    assert "上海市公安局" in intake.reasons[-1]
    assert intake.parsed["urgency"] == "urgent"
    assert intake.parsed["organisation"] == "上海市公安局"
    assert intake.parsed["request_types"] == ["freeze", "information"]


def test_attachments_are_listed_with_their_hashes(settings):
    pdf = b"%PDF-1.4 court order"
    intake = take(message(attachments=[("order.pdf", "application/pdf", pdf)]))
    (entry,) = intake.attachments
    assert entry["name"] == "order.pdf" and entry["sha256"] == hashlib.sha256(pdf).hexdigest()


def test_the_command_takes_files_and_says_what_became_of_each(tmp_path, capsys, monkeypatch):
    import lers.intake.services as services

    real = services.verify_dkim
    monkeypatch.setattr(services, "verify_dkim", lambda raw, dnsfunc=None: real(raw, dns))
    path = tmp_path / "one.eml"
    path.write_bytes(message(subject="no grammar here"))
    call_command("intake", "email", str(path), str(path))
    out = capsys.readouterr().out
    assert "one.eml: Waiting for a person — " in out and "one.eml: already taken" in out


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[Standard] | FBI | 2026-CF-1 | Evidence Collection", ("standard", ("information",))),
        ("Re: Fwd: [Urgent]|FBI|2026-CF-1|Freeze", ("urgent", ("freeze",))),
        ("［特急］ ｜ 上海市公安局 ｜ SH-1 ｜ 保全", ("emergency", ("preservation",))),
        (
            "Emergency | FBI | 2026-CF-1 | Freeze / Data Preservation",
            ("emergency", ("freeze", "preservation")),
        ),
    ],
)
def test_the_subject_grammar_is_read_tolerantly(subject, expected):
    grammar = load("ju").email_subject
    found = parse_subject(
        subject,
        fields=grammar.fields,
        separators=grammar.separators,
        urgency=grammar.urgency,
        request_types=grammar.request_types,
    )
    assert (found.urgency, found.request_types) == expected


@pytest.mark.parametrize(
    ("subject", "reason"),
    [
        ("", "empty"),
        ("[Urgent] | FBI | 2026-CF-1", "expected 4 parts"),
        ("[Whenever] | FBI | 2026-CF-1 | Freeze", "unknown urgency"),
        ("[Urgent] | FBI | 2026-CF-1 | Hacking back", "unknown request type"),
        ("[Urgent] |  | 2026-CF-1 | Freeze", "cannot be empty"),
    ],
)
def test_a_subject_off_the_grammar_says_why(subject, reason):
    grammar = load("ju").email_subject
    with pytest.raises(SubjectError, match=reason):
        parse_subject(
            subject,
            fields=grammar.fields,
            separators=grammar.separators,
            urgency=grammar.urgency,
            request_types=grammar.request_types,
        )


def test_the_intake_queue_page_shows_what_waits_and_records_what_became_of_it(
    client, analyst, officer_a, reviewer
):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    intake = take(message(subject="no grammar at all"))
    assert client.login(username=reviewer.username, password=PASSWORD)
    assert client.get(reverse("workbench-intake")).status_code == 404  # analysts' work
    client.logout()
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-intake")).content.decode()
    assert "no grammar at all" in page and "subject:" in page
    raw = client.get(reverse("workbench-intake-raw", args=[intake.pk]))
    assert raw["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="intake.raw_opened").count() == 1
    client.post(
        reverse("workbench-intake-handle", args=[intake.pk]),
        {"note": "Asked the sender to use the subject format."},
    )
    intake.refresh_from_db()
    assert intake.status == IntakeMessage.Status.DONE
    assert "no grammar at all" not in client.get(reverse("workbench-intake")).content.decode()


def test_a_nul_in_an_encoded_subject_is_stored_without_it(settings):
    intake = take(message(subject="=?utf-8?q?Records=00_please?="))
    assert "\x00" not in intake.subject and "Records" in intake.subject


def test_a_message_lers_fails_to_store_as_read_is_kept_raw_for_a_person(monkeypatch):
    from lers.intake import services

    def broken(*args, **kwargs):
        raise RuntimeError("the database refused a field")

    monkeypatch.setattr(services, "_take", broken)
    raw = message()
    intake, created = intake_message(raw, source="imap", dnsfunc=dns)
    assert created and intake.status == IntakeMessage.Status.QUEUED
    assert "could not be stored as read" in intake.reasons[0]
    with intake.raw.open("rb") as kept:
        assert kept.read() == raw
    again, created = intake_message(raw, source="imap", dnsfunc=dns)
    assert not created and again.pk == intake.pk


@pytest.mark.req("BN-02")
def test_a_profile_without_the_email_channel_makes_no_case_from_a_message(settings):
    """binance and hx97 take requests through the portal and the API only (intake.channels):
    a valid message waits for a person, who points the sender to the portal."""
    settings.LERS_POLICY = "binance"
    intake = take(message(subject="[Urgent] | Metropolitan Police Service | MPS-1 | Freeze"))
    assert intake.status == IntakeMessage.Status.QUEUED and intake.case is None
    assert any("no requests by email" in r for r in intake.reasons)
    assert not Case.objects.exists()

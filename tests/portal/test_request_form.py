"""The request form as an officer fills it in: steps over a draft, the live checklist, targets
found in pasted text and sheets, documents, and submission (HX-05..09, JU-06..08, BN-03)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document, Service
from lers.demo.services import DEMO_PDF
from lers.jobs.models import Job
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ETH = "0x52908400098527886e0f7030069857d2e4169ee7"
TRON = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
XRP = "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY"
BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest.fixture
def officer(client, entities, officer_a):
    assert client.login(username=officer_a.username, password=PASSWORD)
    return officer_a


def step(case: Case, page: str) -> str:
    return reverse("portal-request-step", args=[case.reference, page])


def start(client, **fields) -> Case:
    data = {"request_types": ["information"], "urgency": "standard", **fields}
    response = client.post(reverse("portal-request-new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.latest("pk")


@pytest.mark.req("HX-05", "HX-06", "HX-07", "HX-08", "JU-06", "BN-07")
def test_the_steps_fill_the_draft_and_times_are_utc(client, officer, entities):
    case = start(client, title="Pig-butchering ring", agency_case_number="CF-2026-0142")
    assert case.state == State.DRAFT
    assert case.agency_case_number == "CF-2026-0142"
    assert client.get(step(case, "legal")).status_code == 200

    response = client.post(
        step(case, "legal"),
        {
            "legal_instrument": "court_order",
            "legal_basis": "Criminal Procedure Act s.12",
            "legal_clauses": "s.12(1)(b)",
            "language": "en",
        },
    )
    assert response["Location"] == step(case, "facts")  # saved, on to the next step
    client.post(
        step(case, "facts"),
        {
            "summary": "2026-03-01 victim paid; 2026-03-02 funds deposited.",
            "amount_tokens": "12,500 USDT",
            "amount_usd": "12500.00",
            "amount_breakdown": "Victim A 10,000; victim B 2,500",
            "timeframe_start": "2026-03-01T00:00",
            "timeframe_end": "2026-03-31T23:59",
        },
    )
    service = Service.objects.create(entity=entities[0], code="web", name="Websites")
    until = timezone.now().date() + dt.timedelta(days=180)
    client.post(
        step(case, "scope"),
        {
            "data_categories": ["kyc", "deposits"],
            "non_disclosure_until": until.isoformat(),
            "consent_to_share_contact": "on",
            "services": [str(service.pk)],
        },
    )
    case.refresh_from_db()
    assert case.legal_instrument == "court_order"
    assert case.timeframe_start == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert case.timeframe_end == dt.datetime(2026, 3, 31, 23, 59, tzinfo=dt.UTC)
    assert str(case.amount_usd) == "12500.00"
    assert case.data_categories == ["kyc", "deposits"]
    assert case.non_disclosure_until == until
    assert (case.consent_to_share_contact, case.consent_to_disclose) == (True, False)
    assert list(case.services.all()) == [service]
    review = client.get(step(case, "review")).content.decode()
    assert "2026-03-01 00:00" in review and "Pig-butchering ring" in review
    edits = AuditEvent.objects.filter(action="case.edited", case_ref=case.reference).count()
    assert edits == 4  # one per saved step


@pytest.mark.req("HX-08")
def test_a_refused_step_keeps_everything_typed_and_saves_nothing(client, officer):
    case = start(client)
    response = client.post(
        step(case, "facts"),
        {
            "summary": "A long chronology the officer must not lose.",
            "timeframe_start": "2026-04-01T00:00",
            "timeframe_end": "2026-03-01T00:00",
            "amount_usd": "not a number",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "A long chronology the officer must not lose." in body
    assert "2026-04-01T00:00" in body
    case.refresh_from_db()
    assert case.summary == ""

    response = client.post(
        step(case, "facts"),
        {"summary": "Kept", "timeframe_start": "2026-04-01T00:00", "timeframe_end": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "the timeframe ends before it starts" in response.content.decode()
    assert "Kept" in response.content.decode()


def test_a_sent_request_is_not_edited_through_the_form(client, officer, make_case):
    case = make_case(State.SUBMITTED)
    assert client.get(step(case, "facts")).status_code == 404
    assert client.post(step(case, "facts"), {"summary": "changed"}).status_code == 404


@pytest.mark.req("BN-04", "BN-03")
def test_the_checklist_follows_unsaved_input(client, officer, settings):
    settings.LERS_POLICY = "binance"
    case = start(client)
    url = reverse("portal-checklist", args=[case.reference, "request"])
    needs_order = "court order from a competent jurisdiction"
    body = client.post(url, {"request_types": ["information"], "urgency": "standard"})
    assert needs_order in body.content.decode()
    body = client.post(url, {"request_types": ["preservation"], "urgency": "standard"})
    assert needs_order not in body.content.decode()
    case.refresh_from_db()
    assert case.request_types == ["information"]  # the preview saved nothing
    legal = reverse("portal-checklist", args=[case.reference, "legal"])
    assert "Set out the legal basis" in client.post(legal, {"language": "en"}).content.decode()
    filled = client.post(legal, {"language": "en", "legal_basis": "Act s.1"}).content.decode()
    assert "Set out the legal basis" not in filled


@pytest.mark.req("JU-08")
def test_the_checklist_speaks_the_officers_language(client, officer, settings):
    settings.LERS_POLICY = "ju"
    case = start(client)
    page = client.get(step(case, "documents"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "两名" in page or "兩名" in page or "警官" in page


@pytest.mark.req("X-10", "HX-09", "JU-08")
def test_pasted_text_lists_identifiers_to_confirm(client, officer):
    case = start(client)
    text = (
        f"Victim sent USDT (TRC20): {TRON} then ETH to {ETH}.\n"
        f"Ripple {XRP} tag 12345. Contact: suspect@example.org, +44 20 7946 0000."
    )
    response = client.post(reverse("portal-targets-find", args=[case.reference]), {"text": text})
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (TRON, XRP, "suspect@example.org", "+442079460000", "POLYGON"):
        assert expected in page
    assert case.targets.count() == 0  # nothing is added before the officer confirms

    # The officer keeps the first three, chooses BSC for the EVM address, and adds them.
    response = client.post(
        reverse("portal-targets-confirm", args=[case.reference]),
        {
            "pick": ["0", "1", "2"],
            "kind-0": "address",
            "value-0": TRON,
            "chain-0": "TRX",
            "kind-1": "address",
            "value-1": ETH,
            "chain-1": "BSC",
            "kind-2": "address",
            "value-2": XRP,
            "chain-2": "XRP",
            "memo-2": "12345",
            "kind-3": "email",
            "value-3": "suspect@example.org",
        },
    )
    assert response.status_code == 302
    targets = {t.value: t for t in case.targets.all()}
    assert set(targets) == {TRON, ETH, XRP}
    assert targets[ETH].chain == "BSC" and targets[ETH].valid
    assert targets[XRP].memo == "12345"
    again = client.post(reverse("portal-targets-find", args=[case.reference]), {"text": text})
    assert "already on the request" in again.content.decode()


@pytest.mark.req("X-10")
def test_typed_target_with_a_bad_checksum_is_kept_and_explained(client, officer):
    case = start(client)
    # EIP-55's own example with one letter's case flipped: the checksum no longer holds.
    broken = "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    response = client.post(
        step(case, "targets"), {"kind": "address", "value": broken, "chain": "ETH"}
    )
    assert response.status_code == 302
    target = case.targets.get()
    page = client.get(step(case, "targets")).content.decode()
    assert target.valid is False and "check failed" in page


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.req("X-10", "HX-09")
@pytest.mark.parametrize(("name", "build"), [("flow.csv", _csv), ("flow.xlsx", _xlsx)])
def test_a_fund_flow_sheet_is_kept_and_its_identifiers_listed(client, officer, name, build):
    case = start(client)
    rows = [["hop", "from", "to", "txid"], ["1", TRON, BTC, "ab" * 32]]
    upload = SimpleUploadedFile(name, build(rows))
    response = client.post(reverse("portal-targets-find", args=[case.reference]), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert TRON in page and BTC in page and "ab" * 32 in page
    sheet = case.documents.get()
    assert (sheet.doc_type, sheet.original_name) == ("fund_flow", name)


@pytest.mark.req("X-05")
def test_an_executable_named_pdf_is_refused_with_the_reason(client, officer):
    case = start(client)
    upload = SimpleUploadedFile("warrant.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(step(case, "documents"), {"doc_type": "court_order", "file": upload})
    assert response.status_code == 400
    assert "executable" in response.content.decode()
    assert not case.documents.exists()


def test_an_oversized_upload_is_413_with_the_limit(client, officer, settings):
    settings.LERS_MAX_UPLOAD_BYTES = 1024
    case = start(client)
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    response = client.post(step(case, "documents"), {"doc_type": "court_order", "file": upload})
    assert response.status_code == 413
    assert "the limit is" in response.content.decode()


@pytest.mark.req("X-07")
def test_documents_download_as_attachments_and_the_read_is_recorded(client, officer):
    case = start(client)
    upload = SimpleUploadedFile("order.pdf", DEMO_PDF)
    client.post(step(case, "documents"), {"doc_type": "court_order", "file": upload})
    document = case.documents.get()
    assert document.content_type == "application/pdf"
    response = client.get(reverse("portal-document", args=[case.reference, document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == DEMO_PDF
    assert AuditEvent.objects.filter(action="case.document_opened", object_id=str(document.pk))
    # The stored name is the server's, never the officer's.
    assert "order.pdf" not in document.file.name

    client.post(reverse("portal-document-remove", args=[case.reference, document.pk]))
    assert not Document.objects.filter(pk=document.pk).exists()


@pytest.mark.req("BN-03")
def test_binance_refuses_an_incomplete_request_and_keeps_the_draft(client, officer, settings):
    settings.LERS_POLICY = "binance"
    case = start(client, title="Keep me")
    response = client.post(step(case, "review"))
    assert response.status_code == 409
    assert "incomplete" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.title) == (State.DRAFT, "Keep me")


@pytest.mark.req("JU-05")
def test_ju_takes_an_incomplete_request_once_confirmed_and_marks_it(client, officer, settings):
    settings.LERS_POLICY = "ju"
    case = start(client)
    refused = client.post(step(case, "review"))  # not confirmed yet
    assert refused.status_code == 409
    assert "Confirm to send it incomplete" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT
    response = client.post(step(case, "review"), {"confirm_incomplete": "1"})
    assert response["Location"] == reverse("portal-case", args=[case.reference])
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.incomplete
    listing = client.get(reverse("portal-cases")).content.decode()
    assert case.reference in listing and "incomplete" in listing


@pytest.mark.req("HX-02", "BN-03")
def test_a_complete_request_is_submitted_from_the_review(client, officer, make_case, officer_a):
    case = make_case(State.DRAFT)
    response = client.post(step(case, "review"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.incomplete


@pytest.mark.req("X-03")
def test_a_colleague_is_added_to_the_request(client, officer, colleague_a, officer_b):
    case = start(client)
    page = client.get(step(case, "review")).content.decode()
    assert colleague_a.email in page and officer_b.email not in page
    client.post(
        reverse("portal-colleague-add", args=[case.reference]),
        {"officer": colleague_a.officer.pk},
    )
    assert case.officers.filter(pk=colleague_a.officer.pk).exists()
    (mail,) = [j.payload for j in Job.objects.filter(name="mail.send")]
    assert mail["to"] == [colleague_a.email] and case.reference in mail["subject"]
    client.post(
        reverse("portal-colleague-add", args=[case.reference]), {"officer": officer_b.officer.pk}
    )
    assert not case.officers.filter(pk=officer_b.officer.pk).exists()


@pytest.mark.req("HX-16")
def test_the_form_renders_in_chinese(client, officer):
    page = client.get(reverse("portal-request-new"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert page.status_code == 200
    assert "緊急" in page.content.decode()


@pytest.mark.req("JU-08", "X-10")
def test_one_shared_address_with_two_memos_is_two_targets(client, officer):
    case = start(client)
    text = f"First deposit to {XRP} tag 1234567, the second to {XRP} tag 7654321."
    page = client.post(reverse("portal-targets-find", args=[case.reference]), {"text": text})
    assert page.content.decode().count(f'value="{XRP}"') == 2
    client.post(
        reverse("portal-targets-confirm", args=[case.reference]),
        {
            "pick": ["0", "1"],
            **{f"kind-{i}": "address" for i in (0, 1)},
            **{f"value-{i}": XRP for i in (0, 1)},
            **{f"chain-{i}": "XRP" for i in (0, 1)},
            "memo-0": "1234567",
            "memo-1": "7654321",
        },
    )
    assert sorted(case.targets.values_list("memo", flat=True)) == ["1234567", "7654321"]


def test_a_sheet_that_cannot_be_read_is_refused_and_not_kept(client, officer):
    case = start(client)
    upload = SimpleUploadedFile("flow.xlsx", DEMO_PDF)  # a PDF under a spreadsheet's name
    response = client.post(reverse("portal-targets-find", args=[case.reference]), {"file": upload})
    assert response.status_code == 400
    assert "flow.xlsx could not be read" in response.content.decode()
    assert not case.documents.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(client, officer, settings):
    settings.LERS_MAX_UPLOAD_BYTES = 1024
    case = start(client)
    upload = SimpleUploadedFile("huge.pdf", b"%PDF-1.4\n" + b"0" * (2 * 2**20))
    response = client.post(step(case, "documents"), {"doc_type": "court_order", "file": upload})
    assert response.status_code == 413
    assert (
        "the limit is 0 MB per file" in response.content.decode()
        or "limit" in response.content.decode()
    )
    assert not case.documents.exists()

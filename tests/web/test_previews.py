"""Files preview in the page, sandboxed, for staff on the case, the access reviewer and the
case's officers (issue 16.9): PDFs as server-rendered PNGs, images after their signature is
checked, each behind the download's scoping selector and with the download's audit event."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from fpdf import FPDF
from PIL import Image

from lers.accounts.models import Role
from lers.agencies.models import AccessProof, AccessRequest
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document, Message
from lers.core.i18n import localised
from lers.core.policy import active_policy
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-07")]

SANDBOX = "sandbox; default-src 'none'"
HOSTILE = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def pdf_bytes(pages: int = 3) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=28)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Court order, page {number}")
    return bytes(pdf.output())


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def add_document(
    case: Case, *, name: str, data: bytes, content_type: str, message: Message | None = None
) -> Document:
    """A file as stored (the HTML one as if it had come in before uploads were checked)."""
    return Document.objects.create(
        case=case,
        message=message,
        doc_type=next(iter(active_policy().document_types)),
        file=ContentFile(data, name=name),
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=case.created_by.user,
    )


def add_proof(*, name: str, data: bytes, content_type: str) -> AccessProof:
    user = make_user("dc.new")
    access_request = AccessRequest.objects.create(
        user=user,
        agency_name="Metropolitan Police Service",
        country="GB",
        title="Detective Constable",
        office_phone="+442071230000",
        supervisor_name="DI Jones",
        supervisor_email="di.jones@met.police.uk",
        status=AccessRequest.Status.SUBMITTED,
    )
    return AccessProof.objects.create(
        access_request=access_request,
        doc_type="officer_id",
        file=ContentFile(data, name=name),
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def assert_sandboxed(response) -> None:
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def decoded_png(response) -> Image.Image:
    body = response.content
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def opened(document: Document | AccessProof, action: str) -> int:
    return AuditEvent.objects.filter(
        action=action, object_type=document._meta.label_lower, object_id=str(document.pk)
    ).count()


@pytest.fixture
def case(make_case):
    return make_case(State.TRIAGE)


def test_a_pdf_previews_as_a_png_with_the_security_headers(client, case, analyst):
    """issue 16.9: the PDF never reaches the browser; its page does, as a decodable PNG."""
    document = add_document(
        case, name="order.pdf", data=pdf_bytes(3), content_type="application/pdf"
    )
    url = reverse("workbench-document-preview-image", args=[case.reference, document.pk])
    response = login(client, analyst).get(url + "?page=2")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert_sandboxed(response)
    assert response["Content-Disposition"] == "inline"
    assert decoded_png(response).width == 1600
    assert client.get(url + "?page=4").status_code == 404
    assert client.get(url + "?page=x").status_code == 404


def test_the_preview_page_turns_pages_and_keeps_the_download(client, case, analyst):
    """issue 16.9: the page image with an alt text naming the file and page, next and
    previous page links, and the download link; one look is one audit event."""
    document = add_document(
        case, name="order.pdf", data=pdf_bytes(3), content_type="application/pdf"
    )
    page_url = reverse("workbench-document-preview", args=[case.reference, document.pk])
    image_url = reverse("workbench-document-preview-image", args=[case.reference, document.pk])
    body = login(client, analyst).get(page_url + "?page=2").content.decode()
    assert f'<img src="{image_url}?page=2"' in body
    assert 'alt="Preview of order.pdf, page 2"' in body
    assert f'href="{page_url}?page=1" rel="prev">Previous page' in body
    assert f'href="{page_url}?page=3" rel="next">Next page' in body
    assert reverse("workbench-document", args=[case.reference, document.pk]) in body
    last = client.get(page_url + "?page=3").content.decode()
    assert "Next page" not in last and "Previous page" in last
    for page in (1, 2, 3):
        assert client.get(f"{image_url}?page={page}").status_code == 200
    assert opened(document, "case.document_opened") == 1, "one look, not one event per page"
    client.get(reverse("workbench-document", args=[case.reference, document.pk]))
    assert opened(document, "case.document_opened") == 2, "a download is its own event"


def test_an_html_file_stored_as_png_has_no_preview(client, case, analyst):
    """issue 16.9: the bytes are checked, not the name or the stored type."""
    document = add_document(case, name="photo.png", data=HOSTILE, content_type="image/png")
    image_url = reverse("workbench-document-preview-image", args=[case.reference, document.pk])
    response = login(client, analyst).get(image_url)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
    assert_sandboxed(response)
    assert b"<script" not in response.content
    page = client.get(reverse("workbench-document-preview", args=[case.reference, document.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "photo.png has no preview; download it to read it." in body
    assert "<img" not in body.split('id="preview"')[1]


def test_a_damaged_pdf_gets_a_message_not_a_500(client, case, analyst):
    """issue 16.9"""
    document = add_document(
        case, name="broken.pdf", data=b"%PDF-1.7\ngarbage\n%%EOF", content_type="application/pdf"
    )
    login(client, analyst)
    image = client.get(
        reverse("workbench-document-preview-image", args=[case.reference, document.pk])
    )
    assert image.status_code == 422 and b"broken.pdf could not be shown" in image.content
    page = client.get(reverse("workbench-document-preview", args=[case.reference, document.pk]))
    assert page.status_code == 200 and "broken.pdf could not be shown" in page.content.decode()


def test_a_png_proof_of_authority_previews_for_the_reviewer(client, analyst):
    """issue 16.9"""
    data = png_bytes()
    proof = add_proof(name="badge.png", data=data, content_type="image/png")
    url = reverse("workbench-access-proof-preview-image", args=[proof.access_request_id, proof.pk])
    response = login(client, analyst).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content == data
    assert_sandboxed(response)
    client.get(url)
    client.get(reverse("workbench-access-proof-preview", args=[proof.access_request_id, proof.pk]))
    assert opened(proof, "access.proof_viewed") == 1


def test_an_html_proof_named_png_is_refused(client, analyst):
    """issue 16.9"""
    proof = add_proof(name="badge.png", data=HOSTILE, content_type="image/png")
    url = reverse("workbench-access-proof-preview-image", args=[proof.access_request_id, proof.pk])
    response = login(client, analyst).get(url)
    assert response.status_code == 422 and b"<script" not in response.content
    assert_sandboxed(response)


def test_only_reviewers_preview_proofs(client, reviewer):
    """issue 16.9: the access review's selector, as for the download."""
    proof = add_proof(name="badge.png", data=png_bytes(), content_type="image/png")
    login(client, reviewer)
    for name in ("workbench-access-proof-preview", "workbench-access-proof-preview-image"):
        url = reverse(name, args=[proof.access_request_id, proof.pk])
        assert client.get(url).status_code == 404
    assert opened(proof, "access.proof_viewed") == 0


@pytest.mark.parametrize(("language", "attribute"), [("en", "label"), ("zh-hans", "label_zh")])
def test_the_access_review_shows_the_proofs_label_not_its_code(
    client, settings, analyst, language, attribute
):
    """issue 16.9: the profile's label in the reader's language, never ``officer_id``."""
    settings.LERS_POLICY = "ju"
    proof = add_proof(name="badge.png", data=png_bytes(), content_type="image/png")
    response = login(client, analyst).get(
        reverse("workbench-access-detail", args=[proof.access_request_id]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = html.unescape(response.content.decode())
    label = getattr(active_policy().document_types["officer_id"], attribute)
    assert label and label in body
    assert "officer_id" not in body
    image_url = reverse(
        "workbench-access-proof-preview-image", args=[proof.access_request_id, proof.pk]
    )
    assert f'<img src="{image_url}?page=1"' in body


def test_localised_label_is_what_the_filter_shows():
    """issue 16.9: the label above is the one the ``document_type`` filter gives."""
    from lers.core.templatetags.lers import document_type

    assert document_type("officer_id") == localised(active_policy().document_types["officer_id"])


def test_staff_not_on_the_case_get_404_and_leave_no_trail(client, case):
    """issue 16.9"""
    document = add_document(
        case, name="order.pdf", data=pdf_bytes(1), content_type="application/pdf"
    )
    stranger = make_user("stranger", Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER)
    login(client, stranger)
    for name in ("workbench-document-preview", "workbench-document-preview-image"):
        assert client.get(reverse(name, args=[case.reference, document.pk])).status_code == 404
    assert opened(document, "case.document_opened") == 0


def test_an_officer_of_another_agency_gets_404(client, case, officer_b):
    """issue 16.9"""
    document = add_document(
        case, name="order.pdf", data=pdf_bytes(1), content_type="application/pdf"
    )
    login(client, officer_b)
    for name in ("portal-document-preview", "portal-document-preview-image"):
        assert client.get(reverse(name, args=[case.reference, document.pk])).status_code == 404
    assert opened(document, "case.document_opened") == 0


def test_an_officer_does_not_preview_a_file_of_a_staff_internal_note(
    client, case, analyst, officer_a
):
    """issue 16.9: the officer's selector (documents_for_officer), as for the download."""
    note = Message.objects.create(
        case=case, author=analyst, visibility=Message.Visibility.INTERNAL, body="internal"
    )
    document = add_document(
        case, name="memo.png", data=png_bytes(), content_type="image/png", message=note
    )
    login(client, officer_a)
    url = reverse("portal-document-preview-image", args=[case.reference, document.pk])
    assert client.get(url).status_code == 404


def test_the_officer_previews_a_pdf_of_the_case(client, case, officer_a):
    """issue 16.9"""
    document = add_document(
        case, name="order.pdf", data=pdf_bytes(2), content_type="application/pdf"
    )
    login(client, officer_a)
    image = client.get(reverse("portal-document-preview-image", args=[case.reference, document.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert_sandboxed(image)
    decoded_png(image)
    page = client.get(reverse("portal-document-preview", args=[case.reference, document.pk]))
    body = page.content.decode()
    assert 'alt="Preview of order.pdf, page 1"' in body and "Next page" in body
    assert reverse("portal-document", args=[case.reference, document.pk]) in body
    assert opened(document, "case.document_opened") == 1


@pytest.mark.parametrize("side", ["staff", "officer"])
def test_the_case_page_embeds_the_preview(client, case, analyst, officer_a, side):
    """issue 16.9: each PDF and image of the case has its preview ``<img>`` on the case page,
    beside its download link; a file with no preview has none."""
    pdf = add_document(case, name="order.pdf", data=pdf_bytes(2), content_type="application/pdf")
    png = add_document(case, name="badge.png", data=png_bytes(), content_type="image/png")
    sheet = add_document(case, name="flows.csv", data=b"a,b\n1,2\n", content_type="text/csv")
    prefix = "workbench" if side == "staff" else "portal"
    login(client, analyst if side == "staff" else officer_a)
    page = client.get(reverse(f"{prefix}-case", args=[case.reference]))
    body = page.content.decode()
    assert page.status_code == 200
    for document in (pdf, png):
        image = reverse(f"{prefix}-document-preview-image", args=[case.reference, document.pk])
        assert f'<img src="{image}?page=1" loading="lazy"' in body
        assert f'alt="Preview of {document.original_name}, page 1"' in body
        assert reverse(f"{prefix}-document", args=[case.reference, document.pk]) in body
    assert reverse(f"{prefix}-document-preview", args=[case.reference, pdf.pk]) in body
    assert reverse(f"{prefix}-document-preview-image", args=[case.reference, sheet.pk]) not in body
    assert reverse(f"{prefix}-document", args=[case.reference, sheet.pk]) in body

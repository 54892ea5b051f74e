"""JU-07: "At least two law enforcement officers' work ID copies or scans". Each ID names its
officer, on the portal's upload form and in the API; the checklist counts distinct officers,
``officer_verification.min_officer_ids`` of them; staff name an ID that came without a name."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document
from lers.demo.services import DEMO_PDF
from lers.policy.loader import PolicyError, load_file, shipped_profiles
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD
from tests.custom_profile import custom_profile

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-07")]


@pytest.fixture
def ju(settings):
    settings.LERS_POLICY = "ju"


def _draft_without_ids(make_case) -> Case:
    """A complete ju draft, its officers' IDs taken out again."""
    case = make_case(State.DRAFT)
    case.documents.filter(doc_type="officer_id").delete()
    return case


def _pdf(name: str = "work-id.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _upload(client, case: Case, officer_name: str):
    return client.post(
        reverse("portal-request-step", args=[case.reference, "documents"]),
        {"doc_type": "officer_id", "file": _pdf(), "officer_name": officer_name},
    )


def _gap(case: Case):
    return next(
        (g for g in services.case_checklist(case) if g.requirement.id == "two-officer-ids"), None
    )


def test_two_ids_of_one_officer_are_one_officer_on_the_portal(ju, client, make_case, officer_a):
    case = _draft_without_ids(make_case)
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-request-step", args=[case.reference, "documents"]))
    assert "Whose ID is it?" in page.content.decode()
    assert "at least 2 different officers" in page.content.decode()

    # The form asks whose ID it is: an officer's ID without a name is refused.
    refused = _upload(client, case, "")
    assert refused.status_code == 400 and "Say whose ID this is" in refused.content.decode()
    assert not case.documents.filter(doc_type="officer_id").exists()

    assert _upload(client, case, "Wang Fang").status_code == 302
    assert _upload(client, case, "  wang   FANG ").status_code == 302  # the same officer
    assert case.documents.filter(doc_type="officer_id").count() == 2
    gap = _gap(case)
    assert gap is not None and (gap.documents_have, gap.documents_need) == (1, 2)
    review = reverse("portal-request-step", args=[case.reference, "review"])
    assert "(1/2)" in client.get(review).content.decode()
    response = client.post(review, {"terms_acknowledged": "on"})
    assert response.status_code == 409 and "two officers" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT

    assert _upload(client, case, "Li Lei").status_code == 302
    assert _gap(case) is None
    documents = client.get(reverse("portal-request-step", args=[case.reference, "documents"]))
    assert "Li Lei" in documents.content.decode()
    event = AuditEvent.objects.filter(action="case.document_added").last()
    assert event.payload["officer_name"] == "Li Lei"
    response = client.post(review, {"terms_acknowledged": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.incomplete


def test_the_api_upload_names_the_officer(ju, make_case, officer_a):
    case = _draft_without_ids(make_case)
    api = Api(token_for(officer_a))
    path = f"/requests/{case.reference}/documents"
    unnamed = api.post(path, data={"doc_type": "officer_id", "file": _pdf()})
    assert unnamed.status_code == 422 and "whose ID" in unnamed.json()["error"]["message"]
    for name in ("Wang Fang", "WANG FANG"):
        created = api.post(
            path, data={"doc_type": "officer_id", "file": _pdf(), "officer_name": name}
        )
        assert created.status_code == 201, created.content
        assert created.json()["officer_name"] == name
    detail = api.get(f"/requests/{case.reference}").json()
    (gap,) = [g for g in detail["checklist"] if g["id"] == "two-officer-ids"]
    assert (gap["documents_have"], gap["documents_need"]) == (1, 2)
    # A document of another type names nobody, whatever is sent.
    other = api.post(
        path, data={"doc_type": "screenshot", "file": _pdf("shot.pdf"), "officer_name": "X"}
    )
    assert other.status_code == 201 and other.json()["officer_name"] == ""


@pytest.mark.parametrize(("value", "need"), [("3", 3), ("1", 1), ("0", 0)])
def test_min_officer_ids_is_the_number_that_acts(
    settings, tmp_path, make_case, officer_a, value, need
):
    custom_profile(
        settings, tmp_path, "ju", {"min_officer_ids = 2  #": f"min_officer_ids = {value}  #"}
    )
    case = _draft_without_ids(make_case)
    for name in ("Wang Fang", "Li Lei"):  # two distinct officers, as ju asks by default
        services.document_add(
            case=case,
            by=officer_a,
            doc_type="officer_id",
            name="id.pdf",
            content=DEMO_PDF,
            officer_name=name,
        )
    gap = _gap(case)
    if need > 2:
        assert gap is not None and (gap.documents_have, gap.documents_need) == (2, need)
    else:
        assert gap is None
    case.documents.filter(doc_type="officer_id").delete()
    gap = _gap(case)
    assert (gap is None) == (need == 0)  # none needed at all, or still missing


def test_a_profile_cannot_count_officers_with_another_number(tmp_path):
    text = shipped_profiles()["ju"].read_text(encoding="utf-8")
    path = tmp_path / "two_numbers.toml"
    path.write_text(
        text.replace(
            'count = "distinct_officers"\n', 'count = "distinct_officers"\nmin_count = 2\n'
        ),
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="min_officer_ids"):
        load_file(path)
    path.write_text(text.replace('count = "distinct_officers"\n', ""), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"officer_verification\.min_officer_ids"):
        load_file(path)


def test_staff_name_the_officer_of_an_id_that_came_without_one(
    ju, client, make_case, officer_a, analyst
):
    case = make_case(State.TRIAGE)
    case.documents.filter(doc_type="officer_id").delete()
    services.message_post(
        case=case,
        by=officer_a,
        body="The second officer's ID, as asked.",
        attachments=[services.Attachment(doc_type="officer_id", name="id.pdf", content=DEMO_PDF)],
    )
    document = Document.objects.get(case=case, doc_type="officer_id")
    assert document.officer_name == ""
    assert _gap(case).documents_have == 0  # an unnamed ID counts no officer

    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert reverse("workbench-document-officer", args=[case.reference, document.pk]) in page
    client.post(
        reverse("workbench-document-officer", args=[case.reference, document.pk]),
        {"officer_name": "Li Lei"},
    )
    document.refresh_from_db()
    assert document.officer_name == "Li Lei"
    assert _gap(case).documents_have == 1
    event = AuditEvent.objects.get(action="case.document_officer_named")
    assert event.actor_id == analyst.pk and event.payload["to"] == "Li Lei"

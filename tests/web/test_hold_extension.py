"""Who extends a preservation (BN-05, JU-13). Binance: "Should the period for preservation
need to be extended, an additional request must be submitted through LERS": the agency's
extension request (portal or API), once approved, extends the hold it continues, linked to it;
staff cannot extend on their own, and the page does not offer it. Ju.com ("extendable if
allowed by law"): staff may extend."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lers.actions.models import HoldExtension, PreservationHold
from lers.actions.services.holds import hold_extend, hold_preserve
from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.lifecycle import State
from lers.cases.models import Case, SubjectMatch
from lers.cases.services.verification import callback_required
from lers.core.errors import DomainError, ExtensionNeedsRequest
from lers.demo.exchange.actions import legal_holds
from lers.demo.services import DEMO_PDF
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD, run_jobs
from tests.exchange.small import ETH

pytestmark = [pytest.mark.django_db, pytest.mark.req("BN-05", "JU-13")]
T0 = dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC)
REFUSAL = "extends a preservation only on the agency&#x27;s extension request"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def held(clock, subject_case, analyst, small_exchange):
    """The subject case's records preserved for the 30 days it asked (binance)."""
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    run_jobs()
    assert hold.expires_at == T0 + dt.timedelta(days=30)
    return hold


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def attach_papers(case: Case, officer) -> None:
    """The new legal paper an extension request carries: what the checklist asks for."""
    for gap in cases.case_checklist(case):
        for _ in range(gap.documents_need - gap.documents_have):
            cases.document_add(
                case=case,
                by=officer,
                doc_type=gap.documents_any_of[0],
                name="order.pdf",
                content=DEMO_PDF,
                content_type="application/pdf",
            )


def submit(case: Case, officer) -> Case:
    attach_papers(case, officer)
    return cases.case_submit(case=case, by=officer, accept_incomplete=True)


def review(case: Case, analyst, reviewer, approver, operator) -> Case:
    """A submitted extension request through review to approval, as staff take any request."""
    case = cases.case_start_triage(case=case, by=analyst)
    for colleague in (reviewer, approver, operator):
        cases.case_assign(case=case, by=analyst, user=colleague)
    cases.case_resolve_targets(case=case, by=analyst)
    for match in SubjectMatch.objects.filter(target__case=case, target__value=ETH):
        cases.subject_decide(match=match, by=analyst, confirm=True)
    cases.case_send_to_verification(case=case, by=analyst)
    if callback_required(case):
        cases.callback_record(
            case=case, by=analyst, number=case.agency.switchboard_phone, outcome="confirmed"
        )
    cases.case_verify(case=case, by=analyst, note="Call-back confirmed.")
    case = cases.case_approve(case=case, by=reviewer, note="Extension approved.")
    assert case.state == State.APPROVED
    return case


def exchange_until(url: str) -> dt.date:
    with sa.create_engine(url).connect() as conn:
        (row,) = conn.execute(sa.select(legal_holds)).mappings().all()
    return row["until"]


def test_staff_cannot_extend_a_hold_directly_under_binance(client, held, subject_case, analyst):
    ref = subject_case.reference
    page = as_user(client, analyst).get(reverse("workbench-case", args=[ref])).content.decode()
    assert 'name="change" value="extend"' not in page  # no Extend button
    assert REFUSAL in page  # but the reason why
    response = client.post(
        reverse("workbench-hold", args=[ref, held.pk]), {"change": "extend"}, follow=True
    )
    assert REFUSAL in response.content.decode()
    held.refresh_from_db()
    assert (held.extensions, held.expires_at) == (0, T0 + dt.timedelta(days=30))
    with pytest.raises(ExtensionNeedsRequest, match="Binance extends a preservation only"):
        hold_extend(hold=held, by=analyst)
    assert not HoldExtension.objects.exists()
    assert not AuditEvent.objects.filter(action="preservation.extended").exists()


def test_the_agencys_extension_request_extends_the_hold_it_continues(
    client,
    held,
    subject_case,
    officer_a,
    analyst,
    reviewer,
    approver,
    operator,
    small_exchange,
):
    parent = subject_case
    portal = as_user(client, officer_a)
    portal.post(
        reverse("portal-extension", args=[parent.reference]),
        {"reason": "The court order needs four more months."},
    )
    request = Case.objects.get(parent=parent)
    request = cases.case_update_draft(case=request, by=officer_a, changes={"duration_days": 120})
    request = review(submit(request, officer_a), analyst, reviewer, approver, operator)

    staff = as_user(client, analyst)
    page = staff.get(reverse("workbench-case", args=[request.reference])).content.decode()
    assert f"This request extends the preservation of {parent.reference}" in page
    assert "Extend that preservation as this request asks" in page
    assert reverse("workbench-preserve", args=[request.reference]) not in page  # no second copy
    with pytest.raises(DomainError, match=f"extends the preservation of {parent.reference}"):
        hold_preserve(case=request, by=analyst)
    apply = reverse("workbench-hold-extend-request", args=[request.reference])
    response = staff.post(apply, follow=True)
    assert "Preservation extended as the agency" in response.content.decode()

    held.refresh_from_db()
    # 120 more days asked; Binance's extension_days (90) is the most an extension grants.
    assert held.expires_at == T0 + dt.timedelta(days=30 + 90)
    assert (held.state, held.extensions) == (PreservationHold.State.EXTENDED, 1)
    extension = HoldExtension.objects.get()
    assert (extension.hold, extension.request) == (held, request)
    assert (extension.requested_days, extension.days, extension.capped) == (120, 90, True)
    extended = AuditEvent.objects.get(action="preservation.extended")
    assert extended.case_ref == parent.reference
    assert extended.payload["request"] == request.reference
    granted = AuditEvent.objects.get(action="preservation.extension_granted")
    assert granted.case_ref == request.reference
    run_jobs()
    assert exchange_until(small_exchange) == (T0 + dt.timedelta(days=120)).date()

    # The same request extends once.
    response = staff.post(apply, follow=True)
    held.refresh_from_db()
    assert held.extensions == 1
    page = staff.get(reverse("workbench-case", args=[request.reference])).content.decode()
    assert "Extend that preservation as this request asks" not in page

    # The officer sees the extension on the preserved request's page, linked to the request,
    # with why it is shorter than asked.
    officer_page = (
        as_user(client, officer_a)
        .get(reverse("portal-case", args=[parent.reference]))
        .content.decode()
    )
    assert "extended by 90 days" in officer_page
    assert f"at the agency's request {request.reference}" in officer_page
    assert "120 more days were asked; the extension is 90 days, the longest Binance" in (
        officer_page
    )
    request_page = client.get(reverse("portal-case", args=[request.reference])).content.decode()
    assert "extended by 90 days" in request_page  # the hold it extended, on its own page


def test_an_extension_request_extends_nothing_before_its_approval(
    client, held, subject_case, officer_a, analyst
):
    request = cases.case_request_extension(case=subject_case, by=officer_a, reason="More time")
    request = submit(request, officer_a)
    cases.case_start_triage(case=request, by=analyst)
    response = as_user(client, analyst).post(
        reverse("workbench-hold-extend-request", args=[request.reference]), follow=True
    )
    assert "approve the request&#x27;s scope first" in response.content.decode()
    held.refresh_from_db()
    assert held.extensions == 0 and not HoldExtension.objects.exists()


def test_an_extension_asked_through_the_api_extends_the_hold(
    client, held, subject_case, officer_a, analyst, reviewer, approver, operator
):
    api = Api(token_for(officer_a))
    drafted = api.post(
        f"/requests/{subject_case.reference}/extension", json={"reason": "Two more months."}
    )
    assert drafted.status_code == 201, drafted.content
    reference = drafted.json()["reference"]
    patched = api.patch(f"/requests/{reference}", json={"duration_days": 60})
    assert patched.status_code == 200, patched.content
    for gap in patched.json()["checklist"]:
        for _ in range(gap["documents_need"] - gap["documents_have"]):
            upload = api.post(
                f"/requests/{reference}/documents",
                data={
                    "doc_type": gap["documents_any_of"][0],
                    "file": SimpleUploadedFile("order.pdf", DEMO_PDF, "application/pdf"),
                },
            )
            assert upload.status_code == 201, upload.content
    submitted = api.post(f"/requests/{reference}/submit", json={"accept_incomplete": True})
    assert submitted.status_code == 200, submitted.content
    request = Case.objects.get(reference=reference)
    assert request.parent == subject_case
    review(request, analyst, reviewer, approver, operator)
    as_user(client, analyst).post(reverse("workbench-hold-extend-request", args=[reference]))
    held.refresh_from_db()
    assert held.expires_at == T0 + dt.timedelta(days=30 + 60)  # as asked: within the cap
    assert HoldExtension.objects.get().request.reference == reference


@pytest.fixture
def ju(settings):
    settings.LERS_POLICY = "ju"


def test_under_ju_staff_may_extend_a_hold_directly(
    ju, clock, client, subject_case, analyst, officer_a, small_exchange
):
    ref = subject_case.reference
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    page = as_user(client, analyst).get(reverse("workbench-case", args=[ref])).content.decode()
    assert 'name="change" value="extend"' in page
    assert REFUSAL not in page
    client.post(reverse("workbench-hold", args=[ref, hold.pk]), {"change": "extend"})
    hold.refresh_from_db()
    assert hold.expires_at == T0 + dt.timedelta(days=30 + 90)  # ju's extension_days
    extension = HoldExtension.objects.get()
    assert extension.request is None and extension.by == analyst
    officer_page = (
        as_user(client, officer_a).get(reverse("portal-case", args=[ref])).content.decode()
    )
    assert "extended by 90 days" in officer_page and "by the exchange" in officer_page


def test_the_profile_key_decides_who_extends(settings, tmp_path, held, analyst):
    """binance.toml with ``extension = "where_law_allows"``: the same direct extension passes."""
    from lers.policy.loader import PROFILES_DIR

    text = (PROFILES_DIR / "binance.toml").read_text(encoding="utf-8")
    custom = tmp_path / "binance-staff.toml"
    custom.write_text(
        text.replace('extension = "new_request"', 'extension = "where_law_allows"', 1),
        encoding="utf-8",
    )
    settings.LERS_POLICY = str(custom)
    hold = hold_extend(hold=held, by=analyst, days=10)
    assert hold.expires_at == T0 + dt.timedelta(days=40)

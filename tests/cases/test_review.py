"""The review's decisions: the approved scope, the cross-border rule and fee notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import ApprovedScope, Case, Entity, FeeNotice, SubjectMatch, Target
from lers.core.errors import GuardFailed, IllegalTransition, NotPermitted
from lers.jobs.worker import Worker

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)


def confirmed(case: Case, *uids: str) -> None:
    """Accounts a person confirmed behind the case's targets (as resolution leaves them)."""
    target = Target.objects.create(case=case, kind="uid", value=uids[0], normalised=uids[0])
    for uid in uids:
        SubjectMatch.objects.create(
            target=target,
            uid=uid,
            score=100,
            exact=True,
            evidence="uid",
            record="users",
            status=SubjectMatch.Status.CONFIRMED,
        )


def seychelles_entity(case: Case) -> None:
    """Route the case to an entity in the Seychelles, as ju's first one is."""
    case.entity = Entity.objects.create(
        code="ju_sc", name="Ju (Seychelles)", jurisdiction="SC", timezone="Indian/Mahe"
    )
    case.save(update_fields=["entity"])


@pytest.fixture
def in_review(make_case):
    case = make_case(State.LEGAL_REVIEW)
    Case.objects.filter(pk=case.pk).update(
        request_types=["information", "freeze"],
        data_categories=["kyc", "deposits", "logins"],
        timeframe_start=T0,
        timeframe_end=T1,
    )
    case.refresh_from_db()
    confirmed(case, "10000001", "10000002")
    return case


@pytest.mark.req("JU-09")
def test_approving_without_a_scope_approves_the_request_as_made(in_review, reviewer):
    services.case_approve(case=in_review, by=reviewer, note="Lawful and necessary.")
    scope = ApprovedScope.objects.get(case=in_review)
    assert scope.subjects == ["10000001", "10000002"]
    assert scope.categories == ["kyc", "deposits", "logins"]
    assert (scope.period_start, scope.period_end) == (T0, T1)
    assert scope.actions == ["information", "freeze"]
    assert not scope.partial
    assert AuditEvent.objects.filter(action="case.scope_approved").count() == 1


@pytest.mark.req("JU-09")
def test_a_partial_approval_narrows_every_part_and_tells_the_agency(in_review, reviewer, officer_a):
    mail.outbox.clear()
    services.case_approve(
        case=in_review,
        by=reviewer,
        note="Only the first account's KYC for March is necessary.",
        scope=services.ScopeDecision(
            subjects=["10000001"],
            categories=["kyc"],
            period_start=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            period_end=dt.datetime(2026, 3, 31, tzinfo=dt.UTC),
            actions=["information"],
        ),
    )
    scope = ApprovedScope.objects.get(case=in_review)
    assert scope.partial
    assert scope.narrowed == ["subjects", "categories", "period", "actions"]
    event = AuditEvent.objects.get(action="case.scope_approved")
    assert event.payload["subjects"] == ["10000001"] and event.payload["partial"] is True
    Worker(worker_id="t", periodic={}).run(burst=True)
    told = [m for m in mail.outbox if officer_a.email in m.to]
    assert any("Fewer accounts than requested." in m.body for m in told), told


@pytest.mark.req("JU-09")
@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"subjects": ["99999999"]}, "Only confirmed subjects"),
        ({"categories": ["kyc", "devices"]}, "does not ask for: devices"),
        ({"actions": ["information", "preservation"]}, "does not ask for: preservation"),
        ({"period_start": dt.datetime(2025, 12, 1, tzinfo=dt.UTC)}, "starts before"),
        ({"period_end": None}, "ends after"),
        ({"categories": []}, "at least one category"),
    ],
)
def test_a_scope_wider_than_the_request_is_refused_and_nothing_moves(
    in_review, reviewer, decision, message
):
    full = {
        "subjects": ["10000001"],
        "categories": ["kyc"],
        "period_start": T0,
        "period_end": T1,
        "actions": ["information"],
        **decision,
    }
    with pytest.raises(GuardFailed, match=message):
        services.case_approve(
            case=in_review, by=reviewer, note="x", scope=services.ScopeDecision(**full)
        )
    in_review.refresh_from_db()
    assert in_review.state == State.LEGAL_REVIEW
    assert not ApprovedScope.objects.exists()


@pytest.mark.req("JU-12")
def test_a_cross_border_request_without_mlat_gets_general_information_only(
    settings, in_review, reviewer, officer_a
):
    settings.LERS_POLICY = "ju"
    seychelles_entity(in_review)  # agency A is in GB: cross-border, derived
    assert services.cross_border_limit(in_review) == "general_information_only"
    assert services.scope_proposal(in_review) == services.ScopeDecision()
    with pytest.raises(GuardFailed, match="general information only"):
        services.case_approve(
            case=in_review,
            by=reviewer,
            note="x",
            scope=services.ScopeDecision(subjects=["10000001"], categories=["kyc"]),
        )
    services.case_approve(case=in_review, by=reviewer, note="General information only.")
    scope = ApprovedScope.objects.get(case=in_review)
    assert scope.general_information_only and scope.partial
    assert (scope.subjects, scope.categories, scope.actions) == ([], [], [])


@pytest.mark.req("JU-12")
def test_with_the_mlat_the_cross_border_request_is_reviewed_in_full(
    settings, in_review, officer_a, analyst
):
    settings.LERS_POLICY = "ju"
    seychelles_entity(in_review)  # agency A is in GB: cross-border, derived
    services.message_post(
        case=in_review,
        by=analyst,
        body="The MLAT request, received through the central authority.",
        visibility="internal",
        attachments=[
            services.Attachment(doc_type="mlat_request", name="mlat.pdf", content=b"%PDF")
        ],
    )
    assert services.cross_border_limit(in_review) is None


@pytest.mark.req("JU-19")
def test_a_fee_notice_holds_the_work_until_the_agency_accepts(
    settings, make_case, reviewer, operator, officer_a
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.APPROVED)
    notice = services.fee_notice_issue(
        case=case, by=reviewer, amount="250.00", currency="usd", description="Search and export"
    )
    assert notice.currency == "USD"
    with pytest.raises(GuardFailed, match="already waiting"):
        services.fee_notice_issue(
            case=case, by=reviewer, amount="1", currency="USD", description="again"
        )
    with pytest.raises(GuardFailed, match="not yet accepted"):
        services.case_start_work(case=case, by=operator)
    services.fee_notice_answer(notice=notice, by=officer_a, accept=True)
    with pytest.raises(IllegalTransition, match="already answered"):
        services.fee_notice_answer(notice=notice, by=officer_a, accept=False)
    services.case_start_work(case=case, by=operator)
    actions = list(
        AuditEvent.objects.filter(case_ref=case.reference, action__startswith="fee.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["fee.issued", "fee.accepted"]


@pytest.mark.req("JU-19")
def test_a_refused_fee_stops_the_work_until_withdrawn(
    settings, make_case, reviewer, operator, officer_a
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.APPROVED)
    notice = services.fee_notice_issue(
        case=case, by=reviewer, amount="90", currency="EUR", description="Copies"
    )
    services.fee_notice_answer(notice=notice, by=officer_a, accept=False)
    with pytest.raises(GuardFailed, match="refused the fee"):
        services.case_start_work(case=case, by=operator)
    services.fee_notice_withdraw(notice=notice, by=reviewer)
    services.case_start_work(case=case, by=operator)
    assert FeeNotice.objects.get().status == FeeNotice.Status.WITHDRAWN


@pytest.mark.req("JU-19")
@pytest.mark.parametrize(
    ("amount", "currency", "description", "message"),
    [
        ("ten", "USD", "x", "not a number"),
        ("-5", "USD", "x", "positive amount"),
        ("1.005", "USD", "x", "two decimals"),
        ("NaN", "USD", "x", "positive amount"),
        ("10", "dollars", "x", "ISO 4217"),
        ("10", "USD", "  ", "what the fee covers"),
    ],
)
def test_a_bad_fee_notice_is_refused(
    settings, make_case, reviewer, amount, currency, description, message
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.APPROVED)
    with pytest.raises(GuardFailed, match=message):
        services.fee_notice_issue(
            case=case, by=reviewer, amount=amount, currency=currency, description=description
        )
    assert not FeeNotice.objects.exists()


@pytest.mark.req("JU-19")
def test_fees_only_where_the_policy_charges_and_only_by_a_reviewer_on_the_case(
    settings, make_case, reviewer, analyst, officer_b
):
    case = make_case(State.APPROVED)  # binance: no fees
    with pytest.raises(GuardFailed, match="does not charge"):
        services.fee_notice_issue(
            case=case, by=reviewer, amount="10", currency="USD", description="x"
        )
    settings.LERS_POLICY = "ju"
    with pytest.raises(NotPermitted):
        services.fee_notice_issue(
            case=case, by=analyst, amount="10", currency="USD", description="x"
        )
    notice = services.fee_notice_issue(
        case=case, by=reviewer, amount="10", currency="USD", description="x"
    )
    with pytest.raises(NotPermitted):
        services.fee_notice_answer(notice=notice, by=officer_b, accept=True)

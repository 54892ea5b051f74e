"""Who among the staff may do what (DESIGN.md, "Trust"): one rule per test, with its IDs."""

from __future__ import annotations

import pytest

from lers.accounts.models import Role
from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.permissions import STEP_ROLES, Step, may
from lers.cases.selectors import (
    Queue,
    case_get_for_staff,
    case_get_to_take,
    queue_counts,
    staff_queue,
)
from lers.core.errors import NotFound, NotPermitted
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.req("X-07")
@pytest.mark.parametrize("step", list(Step), ids=[s.value for s in Step])
def test_each_step_is_open_to_the_roles_of_the_table_and_no_other(make_case, staff, step):
    """Every staff role, on the case, against every step of the one permission table."""
    case = make_case(State.APPROVED)
    for role, user in staff.items():
        # auditors read, administrators configure: neither acts on cases
        expected = role in STEP_ROLES[step] and role not in (Role.AUDITOR, Role.ADMIN)
        assert may(user, step, case) is expected, (step, role)


@pytest.mark.req("X-07")
def test_staff_not_on_a_case_neither_read_nor_change_it(make_case, analyst, officer_a):
    case = make_case(State.TRIAGE, team=False)  # the analyst took it by triaging it
    stranger = make_user("other_analyst", Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER)
    with pytest.raises(NotFound):
        case_get_for_staff(stranger, case.reference)
    with pytest.raises(NotPermitted, match="not assigned"):
        services.message_post(case=case, by=stranger, body="hello", visibility="internal")
    with pytest.raises(NotPermitted, match="not assigned"):
        services.case_send_to_verification(case=case, by=stranger)
    with pytest.raises(NotPermitted):
        services.case_resolve_targets(case=case, by=stranger)
    assert case_get_for_staff(analyst, case.reference) == case


@pytest.mark.req("X-07")
def test_an_auditor_reads_every_case_and_changes_nothing(make_case, auditor):
    case = make_case(State.TRIAGE, team=False)
    assert case_get_for_staff(auditor, case.reference) == case
    for attempt in (
        lambda: services.message_post(case=case, by=auditor, body="x", visibility="internal"),
        lambda: services.case_send_to_verification(case=case, by=auditor),
        lambda: services.case_assign(case=case, by=auditor, user=make_user("op", Role.OPERATOR)),
    ):
        with pytest.raises(NotPermitted):
            attempt()


def test_an_administrator_configures_but_reads_no_case(make_case, admin_user):
    case = make_case(State.TRIAGE)
    with pytest.raises(NotFound):
        case_get_for_staff(admin_user, case.reference)


@pytest.mark.req("X-07")
def test_an_intake_analyst_takes_a_new_case_by_triaging_it_and_only_one_does(
    make_case, analyst, reviewer
):
    case = make_case(State.SUBMITTED, team=False)
    other = make_user("second_analyst", Role.INTAKE_ANALYST)
    with pytest.raises(NotFound):
        case_get_for_staff(analyst, case.reference)  # not theirs yet: no user data
    with pytest.raises(NotFound):
        case_get_to_take(reviewer, case.reference)  # only intake analysts take cases
    taken = services.case_start_triage(case=case_get_to_take(analyst, case.reference), by=analyst)
    assert taken.assignee == analyst and taken.state == State.TRIAGE
    assert case_get_for_staff(analyst, case.reference) == case
    with pytest.raises(NotFound):
        case_get_to_take(other, case.reference)  # already held
    event = AuditEvent.objects.get(action="case.member_added", case_ref=case.reference)
    assert event.actor_id == analyst.pk and event.payload["user_id"] == analyst.pk


@pytest.mark.req("X-07")
def test_a_member_adds_a_colleague_and_hands_the_case_over(make_case, analyst, officer_a, auditor):
    case = make_case(State.TRIAGE, team=False)
    reviewer2 = make_user("reviewer2", Role.LEGAL_REVIEWER)
    services.case_assign(case=case, by=analyst, user=reviewer2, hold=True)
    case.refresh_from_db()
    assert case.assignee == reviewer2
    assert case_get_for_staff(reviewer2, case.reference) == case
    assert AuditEvent.objects.filter(action="case.handed_over", case_ref=case.reference).exists()
    for not_a_worker in (officer_a, auditor):
        with pytest.raises(Exception, match="only active staff"):
            services.case_assign(case=case, by=analyst, user=not_a_worker)
    outsider = make_user("outsider2", Role.OPERATOR)
    with pytest.raises(NotPermitted, match="not assigned"):
        services.case_assign(case=case, by=outsider, user=outsider)


def test_the_queues_list_open_cases_with_their_counts(make_case, analyst, reviewer, officer_a):
    new = make_case(State.SUBMITTED, team=False)
    urgent = make_case(State.SUBMITTED, urgency="urgent", team=False)
    mine = make_case(State.TRIAGE, team=False)
    asked = make_case(State.AWAITING_INFORMATION)
    make_case(State.CLOSED)
    counts = queue_counts(analyst)
    assert counts[Queue.NEW] == 2
    assert counts[Queue.MINE] == 2  # the one taken by triage and the team case
    assert counts[Queue.AWAITING_AGENCY] == 1
    assert counts[Queue.ALL] == 4
    assert list(staff_queue(analyst, Queue.NEW)) == [urgent, new]  # urgent first
    assert set(staff_queue(analyst, Queue.MINE)) == {mine, asked}
    assert list(staff_queue(analyst, state=State.TRIAGE)) == [mine]
    assert not staff_queue(analyst, profile="ju").exists()
    assert queue_counts(officer_a)[Queue.ALL] == 0


@pytest.mark.req("X-07")
def test_an_approver_sees_what_waits_for_their_second_approval(
    subject_case, analyst, approver, operator
):
    from lers.actions.services.freezes import freeze_request
    from lers.productions.services import production_request
    from tests.conftest import run_jobs

    assert queue_counts(approver)[Queue.APPROVALS] == 0
    freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=30
    )
    assert list(staff_queue(approver, Queue.APPROVALS)) == [subject_case]
    assert queue_counts(analyst)[Queue.APPROVALS] == 0  # not an approver: never theirs
    other_approver = make_user("approver_two", Role.APPROVER, Role.OPERATOR)
    assert queue_counts(other_approver)[Queue.APPROVALS] == 0  # not on the case
    services.case_assign(case=subject_case, by=analyst, user=other_approver)
    assert queue_counts(other_approver)[Queue.APPROVALS] == 1
    # A production asked for by the approver is not theirs to release.
    subject_case.freezes.update(state="refused")
    production_request(case=subject_case, by=other_approver)
    run_jobs()
    assert queue_counts(other_approver)[Queue.APPROVALS] == 0
    assert list(staff_queue(approver, Queue.APPROVALS)) == [subject_case]

"""The transition table, exhaustively: every move by every role from every state."""

from __future__ import annotations

import pytest
from django.db import transaction

from lers.accounts.models import Role
from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import OPEN, TERMINAL, TRANSITIONS, Guard, State
from lers.cases.models import Case
from lers.core.errors import GuardFailed, IllegalTransition, NotPermitted
from tests.conftest import transition_kwargs


class _Rollback(Exception):
    pass


def _attempt(case: Case, name: str, actor) -> str:
    """Outcome of one attempt, rolled back so the next attempt starts from the same case."""
    try:
        with transaction.atomic():
            moved = services.case_transition_service(name)(
                case=case, by=actor, **transition_kwargs(name)
            )
            events = AuditEvent.objects.filter(case_ref=case.reference, action=f"case.{name}")
            outcome = f"moved:{moved.state}" + ("" if events.count() == 1 else ":not-audited")
            raise _Rollback
    except _Rollback:
        return outcome
    except IllegalTransition:
        return "illegal"
    except NotPermitted:
        return "forbidden"


@pytest.mark.req("X-02", "X-07")
@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_every_transition_by_every_role_from_every_state(state, make_case, officer_a, staff):
    """Allowed moves land in the table's target state with one audit event; the rest are
    refused as illegal (wrong state, 409) or forbidden (wrong role, 403)."""
    case = make_case(state)
    actors = {Role.OFFICER: officer_a, **staff}
    failures = []
    for name, transition in TRANSITIONS.items():
        for role, actor in actors.items():
            if state not in transition.sources:
                expected = "illegal"
            elif role not in transition.roles:
                expected = "forbidden"
            else:
                expected = f"moved:{transition.target}"
            got = _attempt(case, name, actor)
            if got != expected:
                failures.append(f"{name} by {role}: expected {expected}, got {got}")
    assert failures == []


def test_the_table_matches_the_design():
    """DESIGN.md's arrows, and no other (asking the agency is allowed at any review step)."""
    edges = {(s, t.target) for t in TRANSITIONS.values() for s in t.sources}
    expected = {
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.TRIAGE),
        (State.TRIAGE, State.AWAITING_INFORMATION),
        (State.AWAITING_INFORMATION, State.SUBMITTED),
        (State.TRIAGE, State.VERIFICATION),
        (State.VERIFICATION, State.LEGAL_REVIEW),
        (State.LEGAL_REVIEW, State.APPROVED),
        (State.APPROVED, State.IN_PROGRESS),
        (State.IN_PROGRESS, State.RESPONDED),
        (State.RESPONDED, State.CLOSED),
        (State.LEGAL_REVIEW, State.DECLINED),
        (State.TRIAGE, State.DECLINED),
        # HX-13: the exchange may ask for more at any point of its review
        (State.VERIFICATION, State.AWAITING_INFORMATION),
        (State.LEGAL_REVIEW, State.AWAITING_INFORMATION),
        (State.VERIFICATION, State.DECLINED),
    } | {(state, State.WITHDRAWN) for state in OPEN}
    assert edges == expected
    for state in TERMINAL:
        assert not [t for t in TRANSITIONS.values() if state in t.sources]


@pytest.mark.django_db
def test_a_transition_event_records_from_to_and_actor(make_case, analyst):
    case = make_case(State.SUBMITTED)
    services.case_start_triage(case=case, by=analyst)
    event = AuditEvent.objects.get(action="case.start_triage", case_ref=case.reference)
    assert event.payload["from"] == "submitted"
    assert event.payload["to"] == "triage"
    assert event.actor_id == analyst.pk


@pytest.mark.django_db
def test_an_officer_not_on_the_case_cannot_move_it(make_case, colleague_a, officer_b):
    case = make_case(State.DRAFT)
    for outsider in (colleague_a, officer_b):
        with pytest.raises(NotPermitted):
            services.case_withdraw(case=case, by=outsider)
    case.refresh_from_db()
    assert case.state == State.DRAFT


@pytest.mark.django_db
def test_an_outsider_with_no_role_is_refused(make_case, outsider):
    case = make_case(State.SUBMITTED)
    with pytest.raises(NotPermitted):
        services.case_start_triage(case=case, by=outsider)


@pytest.mark.req("JU-14")
@pytest.mark.django_db
def test_a_decline_needs_reasons_from_the_policy(make_case, analyst):
    case = make_case(State.TRIAGE)
    with pytest.raises(GuardFailed, match="at least one"):
        services.case_decline(case=case, by=analyst, reasons=[], message="No.")
    with pytest.raises(GuardFailed, match="unknown decline reason"):
        services.case_decline(case=case, by=analyst, reasons=["vibes"], message="No.")
    case.refresh_from_db()
    assert case.state == State.TRIAGE


@pytest.mark.req("HX-13", "JU-05")
@pytest.mark.django_db
def test_asking_the_agency_needs_a_question_and_posts_it(make_case, analyst, officer_a):
    case = make_case(State.TRIAGE)
    with pytest.raises(GuardFailed):
        services.case_request_information(case=case, by=analyst, question="  ")
    services.case_request_information(case=case, by=analyst, question="Which wallet?")
    question = case.messages.get()
    assert question.is_question and question.visibility == "shared"
    services.case_answer(case=case, by=officer_a, answer="The first one.")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert case.messages.count() == 2


@pytest.mark.req("BN-03")
@pytest.mark.django_db
def test_binance_refuses_an_incomplete_submission(settings, entities, officer_a):
    settings.LERS_POLICY = "binance"
    case = services.case_create(officer_user=officer_a, request_types=["information"])
    with pytest.raises(GuardFailed, match="incomplete") as caught:
        services.case_submit(case=case, by=officer_a)
    assert "disclosure-order" in caught.value.details["missing"]
    case.refresh_from_db()
    assert case.state == State.DRAFT


@pytest.mark.req("JU-05")
@pytest.mark.django_db
def test_ju_accepts_an_incomplete_submission_and_marks_it(settings, officer_a):
    settings.LERS_POLICY = "ju"
    case = services.case_create(officer_user=officer_a, request_types=["information"])
    # Ju.com takes it incomplete, but only when the officer knowingly sends it so.
    with pytest.raises(GuardFailed, match="Confirm to send it incomplete"):
        services.case_submit(case=case, by=officer_a)
    services.case_submit(case=case, by=officer_a, accept_incomplete=True)
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert case.incomplete
    event = AuditEvent.objects.get(action="case.submit", case_ref=case.reference)
    assert "two-officer-ids" in event.payload["missing"]


@pytest.mark.req("JU-01")
@pytest.mark.django_db
def test_with_several_entities_a_case_is_routed_before_verification(settings, officer_a, analyst):
    settings.LERS_POLICY = "ju"  # two legal entities
    from lers.cases.models import Entity

    for spec in ("ju_global", "ju_hk"):
        Entity.objects.create(code=spec, name=spec, jurisdiction="HK", timezone="Asia/Hong_Kong")
    case = services.case_create(officer_user=officer_a, request_types=["information"])
    assert case.entity is None
    services.case_submit(case=case, by=officer_a, accept_incomplete=True)
    services.case_start_triage(case=case, by=analyst)
    with pytest.raises(GuardFailed, match="route"):
        services.case_send_to_verification(case=case, by=analyst)
    services.case_route(case=case, by=analyst, entity=Entity.objects.get(code="ju_hk"))
    services.case_send_to_verification(case=case, by=analyst)
    case.refresh_from_db()
    assert case.state == State.VERIFICATION
    assert case.entity.code == "ju_hk"


@pytest.mark.django_db
def test_only_a_draft_can_be_edited(make_case, officer_a):
    case = make_case(State.SUBMITTED)
    with pytest.raises(IllegalTransition):
        services.case_update_draft(case=case, by=officer_a, changes={"title": "Changed"})


@pytest.mark.django_db
def test_unknown_fields_and_request_types_are_refused(make_case, officer_a):
    case = make_case(State.DRAFT)
    from lers.core.errors import DomainError

    with pytest.raises(DomainError, match="cannot be set"):
        services.case_update_draft(case=case, by=officer_a, changes={"state": "approved"})
    with pytest.raises(DomainError, match="unknown request type"):
        services.case_update_draft(case=case, by=officer_a, changes={"request_types": ["teleport"]})


@pytest.mark.req("X-02")
@pytest.mark.django_db
@pytest.mark.parametrize("state", [State.DRAFT, State.AWAITING_INFORMATION])
def test_nobody_but_the_officers_on_the_case_makes_the_officer_moves(
    state, make_case, colleague_a, officer_b, outsider, agency_a
):
    case = make_case(state)
    from lers.agencies.models import Officer
    from tests.conftest import make_officer

    suspended = make_officer("suspended_a", agency_a)
    case.officers.add(suspended.officer)
    Officer.objects.filter(pk=suspended.officer.pk).update(status=Officer.Status.SUSPENDED)
    suspended.refresh_from_db()
    for name in ("submit", "answer", "withdraw"):
        for actor in (colleague_a, officer_b, outsider, suspended):
            assert _attempt(case, name, actor) in ("illegal", "forbidden"), (name, actor)
            if name in [t.name for t in TRANSITIONS.values() if state in t.sources]:
                assert _attempt(case, name, actor) == "forbidden", (name, actor)


@pytest.mark.django_db
def test_a_user_with_two_roles_can_make_the_moves_of_both(make_case, analyst):
    from lers.accounts.models import Role
    from tests.conftest import make_user

    both = make_user("analyst_reviewer", Role.INTAKE_ANALYST, Role.LEGAL_REVIEWER)
    case = make_case(State.VERIFICATION)
    services.case_assign(case=case, by=analyst, user=both)
    services.case_verify(case=case, by=both, note="Called back.")
    services.case_approve(case=case, by=both, note="Approved.", without_accounts=True)
    case.refresh_from_db()
    assert case.state == State.APPROVED


@pytest.mark.req("X-07")
def test_every_transition_says_who_must_be_on_the_case():
    """The membership rule is in the table: officers' moves need the officer on the case,
    staff's moves the member of staff, except the take (triage of a case nobody holds)."""
    for transition in TRANSITIONS.values():
        if Role.OFFICER in transition.roles:
            assert Guard.OFFICER_ON_CASE in transition.guards, transition.name
        elif transition.name == "start_triage":
            assert transition.guards == (Guard.TAKE,)
        else:
            assert transition.guards[0] is Guard.STAFF_ON_CASE, transition.name

"""Who may write to a case besides moving it: messages, documents, targets, colleagues."""

from __future__ import annotations

import pytest

from lers.accounts.models import Role
from lers.accounts.services import role_grant
from lers.agencies.models import Officer
from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.selectors import cases_for_officer
from lers.core.errors import DomainError, IllegalTransition, NotPermitted

pytestmark = pytest.mark.django_db


def test_case_workers_post_messages_and_auditors_cannot(make_case, analyst, auditor, outsider):
    case = make_case(State.TRIAGE)
    message = services.message_post(
        case=case, by=analyst, body="Internal note", visibility="internal"
    )
    assert AuditEvent.objects.filter(
        action="case.message_posted", object_id=str(message.pk)
    ).exists()
    for actor in (auditor, outsider):
        with pytest.raises(NotPermitted):
            services.message_post(case=case, by=actor, body="hello")


def test_staff_cannot_write_to_a_draft(make_case, analyst):
    case = make_case(State.DRAFT)
    with pytest.raises(NotPermitted, match="draft"):
        services.message_post(case=case, by=analyst, body="hello")
    with pytest.raises(NotPermitted, match="draft"):
        services.document_add(case=case, by=analyst, doc_type="other", name="x.pdf", content=b"x")


def test_officer_messages_are_always_shared_and_scoped(make_case, officer_a, officer_b):
    case = make_case(State.TRIAGE)
    message = services.message_post(case=case, by=officer_a, body="x", visibility="internal")
    assert message.visibility == "shared"
    with pytest.raises(NotPermitted):
        services.message_post(case=case, by=officer_b, body="x")


def test_free_text_loses_nul_characters_not_the_message(make_case, officer_a):
    case = make_case(State.TRIAGE)
    message = services.message_post(case=case, by=officer_a, body="wallet\x00 list\r\nline 2")
    assert message.body == "wallet list\nline 2"


def test_officers_add_documents_only_to_a_draft_or_when_asked(make_case, officer_a, analyst):
    case = make_case(State.TRIAGE)
    with pytest.raises(IllegalTransition):
        services.document_add(case=case, by=officer_a, doc_type="other", name="x.pdf", content=b"x")
    services.case_request_information(case=case, by=analyst, question="Send the warrant.")
    document = services.document_add(
        case=case, by=officer_a, doc_type="other", name="warrant.pdf", content=b"%PDF"
    )
    assert document.sha256 and document.size == 4


def test_empty_and_unknown_documents_are_refused(make_case, officer_a):
    case = make_case(State.DRAFT)
    with pytest.raises(DomainError, match="empty"):
        services.document_add(case=case, by=officer_a, doc_type="other", name="x.pdf", content=b"")
    with pytest.raises(DomainError, match="unknown document type"):
        services.document_add(case=case, by=officer_a, doc_type="selfie", name="x", content=b"x")


def test_a_suspended_officer_loses_access_to_the_cases(make_case, officer_a):
    case = make_case(State.SUBMITTED)
    assert case in cases_for_officer(officer_a)
    Officer.objects.filter(user=officer_a).update(status=Officer.Status.SUSPENDED)
    officer_a.refresh_from_db()
    assert not cases_for_officer(officer_a).exists()
    with pytest.raises(NotPermitted):
        services.case_withdraw(case=case, by=officer_a)


@pytest.mark.req("X-03")
def test_colleagues_of_the_same_agency_join_a_case(make_case, officer_a, colleague_a, officer_b):
    case = make_case(State.DRAFT)
    services.case_add_officer(case=case, by=officer_a, colleague=colleague_a.officer)
    assert case in cases_for_officer(colleague_a)
    with pytest.raises(NotPermitted):
        services.case_add_officer(case=case, by=officer_a, colleague=officer_b.officer)


def test_opening_a_case_as_staff_is_on_the_record(make_case, analyst):
    case = make_case(State.SUBMITTED)
    services.case_open_for_staff(user=analyst, reference=case.reference)
    assert AuditEvent.objects.filter(action="case.viewed", actor_id=analyst.pk).count() == 1


def test_only_an_administrator_grants_roles(analyst, admin_user, outsider):
    with pytest.raises(NotPermitted):
        role_grant(user=outsider, role=Role.LEGAL_REVIEWER, by=analyst)
    role_grant(user=outsider, role=Role.LEGAL_REVIEWER, by=admin_user)
    event = AuditEvent.objects.get(action="role.granted", object_id=str(outsider.pk))
    assert event.actor_id == admin_user.pk


def test_an_officer_account_cannot_hold_a_staff_role(officer_a, admin_user):
    with pytest.raises(DomainError, match="officer"):
        role_grant(user=officer_a, role=Role.INTAKE_ANALYST, by=admin_user)
    with pytest.raises(DomainError, match="not a staff role"):
        role_grant(user=admin_user, role=Role.OFFICER, by=admin_user)


@pytest.mark.req("X-10", "JU-08", "HX-09")
def test_targets_are_checked_normalised_and_kept_even_when_mistyped(make_case, officer_a):
    case = make_case(State.DRAFT)
    address = services.target_add(
        case=case, by=officer_a, kind="address", value="0x52908400098527886e0f7030069857d2e4169ee7"
    )
    assert address.valid is True
    assert address.normalised == "0x52908400098527886E0F7030069857D2E4169EE7"  # EIP-55
    phone = services.target_add(case=case, by=officer_a, kind="phone", value="020 7230 1212")
    assert phone.normalised == "+442072301212"  # the agency's country is the default region
    typo = services.target_add(
        case=case, by=officer_a, kind="address", value="0x52908400098527886E0F7030069857D2E4169Ee7"
    )
    assert typo.valid is False
    assert "EIP-55" in typo.check_reason
    name = services.target_add(case=case, by=officer_a, kind="name", value="Wang Wei")
    assert name.valid is None

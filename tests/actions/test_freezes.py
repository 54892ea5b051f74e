"""Freezes: four eyes, sent through the actions port, active on confirmation, bounded, warned,
released (JU-11, HX-04, HX-10, HX-11)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from django.core import mail

from lers.accounts.models import Role
from lers.actions.models import Delivery, Freeze
from lers.actions.services.freezes import (
    freeze_approve,
    freeze_refuse,
    freeze_release,
    freeze_request,
    freezes_sweep,
)
from lers.audit.models import AuditEvent
from lers.cases import services as cases_services
from lers.core.errors import DomainError, NotPermitted
from lers.demo.exchange import users
from lers.demo.exchange.actions import account_restrictions
from tests.conftest import make_user

from .conftest import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-11", "HX-04", "HX-10", "HX-11")]


def status_of(url: str, uid: str) -> str:
    with sa.create_engine(url).connect() as conn:
        return conn.execute(sa.select(users.c.status).where(users.c.uid == uid)).scalar_one()


def restrictions(url: str) -> list[tuple]:
    with sa.create_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(account_restrictions))]


def requested(case, analyst, **kwargs) -> Freeze:
    return freeze_request(
        case=case,
        uid=kwargs.pop("uid", "10000001"),
        scope=kwargs.pop("scope", "account"),
        by=analyst,
        reason="Proceeds of the fraud were deposited here",
        **kwargs,
    )


def test_a_freeze_needs_a_second_person_and_reaches_the_exchange_only_then(
    subject_case, analyst, approver, small_exchange
):
    freeze = requested(subject_case, analyst, days=30)
    assert not Delivery.objects.exists()
    run_jobs()
    assert status_of(small_exchange, "10000001") == "active"
    freeze = freeze_approve(freeze=freeze, by=approver)
    assert freeze.state == Freeze.State.APPROVED
    assert status_of(small_exchange, "10000001") == "active"  # nothing sent before commit+job
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.ACTIVE
    assert freeze.exchange_reference.startswith("restriction-")
    assert freeze.expires_at - freeze.active_from == dt.timedelta(days=30)
    assert status_of(small_exchange, "10000001") == "frozen"
    assert any("has been frozen" in m.subject for m in mail.outbox)
    actions = list(
        AuditEvent.objects.filter(case_ref=subject_case.reference)
        .filter(action__startswith="freeze.")
        .values_list("action", flat=True)
    )
    assert actions == ["freeze.requested", "freeze.approved", "freeze.active"]


def test_the_requester_cannot_approve_their_own_freeze(subject_case, analyst, approver):
    analyst.role_grants.create(role="approver")
    analyst = type(analyst).objects.get(pk=analyst.pk)  # roles are read once per user object
    freeze = requested(subject_case, analyst, days=10)
    with pytest.raises(NotPermitted, match="second person"):
        freeze_approve(freeze=freeze, by=analyst)
    with pytest.raises(NotPermitted, match="second person"):
        freeze_refuse(freeze=freeze, by=analyst, note="no")
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.REQUESTED and not Delivery.objects.exists()


def test_only_an_approver_approves(subject_case, analyst, operator):
    freeze = requested(subject_case, analyst, days=10)
    with pytest.raises(NotPermitted, match="approver"):
        freeze_approve(freeze=freeze, by=operator)


def test_a_refused_freeze_sends_nothing(subject_case, analyst, approver):
    freeze = requested(subject_case, analyst, days=10)
    freeze = freeze_refuse(freeze=freeze, by=approver, note="Amount below threshold")
    assert freeze.state == Freeze.State.REFUSED and not Delivery.objects.exists()


@pytest.mark.req("JU-09")
def test_only_an_account_of_the_approved_scope_can_be_frozen(subject_case, analyst):
    from lers.cases.models import ApprovedScope

    with pytest.raises(DomainError, match="not among the approved scope's subjects"):
        requested(subject_case, analyst, uid="10000002", days=10)
    ApprovedScope.objects.filter(case=subject_case).update(actions=["information"])
    with pytest.raises(DomainError, match="does not include this action"):
        requested(subject_case, analyst, uid="10000001", days=10)


def test_specific_assets_are_named(subject_case, analyst, approver, small_exchange):
    with pytest.raises(DomainError, match="name the assets"):
        requested(subject_case, analyst, scope="assets", days=10)
    freeze = requested(subject_case, analyst, scope="assets", assets=["usdt", "eth"], days=10)
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    (row,) = restrictions(small_exchange)
    assert row[2:4] == ("assets", "ETH,USDT")
    assert status_of(small_exchange, "10000001") == "active"  # the account itself stays usable


@pytest.mark.req("HX-10", "HX-11")
def test_without_consent_to_disclose_the_life_is_bounded_by_the_policy(
    subject_case, analyst, approver, settings, time_machine
):
    settings.LERS_POLICY = "hx97"  # without_consent_max_days = 30, duration required
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    subject_case.duration_days = None
    subject_case.save(update_fields=["duration_days"])
    with pytest.raises(DomainError, match="duration"):
        requested(subject_case, analyst)
    assert subject_case.consent_to_disclose is False
    freeze = requested(subject_case, analyst, days=120)
    assert freeze.without_consent
    freeze = freeze_approve(freeze=freeze, by=approver)
    assert freeze.approved_days == 120  # its own life, kept for when consent comes
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.expires_at == start + dt.timedelta(days=30)  # held 30 days without consent


def test_the_agency_is_warned_before_expiry_and_the_freeze_released_on_expiry(
    subject_case, analyst, approver, small_exchange, time_machine
):
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    freeze = requested(subject_case, analyst, days=20)
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    mail.outbox.clear()
    assert freezes_sweep() == {"warned": 0, "released": 0}
    time_machine.move_to(
        start + dt.timedelta(days=14), tick=False
    )  # the default profile (binance) warns 7 days before
    assert freezes_sweep() == {"warned": 1, "released": 0}
    assert freezes_sweep() == {"warned": 0, "released": 0}  # once
    run_jobs()
    assert any("will expire soon" in m.subject for m in mail.outbox)
    time_machine.move_to(start + dt.timedelta(days=20, minutes=1), tick=False)
    assert freezes_sweep() == {"warned": 0, "released": 1}
    assert freezes_sweep() == {"warned": 0, "released": 0}
    run_jobs()
    freeze.refresh_from_db()
    assert (freeze.state, freeze.release_reason) == (Freeze.State.RELEASED, "expiry")
    assert status_of(small_exchange, "10000001") == "active"
    (row,) = restrictions(small_exchange)
    assert row[-1] is not None  # released_at at the exchange


def test_released_at_the_agency_request(subject_case, analyst, approver, operator, small_exchange):
    freeze = requested(subject_case, analyst, days=20)
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    freeze_release(freeze=freeze, by=operator, reason="agency_request")
    with pytest.raises(Exception, match="not in force"):
        freeze_release(freeze=freeze, by=operator, reason="agency_request")
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.RELEASED
    assert status_of(small_exchange, "10000001") == "active"
    assert Delivery.objects.filter(status="delivered").count() == 2


def test_an_unknown_account_at_the_exchange_fails_the_freeze_and_tells_the_staff(
    subject_case, analyst, approver, small_exchange
):
    freeze = requested(subject_case, analyst, days=20)
    with sa.create_engine(small_exchange).begin() as conn:  # the account vanished meanwhile
        conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
        conn.execute(users.delete().where(users.c.uid == "10000001"))
    freeze_approve(freeze=freeze, by=approver)
    mail.outbox.clear()
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.FAILED and "no account" in freeze.note
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert any("did not carry out" in m.subject for m in mail.outbox)


@pytest.mark.req("X-07", "JU-11", "HX-04")
def test_a_freeze_is_approved_only_by_another_approver_on_the_case(subject_case, analyst, approver):
    both = make_user("requester_approver", Role.APPROVER, Role.OPERATOR)
    cases_services.case_assign(case=subject_case, by=analyst, user=both)
    freeze = freeze_request(
        case=subject_case, uid="10000001", scope="account", by=both, reason="Fraud", days=10
    )
    with pytest.raises(NotPermitted, match="second person"):
        freeze_approve(freeze=freeze, by=both)
    elsewhere = make_user("approver_elsewhere", Role.APPROVER)
    with pytest.raises(NotPermitted, match="not assigned"):
        freeze_approve(freeze=freeze, by=elsewhere)
    assert freeze_approve(freeze=freeze, by=approver).approved_by == approver


@pytest.mark.req("JU-09", "X-10")
def test_an_account_rejected_after_the_approval_is_no_longer_reached(subject_case, analyst):
    from lers.cases.models import SubjectMatch

    match = SubjectMatch.objects.get(target__case=subject_case, uid="10000001", status="confirmed")
    cases_services.subject_decide(match=match, by=analyst, confirm=False, note="Wrong person.")
    with pytest.raises(DomainError, match="not among the approved scope's subjects"):
        requested(subject_case, analyst, uid="10000001", days=10)

"""Freezes: restricting an account at the agency's request (JU-11, HX-04, HX-10, HX-11).

One person asks, a second approves (four eyes), and only then does the action go to the
exchange; the freeze is active when the exchange confirms. Its life: the approved duration,
bounded by the policy's limit when the agency has not consented to disclosure; the agency is
warned before it expires; it is released on expiry, at the agency's request, or by decision.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.actions.models import Delivery, Freeze
from lers.actions.services.deliveries import delivery_enqueue, is_latest, on_delivery
from lers.audit.services import audit_record
from lers.cases.lifecycle import WORKING
from lers.cases.models import Case
from lers.cases.notifications import notify_officers
from lers.cases.permissions import Step, require, require_second_person
from lers.cases.scope import require_subject_in_scope
from lers.cases.services.access import lock_case, require_case_worker
from lers.core.errors import DomainError, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.exchange.actions import RELEASE_RESTRICTION, RESTRICT, Outcome

FREEZE_EFFECT = "freeze"

logger = logging.getLogger("lers.actions")
OPEN = frozenset(
    {Freeze.State.REQUESTED, Freeze.State.APPROVED, Freeze.State.ACTIVE, Freeze.State.EXPIRING}
)
IN_FORCE = frozenset({Freeze.State.ACTIVE, Freeze.State.EXPIRING})
# A freeze may be released while in force, and when the exchange never confirmed it (or its
# release): it may be in force there.
RELEASABLE = IN_FORCE | {Freeze.State.UNCONFIRMED}


def freeze_request(
    *,
    case: Case,
    uid: str,
    scope: str,
    by: User,
    reason: str,
    assets: list[str] | None = None,
    days: int | None = None,
) -> Freeze:
    """Staff ask for a freeze of one of the case's confirmed accounts; nothing is sent yet."""
    policy = active_policy()
    assets = sorted({a.strip().upper() for a in assets or [] if a.strip()})
    if scope not in Freeze.Scope.values:
        raise DomainError(_("choose what the freeze covers"))
    if scope == Freeze.Scope.ASSETS and not assets:
        raise DomainError(_("name the assets to freeze"))
    if not reason.strip():
        raise DomainError(_("say why the account is to be frozen"))
    if not policy.freeze.on_platform_assets:
        raise DomainError(_("this exchange does not freeze assets under its policy"))
    if days is not None and days < 1:
        raise DomainError(_("a freeze lasts at least one day"))
    days = days if days is not None else case.duration_days
    if policy.freeze.duration_required and not days:
        raise DomainError(_("the policy needs a freeze duration: give the number of days"))
    with transaction.atomic():
        case = lock_case(case)
        require(by, Step.FREEZE_REQUEST, case)
        if case.state not in WORKING:
            raise IllegalTransition(_("the case is not being worked on"), state=case.state)
        require_subject_in_scope(case, uid, FREEZE_EFFECT)
        if Freeze.objects.filter(case=case, uid=uid, scope=scope, state__in=OPEN).exists():
            raise DomainError(_("this account already has a freeze of that kind on this case"))
        freeze = Freeze.objects.create(
            case=case,
            uid=uid,
            scope=scope,
            assets=assets if scope == Freeze.Scope.ASSETS else [],
            requested_days=days,
            without_consent=not case.consent_to_disclose,
            reason=reason.strip(),
            requested_by=by,
        )
        audit_record(
            actor=by,
            action="freeze.requested",
            obj=freeze,
            case_ref=case.reference,
            payload={"uid": uid, "scope": scope, "assets": freeze.assets, "days": days},
        )
    return freeze


def _bounded_days(freeze: Freeze, days: int | None) -> int | None:
    """The approved life: never more than asked, and within the policy's limit without the
    agency's consent to disclose (HX-10, HX-11)."""
    limit = active_policy().freeze.without_consent_max_days
    if days is not None and freeze.requested_days is not None:
        days = min(days, freeze.requested_days)
    days = days if days is not None else freeze.requested_days
    if freeze.without_consent and limit is not None:
        days = min(days, limit) if days is not None else limit
    return days


def _require_second_person(case: Case, freeze: Freeze, by: User) -> None:
    if Role.APPROVER not in roles_of(by):
        raise NotPermitted(_("only an approver can decide on a freeze"))
    require(by, Step.FREEZE_APPROVE, case)
    require_second_person(freeze.requested_by, by, _("freeze"))


def freeze_approve(*, freeze: Freeze, by: User, days: int | None = None) -> Freeze:
    """The second person approves (four eyes); the restriction goes to the exchange."""
    if days is not None and days < 1:
        raise DomainError(_("a freeze lasts at least one day"))
    with transaction.atomic():
        case = lock_case(freeze.case)
        freeze = Freeze.objects.select_for_update().get(pk=freeze.pk)
        _require_second_person(case, freeze, by)
        if freeze.state != Freeze.State.REQUESTED:
            raise IllegalTransition(_("this freeze is not awaiting approval"), state=freeze.state)
        if case.state not in WORKING:
            raise IllegalTransition(_("the case is not being worked on"), state=case.state)
        freeze.approved_days = _bounded_days(freeze, days)
        freeze.state = Freeze.State.APPROVED
        freeze.approved_by = by
        freeze.approved_at = timezone.now()
        freeze.save(update_fields=["approved_days", "state", "approved_by", "approved_at"])
        delivery_enqueue(
            case=case,
            kind=RESTRICT,
            uid=freeze.uid,
            key=f"lers-freeze-{freeze.pk}",
            details={"scope": freeze.scope, "assets": freeze.assets, "days": freeze.approved_days},
            owner="freeze",
            owner_id=freeze.pk,
        )
        audit_record(
            actor=by,
            action="freeze.approved",
            obj=freeze,
            case_ref=case.reference,
            payload={"uid": freeze.uid, "days": freeze.approved_days},
        )
    return freeze


def freeze_refuse(*, freeze: Freeze, by: User, note: str) -> Freeze:
    if not note.strip():
        raise DomainError(_("say why the freeze is refused"))
    with transaction.atomic():
        case = lock_case(freeze.case)
        freeze = Freeze.objects.select_for_update().get(pk=freeze.pk)
        _require_second_person(case, freeze, by)
        if freeze.state != Freeze.State.REQUESTED:
            raise IllegalTransition(_("this freeze is not awaiting approval"), state=freeze.state)
        freeze.state = Freeze.State.REFUSED
        freeze.note = note.strip()
        freeze.save(update_fields=["state", "note"])
        audit_record(
            actor=by,
            action="freeze.refused",
            obj=freeze,
            case_ref=case.reference,
            payload={"uid": freeze.uid, "note": freeze.note},
        )
    return freeze


def _attempt(freeze_id: int, kind: str) -> int:
    """A release retried after the exchange refused one is a new action with its own key."""
    return Delivery.objects.filter(owner="freeze", owner_id=freeze_id, kind=kind).count() + 1


def freeze_release(*, freeze: Freeze, by: User | None, reason: str) -> Freeze:
    """Ask the exchange to lift a freeze in force (``by`` None: the expiry sweep)."""
    if reason not in Freeze.Release.values:
        raise DomainError(_("choose why the freeze is released"))
    with transaction.atomic():
        case = lock_case(freeze.case)
        if by is not None:
            require_case_worker(case, by)
        freeze = Freeze.objects.select_for_update().get(pk=freeze.pk)
        if freeze.state not in RELEASABLE:
            raise IllegalTransition(_("this freeze is not in force"), state=freeze.state)
        freeze.state = Freeze.State.RELEASING
        freeze.release_reason = reason
        freeze.save(update_fields=["state", "release_reason"])
        delivery_enqueue(
            case=case,
            kind=RELEASE_RESTRICTION,
            uid=freeze.uid,
            key=f"lers-freeze-{freeze.pk}-release-{_attempt(freeze.pk, RELEASE_RESTRICTION)}",
            details={"reference": freeze.exchange_reference, "reason": reason},
            owner="freeze",
            owner_id=freeze.pk,
        )
        audit_record(
            actor=by,
            action="freeze.release_requested",
            obj=freeze,
            case_ref=case.reference,
            payload={"uid": freeze.uid, "reason": reason},
        )
    return freeze


def _system_event(freeze: Freeze, action: str, **payload: object) -> None:
    """An audit event lers itself causes (the exchange confirmed, the clock ran out)."""
    audit_record(
        actor=None,
        action=action,
        obj=freeze,
        case_ref=freeze.case.reference,
        payload={"uid": freeze.uid, **payload},
    )


# A freeze waits for the exchange's word on its action; an action whose answer was lost
# (UNCONFIRMED) can still be settled by the exchange's callback.
_WAITING_RESTRICT = (Freeze.State.APPROVED, Freeze.State.UNCONFIRMED)
_WAITING_RELEASE = (Freeze.State.RELEASING, Freeze.State.UNCONFIRMED)


def _delivered(delivery: Delivery, outcome: Outcome | None) -> None:
    if not is_latest(delivery):
        return  # a late word on an earlier action of this freeze
    freeze = Freeze.objects.select_for_update().select_related("case").get(pk=delivery.owner_id)
    now = timezone.now()
    if delivery.kind == RESTRICT and freeze.state in _WAITING_RESTRICT:
        freeze.state = Freeze.State.ACTIVE
        freeze.exchange_reference = outcome.reference if outcome else ""
        freeze.active_from = now
        days = freeze.approved_days
        freeze.expires_at = now + dt.timedelta(days=days) if days else None
        freeze.save(update_fields=["state", "exchange_reference", "active_from", "expires_at"])
        _system_event(freeze, "freeze.active", expires_at=freeze.expires_at)
        until = (
            format_lazy(
                gettext_lazy("It lasts until {date} UTC."), date=f"{freeze.expires_at:%Y-%m-%d}"
            )
            if freeze.expires_at
            else gettext_lazy("It lasts until it is released.")
        )
        notify_officers(
            freeze.case,
            gettext_lazy("An account named in your request has been frozen"),
            [until],
        )
    elif delivery.kind == RELEASE_RESTRICTION and freeze.state in _WAITING_RELEASE:
        freeze.state = Freeze.State.RELEASED
        freeze.released_at = now
        freeze.save(update_fields=["state", "released_at"])
        _system_event(freeze, "freeze.released", reason=freeze.release_reason)
        notify_officers(
            freeze.case,
            gettext_lazy("A freeze on an account named in your request has been released"),
            [Freeze.Release(freeze.release_reason).label] if freeze.release_reason else [],
        )


def _failed(delivery: Delivery, outcome: Outcome | None) -> None:
    if not is_latest(delivery):
        return
    freeze = Freeze.objects.select_for_update().get(pk=delivery.owner_id)
    waiting = _WAITING_RESTRICT if delivery.kind == RESTRICT else _WAITING_RELEASE
    if freeze.state not in waiting:
        return
    if delivery.status == Delivery.Status.UNCONFIRMED:
        # No answer: it may be in force at the exchange. Staff check, and may release again.
        freeze.state = Freeze.State.UNCONFIRMED
    elif delivery.kind == RESTRICT:
        freeze.state = Freeze.State.FAILED
    else:
        # The exchange refused the release: still in force there, for the staff to try again.
        freeze.state = Freeze.State.ACTIVE
    freeze.note = delivery.last_error
    freeze.save(update_fields=["state", "note"])


on_delivery("freeze", delivered=_delivered, failed=_failed)


def freezes_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn before expiry and release on expiry; safe to run again at any time."""
    now = now or timezone.now()
    warn_days = active_policy().freeze.expiry_warning_days
    counts = {"warned": 0, "released": 0}
    expired = Freeze.objects.filter(state__in=IN_FORCE, expires_at__lte=now)
    for freeze in expired:
        try:
            freeze_release(freeze=freeze, by=None, reason=Freeze.Release.EXPIRY)
        except IllegalTransition:
            continue  # released meanwhile
        except Exception:  # one bad row must not stop the sweep for every other
            logger.exception("freeze %s: release on expiry failed", freeze.pk)
            continue
        counts["released"] += 1
    soon = Freeze.objects.filter(
        state=Freeze.State.ACTIVE, expires_at__lte=now + dt.timedelta(days=warn_days)
    )
    for candidate in soon:
        with transaction.atomic():
            freeze = Freeze.objects.select_for_update().select_related("case").get(pk=candidate.pk)
            if freeze.state != Freeze.State.ACTIVE:
                continue
            freeze.state = Freeze.State.EXPIRING
            freeze.warned_at = now
            freeze.save(update_fields=["state", "warned_at"])
            _system_event(freeze, "freeze.expiring", expires_at=freeze.expires_at)
            notify_officers(
                freeze.case,
                gettext_lazy("A freeze on an account named in your request will expire soon"),
                [
                    format_lazy(
                        gettext_lazy(
                            "It ends on {date} UTC unless you ask for it to be kept, with the "
                            "legal process that allows it."
                        ),
                        date=f"{freeze.expires_at:%Y-%m-%d}",
                    )
                ],
            )
        counts["warned"] += 1
    return counts

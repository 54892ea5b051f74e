"""Freezes: restricting an account at the agency's request (JU-11, HX-04, HX-10, HX-11).

One person asks, a second approves (four eyes), and only then does the action go to the
exchange; the freeze is active when the exchange confirms. Its life: the approved duration,
bounded by the policy's limit while the agency has not consented to disclosure (where the
profile asks that consent); consent given later lifts the bound, consent withdrawn brings it
back from that moment. The agency is warned before it expires; it is released on expiry, at
the agency's request, or by decision.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.actions.models import Delivery, Freeze
from lers.actions.services.deliveries import delivery_enqueue, is_latest, on_delivery
from lers.audit.services import audit_record
from lers.cases.consent import held_without_consent
from lers.cases.lifecycle import WORKING
from lers.cases.models import Case
from lers.cases.notifications import notify_officers
from lers.cases.permissions import Step, require, require_second_person
from lers.cases.scope import require_subject_in_scope
from lers.cases.services.access import lock_case, require_case_worker
from lers.cases.services.verification import callback_before
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
            without_consent=held_without_consent(case),
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


def _approved_days(freeze: Freeze, days: int | None) -> int | None:
    """The freeze's own life: what the approver gives, never more than asked."""
    if days is not None and freeze.requested_days is not None:
        days = min(days, freeze.requested_days)
    return days if days is not None else freeze.requested_days


def _capped_days(freeze: Freeze) -> int | None:
    """How long it is held now: its own life, within the policy's limit while it is held
    without the agency's consent to disclose (HX-11). None: until released."""
    limit = active_policy().freeze.without_consent_max_days
    days = freeze.approved_days
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
        callback_before(case, "freeze")  # JU-04
        freeze.approved_days = _approved_days(freeze, days)
        freeze.state = Freeze.State.APPROVED
        freeze.approved_by = by
        freeze.approved_at = timezone.now()
        freeze.save(update_fields=["approved_days", "state", "approved_by", "approved_at"])
        delivery_enqueue(
            case=case,
            kind=RESTRICT,
            uid=freeze.uid,
            key=f"lers-freeze-{freeze.pk}",
            details={"scope": freeze.scope, "assets": freeze.assets, "days": _capped_days(freeze)},
            owner="freeze",
            owner_id=freeze.pk,
        )
        audit_record(
            actor=by,
            action="freeze.approved",
            obj=freeze,
            case_ref=case.reference,
            payload={
                "uid": freeze.uid,
                "days": freeze.approved_days,
                "without_consent": freeze.without_consent,
                "held_days": _capped_days(freeze),
            },
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
        days = _capped_days(freeze)
        freeze.expires_at = now + dt.timedelta(days=days) if days else None
        freeze.save(update_fields=["state", "exchange_reference", "active_from", "expires_at"])
        _system_event(freeze, "freeze.active", expires_at=freeze.expires_at)
        notify_officers(
            freeze.case,
            gettext_lazy("An account named in your request has been frozen"),
            [_until(freeze)],
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


def _until(freeze: Freeze) -> Promise | str:
    if freeze.expires_at is None:
        return gettext_lazy("It lasts until it is released.")
    return format_lazy(
        gettext_lazy("It lasts until {date} UTC."), date=f"{freeze.expires_at:%Y-%m-%d}"
    )


def freezes_follow_consent(*, case: Case, by: User | None) -> list[Freeze]:
    """The case's open freezes follow the agency's consent to disclose, as it stands now (call
    with the case locked, in the transaction that changed it). Consent given: the policy's
    limit no longer applies, a freeze in force lasts its own approved life from when it began.
    Withdrawn: the limit applies again, counted from this moment. A changed end is told to
    the agency, and warned of again before it comes (HX-11)."""
    without = held_without_consent(case)
    limit = active_policy().freeze.without_consent_max_days
    now = timezone.now()
    changed = []
    candidates = Freeze.objects.select_for_update().filter(
        case=case, state__in=OPEN | {Freeze.State.UNCONFIRMED}
    )
    for freeze in candidates.exclude(without_consent=without):
        before = freeze.expires_at
        freeze.without_consent = without
        fields = ["without_consent"]
        if freeze.state in IN_FORCE and freeze.active_from is not None:
            days = freeze.approved_days
            own = freeze.active_from + dt.timedelta(days=days) if days else None
            if without and limit is not None:
                bound = now + dt.timedelta(days=limit)
                freeze.expires_at = bound if own is None else min(own, bound)
            else:
                freeze.expires_at = own
            if freeze.expires_at != before:
                fields.append("expires_at")
                if freeze.state == Freeze.State.EXPIRING:
                    # Warned of the old end: the sweep warns again before the new one.
                    freeze.state, freeze.warned_at = Freeze.State.ACTIVE, None
                    fields += ["state", "warned_at"]
        freeze.save(update_fields=fields)
        audit_record(
            actor=by,
            action="freeze.consent_followed",
            obj=freeze,
            case_ref=case.reference,
            payload={
                "uid": freeze.uid,
                "without_consent": without,
                "expires_at_before": before,
                "expires_at": freeze.expires_at,
            },
        )
        if "expires_at" in fields:
            notify_officers(
                case,
                gettext_lazy("The end of a freeze on an account named in your request changed"),
                [
                    gettext_lazy(
                        "Without your consent to tell the user, the exchange keeps a freeze for "
                        "a limited time only."
                    )
                    if without
                    else gettext_lazy(
                        "With your consent to tell the user, the freeze lasts the time it was "
                        "approved for."
                    ),
                    _until(freeze),
                ],
            )
        changed.append(freeze)
    return changed


def freezes_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn before expiry and release on expiry; safe to run again at any time."""
    now = now or timezone.now()
    policy = active_policy()
    warn_days = policy.freeze.expiry_warning_days
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
            lines: list[Promise | str] = [
                format_lazy(
                    gettext_lazy(
                        "It ends on {date} UTC unless you ask for it to be kept, with the "
                        "legal process that allows it."
                    ),
                    date=f"{freeze.expires_at:%Y-%m-%d}",
                )
            ]
            if freeze.without_consent and policy.freeze.without_consent_max_days is not None:
                lines.append(
                    gettext_lazy(
                        "It is held without your consent to tell the user: with that consent, "
                        "given on the request's page, it can last the time it was approved for."
                    )
                )
            notify_officers(
                freeze.case,
                gettext_lazy("A freeze on an account named in your request will expire soon"),
                lines,
            )
        counts["warned"] += 1
    return counts

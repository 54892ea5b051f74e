"""User notices (JU-16, BN-08, HX-10, HX-12): whether, when and how the account holder hears.

Per confirmed account, the decision follows the policy's default and the case: a non-
disclosure order defers the notice until its end date; a policy that withholds by default, or
that withholds where the account was frozen without the agency's consent to disclose, withholds
it. When the order ends (the sweep) the notice is decided again on every other ground, and the
agency's consent given or withdrawn later decides it again too. Staff send a due one through the
actions port; the agency's contact goes with it only where disclosure is authorised and the
agency consented to share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.actions.models import Delivery, Freeze, UserNotice
from lers.actions.services.deliveries import delivery_enqueue, is_latest, on_delivery
from lers.audit.models import AuditEvent
from lers.audit.services import audit_record
from lers.cases.consent import agency_contact_shared, held_without_consent
from lers.cases.lifecycle import WORKING
from lers.cases.models import Case
from lers.cases.notifications import staff_holding
from lers.cases.permissions import Step, require
from lers.cases.scope import approved_reach
from lers.cases.services.access import lock_case, require_case_worker
from lers.core.errors import DomainError, GuardFailed, IllegalTransition
from lers.core.mail import mail_enqueue
from lers.core.policy import active_policy
from lers.exchange.actions import NOTICE, Outcome

POLICY_DEFAULT = "the policy does not notify users by default"
FROZEN_WITHOUT_CONSENT = (
    "the account was frozen at the agency's request without the agency's consent to disclose"
)
# A freeze that never took hold reveals nothing; every other was, or is to be, done.
_NOT_TAKEN = (Freeze.State.REFUSED, Freeze.State.FAILED)


def order_in_force(case: Case, now: dt.datetime | None = None) -> bool:
    """A non-disclosure order binds through its end date, counted in the entity's own time zone
    (where the order was served), not in UTC."""
    if case.non_disclosure_until is None:
        return False
    zone = ZoneInfo(case.entity.timezone) if case.entity is not None else dt.UTC
    return timezone.localdate(now or timezone.now(), zone) <= case.non_disclosure_until


def frozen_without_consent(case: Case, uid: str) -> bool:
    """The account was (or is to be) frozen at the agency's request and the agency has not
    consented to the user being told: "Without your consent, we will not reveal your request"
    (HX-10) holds after the freeze ends too."""
    return (
        held_without_consent(case)
        and Freeze.objects.filter(case=case, uid=uid).exclude(state__in=_NOT_TAKEN).exists()
    )


def default_lifted(notice: UserNotice) -> bool:
    """A legal reviewer lifted the policy's default withholding of this notice (on the record)."""
    return AuditEvent.objects.filter(
        object_type=notice._meta.label_lower, object_id=str(notice.pk), action="notice.allowed"
    ).exists()


def notice_decision(
    case: Case, uid: str, *, apply_default: bool = True, now: dt.datetime | None = None
) -> tuple[str, str, dt.date | None]:
    """(state, reason, deferred_until) for one account, from the policy and the case.
    ``apply_default=False``: a reviewer lifted the policy's default withholding; every other
    ground still stands."""
    policy = active_policy().notification
    if case.non_disclosure_until and order_in_force(case, now):
        return (
            UserNotice.State.DEFERRED,
            f"non-disclosure order until {case.non_disclosure_until.isoformat()}",
            case.non_disclosure_until,
        )
    if policy.default == "withhold" and apply_default:
        return UserNotice.State.WITHHELD, POLICY_DEFAULT, None
    if "freeze_without_consent" in policy.withhold_when and frozen_without_consent(case, uid):
        return UserNotice.State.WITHHELD, FROZEN_WITHOUT_CONSENT, None
    return (
        UserNotice.State.DUE,
        f"the policy notifies users ({policy.timing.replace('_', ' ')})",
        None,
    )


def notices_decide(*, case: Case, by: User) -> list[UserNotice]:
    """Decide the notice of every confirmed account that has none yet."""
    with transaction.atomic():
        case = lock_case(case)
        require_case_worker(case, by)
        if case.state not in WORKING:
            raise IllegalTransition(_("the case is not being worked on"), state=case.state)
        made = []
        existing = set(UserNotice.objects.filter(case=case).values_list("uid", flat=True))
        for uid in approved_reach(case).uids:
            if uid in existing:
                continue
            state, reason, until = notice_decision(case, uid)
            notice = UserNotice.objects.create(
                case=case,
                uid=uid,
                state=state,
                reason=reason,
                deferred_until=until,
                share_agency_contact=agency_contact_shared(case),
                decided_at=timezone.now(),
            )
            audit_record(
                actor=by,
                action="notice.decided",
                obj=notice,
                case_ref=case.reference,
                payload={"uid": uid, "state": state, "reason": reason, "until": until},
            )
            made.append(notice)
    return made


def notice_withhold(*, notice: UserNotice, by: User, ground: str, note: str = "") -> UserNotice:
    """Staff withhold a notice on one of the grounds the policy names (e.g. Ju.com: it would
    hinder the investigation, or the law forbids it); any other ground is refused."""
    grounds = active_policy().notification.withhold_when
    if ground not in grounds:
        raise DomainError(
            _("the policy withholds a notice only on: %(grounds)s")
            % {"grounds": ", ".join(grounds) or "—"}
        )
    with transaction.atomic():
        case = lock_case(notice.case)
        require_case_worker(case, by)
        notice = UserNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state not in (UserNotice.State.DUE, UserNotice.State.DEFERRED):
            raise IllegalTransition(_("this notice can no longer be withheld"), state=notice.state)
        notice.state = UserNotice.State.WITHHELD
        notice.reason = ground.replace("_", " ") + (f": {note.strip()}" if note.strip() else "")
        notice.save(update_fields=["state", "reason"])
        audit_record(
            actor=by,
            action="notice.withheld",
            obj=notice,
            case_ref=case.reference,
            payload={"uid": notice.uid, "ground": ground, "note": note.strip()},
        )
    return notice


def notice_allow(*, notice: UserNotice, by: User, note: str) -> UserNotice:
    """A legal reviewer decides that a user is told although the policy withholds notices by
    default (hx97: withheld unless the exchange decides otherwise). A non-disclosure order in
    force still defers it, and every other ground of the policy still withholds it (a freeze
    held without the agency's consent)."""
    if not note.strip():
        raise DomainError(_("say why the user is to be told"))
    with transaction.atomic():
        case = lock_case(notice.case)
        require(by, Step.NOTICE_DECIDE, case)
        notice = UserNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != UserNotice.State.WITHHELD or notice.reason != POLICY_DEFAULT:
            raise IllegalTransition(
                _("only a notice withheld by the policy's default can be allowed"),
                state=notice.state,
            )
        state, reason, until = notice_decision(case, notice.uid, apply_default=False)
        notice.state, notice.deferred_until = state, until
        notice.reason = (
            f"allowed by {by}: {note.strip()}"
            if state == UserNotice.State.DUE
            else f"allowed by {by}, but {reason}"
        )
        notice.save(update_fields=["state", "reason", "deferred_until"])
        audit_record(
            actor=by,
            action="notice.allowed",
            obj=notice,
            case_ref=case.reference,
            payload={"uid": notice.uid, "state": notice.state, "note": note.strip()},
        )
    return notice


def _tries(notice_id: int) -> int:
    """A notice sent again after the exchange refused it is a new action with its own key."""
    return Delivery.objects.filter(owner="notice", owner_id=notice_id).count()


# A freeze on its way to the exchange: telling the user now would let the funds move first.
_FREEZE_UNDER_WAY = (Freeze.State.REQUESTED, Freeze.State.APPROVED, Freeze.State.UNCONFIRMED)


def notices_owed_before_disclosure(case: Case, uids: Sequence[str]) -> list[str]:
    """Under a policy that notifies "before disclosure" (BN-08), the accounts among ``uids``
    whose user has not been told yet and may be: no notice decided, or one due or on its
    way. A notice deferred by a non-disclosure order, or withheld on the record, does not
    hold the disclosure. Empty under any other timing."""
    if active_policy().notification.timing != "before_disclosure":
        return []
    settled = {
        UserNotice.State.SENT,
        UserNotice.State.DEFERRED,
        UserNotice.State.WITHHELD,
    }
    decided = dict(
        UserNotice.objects.filter(case=case, uid__in=list(uids)).values_list("uid", "state")
    )
    return sorted(uid for uid in set(uids) if decided.get(uid) not in settled)


def notice_send(*, notice: UserNotice, by: User) -> UserNotice:
    with transaction.atomic():
        case = lock_case(notice.case)
        require_case_worker(case, by)
        notice = UserNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != UserNotice.State.DUE:
            raise IllegalTransition(_("this notice is not due"), state=notice.state)
        if order_in_force(case):
            raise IllegalTransition(_("a non-disclosure order forbids it"), state=notice.state)
        if (
            active_policy().notification.timing == "after_action"
            and Freeze.objects.filter(
                case=case, uid=notice.uid, state__in=_FREEZE_UNDER_WAY
            ).exists()
        ):
            # JU-16: notice "where it does not impede law enforcement actions".
            raise GuardFailed(
                _(
                    "The policy notifies the user after the exchange's action: this account's "
                    "freeze is not in force yet."
                )
            )
        # The consent as it stands when the notice leaves, not when it was decided.
        contact = ""
        if agency_contact_shared(case):
            contact = case.agency.name
            if case.agency.switchboard_phone:
                contact += f", {case.agency.switchboard_phone}"
        notice.state = UserNotice.State.SENDING
        notice.sent_by = by
        notice.share_agency_contact = bool(contact)
        notice.save(update_fields=["state", "sent_by", "share_agency_contact"])
        delivery_enqueue(
            case=case,
            kind=NOTICE,
            uid=notice.uid,
            key=f"lers-notice-{notice.pk}-{_tries(notice.pk) + 1}",
            details={"agency_contact": contact},
            owner="notice",
            owner_id=notice.pk,
        )
        audit_record(
            actor=by,
            action="notice.send_requested",
            obj=notice,
            case_ref=case.reference,
            payload={"uid": notice.uid, "agency_contact_shared": bool(contact)},
        )
    return notice


def _delivered(delivery: Delivery, outcome: Outcome | None) -> None:
    if not is_latest(delivery):
        return  # the notice was sent again since: the later action decides
    # DUE too: a notice whose answer was lost, confirmed late by the exchange's callback.
    UserNotice.objects.filter(
        pk=delivery.owner_id, state__in=[UserNotice.State.SENDING, UserNotice.State.DUE]
    ).update(state=UserNotice.State.SENT, sent_at=timezone.now())


def _failed(delivery: Delivery, outcome: Outcome | None) -> None:
    if not is_latest(delivery):
        return
    reason = (
        "the exchange never confirmed it: check before sending again"
        if delivery.status == Delivery.Status.UNCONFIRMED
        else "the exchange refused it"
    )
    UserNotice.objects.filter(pk=delivery.owner_id, state=UserNotice.State.SENDING).update(
        state=UserNotice.State.DUE, reason=reason
    )


on_delivery("notice", delivered=_delivered, failed=_failed)


def notices_sweep(now: dt.datetime | None = None) -> int:
    """Deferred notices whose non-disclosure order has ended are decided again on every other
    ground (the policy's default, a freeze without the agency's consent: HX-10); those that
    become due are told to the staff. Returns how many became due."""
    now = now or timezone.now()
    made_due = 0
    # A first cut by date (no zone is more than a day from UTC); each case decides exactly.
    for notice_id in UserNotice.objects.filter(
        state=UserNotice.State.DEFERRED, deferred_until__lt=now.date() + dt.timedelta(days=1)
    ).values_list("pk", flat=True):
        with transaction.atomic():
            notice = UserNotice.objects.select_for_update().select_related("case").get(pk=notice_id)
            if notice.state != UserNotice.State.DEFERRED:
                continue
            case = notice.case
            if order_in_force(case, now):
                if notice.deferred_until != case.non_disclosure_until:
                    # The order was extended after the decision: defer again.
                    notice.deferred_until = case.non_disclosure_until
                    notice.save(update_fields=["deferred_until"])
                continue
            state, reason, _until = notice_decision(
                case, notice.uid, apply_default=not default_lifted(notice), now=now
            )
            if state != UserNotice.State.DUE:
                notice.state, notice.reason, notice.deferred_until = state, reason, None
                notice.save(update_fields=["state", "reason", "deferred_until"])
                audit_record(
                    actor=None,
                    action="notice.decided",
                    obj=notice,
                    case_ref=case.reference,
                    payload={
                        "uid": notice.uid,
                        "state": state,
                        "reason": reason,
                        "after": "the non-disclosure order ended",
                    },
                )
                continue
            notice.state = UserNotice.State.DUE
            notice.reason = "the non-disclosure order has ended"
            notice.save(update_fields=["state", "reason"])
            audit_record(
                actor=None,
                action="notice.due",
                obj=notice,
                case_ref=case.reference,
                payload={"uid": notice.uid},
            )
            mail_enqueue(
                to=staff_holding(case),
                template="notice_due",
                context={"case": case, "notice": notice},
            )
            made_due += 1
    return made_due


def notices_follow_consent(*, case: Case, by: User | None) -> list[UserNotice]:
    """The case's notices not yet sent follow the agency's consent as it stands now (call with
    the case locked, in the transaction that changed it): one withheld for a freeze without
    consent is decided again once consent is given (under hx97 it then waits on the policy's
    default, for a legal reviewer); a due one is withheld again when consent is withdrawn.
    Whether the agency's contact goes with each follows too."""
    changed = []
    unsent = UserNotice.objects.select_for_update().filter(
        case=case,
        state__in=[UserNotice.State.WITHHELD, UserNotice.State.DEFERRED, UserNotice.State.DUE],
    )
    shared = agency_contact_shared(case)
    for notice in unsent:
        fields = []
        if notice.share_agency_contact != shared:
            notice.share_agency_contact = shared
            fields.append("share_agency_contact")
        redecide = notice.state == UserNotice.State.DUE or (
            # withheld on that ground, by the decision or after a reviewer's "allowed by ..., but"
            notice.state == UserNotice.State.WITHHELD
            and notice.reason.endswith(FROZEN_WITHOUT_CONSENT)
        )
        before = notice.state
        if redecide:
            state, reason, until = notice_decision(
                case, notice.uid, apply_default=not default_lifted(notice)
            )
            if state != notice.state:
                notice.state, notice.reason, notice.deferred_until = state, reason, until
                fields += ["state", "reason", "deferred_until"]
        if not fields:
            continue
        notice.save(update_fields=fields)
        audit_record(
            actor=by,
            action="notice.consent_followed",
            obj=notice,
            case_ref=case.reference,
            payload={
                "uid": notice.uid,
                "state_before": before,
                "state": notice.state,
                "reason": notice.reason,
                "agency_contact_shared": notice.share_agency_contact,
            },
        )
        changed.append(notice)
    return changed

"""User notices (JU-16, BN-08, HX-10, HX-12): whether, when and how the account holder hears.

Per confirmed account, the decision follows the policy's default and the case: a non-
disclosure order defers the notice until its end date; a policy that withholds by default, or
that withholds while a freeze is held without the agency's consent, withholds it. A deferred
notice becomes due on its end date (the sweep); staff send a due one through the actions port,
and the agency's contact is shared with the user only with the agency's consent.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.actions.models import Delivery, Freeze, UserNotice
from lers.actions.services.common import ACTING, confirmed_uids
from lers.actions.services.deliveries import delivery_enqueue, on_delivery
from lers.audit.services import audit_record
from lers.cases.models import Case
from lers.cases.notifications import staff_holding
from lers.cases.services.access import lock_case, require_case_worker
from lers.core.errors import IllegalTransition
from lers.core.mail import mail_enqueue
from lers.core.policy import active_policy
from lers.exchange.actions import NOTICE, Outcome

HELD_WITHOUT_CONSENT = frozenset(
    {Freeze.State.REQUESTED, Freeze.State.APPROVED, Freeze.State.ACTIVE, Freeze.State.EXPIRING}
)


def notice_decision(case: Case, uid: str, today: dt.date) -> tuple[str, str, dt.date | None]:
    """(state, reason, deferred_until) for one account, from the policy and the case."""
    policy = active_policy().notification
    if case.non_disclosure_until and case.non_disclosure_until > today:
        return (
            UserNotice.State.DEFERRED,
            f"non-disclosure order until {case.non_disclosure_until.isoformat()}",
            case.non_disclosure_until,
        )
    if policy.default == "withhold":
        return UserNotice.State.WITHHELD, "the policy does not notify users by default", None
    if (
        "freeze_without_consent" in policy.withhold_when
        and Freeze.objects.filter(
            case=case, uid=uid, without_consent=True, state__in=HELD_WITHOUT_CONSENT
        ).exists()
    ):
        return (
            UserNotice.State.WITHHELD,
            "a freeze is held without the agency's consent to disclose",
            None,
        )
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
        if case.state not in ACTING:
            raise IllegalTransition(_("the case is not being worked on"), state=case.state)
        today = timezone.now().date()
        made = []
        existing = set(UserNotice.objects.filter(case=case).values_list("uid", flat=True))
        for uid in confirmed_uids(case):
            if uid in existing:
                continue
            state, reason, until = notice_decision(case, uid, today)
            notice = UserNotice.objects.create(
                case=case,
                uid=uid,
                state=state,
                reason=reason,
                deferred_until=until,
                share_agency_contact=case.consent_to_share_contact,
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


def _tries(notice_id: int) -> int:
    """A notice sent again after the exchange refused it is a new action with its own key."""
    return Delivery.objects.filter(owner="notice", owner_id=notice_id).count()


def notice_send(*, notice: UserNotice, by: User) -> UserNotice:
    with transaction.atomic():
        case = lock_case(notice.case)
        require_case_worker(case, by)
        notice = UserNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != UserNotice.State.DUE:
            raise IllegalTransition(_("this notice is not due"), state=notice.state)
        if case.non_disclosure_until and case.non_disclosure_until > timezone.now().date():
            raise IllegalTransition(_("a non-disclosure order forbids it"), state=notice.state)
        contact = ""
        if notice.share_agency_contact and case.consent_to_share_contact:
            contact = case.agency.name
            if case.agency.switchboard_phone:
                contact += f", {case.agency.switchboard_phone}"
        notice.state = UserNotice.State.SENDING
        notice.sent_by = by
        notice.save(update_fields=["state", "sent_by"])
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
    UserNotice.objects.filter(pk=delivery.owner_id, state=UserNotice.State.SENDING).update(
        state=UserNotice.State.SENT, sent_at=timezone.now()
    )


def _failed(delivery: Delivery, outcome: Outcome | None) -> None:
    UserNotice.objects.filter(pk=delivery.owner_id, state=UserNotice.State.SENDING).update(
        state=UserNotice.State.DUE
    )


on_delivery("notice", delivered=_delivered, failed=_failed)


def notices_sweep(now: dt.datetime | None = None) -> int:
    """Deferred notices whose non-disclosure order has ended become due; the staff are told."""
    today = (now or timezone.now()).date()
    made_due = 0
    for notice_id in UserNotice.objects.filter(
        state=UserNotice.State.DEFERRED, deferred_until__lte=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            notice = UserNotice.objects.select_for_update().select_related("case").get(pk=notice_id)
            if notice.state != UserNotice.State.DEFERRED:
                continue
            case = notice.case
            if case.non_disclosure_until and case.non_disclosure_until > today:
                # The order was extended after the decision: defer again.
                notice.deferred_until = case.non_disclosure_until
                notice.save(update_fields=["deferred_until"])
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

"""Verifying who asks (JU-04, JU-07, X-04, X-05): call-backs to the agency's own number, and the
signals that a request may be forged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.changes import CHANGE_ACTIONS, CHANGE_LABELS
from lers.accounts.models import User
from lers.agencies.models import Officer, OfficerFlag
from lers.agencies.registry import domain_covers
from lers.agencies.services.registry import domain_registry
from lers.audit.models import AuditEvent
from lers.audit.services import audit_record
from lers.cases.lifecycle import OPEN
from lers.cases.models import CallBack, Case
from lers.cases.permissions import Step, require
from lers.cases.services.access import lock_case
from lers.core.errors import DomainError, GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.identifiers.contact import phone


def _e164(number: str, region: str) -> str:
    verdict = phone(number.strip(), region or None)
    if verdict is None or not verdict.valid:
        raise DomainError(_("give the number called as a valid phone number"))
    return verdict.normalised


def _request_numbers(case: Case) -> set[str]:
    """Numbers that reached us with the request: the officers' own, the call-back notes."""
    numbers = set()
    for officer in case.officers.all():
        for value in (officer.office_phone, officer.mobile_phone):
            if value:
                numbers.add(value)
    return numbers


def callback_record(
    *,
    case: Case,
    by: User,
    number: str,
    outcome: str,
    officer: Officer | None = None,
    note: str = "",
) -> CallBack:
    """Record a call-back. The number is checked against the agency directory: a number that
    only the request or the officer gave is recorded with a warning and never verifies."""
    if outcome not in CallBack.Outcome.values:
        raise DomainError(_("choose the outcome of the call"))
    with transaction.atomic():
        locked = lock_case(case)
        require(by, Step.CALLBACK, locked)
        if locked.state not in OPEN:
            raise IllegalTransition(_("the case is finished"), state=locked.state)
        if officer is not None and not locked.officers.filter(pk=officer.pk).exists():
            raise DomainError(_("that officer is not on the case"))
        called = _e164(number, locked.agency.country)
        directory = locked.agency.switchboard_phone
        if directory and called == _e164(directory, locked.agency.country):
            source, warning = CallBack.Source.DIRECTORY, ""
        elif called in _request_numbers(locked):
            source = CallBack.Source.REQUEST
            warning = _(
                "This number came only with the request or from the officer, not from the agency "
                "directory: it does not verify the request."
            )
        else:
            source = CallBack.Source.OTHER
            warning = _("This number is not the agency's number in the directory.")
        callback = CallBack.objects.create(
            case=locked,
            officer=officer,
            number=called,
            source=source,
            warning=warning,
            outcome=outcome,
            note=clean_text(note),
            called_by=by,
            called_at=timezone.now(),
        )
        audit_record(
            actor=by,
            action="case.callback",
            obj=callback,
            case_ref=locked.reference,
            payload={
                "number": called,
                "source": source,
                "outcome": outcome,
                "officer_id": officer.pk if officer else None,
            },
        )
    return callback


def callback_required(case: Case) -> bool:
    """A profile that requires the call (JU-04), and every emergency (X-04)."""
    policy = active_policy().officer_verification
    return policy.telephone_callback == "required" or case.urgency == Case.Urgency.EMERGENCY


def callback_verified(case: Case) -> bool:
    return case.callbacks.filter(
        source=CallBack.Source.DIRECTORY, outcome=CallBack.Outcome.CONFIRMED
    ).exists()


def callback_before(case: Case, action: str) -> None:
    """Where the profile calls back before ``action`` (``disclosure``, ``freeze``,
    ``preservation``: JU-04 "telephone verification ... before anything is disclosed or
    frozen"), the action waits for a confirmed call-back to the directory number."""
    if action in active_policy().officer_verification.callback_before and not callback_verified(
        case
    ):
        raise GuardFailed(
            _(
                "Record a confirmed call-back to the agency's directory number before the "
                "exchange acts: %(exchange)s verifies the officers by telephone first."
            )
            % {"exchange": active_policy().profile.name}
        )


def callback_guard(case: Case) -> None:
    if callback_required(case) and not callback_verified(case):
        raise GuardFailed(
            _(
                "Record a call-back to the agency's number from the directory that confirmed "
                "the request first."
            )
        )


def officer_flag(*, officer: Officer, by: User, reason: str, case: Case) -> OfficerFlag:
    """Staff flag an officer of a case they work on (X-05); later cases show the flag."""
    reason = clean_text(reason)
    if not reason.strip():
        raise DomainError(_("say why the officer is flagged"))
    with transaction.atomic():
        locked = lock_case(case)
        require(by, Step.CALLBACK, locked)
        if not locked.officers.filter(pk=officer.pk).exists():
            raise DomainError(_("that officer is not on the case"))
        flag = OfficerFlag.objects.create(officer=officer, reason=reason, flagged_by=by)
        audit_record(
            actor=by,
            action="officer.flagged",
            obj=officer,
            case_ref=locked.reference,
            payload={"reason": reason},
        )
    return flag


# -- fraud signals (X-05) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    code: str
    text: Promise | str
    detail: str = ""


def case_signals(case: Case) -> list[Signal]:
    """What should make staff look twice before trusting the request."""
    signals: list[Signal] = []
    registry = domain_registry()
    new_after = timezone.now() - dt.timedelta(days=settings.LERS_NEW_OFFICER_DAYS)
    agency_domains = {d.lower() for d in case.agency.email_domains or []}
    for officer in case.officers.select_related("user"):
        email = officer.user.email
        if officer.created_at >= new_after:
            signals.append(
                Signal("officer_new", gettext_lazy("Officer account is new"), str(officer))
            )
        change = (
            AuditEvent.objects.filter(
                object_type=officer.user._meta.label_lower,
                object_id=str(officer.user_id),
                action__in=CHANGE_ACTIONS,
                occurred_at__gte=new_after,
            )
            .order_by("-seq")
            .first()
        )
        if change is not None:
            signals.append(
                Signal(
                    "officer_changed",
                    gettext_lazy("Officer account changed recently"),
                    f"{officer}: {CHANGE_LABELS[change.action]} {change.occurred_at:%Y-%m-%d}",
                )
            )
        check = registry.check(email)
        if check.status == "lookalike":
            signals.append(
                Signal(
                    "domain_lookalike",
                    gettext_lazy("Email domain imitates a government domain"),
                    f"{email}: {check.reason}",
                )
            )
        elif check.status != "registry":
            signals.append(
                Signal(
                    "domain_outside",
                    gettext_lazy("Email domain is not in the government-domain registry"),
                    email,
                )
            )
        domain = email.rsplit("@", 1)[-1].lower()
        if agency_domains and not any(domain_covers(domain, d) for d in agency_domains):
            signals.append(
                Signal(
                    "contact_differs",
                    gettext_lazy("Email differs from the agency's record"),
                    f"{email} ∉ {', '.join(sorted(agency_domains))}",
                )
            )
        for flag in officer.flags.order_by("-flagged_at")[:3]:
            signals.append(
                Signal(
                    "officer_flagged",
                    gettext_lazy("Officer flagged before"),
                    f"{officer}: {flag.reason} ({flag.flagged_at:%Y-%m-%d})",
                )
            )
    if not case.agency.switchboard_phone:
        signals.append(
            Signal(
                "no_directory_number",
                gettext_lazy("No directory number for the agency: a call-back cannot be verified"),
            )
        )
    if case.urgency == Case.Urgency.EMERGENCY and _broad(case):
        signals.append(
            Signal("emergency_broad", gettext_lazy("Emergency request with a broad scope"))
        )
    return signals


def _broad(case: Case) -> bool:
    """Broad by the profile's thresholds (``officer_verification.emergency_broad``)."""
    limits = active_policy().officer_verification.emergency_broad
    if case.targets.count() > limits.targets:
        return True
    if len(case.data_categories or []) > limits.categories:
        return True
    if case.timeframe_start is None or case.timeframe_end is None:
        return True
    return (case.timeframe_end - case.timeframe_start).days > limits.days

"""The review's decisions beyond the move itself: the approved scope (JU-09), the cross-border
rule (JU-12) and fee notices (JU-19)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.jurisdiction import is_cross_border
from lers.cases.lifecycle import WORKING, State
from lers.cases.models import ApprovedScope, Case, FeeNotice
from lers.cases.notifications import notify_officers
from lers.cases.permissions import Step, require
from lers.cases.selectors import confirmed_subjects
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.cases.services.requests import EXTENSION
from lers.core.errors import GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text

# What the agency reads of a partial approval, in each officer's language.
NARROWED_LABELS: dict[str, Promise] = {
    "subjects": gettext_lazy("Fewer accounts than requested."),
    "categories": gettext_lazy("Fewer categories of records than requested."),
    "period": gettext_lazy("A shorter period than requested."),
    "actions": gettext_lazy("Not every action requested."),
}
CROSS_BORDER_LINE = gettext_lazy(
    "A cross-border request without its channel documents receives general information only."
)


@dataclass(frozen=True)
class ScopeDecision:
    """What the reviewer approves: each part no wider than the request."""

    subjects: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    period_start: dt.datetime | None = None
    period_end: dt.datetime | None = None
    actions: list[str] = field(default_factory=list)


def cross_border_limit(case: Case) -> str | None:
    """What the profile allows a cross-border request that lacks its channel documents
    (MLAT, letters rogatory): ``general_information_only``, ``decline``, or None when the
    request is domestic, has them, or the profile sets no rule."""
    rule = active_policy().cross_border
    if rule.without_channel == "no_rule" or not is_cross_border(case):
        return None
    if not rule.channel_documents_any_of:
        return None
    if case.documents.filter(doc_type__in=rule.channel_documents_any_of).exists():
        return None
    return rule.without_channel


def scope_proposal(case: Case) -> ScopeDecision:
    """The request as the agency made it, the widest scope a reviewer can approve."""
    if cross_border_limit(case) is not None:
        return ScopeDecision()
    return ScopeDecision(
        subjects=confirmed_subjects(case),
        categories=list(case.data_categories or DATA_CATEGORIES),
        period_start=case.timeframe_start,
        period_end=case.timeframe_end,
        actions=[t for t in case.request_types if t in active_policy().request_types],
    )


def scope_narrowed(case: Case, parts: dict[str, Any]) -> ScopeDecision:
    """The request's scope with the parts a reviewer narrowed (those not named stay as
    requested)."""
    return replace(scope_proposal(case), **parts)


def _second(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(microsecond=0) if moment is not None else None


def _check_scope(case: Case, decision: ScopeDecision) -> list[str]:
    """Refuses anything wider than the request; returns the parts approved narrower."""
    policy = active_policy()
    limit = cross_border_limit(case)
    if limit == "decline":
        raise GuardFailed(
            _(
                "A cross-border request without its channel documents is declined under this "
                "policy; decline it with the cross-border reason."
            )
        )
    if limit == "general_information_only" and (
        decision.subjects or decision.categories or decision.actions
    ):
        raise GuardFailed(
            _(
                "A cross-border request without its channel documents gets general information "
                "only: approve no accounts, categories or actions."
            )
        )
    if limit == "general_information_only":
        return []  # no record is read, whatever the period
    confirmed = set(confirmed_subjects(case))
    stray = sorted(set(decision.subjects) - confirmed)
    if stray:
        raise GuardFailed(
            _("Only confirmed subjects can be approved, not: %(uids)s") % {"uids": ", ".join(stray)}
        )
    requested_categories = set(case.data_categories or DATA_CATEGORIES)
    extra = sorted(set(decision.categories) - requested_categories)
    if extra:
        raise GuardFailed(_("The request does not ask for: %(what)s") % {"what": ", ".join(extra)})
    extra = sorted(set(decision.actions) - set(case.request_types))
    if extra:
        raise GuardFailed(_("The request does not ask for: %(what)s") % {"what": ", ".join(extra)})
    start, end = decision.period_start, decision.period_end
    if start is not None and end is not None and end < start:
        raise GuardFailed(_("the approved period ends before it starts"))
    # Forms give whole seconds: a start in the timeframe's own second is its start.
    if case.timeframe_start is not None and (
        start is None or start < case.timeframe_start.replace(microsecond=0)
    ):
        raise GuardFailed(_("the approved period starts before the requested timeframe"))
    if case.timeframe_end is not None and (end is None or end > case.timeframe_end):
        raise GuardFailed(_("the approved period ends after the requested timeframe"))
    unknown = sorted(set(decision.actions) - set(policy.request_types))
    if unknown:
        raise GuardFailed(
            _("Not a request type of this policy: %(what)s") % {"what": ", ".join(unknown)}
        )
    effects = {policy.request_types[a].effect for a in decision.actions}
    if effects & {"disclosure", "preservation"} and not decision.categories:
        raise GuardFailed(_("approve at least one category of records to disclose or preserve"))
    narrowed = []
    if confirmed - set(decision.subjects):
        narrowed.append("subjects")
    if requested_categories - set(decision.categories):
        narrowed.append("categories")
    if (_second(start), _second(end)) != (
        _second(case.timeframe_start),
        _second(case.timeframe_end),
    ):
        narrowed.append("period")
    if set(case.request_types) - set(decision.actions):
        narrowed.append("actions")
    return narrowed


def _clamped_start(case: Case, start: dt.datetime | None) -> dt.datetime | None:
    if start is None or case.timeframe_start is None:
        return start
    return max(start, case.timeframe_start)


# What an approved action does to an account: nothing at all without one.
ACCOUNT_EFFECTS = frozenset({"freeze", "preservation", "disclosure"})


def actions_without_accounts(decision: ScopeDecision) -> list[str]:
    """The approved actions that reach accounts while the decision names none: a freeze, a
    preservation or a production of nobody (issue 16.3). Empty when there is an account."""
    if decision.subjects:
        return []
    types = active_policy().request_types
    return [
        a
        for a in decision.actions
        # An extension reaches the accounts of the hold it extends, not its own.
        if a in types and types[a].effect in ACCOUNT_EFFECTS and a != EXTENSION
    ]


def scope_record(
    *,
    case: Case,
    by: User,
    decision: ScopeDecision | None,
    note: str,
    without_accounts: bool = False,
) -> None:
    """Part of the approval, inside its transaction: the scope every later step reads.
    Approving an action that reaches accounts while no account is in the scope needs
    ``without_accounts`` (the reviewer was warned and went on)."""
    if decision is None:
        decision = scope_proposal(case)
    narrowed = _check_scope(case, decision)
    empty = actions_without_accounts(decision)
    if empty and not without_accounts:
        raise GuardFailed(
            _(
                "No account is confirmed in the scope, so %(actions)s would reach nobody: "
                "confirm the accounts behind the targets first, or approve knowing it."
            )
            % {"actions": ", ".join(active_policy().request_type_label(a) for a in empty)}
        )
    if not active_policy().disclosure.approved_scope_may_be_narrower and narrowed:
        raise GuardFailed(_("this policy approves a request in full or declines it"))
    limited = cross_border_limit(case) == "general_information_only"
    scope = ApprovedScope.objects.create(
        case=case,
        subjects=sorted(set(decision.subjects)),
        categories=[c for c in DATA_CATEGORIES if c in decision.categories],
        period_start=None if limited else _clamped_start(case, decision.period_start),
        period_end=None if limited else decision.period_end,
        actions=[a for a in case.request_types if a in decision.actions],
        general_information_only=limited,
        partial=bool(narrowed) or limited,
        narrowed=narrowed,
        note=clean_text(note),
        approved_by=by,
        approved_at=timezone.now(),
    )
    audit_record(
        actor=by,
        action="case.scope_approved",
        obj=scope,
        case_ref=case.reference,
        payload={
            "subjects": scope.subjects,
            "categories": scope.categories,
            "period": [
                scope.period_start.isoformat() if scope.period_start else None,
                scope.period_end.isoformat() if scope.period_end else None,
            ],
            "actions": scope.actions,
            "partial": scope.partial,
            "narrowed": narrowed,
            "general_information_only": limited,
        },
    )
    if scope.partial:
        lines = [CROSS_BORDER_LINE] if limited else [NARROWED_LABELS[part] for part in narrowed]
        notify_officers(case, gettext_lazy("Your request was approved in part."), lines)


# -- fee notices (JU-19) ------------------------------------------------------------------------


def _amount(value: str | Decimal) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise GuardFailed(_("the fee is not a number")) from None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise GuardFailed(_("the fee must be a positive amount with at most two decimals"))
    return amount


def fee_notice_issue(
    *, case: Case, by: User, amount: str | Decimal, currency: str, description: str
) -> FeeNotice:
    """Notify the agency of the costs before the work (JU-19); work waits for its answer."""
    fees = active_policy().fees
    if not fees.may_charge:
        raise GuardFailed(_("this policy does not charge fees"))
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise GuardFailed(_("the currency is a three-letter ISO 4217 code"))
    description = clean_text(description)
    if not description.strip():
        raise GuardFailed(_("say what the fee covers"))
    value = _amount(amount)
    with transaction.atomic():
        locked = lock_case(case)
        require(by, Step.FEE_NOTICE, locked)
        if locked.state not in WORKING or locked.state == State.IN_PROGRESS:
            raise IllegalTransition(
                _("a fee is notified before the work starts"), state=locked.state
            )
        if locked.fee_notices.filter(status=FeeNotice.Status.ISSUED).exists():
            raise GuardFailed(_("a fee notice is already waiting for the agency"))
        notice = FeeNotice.objects.create(
            case=locked, amount=value, currency=currency, description=description, issued_by=by
        )
        audit_record(
            actor=by,
            action="fee.issued",
            obj=notice,
            case_ref=locked.reference,
            payload={"amount": str(value), "currency": currency},
        )
        notify_officers(
            locked,
            gettext_lazy("The exchange notifies a fee for your request."),
            [f"{value} {currency}", description],
        )
    return notice


def fee_notice_answer(*, notice: FeeNotice, by: User, accept: bool) -> FeeNotice:
    """The agency accepts (work goes on) or refuses (the exchange decides what follows)."""
    with transaction.atomic():
        case = lock_case(notice.case)
        require_officer_on_case(case, by)
        locked = FeeNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != FeeNotice.Status.ISSUED:
            raise IllegalTransition(_("this fee notice was already answered"), state=locked.status)
        locked.status = FeeNotice.Status.ACCEPTED if accept else FeeNotice.Status.REFUSED
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_by", "answered_at"])
        audit_record(actor=by, action=f"fee.{locked.status}", obj=locked, case_ref=case.reference)
    return locked


def fee_notice_withdraw(*, notice: FeeNotice, by: User) -> FeeNotice:
    with transaction.atomic():
        case = lock_case(notice.case)
        require(by, Step.FEE_NOTICE, case)
        locked = FeeNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status not in (FeeNotice.Status.ISSUED, FeeNotice.Status.REFUSED):
            raise IllegalTransition(_("this fee notice cannot be withdrawn"), state=locked.status)
        locked.status = FeeNotice.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        audit_record(actor=by, action="fee.withdrawn", obj=locked, case_ref=case.reference)
    return locked


def fees_settled(case: Case) -> None:
    """The guard of the work: no fee notice waits for the agency or stands refused, where the
    profile charges with prior notice (JU-19); without it a notice informs and holds nothing."""
    if not active_policy().fees.prior_notice:
        return
    pending = case.fee_notices.exclude(status=FeeNotice.Status.WITHDRAWN).filter(
        status__in=[FeeNotice.Status.ISSUED, FeeNotice.Status.REFUSED]
    )
    notice = pending.first()
    if notice is None:
        return
    if notice.status == FeeNotice.Status.ISSUED:
        raise GuardFailed(_("the agency has not yet accepted the fee notice"))
    raise GuardFailed(_("the agency refused the fee: withdraw the notice or decline the request"))

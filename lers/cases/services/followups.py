"""Follow-up requests: an agency asks to extend the preservation a case obtained (JU-13, BN-05).

An extension is a request of its own (Binance: "a new preservation request"; Ju.com: where the
law allows): a new draft linked to the case it continues, pre-filled from it, that the officer
completes with the new legal paper and submits like any request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.cases.services.requests import EXTENSION, case_create
from lers.core.errors import DomainError, GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text

PRESERVED_BY = frozenset({"preservation", EXTENSION})
# Fields of the request that carry over to its extension; the legal paper does not.
CARRIED = (
    "agency_case_number",
    "legal_basis",
    "legal_clauses",
    "summary",
    "findings",
    "timeframe_start",
    "timeframe_end",
    "data_categories",
    "non_disclosure_until",
    "consent_to_disclose",
    "consent_to_share_contact",
    "language",
    "callback_slots",
    "matter_type",
)


def extension_allowed(case: Case) -> bool:
    """Whether the case page offers an extension (the service checks again, under lock)."""
    return (
        EXTENSION in active_policy().request_types
        and bool(PRESERVED_BY & set(case.request_types))
        and case.state not in (State.DRAFT, State.DECLINED, State.WITHDRAWN)
    )


def _extensions_sent(case: Case) -> int:
    """Extensions of the original preservation that went to the exchange (an extension of an
    extension counts against the same limit; drafts and refused ones do not)."""
    root = case
    while root.parent_id is not None:
        root = Case.objects.get(pk=root.parent_id)
    count, frontier = 0, [root.pk]
    while frontier:
        children = list(Case.objects.filter(parent_id__in=frontier).values_list("pk", "state"))
        count += sum(
            1
            for _pk, state in children
            if state not in (State.DRAFT, State.DECLINED, State.WITHDRAWN)
        )
        frontier = [pk for pk, _state in children]
    return count


def case_request_extension(*, case: Case, by: User, reason: str) -> Case:
    """A new draft asking to extend the preservation of ``case``, for the officer to complete."""
    reason = clean_text(reason)
    if not reason:
        raise GuardFailed(_("say why the preservation should be extended"))
    policy = active_policy()
    with transaction.atomic():
        parent = lock_case(case)
        require_officer_on_case(parent, by)
        if EXTENSION not in policy.request_types:
            raise DomainError(
                _("%(exchange)s takes no preservation extension requests")
                % {"exchange": policy.profile.name}
            )
        if not PRESERVED_BY & set(parent.request_types):
            raise GuardFailed(_("only a preservation request can be extended"))
        if parent.state in (State.DRAFT, State.DECLINED, State.WITHDRAWN):
            raise IllegalTransition(
                _("only a submitted, not declined or withdrawn, request can be extended"),
                state=parent.state,
            )
        limit = policy.preservation.max_extensions
        if limit is not None and _extensions_sent(parent) >= limit:
            raise GuardFailed(
                _("%(exchange)s allows %(limit)d extension(s) of a hold")
                % {"exchange": policy.profile.name, "limit": limit}
            )
        carried = {name: getattr(parent, name) for name in CARRIED}
        until = parent.non_disclosure_until
        if until is not None and until < timezone.now().date():
            carried["non_disclosure_until"] = None  # the order has run out
        draft = case_create(
            officer_user=by,
            request_types=[EXTENSION],
            urgency=parent.urgency,
            title=f"Extension of {parent.reference}",
            parent=parent,
            details={
                **carried,
                "summary": f"{reason}\n\n{parent.summary}".strip(),
                "services": list(parent.services.values_list("pk", flat=True)),
            },
        )
        for officer in parent.officers.exclude(pk=draft.created_by_id):
            draft.officers.add(officer)
            audit_record(
                actor=by,
                action="case.officer_added",
                obj=draft,
                case_ref=draft.reference,
                payload={"officer_id": officer.pk, "copied_from": parent.reference},
            )
        for target in parent.targets.all():
            source = target.pk
            target.pk = None
            target.case = draft
            target.save()
            audit_record(
                actor=by,
                action="case.target_added",
                obj=target,
                case_ref=draft.reference,
                payload={"kind": target.kind, "valid": target.valid, "copied_from": source},
            )
        audit_record(
            actor=by,
            action="case.extension_requested",
            obj=parent,
            case_ref=parent.reference,
            payload={
                "draft": draft.reference,
                "reason": reason,
                "targets_copied": draft.targets.count(),
            },
        )
    return draft

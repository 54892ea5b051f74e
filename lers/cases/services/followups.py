"""Follow-up requests: an agency asks to extend the preservation a case obtained (JU-13, BN-05).

An extension is a request of its own (Binance: "a new preservation request"; Ju.com: where the
law allows): a new draft linked to the case it continues, pre-filled from it, that the officer
completes with the new legal paper and submits like any request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.cases.services.requests import case_create
from lers.core.errors import DomainError, GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text

EXTENSION = "preservation_extension"
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
    "cross_border",
    "language",
    "callback_slots",
)


def extension_allowed(case: Case) -> bool:
    """Whether the case page offers an extension (the service checks again, under lock)."""
    return (
        EXTENSION in active_policy().request_types
        and bool(PRESERVED_BY & set(case.request_types))
        and case.state not in (State.DRAFT, State.DECLINED, State.WITHDRAWN)
    )


def case_request_extension(*, case: Case, by: User, reason: str) -> Case:
    """A new draft asking to extend the preservation of ``case``, for the officer to complete."""
    reason = clean_text(reason)
    if not reason:
        raise GuardFailed("say why the preservation should be extended")
    policy = active_policy()
    with transaction.atomic():
        parent = lock_case(case)
        require_officer_on_case(parent, by)
        if EXTENSION not in policy.request_types:
            raise DomainError(f"{policy.profile.name} takes no preservation extension requests")
        if not PRESERVED_BY & set(parent.request_types):
            raise GuardFailed("only a preservation request can be extended")
        if parent.state in (State.DRAFT, State.DECLINED, State.WITHDRAWN):
            raise IllegalTransition(
                "only a submitted, not declined or withdrawn, request can be extended",
                state=parent.state,
            )
        limit = policy.preservation.max_extensions
        earlier = parent.follow_ups.exclude(state__in=[State.WITHDRAWN, State.DECLINED]).count()
        if limit is not None and earlier >= limit:
            raise GuardFailed(f"{policy.profile.name} allows {limit} extension(s) of a hold")
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
        draft.officers.add(*parent.officers.all())
        for target in parent.targets.all():
            target.pk = None
            target.case = draft
            target.save()
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

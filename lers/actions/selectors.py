"""The actions of a case, reached only through the case the staff member may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import Http404

from lers.accounts.models import User
from lers.actions.models import Freeze, HoldExtension, PreservationHold, UserNotice
from lers.actions.services.holds import (
    hold_extended_by,
    staff_extension_refusal,
    term_note,
)
from lers.actions.services.notices import POLICY_DEFAULT
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.models import Case
from lers.cases.selectors import approved_scope, case_get_for_staff
from lers.core.policy import active_policy


def _of_case(model: type[Model], user: User, reference: str, pk: int) -> Any:
    case = case_get_for_staff(user, reference)
    try:
        return model._default_manager.select_related("case").get(case=case, pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404 from None


def freeze_get_for_staff(user: User, reference: str, pk: int) -> Freeze:
    return _of_case(Freeze, user, reference, pk)


def hold_get_for_staff(user: User, reference: str, pk: int) -> PreservationHold:
    return _of_case(PreservationHold, user, reference, pk)


def notice_get_for_staff(user: User, reference: str, pk: int) -> UserNotice:
    return _of_case(UserNotice, user, reference, pk)


@dataclass(frozen=True)
class ExtensionLine:
    extension: HoldExtension
    note: Any  # why it is shorter than asked, or ""


@dataclass(frozen=True)
class HoldLine:
    """A hold as a case page shows it: its term, why it is shorter than asked, its extensions."""

    hold: PreservationHold
    note: Any
    extensions: list[ExtensionLine]


def holds_of_case(case: Case) -> list[HoldLine]:
    """The case's holds, and the hold it extended if it is an extension request. The case is
    one the viewer may see (the caller scoped it); officers and staff see the same terms."""
    holds = list(case.holds.order_by("-pk"))
    holds += [
        e.hold
        for e in HoldExtension.objects.filter(request=case).select_related("hold__case")
        if e.hold not in holds
    ]
    return [
        HoldLine(
            hold=hold,
            note=term_note(hold),
            extensions=[
                ExtensionLine(extension=e, note=term_note(e))
                for e in hold.extended.select_related("request").order_by("pk")
            ],
        )
        for hold in holds
    ]


def case_actions(case: Case) -> dict[str, Any]:
    """What the case page shows of the actions: freezes, holds, notices, tags, alerts."""
    scope = approved_scope(case)
    return {
        # Actions reach only the approved scope's accounts and categories (JU-09).
        "subjects": list(scope.subjects) if scope else [],
        "categories": [(c, DATA_CATEGORIES[c]) for c in (scope.categories if scope else [])],
        "freezes": case.freezes.select_related("requested_by", "approved_by").order_by("-pk"),
        "holds": holds_of_case(case),
        # Who extends a hold (BN-05): staff alone only where the policy lets them.
        "staff_may_extend": active_policy().preservation.extension != "new_request",
        "extension_rule": staff_extension_refusal(),
        # An extension request offers to extend the hold it continues, once.
        "extends_hold": None
        if HoldExtension.objects.filter(request=case).exists()
        else hold_extended_by(case),
        "notices": case.notices.order_by("uid"),
        "tags": case.address_tags.filter(active=True).order_by("pk"),
        "alerts": case.watchlist_alerts.select_related("tag").order_by("-pk")[:50],
        "deliveries": case.deliveries.order_by("-pk")[:50],
        "address_targets": case.targets.filter(kind="address", valid=True),
        "withhold_grounds": active_policy().notification.withhold_when,
        "policy_default": POLICY_DEFAULT,
    }

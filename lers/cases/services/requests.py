"""Creating and filling in a request: the draft, its targets, documents and messages."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.agencies.models import Agency, Officer
from lers.audit.services import audit_record
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.lifecycle import State
from lers.cases.models import Case, Entity, Service
from lers.cases.notifications import notify_officer_added
from lers.cases.selectors import case_get_for_staff
from lers.cases.services.access import (
    lock_case,
    officer_of,
    require_officer_on_case,
)
from lers.core.errors import DomainError, IllegalTransition, NotPermitted
from lers.core.policy import active_policy
from lers.core.text import clean_text
from lers.policy.schema import MATTER_TYPES

# A follow-up's request type: only ever drafted from the case it extends (services.followups).
EXTENSION = "preservation_extension"

DRAFT_FIELDS = frozenset(
    {
        "title",
        "urgency",
        "urgency_circumstances",
        "request_types",
        "agency_case_number",
        "legal_instrument",
        "legal_basis",
        "legal_clauses",
        "summary",
        "findings",
        "amount_tokens",
        "amount_usd",
        "amount_breakdown",
        "freeze_assets",
        "freeze_amount",
        "timeframe_start",
        "timeframe_end",
        "data_categories",
        "duration_days",
        "non_disclosure_until",
        "consent_to_disclose",
        "consent_to_share_contact",
        "language",
        "callback_slots",
        "services",
        "matter_type",
    }
)


def _check_request_types(types: list[str], *, follow_up: bool) -> list[str]:
    known = active_policy().request_types
    if not types:
        raise DomainError(_("choose at least one request type"), field="request_types")
    unknown = [t for t in types if t not in known]
    if unknown:
        raise DomainError(
            f"unknown request type(s): {', '.join(unknown)}; this deployment accepts "
            f"{', '.join(known)}",
            field="request_types",
        )
    if EXTENSION in types and not follow_up:
        raise DomainError(
            _("a preservation extension is asked for from the page of the request it extends"),
            field="request_types",
        )
    return list(dict.fromkeys(types))


def _default_entity() -> Entity | None:
    """With a single entity there is nothing to route; with several, triage routes (JU-01)."""
    entities = list(Entity.objects.filter(active=True)[:2])
    return entities[0] if len(entities) == 1 else None


def require_channel(channel: str) -> None:
    """The profile names the ways in it takes (its ``intake.channels``)."""
    if channel not in active_policy().intake.channels:
        raise NotPermitted(
            _("%(exchange)s takes no requests through the %(channel)s channel")
            % {"exchange": active_policy().profile.name, "channel": channel}
        )


def case_new(
    *,
    agency: Agency,
    officer: Officer | None,
    channel: str,
    urgency: str,
    request_types: list[str],
    title: str,
    parent: Case | None = None,
    **fields: Any,
) -> Case:
    """The row of a new draft (inside the caller's transaction): its reference, profile and
    entity; the officer on it when known. Checked arguments only."""
    require_channel(channel)
    case = Case.objects.create(
        reference=f"tmp-{uuid.uuid4().hex}",
        policy_profile=active_policy().profile.id,
        agency=agency,
        entity=parent.entity if parent is not None else _default_entity(),
        parent=parent,
        created_by=officer,
        channel=channel,
        urgency=urgency,
        request_types=request_types,
        title=clean_text(title)[:300],
        **fields,
    )
    # The primary key makes the reference unique without a second counter.
    case.reference = f"LERS-{case.created_at:%Y}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    if officer is not None:
        case.officers.add(officer)
    return case


def case_create(
    *,
    officer_user: User,
    request_types: list[str],
    urgency: str = Case.Urgency.STANDARD,
    title: str = "",
    channel: str = Case.Channel.PORTAL,
    details: dict[str, Any] | None = None,
    parent: Case | None = None,
) -> Case:
    """A new draft of the officer's agency; ``details`` fills more of the form at once."""
    officer = officer_of(officer_user)
    if officer.status != Officer.Status.ACTIVE:
        raise NotPermitted("your access has not been approved yet")
    if urgency not in Case.Urgency.values:
        raise DomainError(f"unknown urgency {urgency!r}")
    with transaction.atomic():
        case = case_new(
            agency=officer.agency,
            officer=officer,
            channel=channel,
            urgency=urgency,
            request_types=_check_request_types(request_types, follow_up=parent is not None),
            title=title,
            parent=parent,
        )
        audit_record(
            actor=officer_user,
            action="case.created",
            obj=case,
            case_ref=case.reference,
            payload={
                "request_types": case.request_types,
                "urgency": urgency,
                "channel": channel,
                "parent": parent.reference if parent is not None else None,
            },
        )
        if details:
            case = case_update_draft(case=case, by=officer_user, changes=details)
    return case


def draft_changes_check(case: Case, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes, cleaned, or a domain error naming what is wrong; nothing is written."""
    unknown = sorted(set(changes) - DRAFT_FIELDS)
    if unknown:
        raise DomainError(f"these fields cannot be set on a request: {', '.join(unknown)}")
    policy = active_policy()
    clean: dict[str, Any] = {
        name: clean_text(value) if isinstance(value, str) else value
        for name, value in changes.items()
    }
    if "request_types" in clean:
        clean["request_types"] = _check_request_types(
            clean["request_types"], follow_up=case.parent_id is not None
        )
    if clean.get("matter_type") and clean["matter_type"] not in MATTER_TYPES:
        raise DomainError(
            _("%(value)r is not a matter type; one of: %(known)s")
            % {"value": clean["matter_type"], "known": ", ".join(MATTER_TYPES)},
            field="matter_type",
        )
    if "urgency" in clean and clean["urgency"] not in Case.Urgency.values:
        raise DomainError(f"unknown urgency {clean['urgency']!r}", field="urgency")
    instrument = clean.get("legal_instrument", "")
    if instrument and instrument not in policy.legal.instruments_accepted:
        raise DomainError(
            f"{instrument!r} is not a legal instrument this exchange accepts",
            field="legal_instrument",
        )
    categories = clean.get("data_categories")
    if categories is not None:
        unknown = [c for c in categories if c not in DATA_CATEGORIES]
        if unknown:
            raise DomainError(
                f"unknown data categories: {', '.join(unknown)}", field="data_categories"
            )
        clean["data_categories"] = list(dict.fromkeys(categories))
    duration = clean.get("duration_days")
    if duration is not None and duration < 1:
        raise DomainError(_("a duration is at least one day"), field="duration_days")
    amount = clean.get("amount_usd")
    if amount is not None and amount < 0:
        raise DomainError(_("the amount in USD cannot be negative"), field="amount_usd")
    until = clean.get("non_disclosure_until")
    if until is not None and until < timezone.now().date():
        raise DomainError(
            _("the non-disclosure order's end date has already passed"),
            field="non_disclosure_until",
        )
    language = clean.get("language")
    if language is not None and not _LANGUAGE.fullmatch(language.lower()):
        raise DomainError(
            _("%(code)r is not a language code such as en, zh or zh-hant") % {"code": language},
            field="language",
        )
    if "services" in clean:
        wanted = {int(pk) for pk in clean["services"]}
        found = set(
            Service.objects.filter(pk__in=wanted, entity__active=True).values_list("pk", flat=True)
        )
        if wanted - found:
            raise DomainError("unknown service(s) named", field="services")
        clean["services"] = sorted(found)
    start = clean.get("timeframe_start", case.timeframe_start)
    end = clean.get("timeframe_end", case.timeframe_end)
    if start is not None and end is not None and start > end:
        raise DomainError(_("the timeframe ends before it starts"), field="timeframe_end")
    if "freeze_assets" in clean:
        clean["freeze_assets"] = _check_assets(clean["freeze_assets"])
    return clean


# An asset's symbol as exchanges list it: USDT, ETH, 1INCH, USDC.E, BTC-PERP.
_ASSET = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,19}")


def _check_assets(assets: list[str]) -> list[str]:
    """The assets a freeze names, by symbol, upper-cased, each once, in the order given."""
    symbols = [clean_text(a).upper() for a in assets if clean_text(a)]
    wrong = [a for a in symbols if not _ASSET.fullmatch(a)]
    if wrong:
        raise DomainError(
            _("%(assets)s: not an asset symbol such as USDT or ETH") % {"assets": ", ".join(wrong)},
            field="freeze_assets",
        )
    return list(dict.fromkeys(symbols))


_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")


def case_update_draft(*, case: Case, by: User, changes: dict[str, Any]) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        require_officer_on_case(case, by)
        if case.state != State.DRAFT:
            raise IllegalTransition("only a draft can be edited", state=case.state)
        changes = draft_changes_check(case, changes)
        services = changes.pop("services", None)
        for name, value in changes.items():
            setattr(case, name, value)
        case.save(update_fields=[*changes, "updated_at"])
        if services is not None:
            case.services.set(services)
        audit_record(
            actor=by,
            action="case.edited",
            obj=case,
            case_ref=case.reference,
            payload={"fields": sorted([*changes, *(["services"] if services is not None else [])])},
        )
    return case


def case_add_officer(*, case: Case, by: User, colleague: Officer) -> None:
    """A colleague of the same agency joins the case (X-03)."""
    with transaction.atomic():
        case = lock_case(case)
        require_officer_on_case(case, by)
        if colleague.agency_id != case.agency_id:
            raise NotPermitted(_("only officers of the same agency can be added"))
        if colleague.status != Officer.Status.ACTIVE:
            raise DomainError(_("that colleague's access is not active"))
        case.officers.add(colleague)
        audit_record(
            actor=by,
            action="case.officer_added",
            obj=case,
            case_ref=case.reference,
            payload={"officer_id": colleague.pk},
        )
        notify_officer_added(case=case, officer=colleague, by=by)


def case_open_for_staff(*, user: User, reference: str) -> Case:
    """A staff member opens a case: the read itself is on the record (X-07)."""
    case = case_get_for_staff(user, reference)
    audit_record(actor=user, action="case.viewed", obj=case, case_ref=case.reference)
    return case

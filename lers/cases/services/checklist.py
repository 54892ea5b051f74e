"""What the policy still asks of a request (the live checklist)."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from lers.agencies.models import Officer
from lers.agencies.registry import domain_covers
from lers.cases.jurisdiction import is_cross_border
from lers.cases.models import Case
from lers.cases.services.requests import DRAFT_FIELDS
from lers.core.policy import active_policy
from lers.policy.completeness import Gap, RequestFacts, evaluate, officer_key


def case_facts(case: Case, *, has_services: bool | None = None) -> RequestFacts:
    documents = Counter(case.documents.values_list("doc_type", flat=True))
    target_kinds = set(case.targets.values_list("kind", flat=True))
    creator = case.created_by
    filled = {
        "officer_contacts": creator is not None and _has_official_contacts(creator),
        "legal_basis": bool(case.legal_basis.strip()),
        "legal_clauses": bool(case.legal_clauses.strip()),
        "case_number": bool(case.agency_case_number.strip()),
        "summary": bool(case.summary.strip()),
        "findings": bool(case.findings.strip()),
        "amount": bool(case.amount_tokens.strip()) or case.amount_usd is not None,
        "timeframe": case.timeframe_start is not None and case.timeframe_end is not None,
        "duration": case.duration_days is not None,
        "targets": bool(target_kinds),
        # The form's fund-flow section: a fund-flow sheet, or the addresses and TXIDs typed in.
        "fund_flow": documents["fund_flow"] > 0 or bool(target_kinds & {"address", "txid"}),
        "services": case.services.exists() if has_services is None else has_services,
        "urgency_circumstances": bool(case.urgency_circumstances.strip()),
        "callback_slots": bool(case.callback_slots.strip()),
        "data_categories": bool(case.data_categories),
        "matter_type": bool(case.matter_type),
    }
    return RequestFacts(
        request_types=frozenset(case.request_types),
        urgency=case.urgency,
        cross_border=is_cross_border(case),
        language=case.language,
        documents=dict(documents),
        fields=frozenset(name for name, ok in filled.items() if ok),
        officers_named=_officers_named(case),
    )


def _officers_named(case: Case) -> dict[str, frozenset[str]]:
    """Officer-ID type -> the distinct officers its documents name (JU-07)."""
    named: dict[str, set[str]] = {}
    id_types = active_policy().officer_id_documents()
    rows = case.documents.filter(doc_type__in=id_types).values_list("doc_type", "officer_name")
    for doc_type, name in rows:
        if name.strip():
            named.setdefault(doc_type, set()).add(officer_key(name))
    return {doc_type: frozenset(names) for doc_type, names in named.items()}


def _has_official_contacts(officer: Officer) -> bool:
    """The contacts the profile asks for (JU-07, HX-05); the email on an agency domain."""
    email = officer.user.email.lower()
    domain = email.rpartition("@")[2]
    domains = [d.lower() for d in officer.agency.email_domains]
    have = {
        "agency_email": bool(email)
        and (not domains or any(domain_covers(domain, d) for d in domains)),
        "office_landline": bool(officer.office_phone),
        "work_mobile": bool(officer.mobile_phone),
    }
    return all(have[c] for c in active_policy().officer_verification.official_contacts)


def case_checklist(case: Case) -> list[Gap]:
    """What the policy still asks of this request (the live checklist)."""
    return evaluate(active_policy(), case_facts(case))


def case_checklist_preview(case: Case, changes: dict[str, Any]) -> list[Gap]:
    """The checklist as it would be with the form's unsaved ``changes`` (the live checklist
    while the officer types); fields that do not parse yet count as they are saved."""
    draft = copy.copy(case)
    services = changes.pop("services", None)
    for name, value in changes.items():
        if name in DRAFT_FIELDS:
            setattr(draft, name, value)
    facts = case_facts(draft, has_services=bool(services) if services is not None else None)
    return evaluate(active_policy(), facts)

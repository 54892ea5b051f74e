"""Template filters that show the policy's codes in the reader's language."""

from __future__ import annotations

from django import template

from lers.cases import consent
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.models import Case, Target
from lers.core.i18n import localised, wants_chinese
from lers.core.policy import active_policy
from lers.policy.completeness import Gap

register = template.Library()


@register.filter
def agency_contact_shared(case: Case) -> bool:
    """Whether the agency's contact would go with a notice to the user (HX-12)."""
    return consent.agency_contact_shared(case)


@register.filter
def request_type(code: str) -> str:
    item = active_policy().request_types.get(code)
    return localised(item) if item else code


@register.filter
def request_types(codes: list[str]) -> str:
    return ", ".join(request_type(code) for code in codes)


@register.filter
def document_type(code: str) -> str:
    item = active_policy().document_types.get(code)
    return localised(item) if item else code


@register.filter
def data_category(code: str) -> str:
    return str(DATA_CATEGORIES.get(code, code))


@register.filter
def gap_message(gap: Gap) -> str:
    return gap.message("zh" if wants_chinese() else "en")


@register.filter
def target_kind(code: str) -> str:
    try:
        return str(Target.Kind(code).label)
    except ValueError:
        return code

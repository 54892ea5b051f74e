"""Template filters that show the policy's codes in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lers.cases import consent, lifecycle
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.jurisdiction import CrossBorder, cross_border_of, cross_border_rule_applies
from lers.cases.models import Case, Deadline, Target
from lers.core import preview
from lers.core.i18n import Labelled, localised
from lers.core.policy import active_policy
from lers.policy.completeness import Gap

register = template.Library()


@register.filter
def cross_border(case: Case) -> CrossBorder | None:
    """Whether the request is cross-border, derived from the countries (JU-12); None where the
    profile has no cross-border rule."""
    return cross_border_of(case) if cross_border_rule_applies() else None


@register.filter
def state_label(state: str, staff: bool = False) -> str:
    """The case state as the reader's side says it (the staff's, or the agency's, voice)."""
    return lifecycle.state_label(state, staff=bool(staff))


@register.filter
def deadline_label(kind: str, staff: bool = False) -> str:
    """A clock's name as the reader's side says it."""
    if kind == Deadline.Kind.AGENCY_ANSWER and not staff:
        return str(_("Your answer to the exchange's questions"))
    return str(Deadline.Kind(kind).label)


@register.filter
def agency_contact_shared(case: Case) -> bool:
    """Whether the agency's contact would go with a notice to the user (HX-12)."""
    return consent.agency_contact_shared(case)


@register.filter(name="localised")
def localised_label(item: Labelled) -> str:
    """A profile item's label (a decline reason, a request type...) in the reader's language."""
    return localised(item)


# The identifier checks' reasons (lers.identifiers, stored on the target) that are words, in
# the reader's language; the others state a format's figures (lengths, bytes, version bytes)
# and are shown as the check wrote them, marked as English (lang="en").
_CHECK_REASONS = {
    "not a recognised identifier": gettext_lazy("not a recognised identifier"),
    "empty string": gettext_lazy("empty string"),
    "leading or trailing whitespace": gettext_lazy("leading or trailing whitespace"),
}


# Where the worker is in building a production (lers.productions: services and builder).
_PRODUCTION_STAGES = {
    "queued": gettext_lazy("waiting for the worker"),
    "records": gettext_lazy("reading the records"),
    "cover": gettext_lazy("writing the cover letter"),
    "encrypting": gettext_lazy("encrypting the archive"),
    "ready": gettext_lazy("done"),
}


@register.filter
def production_stage(stage: str) -> str:
    return str(_PRODUCTION_STAGES.get(stage, stage))


# The government-domain registry's verdicts on an address (lers.agencies.registry.Status).
_DOMAIN_VERDICTS = {
    "registry": gettext_lazy("in the government-domain registry"),
    "lookalike": gettext_lazy("imitates a government domain"),
    "outside": gettext_lazy("not in the government-domain registry"),
    "invalid": gettext_lazy("not a valid domain"),
}


@register.filter
def domain_verdict(status: str) -> str:
    """The registry's verdict on an email domain, for the reader (its code where unknown)."""
    return str(_DOMAIN_VERDICTS.get(status, status))


@register.filter
def check_reason(reason: str) -> SafeString | str:
    """Why an identifier's check failed, for the reader."""
    if not reason:
        return ""
    translated = _CHECK_REASONS.get(reason)
    if translated is not None:
        return str(translated)
    return format_html('<span lang="en">{}</span>', reason)


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
def previewable(content_type: str) -> bool:
    """Whether a stored file of this type has an in-page preview (lers.core.preview)."""
    return preview.previewable(content_type)


@register.filter
def data_category(code: str) -> str:
    return str(DATA_CATEGORIES.get(code, code))


@register.filter
def data_categories(codes: list[str]) -> str:
    return ", ".join(data_category(code) for code in codes)


@register.filter
def gap_message(gap: Gap) -> str:
    return gap.message(get_language() or "en")


@register.filter
def target_kind(code: str) -> str:
    try:
        return str(Target.Kind(code).label)
    except ValueError:
        return code

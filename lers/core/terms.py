"""The exchange's terms as the officer reads them, and their acknowledgement (HX-15).

A profile's ``terms`` are shown where an officer requests access and where they submit a
request, in the officer's language (English where the profile has no text in it). Where the
profile asks for it (``terms.acknowledge``), the step goes only with the officer's
acknowledgement, recorded with the version of the text (its SHA-256). A profile without terms
shows nothing and asks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lers.audit.services import audit_record
from lers.core.errors import TermsNotAcknowledged
from lers.core.policy import active_policy


@dataclass(frozen=True)
class ShownTerms:
    language: str
    text: str
    version: str
    acknowledge: bool


def terms_shown(language: str | None = None) -> ShownTerms | None:
    """The profile's terms in ``language`` (the active one unless told), or None."""
    terms = active_policy().terms
    if terms is None:
        return None
    shown_in, text = terms.in_language(language or get_language())
    return ShownTerms(
        language=shown_in, text=text, version=terms.version, acknowledge=terms.acknowledge
    )


def terms_required(*, acknowledged: bool) -> ShownTerms | None:
    """The terms to record with the step, or None where the profile asks no acknowledgement;
    refuses the step where it asks one and ``acknowledged`` is false."""
    shown = terms_shown()
    if shown is None or not shown.acknowledge:
        return None
    if not acknowledged:
        raise TermsNotAcknowledged(
            _("Read %(exchange)s's terms and acknowledge them to go on.")
            % {"exchange": active_policy().profile.name},
            terms=shown.text,
            version=shown.version,
            language=shown.language,
        )
    return shown


def terms_record(
    shown: ShownTerms, *, actor: object, obj: models.Model, door: str, case_ref: str = ""
) -> None:
    """The acknowledgement on the record (inside the transaction of the step)."""
    audit_record(
        actor=actor,
        action="terms.acknowledged",
        obj=obj,
        case_ref=case_ref,
        payload={
            "door": door,
            "profile": active_policy().profile.id,
            "version": shown.version,
            "language": shown.language,
        },
    )

"""The agency's production key (X-08): an age public key its administrator registers, so
that disclosure packages are encrypted to the agency itself rather than to a passphrase
that travels by email."""

from __future__ import annotations

import pyrage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.agencies.models import Agency
from lers.agencies.selectors import administered_agency
from lers.audit.services import audit_record
from lers.core.errors import DomainError, NotPermitted


def age_recipient_check(value: str) -> str:
    """The key, normalised, or a domain error saying what is wrong with it."""
    value = "".join(value.split())
    if not value:
        return ""
    if not value.startswith("age1"):
        raise DomainError(
            _(
                "an age public key starts with “age1” (the private key, AGE-SECRET-KEY-…, stays "
                "with the agency)"
            )
        )
    try:
        pyrage.x25519.Recipient.from_str(value)
    except Exception as exc:
        raise DomainError(_("this is not a valid age public key")) from exc
    return value


def agency_key_set(*, agency: Agency, by: User, key: str) -> Agency:
    """An administrator of the agency registers its key, replaces it, or removes it (empty).
    Packages requested from then on are encrypted to it; earlier ones keep theirs."""
    administered = administered_agency(by)
    if administered is None or administered.pk != agency.pk:
        raise NotPermitted(_("only an administrator of the agency registers its key"))
    key = age_recipient_check(key)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        previous = locked.age_recipient
        if key == previous:
            return locked
        locked.age_recipient = key
        locked.age_recipient_set_at = timezone.now() if key else None
        locked.save(update_fields=["age_recipient", "age_recipient_set_at"])
        audit_record(
            actor=by,
            action="agency.key_set" if key else "agency.key_removed",
            obj=locked,
            payload={"key": key, "previous": previous},
        )
    return locked

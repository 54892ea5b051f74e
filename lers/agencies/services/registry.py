"""Agencies' side of trust: the government-domain registry as administrators keep it."""

from __future__ import annotations

from typing import cast

from django.db import transaction

from lers.accounts.models import Role, User
from lers.accounts.roles import roles_of
from lers.agencies.models import GovernmentDomain
from lers.agencies.registry import (
    DomainEntry,
    DomainRegistry,
    Kind,
    load_shipped,
    normalise_domain,
)
from lers.audit.services import audit_record
from lers.core.errors import DomainError, NotPermitted


def _require_admin(by: User | None) -> None:
    if by is not None and Role.ADMIN not in roles_of(by):
        raise NotPermitted("only an administrator changes the government-domain registry")


def domain_registry() -> DomainRegistry:
    """The shipped list, plus administrators' additions, minus what they withdrew."""
    changes = {row.value: row for row in GovernmentDomain.objects.all()}
    entries = [e for e in load_shipped() if e.value not in changes]
    entries += [
        DomainEntry(value=row.value, kind=cast(Kind, row.kind), country=row.country, note=row.note)
        for row in changes.values()
        if row.active
    ]
    return DomainRegistry(entries)


def government_domain_add(
    *, value: str, kind: str, country: str, note: str, by: User | None
) -> GovernmentDomain:
    _require_admin(by)
    try:
        domain = normalise_domain(value)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    if kind not in GovernmentDomain.Kind.values:
        raise DomainError(f"kind is suffix or domain, not {kind!r}")
    if "." not in domain and kind == GovernmentDomain.Kind.DOMAIN:
        raise DomainError("a single label is a suffix (like gov), not a domain")
    with transaction.atomic():
        row, _ = GovernmentDomain.objects.update_or_create(
            value=domain,
            defaults={
                "kind": kind,
                "country": country.upper(),
                "note": note,
                "active": True,
                "changed_by": by,
            },
        )
        audit_record(
            actor=by,
            action="registry.domain_added",
            obj=row,
            payload={"value": domain, "kind": kind, "country": row.country},
        )
    return row


def government_domain_withdraw(*, value: str, by: User | None) -> GovernmentDomain:
    _require_admin(by)
    try:
        domain = normalise_domain(value)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    shipped = {e.value: e for e in load_shipped()}
    with transaction.atomic():
        row = GovernmentDomain.objects.filter(value=domain).first()
        if row is None:
            if domain not in shipped:
                raise DomainError(f"{domain} is not in the registry")
            entry = shipped[domain]
            row = GovernmentDomain(
                value=domain, kind=entry.kind, country=entry.country, note=entry.note
            )
        row.active = False
        row.changed_by = by
        row.save()
        audit_record(
            actor=by, action="registry.domain_withdrawn", obj=row, payload={"value": domain}
        )
    return row

"""The exchange's legal entities and services (JU-01, BN-06), kept in step with the profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.models import Entity, Service
from lers.core.policy import active_policy


@dataclass(frozen=True)
class EntitySync:
    created: list[str]
    updated: list[str]
    services_created: int


def entities_sync(*, by: User | None) -> EntitySync:
    """Create or update the profile's entities and services; never deletes (cases point at them)."""
    created: list[str] = []
    updated: list[str] = []
    services_created = 0
    with transaction.atomic():
        for spec in active_policy().entities:
            values = {
                "name": spec.name,
                "jurisdiction": spec.jurisdiction,
                "subdivision": spec.subdivision or "",
                "timezone": spec.timezone,
            }
            entity = Entity.objects.select_for_update().filter(code=spec.code).first()
            if entity is None:
                entity = Entity.objects.create(code=spec.code, **values)
                created.append(spec.code)
            elif any(getattr(entity, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(entity, key, value)
                entity.save(update_fields=list(values))
                updated.append(spec.code)
            for service in spec.services:
                _, made = Service.objects.update_or_create(
                    entity=entity, code=service.code, defaults={"name": service.name}
                )
                services_created += made
        if created or updated or services_created:
            audit_record(
                actor=by,
                action="entities.synced",
                payload={
                    "profile": active_policy().profile.id,
                    "created": created,
                    "updated": updated,
                    "services_created": services_created,
                },
            )
    return EntitySync(created, updated, services_created)

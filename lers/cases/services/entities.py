"""The exchange's legal entities and services (JU-01, BN-06), kept in step with the profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.models import Case, Entity, Service, SubjectMatch
from lers.core.policy import active_policy
from lers.exchange.active import active_source


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


@dataclass(frozen=True)
class RouteSuggestion:
    """Which entity a case should go to, and why (JU-01): the entity that holds the subjects'
    data. ``entity`` is None when nothing points at one; a person routes either way."""

    entity: Entity | None
    reasons: list[str]


def entities_for_routing() -> list[Entity]:
    """The active entities in the order the profile lists them."""
    order = {spec.code: i for i, spec in enumerate(active_policy().entities)}
    return sorted(Entity.objects.filter(active=True), key=lambda e: order.get(e.code, len(order)))


def route_suggestion(*, case: Case, by: User) -> RouteSuggestion:
    """Suggests an entity from, strongest first: the services the request names (each belongs
    to one entity), the countries of the confirmed subject accounts (read from the exchange's
    records; the read is on the record), and the agency's country."""
    entities = entities_for_routing()
    by_country: dict[str, Entity] = {}
    for entity in entities:
        by_country.setdefault(entity.jurisdiction.upper(), entity)
    named = sorted({s.entity for s in case.services.select_related("entity")}, key=str)
    if len(named) == 1:
        return RouteSuggestion(
            named[0],
            [_("the request names services of %(entity)s") % {"entity": named[0]}],
        )
    countries = _subject_countries(case=case, by=by)
    held = sorted({by_country[c] for c in countries.values() if c in by_country}, key=str)
    if len(held) == 1:
        uids = ", ".join(u for u, c in sorted(countries.items()) if by_country.get(c) == held[0])
        return RouteSuggestion(
            held[0],
            [
                _("the subject account(s) %(uids)s are registered in %(country)s")
                % {"uids": uids, "country": held[0].jurisdiction}
            ],
        )
    agency_country = case.agency.country.upper()
    if agency_country in by_country:
        return RouteSuggestion(
            by_country[agency_country],
            [_("the agency is in %(country)s") % {"country": agency_country}],
        )
    return RouteSuggestion(None, [])


def _subject_countries(*, case: Case, by: User) -> dict[str, str]:
    """Country of each confirmed subject account, as the exchange records it."""
    uids = sorted(
        set(
            SubjectMatch.objects.filter(
                target__case=case, status=SubjectMatch.Status.CONFIRMED
            ).values_list("uid", flat=True)
        )
    )
    source = active_source()
    if not uids or not source.has("users", "country"):
        return {}
    rows = source.rows_where_in("users", "uid", uids, fields=["uid", "country"])
    audit_record(
        actor=by,
        action="exchange.read",
        obj=case,
        case_ref=case.reference,
        payload={"purpose": "routing", "record": "users", "fields": ["country"], "uids": uids},
    )
    return {str(r["uid"]): str(r["country"] or "").upper() for r in rows}

"""Writing to the audit trail. Call inside the transaction of the change it records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from lers.audit.chain import GENESIS, canonical, chain_key, link
from lers.audit.models import AuditEvent, AuditHead

SYSTEM = "system"


def _json_safe(value: Any) -> Any:
    """Payloads are stored as JSON and re-hashed after a round trip: keep them plain."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, str):
        # PostgreSQL's jsonb cannot hold NUL; it never belongs in an audit payload anyway.
        return value.replace("\x00", "\ufffd")
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    # floats and decimals become strings: their JSON round trip is not exact everywhere
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    case_ref: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, atomically with the caller's transaction."""
    with transaction.atomic():
        # The head row is the lock that serialises appends: two writers cannot fork the chain.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
            head = AuditHead.objects.select_for_update().get(pk=1)
        occurred_at = timezone.now().astimezone(dt.UTC)
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "occurred_at": occurred_at,
            "actor_id": actor.pk if actor is not None and actor.pk is not None else None,
            "actor_label": _actor_label(actor),
            "action": action,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "case_ref": case_ref,
            "payload": _json_safe(payload or {}),
        }
        digest = link(head.hash, canonical(**fields), chain_key())
        event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=digest)
        return event


def audit_record_once(
    *,
    within: dt.timedelta,
    actor: Any,
    action: str,
    obj: models.Model,
    case_ref: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """As :func:`audit_record`, unless the same actor's same action on the same object is
    already on the trail within ``within``: one look that loads many parts (a preview's page
    images) is one event, not a flood. Checked under the chain's lock, so two parts loading at
    once still leave one event."""
    with transaction.atomic():
        AuditHead.objects.select_for_update().filter(pk=1).first()
        recent = AuditEvent.objects.filter(
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            actor_id=actor.pk if actor is not None else None,
            action=action,
            occurred_at__gte=timezone.now() - within,
        )
        if recent.exists():
            return None
        return audit_record(actor=actor, action=action, obj=obj, case_ref=case_ref, payload=payload)


def _actor_label(actor: Any) -> str:
    if actor is None:
        return SYSTEM
    username = getattr(actor, "username", None)
    return f"{username}" if username else str(actor)

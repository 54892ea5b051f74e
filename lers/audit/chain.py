"""The hash chain itself: canonical form of an event and the link between two events.

hash(n) = SHA-256( prev_hash(n) || canonical_json(event n) ), where the canonical JSON holds
every stored field of the event, its sequence number included, so editing a field, dropping a
row or swapping two rows breaks a link that ``verify`` reports.

With a chain key (``LERS_AUDIT_KEY``, kept outside the database) the link is an HMAC-SHA256
instead: someone who can write to the database but does not hold the key cannot recompute a
consistent chain after editing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64


def canonical(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    case_ref: str,
    payload: dict[str, Any],
) -> bytes:
    document = {
        "seq": seq,
        "at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "case": case_ref,
        "payload": payload,
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


# The stored fields the canonical form is made of, in the order ``canonical_row`` takes them.
ROW_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_label", "action", "object_type", "object_id",
    "case_ref", "payload",
)  # fmt: skip


def canonical_row(row: tuple[Any, ...]) -> bytes:
    """``canonical`` of a row read as ``values_list(*ROW_FIELDS)``."""
    seq, at, actor_id, actor, action, otype, oid, case_ref, payload = row
    return canonical(
        seq=seq,
        occurred_at=at,
        actor_id=actor_id,
        actor_label=actor,
        action=action,
        object_type=otype,
        object_id=oid,
        case_ref=case_ref,
        payload=payload,
    )


def link(prev_hash: str, body: bytes, key: bytes | None = None) -> str:
    message = prev_hash.encode("ascii") + body
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def chain_key() -> bytes | None:
    from django.conf import settings

    value: str | None = settings.LERS_AUDIT_KEY
    return value.encode("utf-8") if value else None

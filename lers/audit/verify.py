"""Walk the chain and report the first broken link (``lers audit verify``)."""

from __future__ import annotations

from dataclasses import dataclass

from lers.audit.chain import GENESIS, canonical, link
from lers.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(*, chunk_size: int = 2000) -> Verdict:
    """Streams the events in sequence order; memory stays flat whatever the trail's size."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    rows = AuditEvent.objects.order_by("seq").values_list(
        "seq",
        "occurred_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "case_ref",
        "payload",
        "prev_hash",
        "hash",
    )
    for row in rows.iterator(chunk_size=chunk_size):
        (seq, at, actor_id, actor, action, otype, oid, case_ref, payload, prev, digest) = row
        if seq != expected_seq:
            return Verdict(False, count, seq, f"expected event #{expected_seq}, found #{seq}")
        if prev != expected_prev:
            return Verdict(
                False, count, seq, "previous-hash link does not match the event before it"
            )
        body = canonical(
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
        if link(prev, body) != digest:
            return Verdict(False, count, seq, "content does not match its hash (edited)")
        expected_prev = digest
        expected_seq += 1
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != count or head.hash != expected_prev):
        return Verdict(
            False,
            count,
            count + 1,
            f"the chain ends at #{count} but its head records #{head.seq} (events cut off)",
        )
    return Verdict(True, count)

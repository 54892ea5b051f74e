"""Walk the chain and report the first broken link (``lers audit verify``).

Safe to run while lers is writing: the walk stops at the head read before it starts (an event
and the head that records it commit together), and one statement checks afterwards that no
event exists beyond the head.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Subquery

from lers.audit.chain import GENESIS, ROW_FIELDS, canonical_row, chain_key, link
from lers.audit.models import AuditEvent, AuditHead

FIELDS = (*ROW_FIELDS, "prev_hash", "hash")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def _events(up_to: int, chunk_size: int) -> Iterator[tuple[Any, ...]]:
    rows = AuditEvent.objects.filter(seq__lte=up_to).order_by("seq").values_list(*FIELDS)
    return rows.iterator(chunk_size=chunk_size)


def verify_chain(*, chunk_size: int = 2000) -> Verdict:
    """Streams the events in sequence order; memory stays flat whatever the trail's size."""
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head is None:
        if AuditEvent.objects.exists():
            return Verdict(False, 0, 1, "the chain's head record is missing")
        return Verdict(True, 0)
    head_seq, head_hash = head
    key = chain_key()
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for row in _events(head_seq, chunk_size):
        seq, prev, digest = row[0], row[-2], row[-1]
        if seq != expected_seq:
            return Verdict(False, count, seq, f"expected event #{expected_seq}, found #{seq}")
        if prev != expected_prev:
            return Verdict(
                False, count, seq, "previous-hash link does not match the event before it"
            )
        body = canonical_row(row[:9])
        if link(prev, body, key) != digest:
            return Verdict(False, count, seq, "content does not match its hash (edited)")
        expected_prev = digest
        expected_seq += 1
        count += 1
    if count != head_seq or expected_prev != head_hash:
        return Verdict(
            False,
            count,
            count + 1,
            f"the chain ends at #{count} but its head records #{head_seq} (events cut off)",
        )
    # One statement, one snapshot: an event beyond the head was not written by lers.
    head_now = AuditHead.objects.filter(pk=1).values("seq")[:1]
    beyond = (
        AuditEvent.objects.filter(seq__gt=Subquery(head_now))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if beyond is not None:
        return Verdict(False, count, beyond, f"event #{beyond} is beyond the chain's head")
    return Verdict(True, count)

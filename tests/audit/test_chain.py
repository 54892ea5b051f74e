"""The audit trail is append-only and hash-chained (X-07)."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lers.audit import verify as verify_module
from lers.audit.models import AuditEvent, AuditHead
from lers.audit.services import audit_record
from lers.audit.verify import verify_chain

pytestmark = [pytest.mark.req("X-07"), pytest.mark.django_db]

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def chain(outsider):
    for number in range(5):
        audit_record(actor=outsider, action="test.event", payload={"n": number, "名": "王伟"})
    return list(AuditEvent.objects.order_by("seq"))


HEAD = AuditHead._meta.db_table
SQLITE_TRIGGERS = [
    "audit_event_no_update",
    "audit_event_no_delete",
    "audit_head_no_delete",
    "audit_head_forward",
]


def _tamper(sql: str, params: list | None = None) -> None:
    """What an attacker with direct database access would do: get past the triggers first.

    Runs inside the test's transaction, so the triggers are back for the next test.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (TABLE, HEAD):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(sql, params or [])
            for table in (TABLE, HEAD):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(sql, params or [])


def test_an_intact_chain_verifies(chain, capsys):
    verdict = verify_chain()
    assert verdict.ok
    assert verdict.count == len(chain)
    call_command("audit", "verify")
    assert f"OK: {len(chain)} events" in capsys.readouterr().out


def test_each_event_links_to_the_one_before(chain):
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1


def test_an_edited_row_is_detected(chain):
    target = chain[2]
    _tamper(f"UPDATE {TABLE} SET actor_label = %s WHERE seq = %s", ["someone-else", target.seq])
    verdict = verify_chain()
    assert not verdict.ok
    assert verdict.broken_seq == target.seq
    assert "edited" in verdict.reason
    with pytest.raises(CommandError, match=f"BROKEN at event #{target.seq}"):
        call_command("audit", "verify")


def test_an_edited_payload_is_detected(chain):
    target = chain[1]
    _tamper(f"UPDATE {TABLE} SET payload = %s WHERE seq = %s", ['{"n": 99}', target.seq])
    assert verify_chain().broken_seq == target.seq


def test_a_deleted_row_is_detected(chain):
    _tamper(f"DELETE FROM {TABLE} WHERE seq = %s", [chain[2].seq])
    verdict = verify_chain()
    assert not verdict.ok
    assert verdict.broken_seq == chain[3].seq


def test_a_deleted_tail_is_detected(chain):
    _tamper(f"DELETE FROM {TABLE} WHERE seq = %s", [chain[-1].seq])
    verdict = verify_chain()
    assert not verdict.ok
    assert "cut off" in verdict.reason


def test_reordered_rows_are_detected(chain):
    a, b = chain[1].seq, chain[2].seq
    _tamper(f"UPDATE {TABLE} SET seq = -1 WHERE seq = %s", [a])
    _tamper(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [a, b])
    _tamper(f"UPDATE {TABLE} SET seq = %s WHERE seq = -1", [b])
    verdict = verify_chain()
    assert not verdict.ok
    assert verdict.broken_seq == a


@pytest.mark.parametrize(
    "sql", [f"UPDATE {TABLE} SET action = 'x'", f"DELETE FROM {TABLE}"], ids=["update", "delete"]
)
def test_the_database_refuses_update_and_delete(chain, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == len(chain)


def test_the_orm_cannot_change_an_event_either(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        chain[0].delete()


@pytest.mark.postgres
def test_postgres_refuses_truncate(chain):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == len(chain)


def test_payloads_survive_the_round_trip_exactly(outsider):
    import datetime as dt
    from decimal import Decimal

    audit_record(
        actor=outsider,
        action="test.types",
        payload={
            "when": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
            "amount": Decimal("12.50"),
            "ratio": 0.1,
            "set": {"b", "a"},
            "nested": {"list": [1, "二", None, True]},
        },
    )
    assert verify_chain().ok


def test_a_deleted_tail_and_head_is_detected(chain):
    _tamper(f"DELETE FROM {TABLE} WHERE seq = %s", [chain[-1].seq])
    _tamper(f"DELETE FROM {HEAD}")
    verdict = verify_chain()
    assert not verdict.ok
    assert "head record is missing" in verdict.reason


def test_an_event_slipped_in_beyond_the_head_is_detected(chain):
    last = chain[-1]
    AuditEvent.objects.create(
        seq=last.seq + 1,
        occurred_at=last.occurred_at,
        actor_label="intruder",
        action="test.forged",
        prev_hash=last.hash,
        hash="f" * 64,
    )
    verdict = verify_chain()
    assert not verdict.ok
    assert verdict.broken_seq == last.seq + 1


def test_verify_is_not_fooled_by_events_written_while_it_walks(chain, outsider, monkeypatch):
    """lers keeps writing while a scheduled verify runs: that is not a broken chain."""
    original = verify_module._events

    def walking_while_writing(up_to, chunk_size):
        for index, row in enumerate(original(up_to, chunk_size)):
            if index == 1:
                audit_record(actor=outsider, action="test.concurrent")
            yield row

    monkeypatch.setattr(verify_module, "_events", walking_while_writing)
    verdict = verify_chain()
    assert verdict.ok, verdict.reason
    assert verdict.count == len(chain)  # the walk covers the chain as it was when it started


def test_the_head_only_moves_forward_and_cannot_be_deleted(chain):
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        AuditHead.objects.filter(pk=1).update(seq=1)
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        AuditHead.objects.all().delete()


def test_with_a_chain_key_the_links_cannot_be_recomputed_without_it(settings, outsider):
    """An attacker who rewrites an event and recomputes plain SHA-256 links is still caught."""
    from lers.audit.chain import canonical, link

    settings.LERS_AUDIT_KEY = "k" * 40
    for number in range(3):
        audit_record(actor=outsider, action="test.keyed", payload={"n": number})
    assert verify_chain().ok
    first = AuditEvent.objects.get(seq=1)
    body = canonical(
        seq=1,
        occurred_at=first.occurred_at,
        actor_id=first.actor_id,
        actor_label="someone-else",
        action=first.action,
        object_type="",
        object_id="",
        case_ref="",
        payload=first.payload,
    )
    _tamper(
        f"UPDATE {TABLE} SET actor_label = %s, hash = %s WHERE seq = 1",
        ["someone-else", link(first.prev_hash, body)],
    )
    assert verify_chain().broken_seq == 1
    settings.LERS_AUDIT_KEY = "another key entirely, forty characters..."
    assert not verify_chain().ok


def test_a_nul_character_in_free_text_does_not_break_the_chain(outsider):
    audit_record(actor=outsider, action="test.nul", payload={"reason": "bad\x00byte"})
    event = AuditEvent.objects.get(action="test.nul")
    assert event.payload["reason"] == "bad\ufffdbyte"
    assert verify_chain().ok

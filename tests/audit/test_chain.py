"""The audit trail is append-only and hash-chained (X-07)."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lers.audit.models import AuditEvent
from lers.audit.services import audit_record
from lers.audit.verify import verify_chain

pytestmark = [pytest.mark.req("X-07"), pytest.mark.django_db]

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def chain(outsider):
    for number in range(5):
        audit_record(actor=outsider, action="test.event", payload={"n": number, "名": "王伟"})
    return list(AuditEvent.objects.order_by("seq"))


def _tamper(sql: str, params: list | None = None) -> None:
    """What an attacker with direct database access would do: get past the triggers first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(sql, params or [])
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
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

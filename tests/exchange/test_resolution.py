"""Resolving identifiers to the exchange's accounts, with the evidence (X-10, JU-08, HX-09).

The exchange here is the demo exchange's schema with a handful of hand-written rows, read
through the shipped demo mapping, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from lers.exchange.mapping import DEMO_MAPPING, MappingError, load_mapping
from lers.exchange.resolution import Query, resolve
from lers.exchange.source import DataSource
from tests.exchange.small import (
    ETH,
    TX_IN,
    TX_OUT,
    TX_XRP,
    XRP_SHARED,
    fill_small_exchange,
)

pytestmark = pytest.mark.req("X-10", "JU-08", "HX-09")


@pytest.fixture
def sqlite_source(tmp_path) -> DataSource:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'exchange.sqlite3'}")
    fill_small_exchange(engine)
    return DataSource(engine, load_mapping(DEMO_MAPPING))


@pytest.fixture
def postgres_source() -> Iterator[DataSource]:
    admin = sa.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    name = f"lers_exchange_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    engine = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        fill_small_exchange(engine)
        yield DataSource(engine, load_mapping(DEMO_MAPPING))
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def source(request) -> DataSource:
    return request.getfixturevalue(f"{request.param}_source")


def one(source: DataSource, query: Query):
    (found,) = [resolve(source, [query]).matches[query]]
    return found


def test_exact_identifiers_name_their_account_and_why(source):
    cases = [
        (Query("uid", "10000004"), "10000004", "user ID 10000004"),
        (Query("email", "chloe.martin@example.org"), "10000001", "Chloe.Martin@Example.org"),
        (Query("phone", "+8613800000003"), "10000003", "registered phone"),
        (Query("address", ETH, chain="ETH"), "10000001", f"deposit address {ETH} (ETH)"),
        (Query("txid", TX_IN), "10000002", "received 1250.5"),
        (Query("txid", TX_OUT), "10000003", "sent 2"),
        (Query("txid", TX_XRP.lower()), "10000003", "received 300 XRP"),
        (Query("ip", "203.0.113.7"), "10000004", "203.0.113.7"),
        (Query("device", "dev-4"), "10000004", "dev-4"),
    ]
    result = resolve(source, [query for query, _uid, _why in cases])
    for query, uid, why in cases:
        (match,) = result.matches[query]
        assert (match.uid, match.exact, match.score) == (uid, True, 100.0), query
        assert why in match.evidence, (query, match.evidence)


def test_an_evm_address_matches_whatever_case_the_exchange_stored(source):
    (match,) = one(source, Query("address", ETH.lower(), chain="ETH"))
    assert match.uid == "10000001"


def test_a_shared_address_needs_its_memo(source):
    (match,) = one(source, Query("address", XRP_SHARED, chain="XRP", memo="1002"))
    assert (match.uid, match.exact) == ("10000003", True)
    assert "memo 1002" in match.evidence
    without = one(source, Query("address", XRP_SHARED, chain="XRP"))
    assert {m.uid for m in without} == {"10000002", "10000003"}
    assert not any(m.exact for m in without)
    assert all("shared" in m.evidence for m in without)
    assert one(source, Query("address", XRP_SHARED, chain="XRP", memo="9999")) == []


@pytest.mark.parametrize(
    ("name", "uid"),
    [
        ("王伟", "10000002"),
        ("Wang Wei", "10000002"),
        ("WEI Wang", "10000002"),
        ("Chloe Muller", "10000001"),
        ("Müller, Chloé", "10000001"),
        ("Li Fnag", "10000003"),  # a typo
    ],
)
def test_names_match_across_scripts_order_and_diacritics_never_exactly(source, name, uid):
    found = one(source, Query("name", name))
    assert found and found[0].uid == uid
    assert not any(m.exact for m in found)
    assert "KYC name" in found[0].evidence


def test_no_account_found_is_an_explicit_empty_result(source):
    queries = [
        Query("uid", "99999999"),
        Query("email", "nobody@example.org"),
        Query("address", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", chain="BTC"),
        Query("txid", "ef" * 32),
        Query("name", "Zebedee Quartermaine"),
    ]
    result = resolve(source, queries)
    assert result.matches == {query: [] for query in queries}


def test_a_bad_mapping_names_the_file_and_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO_MAPPING.read_text().replace('txid = "txid"\n', "", 1))
    with pytest.raises(MappingError, match=r"bad.toml: records.deposits.*missing txid"):
        load_mapping(bad)
    typo = tmp_path / "typo.toml"
    typo.write_text(DEMO_MAPPING.read_text().replace("[records.logins]", "[records.loginz]"))
    with pytest.raises(MappingError, match="loginz"):
        load_mapping(typo)


@pytest.mark.req("JU-18", "JU-15")
def test_values_for_a_production_are_text_in_utc_and_only_the_fields_asked(source):
    """The same rows as text on SQLite and PostgreSQL: "" for none, times in ISO 8601 UTC,
    and a field not asked for is not read."""
    (chunk,) = list(
        source.values_of_accounts("logins", ["10000001"], ["uid", "time", "user_agent"])
    )
    ((uid, time, _agent),) = chunk
    assert uid == "10000001" and time.endswith("+00:00")
    assert dt.datetime.fromisoformat(time) == dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert len(chunk[0]) == 3  # the IP and the device were not asked for
    assert all(isinstance(v, str) for row in chunk for v in row)
    (kyc,) = list(source.values_of_accounts("kyc", ["10000002"], ["uid", "full_name_local"]))
    assert [list(row) for row in kyc] == [["10000002", "王伟"]]


@pytest.mark.req("JU-15")
def test_amounts_leave_exactly_as_stored(source):
    """SQLite keeps the demo's amounts as REAL: a CAST to text would print 15 digits; the
    value is written in its shortest exact form instead. PostgreSQL's numeric is exact."""
    from decimal import Decimal

    from lers.demo import exchange as demo

    with source.engine.begin() as conn:
        conn.execute(
            demo.withdrawals.insert(),
            [
                {
                    "uid": "10000004",
                    "chain": "ETH",
                    "asset": "ETH",
                    "amount": Decimal("12345.678901234567"),
                    "txid": "0x" + "ee" * 32,
                    "to_address": "0x" + "11" * 20,
                    "memo": None,
                    "status": "completed",
                    "completed_at": dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
                }
            ],
        )
    rows = [
        row
        for chunk in source.values_of_accounts("withdrawals", ["10000004"], ["txid", "amount"])
        for row in chunk
    ]
    (amount,) = [a for txid, a in rows if txid == "0x" + "ee" * 32]
    assert Decimal(amount) == Decimal("12345.678901234567")

"""A small, deterministic synthetic exchange for the demo (the exchange-boundary issue grows it).

Built with SQLAlchemy Core into its own database (SQLite by default), never into lers's own:
lers reads the exchange, it does not own it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("uid", sa.String(12), primary_key=True),
    sa.Column("email", sa.String(200), nullable=False, index=True),
    sa.Column("phone", sa.String(20), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_local", sa.String(200), nullable=True),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
deposit_addresses = sa.Table(
    "deposit_addresses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(12), sa.ForeignKey("users.uid"), nullable=False, index=True),
    sa.Column("chain", sa.String(10), nullable=False),
    sa.Column("address", sa.String(100), nullable=False, index=True),
    sa.Column("memo", sa.String(40), nullable=True),
)
meta = sa.Table(
    "lers_demo_meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

_GIVEN = ["Alice", "Bruno", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hana", "Ivan"]
_FAMILY = ["Martin", "Silva", "Kowalski", "Okafor", "Nguyen", "Müller", "Haddad", "Tanaka"]
_CN_FAMILY = [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈")]
_CN_GIVEN = [("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊")]
_COUNTRIES = [("GB", "+44 7700 9"), ("DE", "+49 151 2"), ("HK", "+852 5"), ("CN", "+86 138 0")]


@dataclass(frozen=True)
class ExchangeSummary:
    url: str
    users: int
    addresses: int
    created: bool


def build_demo_exchange(url: str, *, users_count: int, seed: int) -> ExchangeSummary:
    """Creates (or keeps, when already built with the same size and seed) the demo exchange."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    fingerprint = f"users={users_count};seed={seed}"
    with engine.begin() as conn:
        existing = conn.execute(sa.select(meta.c.value).where(meta.c.key == "build")).scalar()
        if existing == fingerprint:
            return _summary(conn, url, created=False)
        for table in (deposit_addresses, users, meta):
            conn.execute(table.delete())
        rng = random.Random(seed)
        start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        user_rows, address_rows = [], []
        for index in range(users_count):
            uid = str(10_000_000 + index * 7 + rng.randrange(7))
            country, phone_prefix = rng.choice(_COUNTRIES)
            if country in ("CN", "HK"):
                (family, family_zh), (given, given_zh) = (
                    rng.choice(_CN_FAMILY),
                    rng.choice(_CN_GIVEN),
                )
                name, local = f"{family} {given}", f"{family_zh}{given_zh}"
            else:
                name, local = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}", None
            user_rows.append(
                {
                    "uid": uid,
                    "email": f"user{index}@example.org",
                    "phone": (phone_prefix + f"{rng.randrange(10**6):06d}").replace(" ", ""),
                    "name": name,
                    "name_local": local,
                    "country": country,
                    "created_at": start + dt.timedelta(minutes=rng.randrange(2_000_000)),
                }
            )
            # An all-lower-case EVM address is valid under EIP-55 (no checksum to match).
            digest = hashlib.sha256(f"{seed}:{uid}:eth".encode()).hexdigest()[:40]
            address_rows.append({"uid": uid, "chain": "ETH", "address": "0x" + digest})
        conn.execute(users.insert(), user_rows)
        conn.execute(deposit_addresses.insert(), address_rows)
        conn.execute(meta.insert(), [{"key": "build", "value": fingerprint}])
        return _summary(conn, url, created=True)


def _summary(conn: sa.Connection, url: str, *, created: bool) -> ExchangeSummary:
    count_users = conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one()
    count_addresses = conn.execute(
        sa.select(sa.func.count()).select_from(deposit_addresses)
    ).scalar_one()
    return ExchangeSummary(url, count_users, count_addresses, created)

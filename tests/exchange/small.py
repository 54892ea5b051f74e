"""A handful of hand-written accounts in the demo exchange's schema, for resolution tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from lers.demo import exchange as demo

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
XRP_SHARED = "rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY"
TRON = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
TX_IN = "ab" * 32
TX_OUT = "0x" + "cd" * 32
TX_XRP = "A1B2" * 16  # XRP ledger hashes are written in upper case

USERS = [
    ("10000001", "Chloe.Martin@Example.org", "+447700900001", "Chloé Müller", None, "GB"),
    ("10000002", "wang.wei@example.cn", "+8613800000002", "Wang Wei", "王伟", "CN"),
    ("10000003", "li.fang@example.cn", "+8613800000003", "Li Fang", "李芳", "CN"),
    ("10000004", "d.okafor@example.org", "+491512000004", "Dmitri Okafor", None, "DE"),
]


def fill_small_exchange(engine: sa.Engine) -> None:
    demo.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            demo.users.insert(),
            [
                {
                    "uid": uid,
                    "email": email,
                    "phone": phone,
                    "name": name,
                    "name_local": local,
                    "country": country,
                    "status": "active",
                    "created_at": T0,
                }
                for uid, email, phone, name, local, country in USERS
            ],
        )
        conn.execute(
            demo.kyc.insert(),
            [
                {
                    "uid": uid,
                    "full_name": name,
                    "full_name_local": local,
                    "date_of_birth": dt.date(1990, 1, 1),
                    "nationality": country,
                    "document_type": "passport",
                    "document_number": f"P{uid}",
                    "verified_at": T0,
                }
                for uid, _e, _p, name, local, country in USERS
            ],
        )
        conn.execute(
            demo.deposit_addresses.insert(),
            [
                {"uid": "10000001", "chain": "ETH", "address": ETH, "memo": None, "created_at": T0},
                {
                    "uid": "10000002",
                    "chain": "XRP",
                    "address": XRP_SHARED,
                    "memo": "1001",
                    "created_at": T0,
                },
                {
                    "uid": "10000003",
                    "chain": "XRP",
                    "address": XRP_SHARED,
                    "memo": "1002",
                    "created_at": T0,
                },
                {
                    "uid": "10000004",
                    "chain": "TRX",
                    "address": TRON,
                    "memo": None,
                    "created_at": T0,
                },
            ],
        )
        conn.execute(
            demo.deposits.insert(),
            [
                {
                    "uid": "10000002",
                    "chain": "TRX",
                    "asset": "USDT",
                    "amount": Decimal("1250.5"),
                    "txid": TX_IN,
                    "from_address": TRON,
                    "to_address": TRON,
                    "memo": None,
                    "confirmed_at": T0,
                },
                {
                    "uid": "10000003",
                    "chain": "XRP",
                    "asset": "XRP",
                    "amount": Decimal("300"),
                    "txid": TX_XRP,
                    "from_address": XRP_SHARED,
                    "to_address": XRP_SHARED,
                    "memo": "1002",
                    "confirmed_at": T0,
                },
            ],
        )
        conn.execute(
            demo.withdrawals.insert(),
            [
                {
                    "uid": "10000003",
                    "chain": "ETH",
                    "asset": "ETH",
                    "amount": Decimal("2"),
                    "txid": TX_OUT,
                    "to_address": ETH,
                    "memo": None,
                    "status": "completed",
                    "completed_at": T0,
                },
            ],
        )
        conn.execute(
            demo.logins.insert(),
            [
                {
                    "uid": "10000004",
                    "ip": "203.0.113.7",
                    "user_agent": "Firefox",
                    "device_id": "dev-4",
                    "at": T0,
                },
                {
                    "uid": "10000001",
                    "ip": "198.51.100.20",
                    "user_agent": "Safari",
                    "device_id": "dev-1",
                    "at": T0,
                },
            ],
        )
        conn.execute(
            demo.devices.insert(),
            [
                {
                    "device_id": "dev-4",
                    "uid": "10000004",
                    "kind": "android",
                    "first_seen": T0,
                    "last_seen": T0,
                }
            ],
        )

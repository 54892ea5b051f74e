"""The demo exchange's tables, shaped as a real exchange's would be."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


# The demo exchange's own tables, shaped as a real exchange's would be (lers reads them through
# the mapping in lers/exchange/mappings/demo.toml, never by these names directly). Every index
# names the lookup it serves.
users = sa.Table(
    "users",
    metadata,
    sa.Column("uid", sa.String(12), primary_key=True),
    sa.Column("email", sa.String(200), nullable=False, index=True),  # lookup by email
    sa.Column("phone", sa.String(20), nullable=False, index=True),  # lookup by E.164 phone
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_local", sa.String(200), nullable=True),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # active, frozen, closed
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # emails are stored as typed; lookups compare them case-folded
    sa.Index("users_email_lower", sa.func.lower(sa.column("email"))),
)
kyc = sa.Table(
    "kyc",
    metadata,
    sa.Column("uid", sa.String(12), sa.ForeignKey("users.uid"), primary_key=True),
    sa.Column("full_name", sa.String(200), nullable=False, index=True),  # name candidates
    sa.Column("full_name_local", sa.String(200), nullable=True, index=True),
    sa.Column("date_of_birth", sa.Date, nullable=False),
    sa.Column("nationality", sa.String(2), nullable=False),
    sa.Column("document_type", sa.String(20), nullable=False),
    sa.Column("document_number", sa.String(40), nullable=False),
    sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
)
deposit_addresses = sa.Table(
    "deposit_addresses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(12), sa.ForeignKey("users.uid"), nullable=False, index=True),
    sa.Column("chain", sa.String(10), nullable=False),
    sa.Column("address", sa.String(100), nullable=False, index=True),  # lookup by address
    sa.Column("memo", sa.String(40), nullable=True),  # XRP tag: shared address, one memo each
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
deposits = sa.Table(
    "deposits",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("uid", sa.String(12), nullable=False),
    sa.Column("chain", sa.String(10), nullable=False),
    sa.Column("asset", sa.String(10), nullable=False),
    sa.Column("amount", sa.Numeric(38, 18), nullable=False),
    sa.Column("txid", sa.String(100), nullable=False, index=True),  # lookup by TXID
    sa.Column("from_address", sa.String(100), nullable=False, index=True),  # watchlist screening
    sa.Column("to_address", sa.String(100), nullable=False),
    sa.Column("memo", sa.String(40), nullable=True),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    # an account's deposits in a period (productions, preservation)
    sa.Index("deposits_uid_time", "uid", "confirmed_at"),
)
withdrawals = sa.Table(
    "withdrawals",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("uid", sa.String(12), nullable=False),
    sa.Column("chain", sa.String(10), nullable=False),
    sa.Column("asset", sa.String(10), nullable=False),
    sa.Column("amount", sa.Numeric(38, 18), nullable=False),
    sa.Column("txid", sa.String(100), nullable=False, index=True),  # lookup by TXID
    sa.Column("to_address", sa.String(100), nullable=False, index=True),  # counterparties
    sa.Column("memo", sa.String(40), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("withdrawals_uid_time", "uid", "completed_at"),
)
internal_transfers = sa.Table(
    "internal_transfers",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("from_uid", sa.String(12), nullable=False),
    sa.Column("to_uid", sa.String(12), nullable=False, index=True),
    sa.Column("asset", sa.String(10), nullable=False),
    sa.Column("amount", sa.Numeric(38, 18), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("internal_transfers_from_time", "from_uid", "created_at"),
)
balances = sa.Table(
    "balances",
    metadata,
    sa.Column("uid", sa.String(12), primary_key=True),
    sa.Column("asset", sa.String(10), primary_key=True),
    sa.Column("amount", sa.Numeric(38, 18), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
logins = sa.Table(
    "logins",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("uid", sa.String(12), nullable=False),
    sa.Column("ip", sa.String(45), nullable=False, index=True),  # lookup by IP
    sa.Column("user_agent", sa.String(300), nullable=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("logins_uid_time", "uid", "at"),
)
devices = sa.Table(
    "devices",
    metadata,
    sa.Column("device_id", sa.String(64), primary_key=True),  # lookup by device
    sa.Column("uid", sa.String(12), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
)
meta = sa.Table(
    "lers_demo_meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)


# Bump when the schema or the generator changes: a database built by another version is rebuilt.
SCHEMA_VERSION = 2

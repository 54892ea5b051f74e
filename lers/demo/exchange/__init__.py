"""The demo exchange: its schema, and a deterministic synthetic exchange to fill it (issue 5).

Built with SQLAlchemy Core into its own database (SQLite by default), never into lers's own:
lers reads the exchange, it does not own it. The same size and seed always give the same rows,
so a demo case or a benchmark can name an account and find it again, and every address, hash,
phone number and email has a shape lers's identifier rules accept: resolution is exercised on
data that looks like an exchange's, in several countries and scripts.

It must reach a million users and ten million transfers on a two-core machine, which shapes the
code: every user comes from its own random stream (so batches can be generated in parallel and
the result does not depend on the batch size), rows are tuples already rendered in the storage
form of the target database, and they are bulk-loaded (executemany on SQLite, COPY on
PostgreSQL) before any secondary index exists.
"""

from lers.demo.exchange.build import (
    TABLES,
    ExchangeBuildError,
    ExchangeSummary,
    Progress,
    build_demo_exchange,
    exchange_size,
)
from lers.demo.exchange.generator import COLUMNS, TRANSFER_TABLES
from lers.demo.exchange.people import CHAINS
from lers.demo.exchange.schema import (
    SCHEMA_VERSION,
    balances,
    deposit_addresses,
    deposits,
    devices,
    internal_transfers,
    kyc,
    logins,
    meta,
    metadata,
    users,
    withdrawals,
)

__all__ = [
    "CHAINS",
    "COLUMNS",
    "SCHEMA_VERSION",
    "TABLES",
    "TRANSFER_TABLES",
    "ExchangeBuildError",
    "ExchangeSummary",
    "Progress",
    "balances",
    "build_demo_exchange",
    "deposit_addresses",
    "deposits",
    "devices",
    "exchange_size",
    "internal_transfers",
    "kyc",
    "logins",
    "meta",
    "metadata",
    "users",
    "withdrawals",
]

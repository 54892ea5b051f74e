"""The mapping file: which of the exchange's tables and columns hold each logical record.

A TOML file validated into typed objects; a bad file fails naming the file and the key, like a
policy profile. Fields are lers's names; required ones must be mapped, optional ones may not be.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEMO_MAPPING = Path(__file__).parent / "mappings" / "demo.toml"

# Logical records and their fields: (required, optional).
RECORDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "users": (
        frozenset({"uid", "email", "phone"}),
        frozenset({"name", "name_local", "country", "status", "created_at"}),
    ),
    "kyc": (
        frozenset({"uid", "full_name"}),
        frozenset(
            {"full_name_local", "date_of_birth", "nationality", "document_type", "document_number"}
        ),
    ),
    "deposit_addresses": (frozenset({"uid", "chain", "address"}), frozenset({"memo"})),
    "deposits": (
        frozenset({"uid", "chain", "asset", "amount", "txid", "to_address", "time"}),
        frozenset({"from_address", "memo"}),
    ),
    "withdrawals": (
        frozenset({"uid", "chain", "asset", "amount", "txid", "to_address", "time"}),
        frozenset({"memo", "status"}),
    ),
    "internal_transfers": (
        frozenset({"from_uid", "to_uid", "asset", "amount", "time"}),
        frozenset(),
    ),
    "balances": (frozenset({"uid", "asset", "amount"}), frozenset()),
    "logins": (frozenset({"uid", "ip", "time"}), frozenset({"user_agent", "device_id"})),
    "devices": (frozenset({"device_id", "uid"}), frozenset({"kind"})),
}


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(min_length=1)
    schema_name: str | None = Field(default=None, alias="schema")
    columns: dict[str, str]


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    records: dict[str, Record]

    @model_validator(mode="after")
    def _known_and_complete(self) -> Mapping:
        for name, record in self.records.items():
            if name not in RECORDS:
                raise ValueError(f"records.{name}: unknown record; known: {', '.join(RECORDS)}")
            required, optional = RECORDS[name]
            unknown = sorted(set(record.columns) - required - optional)
            if unknown:
                raise ValueError(f"records.{name}.columns: unknown field(s) {', '.join(unknown)}")
            missing = sorted(required - set(record.columns))
            if missing:
                raise ValueError(f"records.{name}.columns: missing {', '.join(missing)}")
        for name in ("users", "deposit_addresses"):
            if name not in self.records:
                raise ValueError(f"records.{name}: lers cannot resolve accounts without it")
        return self

    def has(self, record: str, field: str | None = None) -> bool:
        mapped = self.records.get(record)
        return mapped is not None and (field is None or field in mapped.columns)


class MappingError(ValueError):
    pass


def load_mapping(path: str | Path) -> Mapping:
    """Reads and validates a mapping file; errors name the file and the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: no such mapping file") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise MappingError(f"{path}: {where + ': ' if where else ''}{message}") from None

"""From the exchange's records to the encrypted archive, without lers' own database: what the
build job runs and what bench/production.py measures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lers.cases.categories import record_of
from lers.exchange.source import DataSource
from lers.productions.aeszip import AesZipWriter
from lers.productions.cover import Letter, render_cover
from lers.productions.package import (
    Category,
    FileEntry,
    Package,
    add_bytes,
    render_data,
    write_manifest,
)


@dataclass(frozen=True)
class Scope:
    """What may leave: the approved accounts, categories and period."""

    uids: Sequence[str]
    categories: Sequence[str]
    start: dt.datetime | None
    end: dt.datetime | None


@dataclass
class Built:
    archive: Path
    sha256: str
    bytes: int
    rows: int
    files: list[FileEntry]
    aliases: int


class Deidentifier:
    """Other users of the exchange in the rows (the other side of an internal transfer) get a
    stable alias within the package (JU-15)."""

    def __init__(self, subjects: Sequence[str]) -> None:
        self.subjects = set(subjects)
        self.aliases: dict[str, str] = {}

    def chunk_rewriter(self, fields: Sequence[str]) -> Callable[[list[Any]], list[Any]] | None:
        """What rewrites a chunk of rows with these fields, or None when no field can name
        another user (rows are read by their owner's uid: only two-sided records can)."""
        owners = [i for i, f in enumerate(fields) if f in ("from_uid", "to_uid")]
        if not owners:
            return None

        def rewrite(chunk: list[Any]) -> list[Any]:
            rows = [list(row) for row in chunk]
            for row in rows:
                for i in owners:
                    value = row[i]
                    if value and str(value) not in self.subjects:
                        row[i] = self.alias(str(value))
            return rows

        return rewrite

    def alias(self, uid: str) -> str:
        if uid not in self.aliases:
            self.aliases[uid] = f"third-party-{len(self.aliases) + 1}"
        return self.aliases[uid]


def disclosed_fields(
    source: DataSource, category: str, allowed: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """The mapped fields of the category, minus what the policy withholds (JU-15)."""
    fields = source.fields(record_of(category))
    keep = allowed.get(category) if allowed is not None else None
    return fields if keep is None else [f for f in fields if f in keep]


def count_rows(source: DataSource, scope: Scope) -> int:
    return sum(
        source.count_of_accounts(record_of(c), scope.uids, start=scope.start, end=scope.end)
        for c in scope.categories
    )


def _categories(
    source: DataSource,
    scope: Scope,
    allowed: Mapping[str, Sequence[str]] | None,
    aliases: Deidentifier | None,
) -> Iterator[Category]:
    for category in scope.categories:
        record = record_of(category)
        if not source.has(record):
            continue
        fields = disclosed_fields(source, category, allowed)
        yield Category(
            name=category,
            title=category,
            fields=fields,
            chunks=source.values_of_accounts(
                record, scope.uids, fields, start=scope.start, end=scope.end
            ),
            transform=aliases.chunk_rewriter(fields) if aliases is not None else None,
        )


def moment(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat() if value is not None else "…"


def build_archive(
    source: DataSource,
    scope: Scope,
    work: Path,
    *,
    letter: Letter,
    about: dict[str, Any],
    passphrase: str | None = None,
    age_recipient: str | None = None,
    allowed: Mapping[str, Sequence[str]] | None = None,
    deidentify: bool = True,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    extra: Sequence[tuple[str, bytes]] = (),
) -> Built:
    """Renders the package into ``work/package.zip`` (an AES-256 zip under ``passphrase``) or
    ``work/package.zip.age`` (a zip encrypted to ``age_recipient``), encrypted as it goes:
    nothing of it reaches the disk in plaintext. ``extra`` files (the audit proofs of the
    case) go in beside the records, listed in the manifest like them."""
    aliases = Deidentifier(scope.uids) if deidentify else None
    name = "package.zip.age" if age_recipient else "package.zip"
    archive = AesZipWriter(work / name, passphrase, age_recipient=age_recipient)
    try:
        package: Package = render_data(
            _categories(source, scope, allowed, aliases), archive, progress=progress
        )
        rows = sum(f.rows or 0 for f in package.files)
        if stage is not None:
            stage("cover")
        add_bytes(
            archive,
            package,
            "cover-letter.pdf",
            render_cover(letter, package.files),
            compress=False,
        )
        for name, data in extra:
            add_bytes(archive, package, name, data, compress=True)
        about = {
            **about,
            "subjects": list(scope.uids),
            "categories": list(scope.categories),
            "period": [moment(scope.start), moment(scope.end)],
            "third_parties_aliased": len(aliases.aliases) if aliases else 0,
            "times": "UTC",
        }
        write_manifest(package, about, archive)
        if stage is not None:
            stage("encrypting")
        digest = archive.close()
    except BaseException:
        archive.abort()
        raise
    return Built(
        archive=archive.path,
        sha256=digest,
        bytes=archive.path.stat().st_size,
        rows=rows,
        files=package.files,
        aliases=len(aliases.aliases) if aliases else 0,
    )

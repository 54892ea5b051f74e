"""Rendering a disclosure package (X-08, JU-15, JU-18): pure file work, no database of lers.

Rows arrive once, in chunks, per category. Each chunk goes to that category's CSV, to the JSON
file and to the category's sheet of the XLSX workbook, all streamed to disk: memory holds one
chunk, whatever the size of the account. Then come the PDF cover letter (the certificate of
records and the SHA-256 of every file), the manifest, and the AES-256 archive.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyzipper

CHUNK = 1 << 20
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header included
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell(value: Any) -> str:
    """One value as the package writes it: UTC ISO 8601 for times (JU-18), text otherwise."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # the exchange keeps UTC (SQLite stores it naive)
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# -- XLSX, streamed ------------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    if _XML_BAD.search(value):
        value = _XML_BAD.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_CELL = '<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'


class XlsxWriter:
    """A minimal XLSX (Office Open XML) workbook written as it goes: each sheet's XML streams
    into the zip, rows as inline strings. A sheet that reaches Excel's row limit continues on
    the next sheet of the same name with a number."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []
        self._stream: IO[bytes] | None = None
        self._rows = 0
        self._base = ""
        self._header: Sequence[str] = ()

    def sheet(self, name: str, header: Sequence[str]) -> None:
        self._close_sheet()
        self._base, self._header = name, header
        self._open_sheet(name)

    def _open_sheet(self, name: str) -> None:
        self._sheets.append(name[:31])
        index = len(self._sheets)
        self._stream = self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        self._stream.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        self._rows = 0
        self.rows([self._header])

    def rows(self, rows: Iterable[Sequence[str]]) -> None:
        assert self._stream is not None
        parts = []
        for row in rows:
            if self._rows >= XLSX_MAX_ROWS:
                self._stream.write("".join(parts).encode())
                parts = []
                self._close_sheet()
                self._open_sheet(f"{self._base[:27]} ({len(self._sheets) + 1})")
            self._rows += 1
            parts.append("<row>" + "".join([_CELL.format(_xml_text(v)) for v in row]) + "</row>")
        self._stream.write("".join(parts).encode())

    def _close_sheet(self) -> None:
        if self._stream is not None:
            self._stream.write(b"</sheetData></worksheet>")
            self._stream.close()
            self._stream = None

    def close(self) -> None:
        self._close_sheet()
        sheets = self._sheets or ["Empty"]
        if not self._sheets:
            self.sheet("Empty", ())
            self._close_sheet()
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        package = "http://schemas.openxmlformats.org/package/2006"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        self._zip.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        self._zip.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        entries = "".join(
            f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(sheets, 1)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{entries}</sheets></workbook>',
        )
        links = "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{package}/relationships">{links}</Relationships>',
        )
        self._zip.close()


# -- the package ---------------------------------------------------------------------------------


@dataclass
class Category:
    """One category's rows: its fields (already minimised) and its chunks of rows."""

    name: str
    title: str
    fields: list[str]
    chunks: Iterable[list[dict[str, Any]]]


@dataclass
class FileEntry:
    name: str
    sha256: str
    bytes: int
    rows: int | None = None
    category: str = ""


@dataclass
class Package:
    directory: Path
    files: list[FileEntry] = field(default_factory=list)

    def entry(self, name: str) -> FileEntry:
        return next(f for f in self.files if f.name == name)


Transform = Callable[[str, dict[str, Any]], dict[str, Any]]


def render_data(
    directory: Path,
    categories: Iterable[Category],
    *,
    transform: Transform | None = None,
    progress: Callable[[int], None] | None = None,
) -> Package:
    """Writes ``<category>.csv`` for each category, ``records.json`` and ``records.xlsx``,
    reading each category's rows once. ``transform`` rewrites a row before it is written (the
    de-identification of third parties); ``progress`` hears the rows written so far."""
    package = Package(directory)
    done = 0
    xlsx = XlsxWriter(directory / "records.xlsx")
    with (directory / "records.json").open("w", encoding="utf-8") as js:
        js.write('{"categories": {')
        for index, category in enumerate(categories):
            name = f"{category.name}.csv"
            rows = 0
            js.write(("," if index else "") + json.dumps(category.name) + ": [")
            xlsx.sheet(category.title, category.fields)
            with (directory / name).open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(category.fields)
                for chunk in category.chunks:
                    if transform is not None:
                        chunk = [transform(category.name, row) for row in chunk]
                    values = [[cell(row.get(f)) for f in category.fields] for row in chunk]
                    writer.writerows(values)
                    xlsx.rows(values)
                    records = [dict(zip(category.fields, v, strict=True)) for v in values]
                    text = json.dumps(records, ensure_ascii=False)[1:-1]
                    if text:
                        js.write(("," if rows else "") + text)
                    rows += len(values)
                    done += len(values)
                    if progress is not None:
                        progress(done)
            js.write("]")
            path = directory / name
            package.files.append(
                FileEntry(name, sha256_of(path), path.stat().st_size, rows, category.name)
            )
        js.write("}}")
    xlsx.close()
    for name in ("records.json", "records.xlsx"):
        path = directory / name
        package.files.append(FileEntry(name, sha256_of(path), path.stat().st_size))
    return package


def write_manifest(package: Package, about: dict[str, Any]) -> FileEntry:
    """``manifest.json``: the case, the scope and every file with its SHA-256."""
    body = {
        **about,
        "files": [
            {"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
            for f in package.files
        ],
    }
    path = package.directory / "manifest.json"
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True))
    entry = FileEntry("manifest.json", sha256_of(path), path.stat().st_size)
    package.files.append(entry)
    return entry


def encrypt(package: Package, archive: Path, passphrase: str) -> str:
    """An AES-256 (WinZip AE-2) zip of every file of the package; returns its SHA-256."""
    with pyzipper.AESZipFile(
        archive, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as zf:
        zf.setpassword(passphrase.encode())
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
        for entry in package.files:
            zf.write(package.directory / entry.name, arcname=entry.name)
    return sha256_of(archive)


def read_archive(archive: Path | IO[bytes], passphrase: str) -> Iterator[tuple[str, bytes]]:
    """The files of an archive (for the tests and for staff checking a package)."""
    with pyzipper.AESZipFile(archive) as zf:
        zf.setpassword(passphrase.encode())
        for name in zf.namelist():
            yield name, zf.read(name)

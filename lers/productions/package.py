"""Rendering a disclosure package (X-08, JU-15, JU-18): pure file work, no database of lers.

Rows arrive once, in chunks, per category. Each chunk goes to that category's CSV, to the JSON
file and to the category's sheet of the XLSX workbook, all streamed to disk: memory holds one
chunk, whatever the size of the account. Then come the PDF cover letter (the certificate of
records and the SHA-256 of every file), the manifest, and the AES-256 archive.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

import pyzipper

from lers.productions.aeszip import AesZipWriter, Member, MemberFile, MemberWriter

XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header included
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- XLSX, streamed ------------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    if _XML_BAD.search(value):
        value = _XML_BAD.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


# On every <t> of a chunk holding white space: Excel keeps a value's leading and trailing
# spaces only when its own element says so (an inherited xml:space is not enough for it). A
# chunk without any (addresses, amounts, times) goes without: a fifth less XML to deflate.
_PRESERVE = (
    '<row><c t="inlineStr"><is><t xml:space="preserve">',
    '</t></is></c><c t="inlineStr"><is><t xml:space="preserve">',
)
_PLAIN = ('<row><c t="inlineStr"><is><t>', '</t></is></c><c t="inlineStr"><is><t>')
_CLOSE = "</t></is></c></row>"


def _markup(text: str, *, breaks: bool = True) -> tuple[str, str]:
    """The row opening and the cell separator for a chunk's text (``breaks``: line breaks in
    it are values' own, not the chunk's structure)."""
    spaced = " " in text or "\t" in text or (breaks and ("\n" in text or "\r" in text))
    return _PRESERVE if spaced else _PLAIN


# Private-use sentinels join a chunk's cells and rows into one string, escaped in one pass.
_CELL_MARK, _ROW_MARK = "\ue000", "\ue001"
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _render_rows(rows: Sequence[Sequence[str]]) -> bytes:
    """A chunk of rows as sheet XML: joined with sentinels, escaped in one pass, then the
    sentinels become the markup. Values holding a sentinel, and empty rows, go cell by cell."""
    if not rows:
        return b""
    flat = "".join(chain.from_iterable(rows))
    if _CELL_MARK in flat or _ROW_MARK in flat or not all(rows):
        return "".join(
            "<row>"
            + "".join(f'<c t="inlineStr"><is><t>{_xml_text(v)}</t></is></c>' for v in row)
            + "</row>"
            for row in rows
        ).encode()
    text = _ROW_MARK.join([_CELL_MARK.join(row) for row in rows])
    # str methods in C first: most chunks hold no markup and no control character.
    if "&" in flat or "<" in flat or ">" in flat or not flat.isprintable():
        text = _xml_text(text)
    opening, between = _markup(flat)
    return (
        opening + text.replace(_CELL_MARK, between).replace(_ROW_MARK, _CLOSE + opening) + _CLOSE
    ).encode()


def csv_text(rows: Sequence[Sequence[str]]) -> str | None:
    """A chunk of text rows as the csv module writes them, in two joins, when no value needs
    quoting (the usual case: amounts, addresses, times); None otherwise, for the csv module.
    A one-field row is left to it too (it quotes a lone empty field)."""
    if not rows or any(len(row) < 2 for row in rows):
        return None
    text = "\r\n".join(map(",".join, rows))
    # Counted in C: the separators are all there is of them, and no value holds a quote.
    lines = len(rows) - 1
    if (
        '"' in text
        or text.count("\r") != lines
        or text.count("\n") != lines
        or text.count(",") != sum(map(len, rows)) - len(rows)
    ):
        return None
    return text + "\r\n"


# What json.dumps escapes besides the quote and the backslash: control characters (a chunk's
# csv_text holds line breaks only as its row separators).
_JSON_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f]")


_CONTROL_BYTES = bytes(range(32))


def plain_text(data: bytes, rows: int) -> bool:
    """Whether a chunk's ``csv_text`` (as UTF-8 ``data``, ``rows`` lines) needs no escape at
    all, in XML or JSON: no control character but its line ends, no ``& < > \\``, no
    U+FFFE or U+FFFF. Most chunks (addresses, amounts, times) hold none; C's byte scans say
    so several times faster than a regular expression over the text."""
    if len(data) - len(data.translate(None, _CONTROL_BYTES)) != 2 * rows:
        return False
    if b"&" in data or b"<" in data or b">" in data or b"\\" in data:
        return False
    return b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data


def json_rows_text(text: str, *, plain: bool = False) -> str | None:
    """The rows of a chunk's ``csv_text`` as ``json.dumps`` writes them (without the outer
    brackets), by replacing its separators, when no value needs a JSON escape; else None.
    ``plain``: ``plain_text`` said so already."""
    body = text[:-2]
    if not plain and ("\\" in body or _JSON_CONTROL.search(body)):
        return None
    return '["' + body.replace(",", '", "').replace("\r\n", '"], ["') + '"]'


def _render_csv_text(text: str, *, plain: bool = False) -> bytes:
    """The sheet XML of a chunk from its CSV text (``csv_text``: no value holds a comma or a
    line break, so they are the structure): escaped once (unless ``plain``: nothing to
    escape), then the separators become markup."""
    body = text[:-2] if plain else _xml_text(text[:-2])
    opening, between = _markup(body, breaks=False)  # csv_text: its line breaks are rows
    return (
        opening + body.replace(",", between).replace("\r\n", _CLOSE + opening) + _CLOSE
    ).encode()


class XlsxWriter:
    """A minimal XLSX (Office Open XML) workbook written as it goes: each sheet's XML streams
    into the zip, rows as inline strings. A sheet that reaches Excel's row limit continues on
    the next sheet of the same name with a number."""

    def __init__(self, target: Path | IO[bytes]) -> None:
        # An unseekable target (an encrypted archive member) is fine: zipfile then writes a
        # data descriptor after each part.
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._error: BaseException | None = None
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
        stream = self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        self._queue = queue.Queue(maxsize=4)  # bounded: a few chunks in flight, no more
        self._error = None
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()
        self._write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        self._rows = 0
        self.rows([self._header])

    def _drain(self, stream: IO[bytes]) -> None:
        """The writer thread: deflate releases the GIL, so compression runs beside the
        rendering of the next rows."""
        try:
            while (data := self._queue.get()) is not None:
                stream.write(data)
        except BaseException as exc:  # reported to the producer at its next write
            self._error = exc
            while self._queue.get() is not None:
                pass
        finally:
            stream.close()

    def rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Appends rows; a chunk is rendered as one string (escaping once per chunk, not per
        cell), and compressed by the writer thread while the next chunk is read."""
        start = 0
        while start < len(rows):
            room = XLSX_MAX_ROWS - self._rows
            if room <= 0:
                self._close_sheet()
                self._open_sheet(f"{self._base[:27]} ({len(self._sheets) + 1})")
                continue
            part = rows[start : start + room]
            self._rows += len(part)
            self._write(_render_rows(part))
            start += len(part)

    def csv_rows(
        self, text: str, count: int, rows: Sequence[Sequence[str]], *, plain: bool = False
    ) -> None:
        """Appends a chunk given as its ``csv_text`` (``rows`` is the same chunk, for a chunk
        that crosses Excel's row limit; ``plain``: ``plain_text`` holds for it)."""
        if self._rows + count > XLSX_MAX_ROWS:
            self.rows(rows)
            return
        self._rows += count
        self._write(_render_csv_text(text, plain=plain))

    def _write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def _close_sheet(self) -> None:
        if self._thread is not None:
            self._write(b"</sheetData></worksheet>")
            self._queue.put(None)
            self._thread.join()
            self._thread = None
            if self._error is not None:
                raise self._error

    def abort(self) -> None:
        """After a failure: the writer thread ends and nothing more is written."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        with contextlib.suppress(Exception):
            self._zip.close()

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
    """One category's rows: its fields (already minimised), its chunks of rows as text values
    in field order ("" for none, times in ISO 8601 UTC: ``DataSource.values_of_accounts``),
    and what rewrites a chunk before it is written (the de-identification of third parties)."""

    name: str
    title: str
    fields: list[str]
    chunks: Iterable[list[list[Any]]]
    transform: Callable[[list[list[Any]]], list[list[Any]]] | None = None


@dataclass
class FileEntry:
    name: str
    sha256: str
    bytes: int
    rows: int | None = None
    category: str = ""


@dataclass
class Package:
    files: list[FileEntry] = field(default_factory=list)


class _Text:
    """Text chunks into an archive member, encoded as UTF-8."""

    def __init__(self, member: MemberWriter) -> None:
        self.member = member

    def write(self, text: str) -> None:
        self.member.write(text.encode("utf-8"))


def _entry(member: Member, rows: int | None = None, category: str = "") -> FileEntry:
    return FileEntry(member.name, member.sha256, member.plain_bytes, rows, category)


def render_data(
    categories: Iterable[Category],
    archive: AesZipWriter,
    *,
    progress: Callable[[int], None] | None = None,
) -> Package:
    """Writes ``<category>.csv`` for each category, ``records.json`` (per category its fields
    and its rows) and ``records.xlsx`` (a sheet per category) straight into the encrypted
    archive, reading each category's rows once, a chunk at a time; ``progress`` hears the
    rows written so far. No plaintext reaches the disk."""
    package = Package()
    xlsx_member = archive.member("records.xlsx", compress=False)  # a zip already
    xlsx = XlsxWriter(MemberFile(xlsx_member))
    try:
        _render(package, categories, archive, xlsx, progress)
        xlsx.close()
    except BaseException:
        xlsx.abort()
        raise
    package.files.append(_entry(archive.finish(xlsx_member)))
    return package


def _render(
    package: Package,
    categories: Iterable[Category],
    archive: AesZipWriter,
    xlsx: XlsxWriter,
    progress: Callable[[int], None] | None,
) -> None:
    done = 0
    js_member = archive.member("records.json")
    js = _Text(js_member)
    js.write('{"categories": {')
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def csv_module(member: MemberWriter, rows: Sequence[Sequence[str]]) -> None:
        writer.writerows(rows)
        member.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()

    for index, category in enumerate(categories):
        member = archive.member(f"{category.name}.csv")
        fields = category.fields
        rows = 0
        header = json.dumps(fields, ensure_ascii=False)
        name = json.dumps(category.name)
        js.write(("," if index else "") + f'{name}: {{"fields": {header}, "rows": [')
        xlsx.sheet(category.title, fields)
        csv_module(member, [fields])
        for chunk in _prefetched(category.chunks):
            if category.transform is not None:
                chunk = category.transform(chunk)
            values = chunk
            text = csv_text(values)
            rows_json = None
            if text is not None:  # the usual case: joins and replaces instead of encoders
                data = text.encode("utf-8")
                member.write(data)
                plain = plain_text(data, len(values))
                xlsx.csv_rows(text, len(values), values, plain=plain)
                rows_json = json_rows_text(text, plain=plain)
            else:
                csv_module(member, values)
                xlsx.rows(values)
            text = (
                rows_json if rows_json is not None else json.dumps(values, ensure_ascii=False)[1:-1]
            )
            if text:
                js.write(("," if rows else "") + text)
            rows += len(values)
            done += len(values)
            if progress is not None:
                progress(done)
        js.write("]}")
        package.files.append(_entry(archive.finish(member), rows, category.name))
    js.write("}}")
    package.files.append(_entry(archive.finish(js_member)))


def _prefetched(chunks: Iterable[Any], depth: int = 2) -> Iterator[Any]:
    """The next chunks are read by a thread while this one is written (the database driver
    releases the interpreter's lock while it steps). If the consumer stops early (an error),
    the reader stops too and closes its source, which releases the database connection."""
    ahead: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def read() -> None:
        source = iter(chunks)
        try:
            for chunk in source:
                while not stop.is_set():
                    try:
                        ahead.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as exc:
            ahead.put(exc)
            return
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        ahead.put(done)

    thread = threading.Thread(target=read, name="lers-prefetch", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                ahead.get(timeout=0.1)
        thread.join()


def add_bytes(
    archive: AesZipWriter, package: Package, name: str, data: bytes, *, compress: bool
) -> FileEntry:
    member = archive.member(name, compress=compress)
    member.write(data)
    entry = _entry(archive.finish(member))
    package.files.append(entry)
    return entry


def write_manifest(package: Package, about: dict[str, Any], archive: AesZipWriter) -> FileEntry:
    """``manifest.json``: the case, the scope and every file with its SHA-256."""
    body = {
        **about,
        "files": [
            {"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
            for f in package.files
        ],
    }
    data = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return add_bytes(archive, package, "manifest.json", data, compress=True)


def read_archive(archive: Path | IO[bytes], passphrase: str) -> Iterator[tuple[str, bytes]]:
    """The files of an archive (for the tests and for staff checking a package)."""
    with pyzipper.AESZipFile(archive) as zf:
        zf.setpassword(passphrase.encode())
        for name in zf.namelist():
            yield name, zf.read(name)

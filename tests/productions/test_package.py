"""The package's own writers, read back by independent readers (openpyxl, 7-Zip, pyzipper)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lers.productions.aeszip import AesZipWriter
from lers.productions.package import (
    XLSX_MAX_ROWS,
    XlsxWriter,
    _render_csv_text,
    csv_text,
    json_rows_text,
    plain_text,
    read_archive,
)

pytestmark = pytest.mark.req("X-08")

AWKWARD = [
    ["  leading and trailing  ", "a & b < c > d", "tab\there"],
    ["line\nbreak", "王伟", "\ue000sentinel\ue001 in a value"],
    ["bell\x07gone", "", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"],
]


def test_xlsx_cells_read_back_exactly_by_openpyxl(tmp_path):
    """Every <t> says xml:space="preserve" (Excel keeps edge spaces only then)."""
    path = tmp_path / "book.xlsx"
    writer = XlsxWriter(path)
    writer.sheet("awkward", ["one", "two", "three"])
    writer.rows(AWKWARD)
    writer.sheet("plain", ["uid"])
    writer.rows([[str(n)] for n in range(25_000)])
    writer.close()
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in book["awkward"].iter_rows(values_only=True)]
    assert rows[0] == ["one", "two", "three"]
    expected = [[v.replace("\x07", "") for v in row] for row in AWKWARD]
    assert rows[1:] == expected
    plain = [r[0] for r in book["plain"].iter_rows(values_only=True)]
    assert plain[0] == "uid" and plain[1:] == [str(n) for n in range(25_000)]


def test_a_sheet_that_reaches_excels_limit_continues_on_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr("lers.productions.package.XLSX_MAX_ROWS", 5)
    path = tmp_path / "book.xlsx"
    writer = XlsxWriter(path)
    writer.sheet("rows", ["n"])
    writer.rows([[str(n)] for n in range(12)])
    writer.close()
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["rows", "rows (2)", "rows (3)"]
    values = [r[0] for s in book.worksheets for r in s.iter_rows(values_only=True) if r[0] != "n"]
    assert values == [str(n) for n in range(12)]
    assert XLSX_MAX_ROWS == 1_048_576  # the real limit, restored


def test_the_aes_archive_opens_with_7zip_and_pyzipper_and_refuses_a_wrong_passphrase(tmp_path):
    archive = AesZipWriter(tmp_path / "p.zip", "correct horse")
    member = archive.member("text.csv")
    for n in range(5_000):
        member.write(f"{n},ünïcode,王伟\n".encode())
    entry = archive.finish(member)
    binary = tmp_path / "random.bin"
    binary.write_bytes(bytes(range(256)) * 400)
    stored = archive.member("random.bin", compress=False)
    stored.write(binary.read_bytes())
    archive.finish(stored)
    archive.close()
    files = dict(read_archive(tmp_path / "p.zip", "correct horse"))
    assert files["random.bin"] == binary.read_bytes()
    assert files["text.csv"].count(b"\n") == 5_000 and entry.plain_bytes == len(files["text.csv"])
    with pytest.raises(RuntimeError):
        dict(read_archive(tmp_path / "p.zip", "wrong"))
    if shutil.which("7z"):
        ok = subprocess.run(
            ["7z", "t", "-pcorrect horse", str(tmp_path / "p.zip")], capture_output=True
        )
        assert ok.returncode == 0, ok.stdout
        bad = subprocess.run(["7z", "t", "-pwrong", str(tmp_path / "p.zip")], capture_output=True)
        assert bad.returncode != 0
    assert not list(tmp_path.glob("lers-aeszip-*"))  # the spool is gone


@pytest.mark.req("JU-18")
def test_the_cover_letter_writes_a_chinese_agency_name_when_a_cjk_font_is_installed(tmp_path):
    import datetime as dt
    import re

    from pypdf import PdfReader

    from lers.productions.cover import CJK_CANDIDATES, Letter, render_cover
    from lers.productions.package import FileEntry

    letter = Letter(
        reference="LERS-2026-000042",
        agency="上海市公安局",
        agency_case_number="SH-2026-0142",
        officers=["王伟"],
        exchange="Ju.com",
        subjects=["10000002"],
        categories=["kyc"],
        period="2026-01-01T00:00:00+00:00 – 2026-06-30T00:00:00+00:00",
        created_at=dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.UTC),
        certificate="Certified.",
        prepared_by="operator",
    )
    path = tmp_path / "cover.pdf"
    path.write_bytes(render_cover(letter, [FileEntry("kyc.csv", "ab" * 32, 10, 1)]))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))
    assert "LERS-2026-000042" in text and "ab" * 32 in text and "08:30UTC" in text
    if any(font.exists() for font, _ in CJK_CANDIDATES):
        assert "上海市公安局" in text


def test_rendering_writes_no_plaintext_to_disk(tmp_path):
    from lers.productions.package import Category, render_data

    archive = AesZipWriter(tmp_path / "p.zip", "secret passphrase")
    seen: list[list[str]] = []

    def chunks():
        for n in range(3):
            # while rows are being written, only encrypted spool files may exist
            seen.append(sorted(p.name for p in tmp_path.rglob("*") if p.is_file()))
            yield [[f"1000000{n}", "Chloé Müller", "secret-memo"]]

    render_data([Category("kyc", "kyc", ["uid", "name", "memo"], chunks())], archive)
    archive.close()
    for listing in seen:
        assert all(name.endswith(".part") for name in listing), listing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.zip"]
    assert b"secret-memo" not in (tmp_path / "p.zip").read_bytes()


# -- the fast paths write exactly what the csv and json modules write -----------------------------

_PIECES = [*'ab ,"\\\r\n\t\x07<&>王é\u2028', "0x5aAe", "2026-"]
_VALUE = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=1, max_size=4), min_size=1, max_size=5))
def test_csv_text_is_what_the_csv_module_writes_or_nothing(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = csv_text(rows)
    if text is not None:
        assert text == buffer.getvalue()
        rows_json = json_rows_text(text)
        if rows_json is not None:
            assert rows_json == json.dumps(rows, ensure_ascii=False)[1:-1]
        # A chunk found plain skips the escapes, and loses nothing by it.
        if plain_text(text.encode(), len(rows)):
            assert json_rows_text(text, plain=True) == json.dumps(rows, ensure_ascii=False)[1:-1]
            assert _render_csv_text(text, plain=True) == _render_csv_text(text)
    # The plain rows of a production take the fast path.
    assert csv_text([["0x5aAe", "1.25", ""], ["b", "2026-03-01T09:00:00+00:00", "王伟"]])


def test_xlsx_from_csv_text_reads_back_exactly_with_and_without_white_space(tmp_path):
    path = tmp_path / "book.xlsx"
    writer = XlsxWriter(path)
    plain = [["0x5aAe", "1.25", ""], ["王伟", "2026-03-01T09:00:00+00:00", "a&b<c>"]]
    spaced = [["  edge ", "tab\tin", "x"], ["y", " ", "z"]]
    writer.sheet("plain", ["a", "b", "c"])
    writer.csv_rows(csv_text(plain), len(plain), plain)
    writer.sheet("spaced", ["a", "b", "c"])
    writer.csv_rows(csv_text(spaced), len(spaced), spaced)
    writer.close()
    book = openpyxl.load_workbook(path, read_only=True)
    for name, rows in (("plain", plain), ("spaced", spaced)):
        read = [["" if v is None else v for v in r] for r in book[name].iter_rows(values_only=True)]
        assert read[1:] == rows, name

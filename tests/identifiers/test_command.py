"""``lers identifiers scan`` on real files (X-10, HX-06)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.req("X-10", "HX-06")

LETTER = (
    "请协助冻结以下钱包地址：0x52908400098527886E0F7030069857D2E4169EE7（ERC20），"
    "以及 USDT (TRC20): TMuA6YqfCeX8EhbfYEg5y7S4DqzSJireY9。\n"
    "Contact: duty.officer@met.police.uk, +44 20 7230 1212"
)


def test_scan_prints_a_table_of_what_a_letter_names(tmp_path, capsys):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    call_command("identifiers", "scan", str(letter), "--region", "GB")
    out = capsys.readouterr().out
    assert "letter.txt:" in out
    assert "0x52908400098527886E0F7030069857D2E4169EE7" in out
    assert "TMuA6YqfCeX8EhbfYEg5y7S4DqzSJireY9" in out


def test_scan_json_reads_a_fund_flow_csv(tmp_path, capsys):
    sheet = tmp_path / "flows.csv"
    sheet.write_text(
        "from,to,amount\n"
        "0x52908400098527886E0F7030069857D2E4169EE7,TMuA6YqfCeX8EhbfYEg5y7S4DqzSJireY9,100\n",
        encoding="utf-8",
    )
    call_command("identifiers", "scan", str(sheet), "--json")
    found = json.loads(capsys.readouterr().out)[str(sheet)]
    kinds = {(f["kind"], f["valid"]) for f in found}
    assert ("address", True) in kinds
    assert any("TRX" in f["chains"] for f in found)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.pdf"):
        call_command("identifiers", "scan", str(tmp_path / "nope.pdf"))

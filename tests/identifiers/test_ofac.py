"""Every OFAC-listed address is recognised on the right chain family (X-10, HX-09). The file
name is the ticker OFAC wrote, not the chain, so each ticker names the families it may hold."""

from __future__ import annotations

import json

import pytest

from lers.identifiers import validate

from .vectors import OFAC

pytestmark = [
    pytest.mark.req("X-10", "HX-09"),
    pytest.mark.skipif(not OFAC.is_dir(), reason="shared OFAC snapshot not present"),
]

FAMILIES = {
    "ARB": {"ARB"},
    "BSC": {"BSC"},
    "ETC": {"ETC"},
    "ETH": {"ETH"},
    "USDC": {"ETH"},
    "BCH": {"BCH"},
    "BSV": {"BSV"},
    "BTG": {"BTG"},
    "DASH": {"DASH"},
    "LTC": {"LTC"},
    "TRX": {"TRX"},
    "USDT": {"ETH", "TRX", "BTC"},  # ERC-20, TRC-20 and Omni-on-Bitcoin
    "XBT": {"BTC"},
    "XMR": {"XMR"},
    "XRP": {"XRP"},
    "XVG": {"XVG"},
    "ZEC": {"ZEC"},
}

# Entries that are not an address of the ticker's chain, with the reason.
NOT_ADDRESSES = {
    # 64 hex digits: the form of a hash or key, not a Monero address (those are 95/106 base58).
    "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320": "not a Monero address",
}
# Listed under the wrong ticker: a valid address of another chain.
OTHER_CHAIN = {"TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq": "TRX"}


def _entries() -> list[tuple[str, str]]:
    out = []
    for path in sorted(OFAC.glob("sanctioned_addresses_*.json")):
        ticker = path.stem.removeprefix("sanctioned_addresses_")
        out.extend((ticker, value) for value in json.loads(path.read_text()))
    return out


def test_every_ticker_file_is_mapped():
    assert {ticker for ticker, _ in _entries()} <= set(FAMILIES)
    assert len(_entries()) == 654


def test_every_listed_address_is_valid_on_its_family():
    for ticker, value in _entries():
        verdict = validate(value)
        if value in NOT_ADDRESSES:
            assert not validate(value, chain=ticker, kind="address").valid
            continue
        assert verdict.valid, (ticker, value, verdict.reason)
        assert verdict.kind == "address"
        expected = {OTHER_CHAIN[value]} if value in OTHER_CHAIN else FAMILIES[ticker]
        assert expected & set(verdict.chains), (ticker, value, verdict.chains)


def test_the_only_non_addresses_are_the_listed_ones():
    odd = {v for _, v in _entries() if validate(v).kind != "address"}
    assert odd == set(NOT_ADDRESSES)

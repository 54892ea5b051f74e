"""The official vectors (X-10): every valid string validates on its chain and network, every
invalid one is rejected. Uses ../shared/corpora/vectors when present and the carried subset
always."""

from __future__ import annotations

import json

import pytest

from lers.identifiers import validate
from lers.identifiers.chains import cashaddr_generic
from lers.identifiers.codecs import CodecError, Encoding, bech32_decode

from .vectors import CARRIED, NETWORKS, OTHER_CHAINS, load, shared_present

pytestmark = pytest.mark.req("X-10")
needs_shared = pytest.mark.skipif(not shared_present(), reason="shared corpora not present")

# Bitcoin Core's invalid list is "invalid for Bitcoin". This one is a well-formed Bitcoin Gold
# P2SH address (Base58Check version 0x17), so it is rejected for BTC but recognised as BTG.
VALID_ELSEWHERE = {"AZEah8d1EK362okRBS66e8SvdtYkrE8tsX": "BTG"}


def _carried() -> dict:
    return json.loads(CARRIED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _carried()["valid"], ids=lambda c: c["value"][:20])
def test_carried_valid_vector(case):
    verdict = validate(case["value"], chain=case["chain"])
    assert verdict.well_formed, verdict
    assert verdict.network == case["network"]
    assert verdict.kind == case["kind"]
    assert verdict.valid == (case["network"] == "mainnet")
    if "classic" in case:
        assert verdict.normalised == case["classic"]
        assert verdict.tag == (None if case["tag"] is None else str(case["tag"]))


@pytest.mark.parametrize("case", _carried()["invalid"], ids=lambda c: repr(c["value"][:20]))
def test_carried_invalid_vector(case):
    verdict = validate(case["value"], chain=case["chain"])
    assert not verdict.valid
    assert verdict.reason


# --- Bitcoin Core key_io -------------------------------------------------------------------------


@needs_shared
def test_bitcoin_key_io_valid():
    vectors = load("bitcoin_key_io_valid.json")["vectors"]
    for value, _script, meta in vectors:
        network = NETWORKS[meta["chain"]]
        verdict = validate(value, chain="BTC")
        assert verdict.well_formed, (value, verdict)
        assert verdict.kind == ("private_key" if meta["isPrivkey"] else "address")
        # Base58 prefixes are shared by testnet, signet and regtest: only bech32 tells regtest.
        if network == "regtest" and not value.startswith("bcrt"):
            assert verdict.network == "testnet"
        else:
            assert verdict.network == network, value
        assert verdict.valid == (network == "mainnet")
        if meta.get("tryCaseFlip"):
            assert validate(value.upper(), chain="BTC").well_formed
    assert len(vectors) == 70


@needs_shared
def test_bitcoin_key_io_invalid():
    vectors = load("bitcoin_key_io_invalid.json")["vectors"]
    for (value,) in vectors:
        assert not validate(value, chain="BTC").valid, value
        verdict = validate(value)
        if value in VALID_ELSEWHERE:
            assert verdict.chains == (VALID_ELSEWHERE[value],)
        else:
            assert not verdict.well_formed, (value, verdict)
    assert len(vectors) == 79


# --- BIP-173 / BIP-350 ---------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("encoding", ["bech32", "bech32m"])
def test_bip_bech32_strings(encoding):
    data = load("bip173_bip350.json")[encoding]
    for entry in data["valid"]:
        assert bech32_decode(entry["string"]).encoding is Encoding[encoding.upper()]
    for entry in data["invalid"]:
        try:
            decoded = bech32_decode(entry["string"])
        except CodecError:
            continue
        assert decoded.encoding is not Encoding[encoding.upper()], entry


@needs_shared
def test_bip_segwit_addresses():
    data = load("bip173_bip350.json")
    for entry in data["segwit_addresses"]["valid"]:
        verdict = validate(entry["address"])
        assert verdict.well_formed == entry["valid_under_current_rules"], entry
    for entry in data["segwit_addresses"]["invalid"]:
        verdict = validate(entry["address"])
        assert not verdict.well_formed, entry
        assert verdict.reason
    for value in data["valid"]:
        assert validate(value).well_formed
    for value in data["invalid"]:
        assert not validate(value).well_formed


@needs_shared
def test_bip350_reason_names_the_expected_checksum():
    invalid = load("bip173_bip350.json")["segwit_addresses"]["invalid"]
    bech32_for_v1 = [
        e for e in invalid if e["reason"] == "Invalid checksum (Bech32 instead of Bech32m)"
    ]
    assert bech32_for_v1
    for entry in bech32_for_v1:
        assert "bech32m checksum expected for witness v" in validate(entry["address"]).reason


# --- EIP-55 --------------------------------------------------------------------------------------


@needs_shared
def test_eip55_vectors():
    data = load("eip55.json")
    for entry in data["valid"]:
        verdict = validate(entry["address"], chain="ETH")
        assert verdict.valid
        assert {"ETH", "BSC", "ARB", "ETC", "POLYGON"} <= set(validate(entry["address"]).chains)
    for value in data["spec_python_test_addresses"]:
        assert validate(value).normalised == value
    for entry in data["invalid"]:
        verdict = validate(entry["address"])
        assert not verdict.valid
        assert verdict.reason == "EIP-55 mixed-case checksum mismatch"


# --- CashAddr ------------------------------------------------------------------------------------


@needs_shared
def test_cashaddr_vectors():
    data = load("cashaddr.json")
    for value in data["valid"]:
        verdict = validate(value, chain="BCH")
        assert verdict.well_formed, value
    for pair in data["translation"]:
        legacy = validate(pair["legacy"], chain="BCH")
        with_prefix = validate(pair["cashaddr"])
        without_prefix = validate(pair["cashaddr"].split(":", 1)[1])
        assert legacy.valid and with_prefix.valid and without_prefix.valid
        assert with_prefix.normalised == without_prefix.normalised == pair["cashaddr"]
    for entry in data["larger_test_vectors"]:
        prefix, type_, hash_ = cashaddr_generic(entry["cashaddr"])
        assert (prefix, type_, hash_.hex().upper()) == (
            entry["prefix"],
            entry["type"],
            entry["payload_hex"],
        )
    for value in data["draft_pr259"]["checksum_valid_payload_invalid"]:
        assert not validate(value).well_formed, value
    for entry in data["draft_pr259"]["undefined_types"]:
        assert not validate(entry["cashaddr"]).well_formed


# --- XRP -----------------------------------------------------------------------------------------


@needs_shared
def test_xrp_vectors():
    data = load("xrp.json")
    for value in data["valid"]:
        verdict = validate(value, chain="XRP")
        assert verdict.well_formed, value
    for pair in data["pairs"]:
        tag = None if pair["tag"] is None else str(pair["tag"])
        for key, network in (("x_address_mainnet", "mainnet"), ("x_address_testnet", "testnet")):
            verdict = validate(pair[key])
            assert verdict.network == network
            assert verdict.normalised == pair["classic_address"]
            assert verdict.tag == tag
    for entry in data["invalid"]:
        assert not validate(entry["string"], chain="XRP").well_formed, entry
    for entry in data["other_base58_encodings"]:
        assert not validate(entry["encoded"]).valid, entry


# --- Tron ----------------------------------------------------------------------------------------


@needs_shared
def test_tron_vectors():
    data = load("tron.json")
    for entry in data["valid"]:
        assert validate(entry["base58"], chain="TRX").valid
        hex_form = validate(entry["hex"], chain="TRX")
        assert hex_form.valid and hex_form.normalised == entry["base58"]
    for entry in data["invalid"]:
        assert not validate(entry["string"], chain="TRX").valid, entry


# --- Litecoin, Dogecoin, Solana, TON, Monero -----------------------------------------------------


@needs_shared
@pytest.mark.parametrize("section", sorted(OTHER_CHAINS))
def test_other_chain_vectors(section):
    data = load("other_chains.json")[section]
    chain = OTHER_CHAINS[section]
    for entry in data["valid"]:
        verdict = validate(entry["address"], chain=chain)
        assert verdict.valid, (entry, verdict)
        if "raw" in entry:
            assert verdict.normalised == entry["raw"]
    for entry in data.get("invalid", []):
        assert not validate(entry["string"], chain=chain).valid, entry


@needs_shared
def test_ton_raw_and_friendly_forms_normalise_alike():
    pair = load("other_chains.json")["ton"]["raw_user_friendly_pairs"][0]
    forms = [pair[k] for k in pair if k.endswith(("mainnet", "testnet"))] + [pair["raw"]]
    verdicts = [validate(f) for f in forms]
    assert {v.normalised for v in verdicts} == {pair["raw"]}
    assert [v.network for v in verdicts] == ["mainnet", "mainnet", "testnet", "testnet", "mainnet"]

"""validate() on single strings: chains, networks, normalised forms and specific reasons."""

from __future__ import annotations

import pytest

from lers.identifiers import EVM_CHAINS, validate
from lers.identifiers.codecs import b58check_encode

pytestmark = pytest.mark.req("X-10")


def test_legacy_p2sh_may_be_btc_or_ltc():
    verdict = validate("36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm")
    assert verdict.valid
    assert {"BTC", "LTC", "BCH"} <= set(verdict.chains)
    assert validate("36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", chain="LTC").chains == ("LTC",)


def test_checksum_typo_is_reported_with_reason():
    verdict = validate("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp")
    assert not verdict.valid
    assert verdict.reason == "Base58Check checksum mismatch"


def test_testnet_address_is_well_formed_but_flagged():
    verdict = validate("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")
    assert verdict.well_formed and not verdict.valid
    assert verdict.network == "testnet"
    assert verdict.reason == "testnet address"


def test_bech32_for_taproot_names_the_expected_checksum():
    verdict = validate("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd")
    assert verdict.reason == "bech32m checksum expected for witness v1"


def test_uppercase_bech32_is_normalised_to_lowercase():
    verdict = validate("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    assert verdict.valid
    assert verdict.normalised == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert verdict.format == "p2wpkh"


def test_evm_address_is_valid_on_every_evm_chain_and_normalised_to_eip55():
    verdict = validate("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    assert verdict.valid
    assert verdict.chains == EVM_CHAINS
    assert verdict.normalised == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert validate("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", chain="EVM").valid


def test_evm_address_of_wrong_length_says_so():
    verdict = validate("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea")
    assert not verdict.valid
    assert "38 hex digits" in verdict.reason


def test_evm_address_is_not_valid_on_tron():
    verdict = validate("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", chain="TRX")
    assert not verdict.valid
    assert verdict.reason.endswith("not on TRX")


def test_chain_aliases_are_understood():
    assert validate("TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUG", chain="TRC20").valid
    assert validate("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", chain="XBT").valid


@pytest.mark.parametrize(
    ("version", "chain", "first"),
    [
        ("4c", "DASH", "X"),
        ("1cb8", "ZEC", "t1"),
        ("1cbd", "ZEC", "t3"),
        ("26", "BTG", "G"),
        ("1e", "DOGE", "D"),
        ("1e", "XVG", "D"),
        ("30", "LTC", "L"),
        ("32", "LTC", "M"),
    ],
)
def test_base58_version_bytes_of_other_chains(version, chain, first):
    address = b58check_encode(bytes.fromhex(version) + bytes(range(20)))
    assert address.startswith(first)
    assert validate(address, chain=chain).valid
    assert not validate(address, chain="BTC").valid


def test_tx_hash_with_and_without_prefix_normalise_alike():
    bare = "A" * 8 + "0123456789abcdef" * 3 + "b" * 8
    with_prefix = validate("0x" + bare.lower())
    without = validate(bare)
    assert with_prefix.kind == without.kind == "tx_hash"
    assert with_prefix.normalised == without.normalised == bare.lower()


# A real Solana transaction id (the first signature, base58 of 64 bytes).
SOL_TX = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW"


def test_a_solana_transaction_id_is_a_tx_hash_of_64_bytes():
    verdict = validate(SOL_TX)
    assert (verdict.kind, verdict.chains, verdict.valid) == ("tx_hash", ("SOL",), True)
    assert validate(SOL_TX, kind="tx_hash", chain="SOL").valid
    assert not validate(SOL_TX[:40], kind="tx_hash", chain="SOL").valid
    assert not validate(SOL_TX + "2", kind="tx_hash").valid  # 89 characters: not a signature


def test_xrp_x_address_carries_its_destination_tag():
    verdict = validate("X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu")
    assert verdict.valid
    assert verdict.normalised == "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59"
    assert verdict.tag == "1"


def test_monero_integrated_address_carries_payment_id():
    verdict = validate(
        "4CMe2PUhs4J4886T7196doS9GPMzexD9gXpsZJDwVjeRVdFCSoHnv7KPbBeGpzJBzHRCAs9Uxqeoy"
        "FQMYbqSWYTfSbLRB61BQVATzerHGj"
    )
    assert verdict.valid and verdict.format == "xmr_integrated"
    assert verdict.tag == "0123456789abcdef"


def test_email_syntax_only():
    assert validate("Officer@Example.COM").normalised == "Officer@example.com"
    bad = validate("officer@@example.com")
    assert bad.kind == "email" and not bad.valid and bad.reason.startswith("invalid email")
    assert validate("officer@example.com", kind="email").valid


@pytest.mark.req("X-10", "JU-08")
def test_phone_uses_default_region_for_national_numbers():
    verdict = validate("138 0013 8000", kind="phone", default_region="CN")
    assert verdict.valid and verdict.normalised == "+8613800138000"
    assert validate("+44 20 7946 0958").normalised == "+442079460958"
    no_region = validate("020 7946 0958", kind="phone")
    assert not no_region.valid and "default region" in no_region.reason


def test_ip_addresses():
    assert validate("8.8.8.8").normalised == "8.8.8.8"
    assert validate("2001:DB8:0:0:0:0:0:1").normalised == "2001:db8::1"
    private = validate("192.168.1.10")
    assert private.valid and private.notes
    assert not validate("256.1.1.1").valid


def test_user_id_by_policy_pattern():
    assert validate("UID-0042", kind="user_id", uid_pattern=r"UID-\d{4}").valid
    assert not validate("UID-42", kind="user_id", uid_pattern=r"UID-\d{4}").valid


def test_memo_tags():
    assert validate("4294967295", kind="memo").valid
    assert validate("4294967296", kind="memo").reason == "destination tag exceeds 32 bits"


@pytest.mark.parametrize(
    "word",
    ["hello", "internationalization", "Pneumonoultramicroscopicsilicovolcanoconiosis", "1234"],
)
def test_words_are_not_identifiers(word):
    verdict = validate(word)
    assert not verdict.valid
    assert verdict.reason == "not a recognised identifier"


def test_whitespace_and_empty_are_rejected():
    assert validate("").reason == "empty string"
    assert validate(" 1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo").reason == (
        "leading or trailing whitespace"
    )


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kind"):
        validate("x", kind="passport")

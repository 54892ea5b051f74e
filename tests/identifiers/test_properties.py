"""Property tests: one changed character never leaves a checksummed address valid on the same
chain, and extraction finds an address wherever it is placed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lers.identifiers import extract, validate

pytestmark = pytest.mark.req("X-10")

# Checksummed formats, one or more per chain (all from the official vectors).
CHECKSUMMED = [
    ("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", "BTC"),
    ("36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", "BTC"),
    ("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", "BTC"),
    ("bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu", "BTC"),
    ("LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA", "LTC"),
    ("ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w", "LTC"),
    ("DEQU7G2Chw4r1gSKZt2GfKBpGbkbQSwp3S", "DOGE"),
    ("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "BCH"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ETH"),
    ("TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUG", "TRX"),
    ("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "XRP"),
    ("X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu", "XRP"),
    ("EQCKhieGGl3ZbJ2zzggHsSLaXtRzk0znVopbSxw2HLsorkdl", "TON"),
    (
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
        "XMR",
    ),
]
ALPHABET = (
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0qpzry9x8gf2tvdw0s3jn54khce6mua7l"
)


def _changed(address: str, position: int, char: str) -> str | None:
    prefix = address.index(":") + 1 if ":" in address else (2 if address.startswith("0x") else 0)
    i = prefix + position % (len(address) - prefix)
    if address[i] == char:
        return None
    return address[:i] + char + address[i + 1 :]


@pytest.mark.parametrize(("address", "chain"), CHECKSUMMED, ids=lambda v: str(v)[:12])
@settings(max_examples=150, deadline=None, database=None)
@given(position=st.integers(min_value=0, max_value=200), char=st.sampled_from(ALPHABET))
def test_one_changed_character_is_never_valid_on_the_same_chain(address, chain, position, char):
    assert validate(address, chain=chain).valid
    mutated = _changed(address, position, char)
    if mutated is None:
        return
    if chain == "ETH" and mutated.lower() == address.lower():
        return  # a case change only: caught by EIP-55 unless the result is single-case
    verdict = validate(mutated, chain=chain)
    # EIP-55 cannot protect all-lower/all-upper spellings; everything else must be caught.
    assert not verdict.valid, (address, mutated)


@pytest.mark.parametrize(("address", "chain"), CHECKSUMMED, ids=lambda v: str(v)[:12])
@settings(max_examples=60, deadline=None, database=None)
@given(
    words=st.sampled_from(["", "sent to ", "USDT (TRC20): ", "address\n", "钱包地址"]),
    before=st.text(alphabet=st.sampled_from("地址钱包：:，。 ()【】\"'\n"), max_size=30),
    after=st.text(alphabet=st.sampled_from("地址钱包：:，。 ()【】\"'\n.;"), max_size=30),
)
def test_extraction_finds_the_address_wherever_placed(address, chain, words, before, after):
    text = words + before + address + after
    found = [f for f in extract(text) if f.valid and chain in f.chains]
    assert [text[f.span[0] : f.span[1]] for f in found] == [address]

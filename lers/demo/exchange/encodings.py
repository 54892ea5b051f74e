"""Deterministic hashing and the address and TXID encodings of each chain."""

from __future__ import annotations

import hashlib
import random
from functools import cache

from lers.identifiers.codecs import BITCOIN_ALPHABET, XRP_ALPHABET, keccak256

# --- Deterministic hashing ------------------------------------------------------------------------

_M64 = (1 << 64) - 1


def _mix(seed: int, index: int, salt: int) -> int:
    """A 64-bit hash of three integers (splitmix64's finaliser): what another user's stream
    would say about that user, computed without generating them."""
    z = (seed * 0x9E3779B97F4A7C15 + index * 0xD1B54A32D192ED03 + salt * 0x94D049BB133111EB) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=32).digest()


# --- Address encodings ----------------------------------------------------------------------------
# Written here for speed (millions of addresses); the tests check every one with lers's validator.

_BTC58 = BITCOIN_ALPHABET.decode()
_XRP58 = XRP_ALPHABET.decode()


@cache
def _b58_pairs(alphabet: str) -> tuple[str, ...]:
    return tuple(a + b for a in alphabet for b in alphabet)


def _b58(raw: bytes, alphabet: str = _BTC58) -> str:
    pairs = _b58_pairs(alphabet)
    number = int.from_bytes(raw, "big")
    parts: list[str] = []
    while number >= 3364:  # two digits per division
        number, rest = divmod(number, 3364)
        parts.append(pairs[rest])
    if number >= 58:
        parts.append(pairs[number])
    elif number:
        parts.append(alphabet[number])
    zeros = len(raw) - len(raw.lstrip(b"\0"))
    return alphabet[0] * zeros + "".join(reversed(parts))


def _b58check(payload: bytes, alphabet: str = _BTC58) -> str:
    check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return _b58(payload + check, alphabet)


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32M = 0x2BC830A3
_GENERATORS = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _generator_table() -> tuple[int, ...]:
    """The bech32 generator XOR for each 5-bit top value: one lookup per symbol, not five."""
    table = []
    for top in range(32):
        value = 0
        for bit, generator in enumerate(_GENERATORS):
            if top >> bit & 1:
                value ^= generator
        table.append(value)
    return tuple(table)


_GEN_TABLE = _generator_table()


def _polymod(values: list[int], state: int = 1) -> int:
    for value in values:
        state = ((state & 0x1FFFFFF) << 5 ^ value) ^ _GEN_TABLE[state >> 25]
    return state


@cache
def _hrp_state(hrp: str) -> int:
    return _polymod([ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp])


def _segwit(hrp: str, version: int, program: bytes) -> str:
    """BIP-173 (version 0, bech32) or BIP-350 (version 1+, bech32m) address."""
    bits = len(program) * 8
    pad = -bits % 5
    number = int.from_bytes(program, "big") << pad
    groups = (bits + pad) // 5
    data = [version, *((number >> (5 * (groups - 1 - k))) & 31 for k in range(groups))]
    mod = _polymod([*data, 0, 0, 0, 0, 0, 0], _hrp_state(hrp)) ^ (1 if version == 0 else _BECH32M)
    checksum = [(mod >> 5 * (5 - k)) & 31 for k in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def _eip55(raw: bytes) -> str:
    lower = raw.hex()
    digest = keccak256(lower.encode()).hex()
    return "0x" + "".join(
        c.upper() if h in "89abcdef" else c for c, h in zip(lower, digest, strict=False)
    )


def _btc(kind: str, digest: bytes) -> str:
    if kind == "p2wpkh":
        return _segwit("bc", 0, digest[:20])
    if kind == "p2tr":
        return _segwit("bc", 1, digest[:32])
    return _b58check((b"\x00" if kind == "p2pkh" else b"\x05") + digest[:20])


def _ltc(kind: str, digest: bytes) -> str:
    if kind == "p2wpkh":
        return _segwit("ltc", 0, digest[:20])
    return _b58check((b"\x30" if kind == "p2pkh" else b"\x32") + digest[:20])


def _tron(digest: bytes) -> str:
    return _b58check(b"\x41" + digest[:20])


def _xrp(digest: bytes) -> str:
    return _b58check(b"\x00" + digest[:20], _XRP58)


def _solana(digest: bytes) -> str:
    return _b58(digest[:32])


def _external_address(chain: str, digest: bytes) -> str:
    """An address outside the exchange, in the mix of formats people use on that chain."""
    pick = digest[-1] % 100
    if chain == "BTC":
        kind = "p2wpkh" if pick < 55 else "p2tr" if pick < 65 else "p2pkh" if pick < 85 else "p2sh"
        return _btc(kind, digest)
    if chain == "ETH":
        address = _eip55(digest[:20])
        return address.lower() if pick < 10 else address  # pasted from a lower-case wallet
    if chain == "TRX":
        return _tron(digest)
    if chain == "XRP":
        return _xrp(digest)
    if chain == "LTC":
        return _ltc("p2wpkh" if pick < 50 else "p2pkh" if pick < 85 else "p2sh", digest)
    return _solana(digest)


def _txid(rng: random.Random, chain: str) -> str:
    """A transaction id as its chain's explorers write it (and lers.identifiers accepts):
    0x-prefixed on Ethereum, bare hex on Bitcoin, Litecoin and Tron, upper-case hex on the XRP
    Ledger, a base58 signature on Solana."""
    if chain == "ETH":
        return f"0x{rng.getrandbits(256):064x}"
    if chain == "XRP":
        return f"{rng.getrandbits(256):064X}"
    if chain == "SOL":
        return _b58(rng.getrandbits(512).to_bytes(64, "big"))
    return f"{rng.getrandbits(256):064x}"

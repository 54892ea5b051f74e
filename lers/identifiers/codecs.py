"""Encoding primitives the chain rules are built on.

Base58 is encoded by the ``base58`` package and decoded here (a group of characters at a time:
it is the hot path of every check), Keccak-256 comes from ``pycryptodome``; bech32 /
bech32m (BIP-173, BIP-350), CashAddr, Monero's block base58 and TON's CRC16 are written here from
their specifications because each is a few lines and we need to know *why* a string fails (the
reason is shown to an officer), which the packages do not say.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

import base58
from Crypto.Hash import keccak

BITCOIN_ALPHABET = base58.BITCOIN_ALPHABET
XRP_ALPHABET = base58.XRP_ALPHABET
B58_CHARS = frozenset(BITCOIN_ALPHABET.decode())


class CodecError(ValueError):
    """A string is not a valid encoding; the message is the officer-facing reason."""


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


_B58_DIGITS = {
    alphabet: {c: i for i, c in enumerate(alphabet.decode())}
    for alphabet in (BITCOIN_ALPHABET, XRP_ALPHABET)
}


def _b58_bytes(text: str, alphabet: bytes) -> bytes:
    """Base58 to bytes (the caller has checked every character is in ``alphabet``): ten
    characters at a time in small integers, then one big-integer step per group."""
    index = _B58_DIGITS[alphabet]
    number = 0
    for start in range(0, len(text), 10):
        group = text[start : start + 10]
        value = 0
        for char in group:
            value = value * 58 + index[char]
        number = number * 58 ** len(group) + value
    zeros = len(text) - len(text.lstrip(chr(alphabet[0])))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _b58_bad(text: str, alphabet: bytes) -> str | None:
    """The first character of ``text`` that is not in ``alphabet``, or None."""
    index = _B58_DIGITS[alphabet]
    if set(text) <= index.keys():
        return None
    return next(c for c in text if c not in index)


def b58check_decode(text: str, alphabet: bytes = BITCOIN_ALPHABET) -> bytes:
    """Payload of a Base58Check string (version bytes included, checksum removed)."""
    bad = _b58_bad(text, alphabet)
    if bad is not None:
        raise CodecError(f"invalid Base58 character {bad!r}")
    raw = _b58_bytes(text, alphabet)
    if len(raw) < 5:
        raise CodecError("too short for Base58Check")
    payload, check = raw[:-4], raw[-4:]
    if sha256d(payload)[:4] != check:
        raise CodecError("Base58Check checksum mismatch")
    return payload


def b58check_encode(payload: bytes, alphabet: bytes = BITCOIN_ALPHABET) -> str:
    return base58.b58encode_check(payload, alphabet=alphabet).decode()


def b58decode(text: str) -> bytes:
    bad = _b58_bad(text, BITCOIN_ALPHABET)
    if bad is not None:
        raise CodecError(f"invalid Base58 character {bad!r}")
    return _b58_bytes(text, BITCOIN_ALPHABET)


# --- bech32 / bech32m (BIP-173, BIP-350) -------------------------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_REV = {c: i for i, c in enumerate(BECH32_CHARSET)}
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Encoding(Enum):
    BECH32 = 1
    BECH32M = 0x2BC830A3


def _xor_table(generators: tuple[int, ...]) -> tuple[int, ...]:
    """For each 5-bit value, the XOR of the generators its bits select (BIP-173's inner loop,
    done once)."""
    table = []
    for top in range(32):
        value = 0
        for i, generator in enumerate(generators):
            if (top >> i) & 1:
                value ^= generator
        table.append(value)
    return tuple(table)


_BECH32_TABLE = _xor_table(_BECH32_GEN)


def _bech32_polymod(values: list[int]) -> int:
    chk = 1
    table = _BECH32_TABLE
    for v in values:
        chk = ((chk & 0x1FFFFFF) << 5 ^ v) ^ table[chk >> 25]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


@dataclass(frozen=True)
class Bech32:
    hrp: str
    data: tuple[int, ...]
    encoding: Encoding


def bech32_decode(text: str) -> Bech32:
    """Decode any bech32/bech32m string (no segwit rules); reasons follow BIP-173's list."""
    if text and (min(text) < "!" or max(text) > "~"):
        raise CodecError("character out of range for bech32")
    if text.lower() != text and text.upper() != text:
        raise CodecError("mixed-case bech32 string")
    if len(text) > 90:
        raise CodecError("bech32 string longer than 90 characters")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1:
        raise CodecError("empty human-readable part" if pos == 0 else "no bech32 separator '1'")
    if pos + 7 > len(text):
        raise CodecError("bech32 checksum too short")
    hrp, rest = text[:pos], text[pos + 1 :]
    bad = [c for c in rest if c not in _BECH32_REV]
    if bad:
        raise CodecError(f"invalid bech32 character {bad[0]!r}")
    data = [_BECH32_REV[c] for c in rest]
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    for enc in Encoding:
        if const == enc.value:
            return Bech32(hrp, tuple(data[:-6]), enc)
    raise CodecError("bech32 checksum mismatch")


def bech32_encode(hrp: str, data: list[int], encoding: Encoding) -> str:
    values = _hrp_expand(hrp) + data
    mod = _bech32_polymod([*values, 0, 0, 0, 0, 0, 0]) ^ encoding.value
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


_BITS = {width: tuple(format(v, f"0{width}b") for v in range(1 << width)) for width in (5, 8)}
_FROM_BITS = {width: {text: v for v, text in enumerate(_BITS[width])} for width in (5,)}


def convertbits(data: tuple[int, ...] | bytes, frombits: int, tobits: int, pad: bool) -> bytes:
    """Regroup bits (5 ↔ 8); without ``pad``, leftover bits must be fewer than ``frombits``
    and zero. Done on a string of bits: C joins and parses it, no loop per bit group here."""
    if data and (min(data) < 0 or max(data) >> frombits):
        raise CodecError("value out of range")
    bits = "".join(map(_BITS[frombits].__getitem__, data))
    leftover = len(bits) % tobits
    if pad:
        if leftover:
            bits += "0" * (tobits - leftover)
    elif leftover >= frombits:
        raise CodecError("invalid padding (too many leftover bits)")
    elif leftover:
        if "1" in bits[-leftover:]:
            raise CodecError("invalid padding (non-zero leftover bits)")
        bits = bits[:-leftover]
    if tobits == 8:
        return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
    groups = _FROM_BITS[tobits]
    return bytes(groups[bits[i : i + tobits]] for i in range(0, len(bits), tobits))


# --- CashAddr (Bitcoin Cash) ---------------------------------------------------------------------

_CASHADDR_GEN = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
CASHADDR_SIZES = {0: 20, 1: 24, 2: 28, 3: 32, 4: 40, 5: 48, 6: 56, 7: 64}


_CASHADDR_TABLE = _xor_table(_CASHADDR_GEN)


def _cashaddr_polymod(values: list[int]) -> int:
    c = 1
    table = _CASHADDR_TABLE
    for d in values:
        c = (((c & 0x07FFFFFFFF) << 5) ^ d) ^ table[c >> 35]
    return c ^ 1


@dataclass(frozen=True)
class CashAddr:
    prefix: str
    type: int
    hash: bytes


def cashaddr_decode(text: str, default_prefix: str = "bitcoincash") -> CashAddr:
    if text.lower() != text and text.upper() != text:
        raise CodecError("mixed-case CashAddr string")
    text = text.lower()
    prefix, sep, rest = text.rpartition(":")
    if not sep:
        prefix, rest = default_prefix, text
    if not prefix or any(ord(c) < 33 or ord(c) > 126 for c in prefix):
        raise CodecError("invalid CashAddr prefix")
    bad = [c for c in rest if c not in _BECH32_REV]
    if bad:
        raise CodecError(f"invalid CashAddr character {bad[0]!r}")
    data = [_BECH32_REV[c] for c in rest]
    if len(data) < 8:
        raise CodecError("CashAddr checksum too short")
    if _cashaddr_polymod([ord(c) & 31 for c in prefix] + [0] + data) != 0:
        raise CodecError("CashAddr checksum mismatch")
    payload = convertbits(tuple(data[:-8]), 5, 8, False)
    if not payload:
        raise CodecError("CashAddr payload is empty")
    version = payload[0]
    if version & 0x80:
        raise CodecError("CashAddr version byte has the reserved bit set")
    size = CASHADDR_SIZES[version & 7]
    if len(payload) - 1 != size:
        raise CodecError(f"CashAddr hash is {len(payload) - 1} bytes, version says {size}")
    return CashAddr(prefix, (version >> 3) & 0x0F, payload[1:])


def cashaddr_encode(prefix: str, type_: int, hash_: bytes) -> str:
    size_code = {v: k for k, v in CASHADDR_SIZES.items()}[len(hash_)]
    data = list(convertbits(bytes([type_ << 3 | size_code]) + hash_, 8, 5, True))
    values = [ord(c) & 31 for c in prefix] + [0] + data
    mod = _cashaddr_polymod([*values, 0, 0, 0, 0, 0, 0, 0, 0])
    checksum = [(mod >> 5 * (7 - i)) & 31 for i in range(8)]
    return prefix + ":" + "".join(BECH32_CHARSET[d] for d in data + checksum)


# --- Monero base58 (8-byte blocks, 11 characters each) -----------------------------------------

_XMR_BLOCK_CHARS = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_XMR_CHARS_TO_BYTES = {n: i for i, n in enumerate(_XMR_BLOCK_CHARS)}
_B58_INDEX = {c: i for i, c in enumerate(BITCOIN_ALPHABET.decode())}


def monero_b58decode(text: str) -> bytes:
    bad = [c for c in text if c not in _B58_INDEX]
    if bad:
        raise CodecError(f"invalid Base58 character {bad[0]!r}")
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start : start + 11]
        nbytes = _XMR_CHARS_TO_BYTES.get(len(block))
        if nbytes is None:
            raise CodecError("invalid Monero base58 length")
        num = 0
        for c in block:
            num = num * 58 + _B58_INDEX[c]
        if num >> (8 * nbytes):
            raise CodecError("Monero base58 block overflow")
        out += num.to_bytes(nbytes, "big")
    return bytes(out)


def monero_b58encode(data: bytes) -> str:
    alphabet = BITCOIN_ALPHABET.decode()
    out = []
    for start in range(0, len(data), 8):
        block = data[start : start + 8]
        num = int.from_bytes(block, "big")
        chars = []
        for _ in range(_XMR_BLOCK_CHARS[len(block)]):
            num, rem = divmod(num, 58)
            chars.append(alphabet[rem])
        out.append("".join(reversed(chars)))
    return "".join(out)


# --- CRC16-XMODEM (TON user-friendly addresses) -----------------------------------------------


def crc16_xmodem(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc

"""Chain rules: each function takes one string and says what it is on which chain.

A rule returns ``None`` when the string is not in its format at all, and an invalid Verdict with a
specific reason when it is in the format but fails the rules (checksum, length, version byte):
officers mistype, and "checksum mismatch" is more useful to them than "not an address".
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from lers.identifiers import codecs
from lers.identifiers.codecs import CodecError, Encoding
from lers.identifiers.model import (
    ADDRESS,
    EVM_CHAINS,
    MAINNET,
    PRIVATE_KEY,
    REGTEST,
    STAGENET,
    TESTNET,
    TX_HASH,
    TX_HASH_CHAINS,
    Verdict,
    invalid,
)

Rule = Callable[[str], Verdict | None]


def _ok(
    value: str,
    normalised: str,
    chains: tuple[str, ...],
    network: str,
    format_: str,
    *,
    kind: str = ADDRESS,
    tag: str | None = None,
    notes: tuple[str, ...] = (),
) -> Verdict:
    mainnet = network == MAINNET
    return Verdict(
        kind=kind,
        value=value,
        normalised=normalised,
        chains=chains,
        valid=mainnet,
        reason="" if mainnet else f"{network} address",
        network=network,
        format=format_,
        well_formed=True,
        tag=tag,
        notes=notes,
    )


# --- Base58Check: Bitcoin and its forks, Tron ----------------------------------------------------


@dataclass(frozen=True)
class _Version:
    chains: tuple[str, ...]
    network: str
    format: str
    payload: int = 20


# Version prefix -> meaning. A prefix shared by several chains (0x00, 0x05, 0x1e) lists them all:
# the string alone cannot say which chain the officer means.
_B58_VERSIONS: dict[bytes, _Version] = {
    b"\x00": _Version(("BTC", "BCH", "BSV"), MAINNET, "p2pkh"),
    b"\x05": _Version(("BTC", "BCH", "BSV", "LTC"), MAINNET, "p2sh"),
    b"\x6f": _Version(("BTC", "BCH", "BSV", "LTC"), TESTNET, "p2pkh"),
    b"\xc4": _Version(("BTC", "BCH", "BSV", "LTC", "DOGE"), TESTNET, "p2sh"),
    b"\x30": _Version(("LTC",), MAINNET, "p2pkh"),
    b"\x32": _Version(("LTC",), MAINNET, "p2sh"),
    b"\x3a": _Version(("LTC",), TESTNET, "p2sh"),
    b"\x1e": _Version(("DOGE", "XVG"), MAINNET, "p2pkh"),
    b"\x16": _Version(("DOGE",), MAINNET, "p2sh"),
    b"\x71": _Version(("DOGE",), TESTNET, "p2pkh"),
    b"\x21": _Version(("XVG",), MAINNET, "p2sh"),
    b"\x4c": _Version(("DASH",), MAINNET, "p2pkh"),
    b"\x10": _Version(("DASH",), MAINNET, "p2sh"),
    b"\x8c": _Version(("DASH",), TESTNET, "p2pkh"),
    b"\x13": _Version(("DASH",), TESTNET, "p2sh"),
    b"\x26": _Version(("BTG",), MAINNET, "p2pkh"),
    b"\x17": _Version(("BTG",), MAINNET, "p2sh"),
    b"\x1c\xb8": _Version(("ZEC",), MAINNET, "p2pkh"),
    b"\x1c\xbd": _Version(("ZEC",), MAINNET, "p2sh"),
    b"\x1d\x25": _Version(("ZEC",), TESTNET, "p2pkh"),
    b"\x1c\xba": _Version(("ZEC",), TESTNET, "p2sh"),
    b"\x41": _Version(("TRX",), MAINNET, "tron"),
}

_B58_RE = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_HEX_RE = re.compile(r"[0-9a-fA-F]+")


def base58check_address(value: str) -> Verdict | None:
    if not 25 <= len(value) <= 36 or not _B58_RE.fullmatch(value):
        return None
    try:
        payload = codecs.b58check_decode(value)
    except CodecError as exc:
        return invalid(ADDRESS, value, str(exc), "base58check")
    for size in (1, 2):
        version = _B58_VERSIONS.get(payload[:size])
        if version is not None and len(payload) - size == version.payload:
            return _ok(value, value, version.chains, version.network, version.format)
    if len(payload) in (21, 22):
        return invalid(ADDRESS, value, f"unknown Base58Check version byte 0x{payload[0]:02x}")
    return invalid(ADDRESS, value, f"Base58Check payload is {len(payload)} bytes, not 21")


def wif_private_key(value: str) -> Verdict | None:
    """Bitcoin WIF private keys: seized wallets and exports name them, and they must not leak."""
    if len(value) not in (51, 52) or not _B58_RE.fullmatch(value):
        return None
    try:
        payload = codecs.b58check_decode(value)
    except CodecError:
        # Without a valid checksum a 51-character string is no more a key than anything else.
        return None
    network = {0x80: MAINNET, 0xEF: TESTNET}.get(payload[0])
    body = payload[1:]
    if network is None:
        return invalid(PRIVATE_KEY, value, f"unknown WIF version byte 0x{payload[0]:02x}", "wif")
    if len(body) == 32 or (len(body) == 33 and body[32] == 1):
        verdict = _ok(value, value, ("BTC", "BCH", "BSV"), network, "wif", kind=PRIVATE_KEY)
        if network != MAINNET:
            return replace(verdict, reason=f"{network} private key")
        return verdict
    return invalid(PRIVATE_KEY, value, "WIF key has the wrong length", "wif")


# --- Segwit: bech32 / bech32m (BIP-173, BIP-350) -------------------------------------------------

_SEGWIT_HRPS: dict[str, tuple[str, str]] = {
    "bc": ("BTC", MAINNET),
    "tb": ("BTC", TESTNET),
    "bcrt": ("BTC", REGTEST),
    "ltc": ("LTC", MAINNET),
    "tltc": ("LTC", TESTNET),
    "rltc": ("LTC", REGTEST),
}
_SEGWIT_RE = re.compile(r"(?i)(bc|tb|bcrt|ltc|tltc|rltc)1.*")


def segwit_address(value: str) -> Verdict | None:
    if not _SEGWIT_RE.fullmatch(value):
        return None
    try:
        decoded = codecs.bech32_decode(value)
    except CodecError as exc:
        return invalid(ADDRESS, value, str(exc), "segwit")
    chain, network = _SEGWIT_HRPS.get(decoded.hrp, ("", ""))
    if not chain:
        return invalid(ADDRESS, value, f"unknown human-readable part {decoded.hrp!r}", "segwit")
    if not decoded.data:
        return invalid(ADDRESS, value, "empty witness data", "segwit")
    version = decoded.data[0]
    if version > 16:
        return invalid(ADDRESS, value, f"invalid witness version {version}", "segwit")
    try:
        program = codecs.convertbits(decoded.data[1:], 5, 8, False)
    except CodecError as exc:
        return invalid(ADDRESS, value, str(exc), "segwit")
    if not 2 <= len(program) <= 40:
        return invalid(ADDRESS, value, f"witness program of {len(program)} bytes (2..40)", "segwit")
    if version == 0 and len(program) not in (20, 32):
        reason = f"witness v0 program must be 20 or 32 bytes, not {len(program)}"
        return invalid(ADDRESS, value, reason, "segwit")
    if version == 0 and decoded.encoding is not Encoding.BECH32:
        return invalid(ADDRESS, value, "bech32 checksum expected for witness v0", "segwit")
    if version > 0 and decoded.encoding is not Encoding.BECH32M:
        reason = f"bech32m checksum expected for witness v{version}"
        return invalid(ADDRESS, value, reason, "segwit")
    format_ = {0: "p2wpkh" if len(program) == 20 else "p2wsh", 1: "p2tr"}.get(
        version, f"segwit_v{version}"
    )
    notes = () if version <= 1 else (f"witness v{version} is not yet used for payments",)
    return _ok(value, value.lower(), (chain,), network, format_, notes=notes)


# --- Bitcoin Cash CashAddr -----------------------------------------------------------------------

_CASHADDR_PREFIXES = {"bitcoincash": MAINNET, "bchtest": TESTNET, "bchreg": REGTEST}
_CASHADDR_RE = re.compile(
    r"(?i)((bitcoincash|bchtest|bchreg):)?[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+"
)


def cashaddr_address(value: str) -> Verdict | None:
    match = _CASHADDR_RE.fullmatch(value)
    if not match:
        return None
    if not match.group(1) and (len(value) < 42 or value[0] not in "qpQP"):
        return None
    prefixes = [match.group(2).lower()] if match.group(2) else list(_CASHADDR_PREFIXES)
    first_error = ""
    for prefix in prefixes:
        try:
            decoded = codecs.cashaddr_decode(value, default_prefix=prefix)
        except CodecError as exc:
            first_error = first_error or str(exc)
            continue
        if decoded.type not in (0, 1):
            return invalid(ADDRESS, value, f"undefined CashAddr type {decoded.type}", "cashaddr")
        # The canonical spelling: its prefix, in lower case (what encoding it again would give)
        normalised = f"{decoded.prefix}:{value.lower().rpartition(':')[2]}"
        format_ = "p2pkh" if decoded.type == 0 else "p2sh"
        notes = () if len(decoded.hash) in (20, 32) else ("non-standard hash size",)
        network = _CASHADDR_PREFIXES[decoded.prefix]
        return _ok(value, normalised, ("BCH",), network, "cashaddr_" + format_, notes=notes)
    return invalid(ADDRESS, value, first_error, "cashaddr")


def cashaddr_generic(value: str) -> tuple[str, int, bytes]:
    """Decode a CashAddr with any prefix (used by the conformance tests on the spec vectors)."""
    decoded = codecs.cashaddr_decode(value)
    return decoded.prefix, decoded.type, decoded.hash


# --- EVM (EIP-55) and Tron hex -------------------------------------------------------------------


def eip55(address_hex: str) -> str:
    """The EIP-55 spelling of 40 hex digits."""
    lower = address_hex.lower()
    digest = codecs.keccak256(lower.encode()).hex()
    return "0x" + "".join(
        c.upper() if h in "89abcdef" else c for c, h in zip(lower, digest[:40], strict=True)
    )


def hex_prefixed(value: str) -> Verdict | None:
    """``0x`` strings: an EVM address (40 hex) or a transaction hash (64 hex)."""
    if not value.startswith(("0x", "0X")):
        return None
    body = value[2:]
    if not _HEX_RE.fullmatch(body):
        if len(body) in (40, 64):
            return invalid(ADDRESS, value, "non-hex character after 0x", "evm")
        return None
    if len(body) == 64:
        return _ok(value, body.lower(), EVM_CHAINS, MAINNET, "tx_hash", kind=TX_HASH)
    if len(body) != 40:
        reason = f"0x followed by {len(body)} hex digits (an address has 40, a hash 64)"
        return invalid(ADDRESS, value, reason, "evm")
    checksummed = eip55(body)
    if body in (body.lower(), body.upper()):
        notes = ("no EIP-55 checksum (single case)",)
        return _ok(value, checksummed, EVM_CHAINS, MAINNET, "evm", notes=notes)
    if "0x" + body != checksummed:
        return invalid(ADDRESS, value, "EIP-55 mixed-case checksum mismatch", "evm")
    return _ok(value, checksummed, EVM_CHAINS, MAINNET, "evm")


def bare_hex(value: str) -> Verdict | None:
    """64 hex digits (a transaction hash) or Tron's 41-prefixed hex address form."""
    if not _HEX_RE.fullmatch(value):
        return None
    if len(value) == 64:
        return _ok(
            value, value.lower(), TX_HASH_CHAINS + EVM_CHAINS, MAINNET, "tx_hash", kind=TX_HASH
        )
    if len(value) == 42 and value[:2] == "41":
        normalised = codecs.b58check_encode(bytes.fromhex(value))
        return _ok(value, normalised, ("TRX",), MAINNET, "tron_hex")
    return None


# --- XRP Ledger ----------------------------------------------------------------------------------

_XRP_X_PREFIX = {b"\x05\x44": MAINNET, b"\x04\x93": TESTNET}


def xrp_address(value: str) -> Verdict | None:
    if not value or value[0] not in "rXT" or not _B58_RE.fullmatch(value):
        return None
    if value[0] == "r":
        if not 25 <= len(value) <= 35:
            return None
        try:
            payload = codecs.b58check_decode(value, codecs.XRP_ALPHABET)
        except CodecError as exc:
            return invalid(ADDRESS, value, str(exc), "xrp_classic")
        if payload[0] != 0 or len(payload) != 21:
            return invalid(ADDRESS, value, "not an XRP account id (version/length)", "xrp_classic")
        return _ok(value, value, ("XRP",), MAINNET, "xrp_classic")
    if len(value) != 47:
        return None
    try:
        payload = codecs.b58check_decode(value, codecs.XRP_ALPHABET)
    except CodecError as exc:
        return invalid(ADDRESS, value, str(exc), "x_address")
    network = _XRP_X_PREFIX.get(payload[:2])
    if network is None or len(payload) != 31:
        return invalid(ADDRESS, value, "not an X-address (prefix/length)", "x_address")
    account, flag, tag_bytes = payload[2:22], payload[22], payload[23:31]
    if flag not in (0, 1):
        return invalid(ADDRESS, value, f"X-address flag byte {flag} (must be 0 or 1)", "x_address")
    tag = int.from_bytes(tag_bytes, "little")
    if tag_bytes[4:] != b"\0\0\0\0":
        return invalid(ADDRESS, value, "X-address with a 64-bit tag (unsupported)", "x_address")
    if flag == 0 and tag:
        return invalid(ADDRESS, value, "X-address has a tag but its flag says none", "x_address")
    classic = codecs.b58check_encode(b"\0" + account, codecs.XRP_ALPHABET)
    return _ok(value, classic, ("XRP",), network, "x_address", tag=str(tag) if flag else None)


# --- Solana --------------------------------------------------------------------------------------


def solana_address(value: str) -> Verdict | None:
    """Base58 of 32 bytes; Solana has no checksum, so only alphabet and length can be checked."""
    if not 32 <= len(value) <= 44 or not _B58_RE.fullmatch(value):
        return None
    raw = codecs.b58decode(value)
    if len(raw) != 32:
        return invalid(ADDRESS, value, f"decodes to {len(raw)} bytes, not 32", "solana")
    return _ok(value, value, ("SOL",), MAINNET, "solana", notes=("no checksum in format",))


def solana_signature(value: str) -> Verdict | None:
    """A Solana transaction id: the base58 of its first 64-byte signature (87 or 88 chars)."""
    if not 86 <= len(value) <= 88 or not _B58_RE.fullmatch(value):
        return None
    raw = codecs.b58decode(value)
    if len(raw) != 64:
        return invalid(TX_HASH, value, f"decodes to {len(raw)} bytes, not 64", "solana_signature")
    notes = ("no checksum in format",)
    return _ok(value, value, ("SOL",), MAINNET, "solana_signature", kind=TX_HASH, notes=notes)


# --- TON -----------------------------------------------------------------------------------------

_TON_RAW_RE = re.compile(r"(-?\d{1,4}):([0-9a-fA-F]{64})")
_TON_FRIENDLY_RE = re.compile(r"[A-Za-z0-9_+/=-]{40,56}")


def ton_address(value: str) -> Verdict | None:
    raw = _TON_RAW_RE.fullmatch(value)
    if raw:
        workchain = int(raw.group(1))
        if workchain not in (0, -1):
            return invalid(ADDRESS, value, f"invalid TON workchain {workchain}", "ton_raw")
        normalised = f"{workchain}:{raw.group(2).lower()}"
        return _ok(value, normalised, ("TON",), MAINNET, "ton_raw")
    if not _TON_FRIENDLY_RE.fullmatch(value):
        return None
    if len(value) != 48:
        if value[:2] not in ("EQ", "Ef", "UQ", "Uf", "kQ", "kf", "0Q", "0f"):
            return None
        return invalid(ADDRESS, value, f"TON address of {len(value)} characters, not 48", "ton")
    try:
        data = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return invalid(ADDRESS, value, "invalid base64", "ton")
    if len(data) != 36:
        return invalid(ADDRESS, value, f"TON address decodes to {len(data)} bytes, not 36", "ton")
    if codecs.crc16_xmodem(data[:34]) != int.from_bytes(data[34:], "big"):
        return invalid(ADDRESS, value, "TON CRC16 checksum mismatch", "ton")
    tag = data[0]
    if tag & 0x7F not in (0x11, 0x51):
        return invalid(ADDRESS, value, f"invalid TON tag 0x{tag:02x}", "ton")
    if data[1] not in (0x00, 0xFF):
        return invalid(ADDRESS, value, f"invalid TON workchain byte 0x{data[1]:02x}", "ton")
    workchain = -1 if data[1] == 0xFF else 0
    network = TESTNET if tag & 0x80 else MAINNET
    notes = ("bounceable",) if tag & 0x7F == 0x11 else ("non-bounceable",)
    normalised = f"{workchain}:{data[2:34].hex()}"
    return _ok(value, normalised, ("TON",), network, "ton_friendly", notes=notes)


# --- Monero --------------------------------------------------------------------------------------

_XMR_NETWORK_BYTES = {
    18: (MAINNET, "xmr_standard"),
    19: (MAINNET, "xmr_integrated"),
    42: (MAINNET, "xmr_subaddress"),
    53: (TESTNET, "xmr_standard"),
    54: (TESTNET, "xmr_integrated"),
    63: (TESTNET, "xmr_subaddress"),
    24: (STAGENET, "xmr_standard"),
    25: (STAGENET, "xmr_integrated"),
    36: (STAGENET, "xmr_subaddress"),
}


def monero_address(value: str) -> Verdict | None:
    if len(value) not in (95, 106) or not _B58_RE.fullmatch(value):
        return None
    try:
        data = codecs.monero_b58decode(value)
    except CodecError as exc:
        return invalid(ADDRESS, value, str(exc), "xmr")
    body, check = data[:-4], data[-4:]
    if codecs.keccak256(body)[:4] != check:
        return invalid(ADDRESS, value, "Monero Keccak checksum mismatch", "xmr")
    network, format_ = _XMR_NETWORK_BYTES.get(body[0], ("", ""))
    if not network:
        return invalid(ADDRESS, value, f"unknown Monero network byte {body[0]}", "xmr")
    integrated = format_ == "xmr_integrated"
    if len(body) != (73 if integrated else 65):
        return invalid(ADDRESS, value, "Monero address length does not fit its type", "xmr")
    tag = body[65:73].hex() if integrated else None
    return _ok(value, value, ("XMR",), network, format_, tag=tag)


# Order matters only for which failure reason is shown when nothing matches: the most specific
# formats first.
ADDRESS_RULES: tuple[Rule, ...] = (
    hex_prefixed,
    segwit_address,
    cashaddr_address,
    ton_address,
    monero_address,
    xrp_address,
    base58check_address,
    wif_private_key,
    solana_address,
    solana_signature,
    bare_hex,
)

_BASE58_FAMILY: tuple[Rule, ...] = (base58check_address, bare_hex)
# The rules worth running when the caller names the chain (validate(..., chain=...)).
RULES_BY_CHAIN: dict[str, tuple[Rule, ...]] = {
    **{chain: (hex_prefixed, bare_hex) for chain in EVM_CHAINS},
    "BTC": (segwit_address, base58check_address, wif_private_key, bare_hex),
    "LTC": (segwit_address, base58check_address, bare_hex),
    "BCH": (cashaddr_address, base58check_address, wif_private_key, bare_hex),
    "BSV": (base58check_address, wif_private_key, bare_hex),
    **{chain: _BASE58_FAMILY for chain in ("DOGE", "DASH", "ZEC", "BTG", "XVG")},
    "TRX": (hex_prefixed, base58check_address, bare_hex),
    "XRP": (xrp_address, bare_hex),
    "SOL": (solana_address, solana_signature),
    "TON": (ton_address,),
    "XMR": (monero_address, bare_hex),
}

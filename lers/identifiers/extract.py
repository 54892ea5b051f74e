"""extract(): every identifier in free text (letters, email bodies, PDF text, spreadsheet cells).

Text is first normalised one character at a time (full-width forms to ASCII, zero-width
characters dropped) while remembering where each character came from, so every span points
into the caller's original text. A second pass joins lines, to catch addresses that a PDF
wrapped or hyphenated; a joined match is kept only when a checksum confirms it, because two
unrelated lines glued together must not become an identifier.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lers.identifiers import chains as rules
from lers.identifiers import contact
from lers.identifiers.model import (
    ADDRESS,
    EMAIL,
    IP,
    MEMO,
    PHONE,
    PRIVATE_KEY,
    TX_HASH,
    USER_ID,
    Found,
    Hints,
    Verdict,
)

# Full-width ASCII (U+FF01..U+FF5E) maps to ASCII one for one, as do a few CJK punctuation marks.
_ONE_TO_ONE = {o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)}
_ONE_TO_ONE.update({0x3000: 0x20, 0x3002: 0x2E, 0x3001: 0x2C, 0x00A0: 0x20})
_DROPPED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DROPPED_RE = re.compile(f"[{_DROPPED}]")

_A = r"0-9A-Za-z"
_B58 = r"1-9A-HJ-NP-Za-km-z"
_BECH = r"02-9ac-hj-np-zAC-HJ-NP-Z"

_HEX0X_RE = re.compile(rf"(?<![{_A}])0[xX][0-9a-fA-F]{{36,70}}(?![{_A}])")
# Not after "0:" (a TON raw address's workchain), but after a label's colon ("TXID:", "交易哈希：").
_BARE_HEX_RE = re.compile(
    rf"(?<![{_A}])(?<![0-9]:)(?:[0-9a-fA-F]{{64}}|41[0-9a-fA-F]{{40}})(?![{_A}])"
)
_TON_RAW_RE = re.compile(rf"(?<![{_A}-])-?\d{{1,2}}:[0-9a-fA-F]{{64}}(?![{_A}])")
_TON_RE = re.compile(r"(?<![0-9A-Za-z_+/=-])[EUk0][Qf][A-Za-z0-9_+/-]{46}(?![0-9A-Za-z_+/=-])")
_SEGWIT_RE = re.compile(
    rf"(?i)(?<![{_A}])(?:bc|tb|bcrt|ltc|tltc|rltc)1[{_BECH}]{{11,87}}(?![{_A}])"
)
_CASHADDR_RE = re.compile(
    rf"(?i)(?<![{_A}])(?:(?:bitcoincash|bchtest):[qp][{_BECH}]{{41,111}}|[qp][{_BECH}]{{41}})"
    rf"(?![{_A}])"
)
_BASE58_RE = re.compile(rf"(?<![{_A}])[{_B58}]{{25,111}}(?![{_A}])")
_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_IPV4_RE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)")
# Not in the middle of another IPv6 address, but after a label's colon ("IP:2001:db8::1").
_IPV6_RE = re.compile(
    rf"(?:(?<![{_A}:])|(?<=[G-Zg-z]:))(?:[0-9A-Fa-f]{{0,4}}:){{2,7}}[0-9A-Fa-f]{{0,4}}(?![{_A}:])"
)
_PHONE_RE = re.compile(rf"(?<![{_A}.+_-])\+?\d[\d ()\-.]{{5,20}}\d(?![{_A}])")
# "destination tag", "dest. tag", "memo", "tag", 标签, 备注, 目标标签 (not inside a word: no
# "hashtag"), then the value. It starts with a character class, so the engine skips quickly
# to where one of those words can begin.
_MEMO_RE = re.compile(
    r"[DdMmTt标备目](?<![A-Za-z].)(?:(?<=[Dd])(?i:est(?:ination)?\.?\s*tag)|(?<=[Mm])(?i:emo)|(?<=[Tt])(?i:ag)"
    r"|(?<=标)签|(?<=备)注|(?<=目)标标签)\s*"
    r"(?:[:#=]\s*([0-9A-Za-z_-]{1,64})|(\d{1,20}))(?![0-9A-Za-z])"
)
_LINE_BREAK_RE = re.compile(rf"(?<=[{_A}])[ \t]*-?\r?\n[ \t]*(?=[{_A}])")
_LABEL_TRIM = " \t:：\"'“”‘’「」『』【】<>《》,，;；"

# Formats whose checksum makes a join across a line break trustworthy.
_JOINABLE = frozenset(
    {
        "p2pkh", "p2sh", "tron", "p2wpkh", "p2wsh", "p2tr", "evm", "xrp_classic", "x_address",
        "ton_friendly", "ton_raw", "xmr_standard", "xmr_integrated", "xmr_subaddress",
        "cashaddr_p2pkh", "cashaddr_p2sh", "tx_hash",
    }
)  # fmt: skip
_RANK = {ADDRESS: 0, TX_HASH: 0, PRIVATE_KEY: 0, EMAIL: 1, IP: 2, PHONE: 3, MEMO: 4, USER_ID: 5}
_TYPICAL_B58_LENGTHS = frozenset({*range(25, 36), 47, 51, 52, 87, 88, 95, 106})


@dataclass(frozen=True)
class _Text:
    """Normalised text and, for each of its characters, the index in the original."""

    text: str
    origin: list[int] | None  # None: one-to-one with the original

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


_WIDE_RE = re.compile("[" + "".join(map(chr, _ONE_TO_ONE)) + "]")
_WIDE = {chr(wide): chr(narrow) for wide, narrow in _ONE_TO_ONE.items()}


def _memo_hinted(text: str) -> bool:
    """Whether the text has a word a memo or tag follows (the memo search is the slowest)."""
    if "标签" in text or "备注" in text:
        return True
    low = text.lower()
    return "tag" in low or "memo" in low


def _normalise(text: str) -> _Text:
    # A substitution, not str.translate: translate looks every character up, and most of a
    # letter (Chinese, English) maps to itself.
    mapped = _WIDE_RE.sub(lambda m: _WIDE[m.group()], text)
    if not _DROPPED_RE.search(mapped):
        return _Text(mapped, None)
    chars = []
    origin = []
    for i, ch in enumerate(mapped):
        if ch not in _DROPPED:
            chars.append(ch)
            origin.append(i)
    return _Text("".join(chars), origin)


def _join_lines(norm: _Text) -> _Text | None:
    breaks = list(_LINE_BREAK_RE.finditer(norm.text))
    if not breaks:
        return None
    base = norm.origin if norm.origin is not None else range(len(norm.text))
    chars: list[str] = []
    origin: list[int] = []
    last = 0
    for match in breaks:
        chars.append(norm.text[last : match.start()])
        origin.extend(base[last : match.start()])
        last = match.end()
    chars.append(norm.text[last:])
    origin.extend(base[last:])
    return _Text("".join(chars), origin)


def _has_mix(token: str) -> bool:
    """Real base58 keys mix digits, capitals and small letters; words and names do not."""
    return (
        any(c.isdigit() for c in token)
        and any(c.isupper() for c in token)
        and any(c.islower() for c in token)
    )


# Documents repeat the same identifiers (headers, tables, quoted mails): verdicts are immutable,
# so each distinct string is checked once.
_cache = functools.lru_cache(maxsize=8192)
_email_verdict = _cache(contact.email)
_ip_verdict = _cache(contact.ip)
_phone_verdict = _cache(contact.phone)
_hex_verdict = _cache(rules.hex_prefixed)


@_cache
def _base58_verdict(token: str) -> Verdict | None:
    return _best(
        rules.monero_address(token),
        rules.xrp_address(token),
        rules.base58check_address(token),
        rules.wif_private_key(token),
        rules.solana_address(token) if _has_mix(token) else None,
        rules.solana_signature(token) if _has_mix(token) else None,
    )


Candidate = tuple[int, int, Verdict]
# A finder looks for one kind of identifier in text[pos:endpos] (lookbehinds see before pos).
Finder = Callable[[str, int, int], Iterator[Candidate]]


def _from_rule(pattern: re.Pattern[str], rule: rules.Rule) -> Finder:
    rule = _cache(rule)

    def find(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
        for m in pattern.finditer(text, pos, endpos):
            verdict = rule(m.group())
            if verdict is not None:
                yield m.start(), m.end(), verdict

    return find


def _hex0x(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
    for m in _HEX0X_RE.finditer(text, pos, endpos):
        digits = len(m.group()) - 2
        if 38 <= digits <= 42 or 62 <= digits <= 66:
            verdict = _hex_verdict(m.group())
            if verdict is not None:
                yield m.start(), m.end(), verdict


def _base58(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
    for m in _BASE58_RE.finditer(text, pos, endpos):
        token = m.group()
        verdict = _base58_verdict(token)
        if verdict is None:
            continue
        # A failed checksum is reported only for strings shaped like an address, so that
        # ordinary long words and reference numbers are not flagged as mistyped addresses.
        if verdict.well_formed or (_has_mix(token) and len(token) in _TYPICAL_B58_LENGTHS):
            yield m.start(), m.end(), verdict


def _best(*verdicts: Verdict | None) -> Verdict | None:
    present = [v for v in verdicts if v is not None]
    for v in present:
        if v.valid:
            return v
    for v in present:
        if v.well_formed:
            return v
    return present[0] if present else None


def _email(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
    for m in _EMAIL_RE.finditer(text, pos, endpos):
        value = m.group().rstrip(".-")
        verdict = _email_verdict(value)
        if verdict is not None:
            yield m.start(), m.start() + len(value), verdict


def _ipv4(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
    for m in _IPV4_RE.finditer(text, pos, endpos):
        verdict = _ip_verdict(m.group())
        if verdict is not None:
            yield m.start(), m.end(), verdict


def _ipv6(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
    for m in _IPV6_RE.finditer(text, pos, endpos):
        value = m.group()
        if value.count(":") < 3 and "::" not in value:
            continue
        verdict = _ip_verdict(value)
        if verdict is not None and verdict.valid and len(value) - value.count(":") >= 4:
            yield m.start(), m.end(), verdict


def _phone(region: str | None) -> Finder:
    def find(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
        for m in _PHONE_RE.finditer(text, pos, endpos):
            value = m.group()
            digits = sum(map(str.isdigit, value))
            if not 7 <= digits <= 15:
                continue
            verdict = _phone_verdict(value, region)
            # Only numbers phonenumbers accepts: dates, amounts and case numbers look the same.
            if verdict is not None and verdict.valid:
                yield m.start(), m.end(), verdict

    return find


def _memo(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
    for m in _MEMO_RE.finditer(text, pos, endpos):
        group = 1 if m.group(1) is not None else 2
        value = m.group(group)
        if group == 1 and not value.isdigit() and not any(c.isdigit() for c in value):
            continue
        yield m.start(group), m.end(group), contact.memo(value)


# The words that name a user ID in a letter, before the ID itself ("UID 10000042", "User ID:
# 10000042", "用户ID：10000042"); the exchange's own name for them comes from its profile.
UID_LABELS = ("UID", "user ID", "用户ID", "用戶ID")
_UID_TOKEN = r"([0-9A-Za-z][0-9A-Za-z_-]{0,63})(?![0-9A-Za-z])"


@functools.lru_cache(maxsize=64)
def _uid_label_re(labels: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted({label.strip() for label in labels if label.strip()}, key=len, reverse=True)
    # "user ID", "user-ID", "userID"; "UIDs"; then a colon, a hash, a dash or spaces.
    names = "|".join(r"[\s_-]*".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?i)(?<![A-Za-z])(?:{names})s?(?![A-Za-z])[\s:：#=-]{{0,4}}{_UID_TOKEN}")


def _labelled_uid(pattern: str, label: str | None) -> Finder:
    """User IDs named as such in the text. The profile's pattern is anchored (it checks one
    value): searched unlabelled it would find nothing, and unanchored it would find every
    case number and phone number of the right length; a label says the digits are a UID."""
    compiled = _uid_label_re((*UID_LABELS, *((label,) if label else ())))

    def find(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
        for m in compiled.finditer(text, pos, endpos):
            verdict = contact.user_id(m.group(1), pattern)
            if verdict is not None:
                yield m.start(1), m.end(1), verdict

    return find


def _uid(pattern: str) -> Finder:
    compiled = re.compile(rf"(?<![{_A}])(?:{pattern})(?![{_A}])")

    def find(text: str, pos: int, endpos: int) -> Iterator[Candidate]:
        for m in compiled.finditer(text, pos, endpos):
            if m.group():
                verdict = contact.user_id(m.group(), pattern)
                if verdict is not None:
                    yield m.start(), m.end(), verdict

    return find


_BARE_HEX = _from_rule(_BARE_HEX_RE, rules.bare_hex)
_TON_RAW = _from_rule(_TON_RAW_RE, rules.ton_address)
_TON = _from_rule(_TON_RE, rules.ton_address)
_SEGWIT = _from_rule(_SEGWIT_RE, rules.segwit_address)
_CASHADDR = _from_rule(_CASHADDR_RE, rules.cashaddr_address)


def _addresses_in(token: str, text: str, start: int, end: int) -> Iterator[Candidate]:
    """The address finders that can match inside one run of ``text`` (``token`` is it): each
    needs a length, and most a character (bech32's separator 1, CashAddr's q or p, 0x)."""
    size = end - start
    if "1" in token:
        yield from _SEGWIT(text, start, end)  # 14 characters and more
    if size >= 25:
        yield from _base58(text, start, end)
    if size >= 38 and ("0x" in token or "0X" in token):
        yield from _hex0x(text, start, end)
    if size >= 42:
        yield from _BARE_HEX(text, start, end)
        if "q" in token or "p" in token or "Q" in token or "P" in token:
            yield from _CASHADDR(text, start, end)
    if size >= 48:
        yield from _TON(text, start, end)
        if size >= 66 and ":" in token:
            yield from _TON_RAW(text, start, end)


# Every identifier found by a token finder lies inside one run of these characters (letters,
# digits and the punctuation addresses, emails and IPs are written with), so the text is
# scanned once for the runs and each finder looks only inside the runs it could match.
_TOKEN_RE = re.compile(rf"[{_A}_.:%+@/=-]{{6,}}")
_BREAK_RE = re.compile(rf"\r?\n[ \t]*(?=[{_A}])")
_TOKEN_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.:%+@/=-")


def _in_tokens(text: str, address_only: bool = False) -> Iterator[Candidate]:
    """Every address (and, unless ``address_only``, email and IP address) in ``text``: one
    scan for runs of identifier characters, then the finders that fit each run."""
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        size = end - start
        if not address_only:
            token = m.group()
            if "@" in token:
                yield from _email(text, start, end)
            if "." in token:
                yield from _ipv4(text, start, end)
            if ":" in token and token.count(":") >= 2:
                yield from _ipv6(text, start, end)
        if size >= 14:
            yield from _addresses_in(m.group(), text, start, end)


def _candidates(finders: tuple[Finder, ...], norm: _Text, original: str) -> list[Found]:
    """What the finders that scan the whole text (phones, memos, user IDs) and the token scan
    find, as Found with spans in the original text."""
    text = norm.text
    out = []
    scans = [finder(text, 0, len(text)) for finder in finders]
    for scan in (*scans, _in_tokens(text)):
        for start, end, verdict in scan:
            span = norm.span(start, end)
            out.append(Found.from_verdict(verdict, original[span[0] : span[1]], span))
    return out


def _wrapped(norm: _Text, original: str) -> list[Found]:
    """Addresses a line break cuts in two (a PDF's wrapping, a hyphen at the end of a line):
    each stretch of identifier characters around one or more breaks is joined and searched
    again; only a match across a break whose checksum holds is kept."""
    text = norm.text
    regions: list[list[int]] = []
    for m in _BREAK_RE.finditer(text):
        left = m.start()
        if left and text[left - 1] == "-":
            left -= 1
        while left and text[left - 1] in " \t":
            left -= 1
        if not left or text[left - 1] not in _TOKEN_CHARS or not text[left - 1].isalnum():
            continue
        start = left
        while start and text[start - 1] in _TOKEN_CHARS:
            start -= 1
        end = m.end()
        while end < len(text) and text[end] in _TOKEN_CHARS:
            end += 1
        if regions and start <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], end)
        else:
            regions.append([start, end])
    found: list[Found] = []
    base = norm.origin if norm.origin is not None else range(len(text))
    for start, end in regions:
        part = _Text(text[start:end], list(base[start:end]))
        joined = _join_lines(part)
        if joined is None:
            continue
        for first, last, verdict in _in_tokens(joined.text, address_only=True):
            span = joined.span(first, last)
            item = Found.from_verdict(verdict, original[span[0] : span[1]], span)
            if "\n" in item.text and item.valid and item.format in _JOINABLE:
                found.append(item)
    return found


def _resolve(candidates: list[Found]) -> list[Found]:
    """One result per stretch of text: valid beats invalid, addresses beat contact details,
    longer beats shorter. User ids (the caller's own pattern) may overlap anything."""
    chosen: list[Found] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans already chosen
    seen: set[tuple[str, tuple[int, int]]] = set()
    order = sorted(
        candidates,
        key=lambda f: (not f.valid, _RANK.get(f.kind, 9), -(f.span[1] - f.span[0]), f.span),
    )
    for found in order:
        key = (found.kind, found.span)
        if key in seen:
            continue
        if found.kind != USER_ID:
            start, end = found.span
            i = bisect.bisect_left(taken, found.span)
            if i and taken[i - 1][1] > start:  # the span before overlaps
                continue
            if i < len(taken) and taken[i][0] < end:  # the span after overlaps
                continue
            taken.insert(i, found.span)
        seen.add(key)
        chosen.append(found)
    return sorted(chosen, key=lambda f: (f.span, f.kind))


def _label(original: str, found: Found, previous_end: int) -> str | None:
    """The words just before an identifier on its line, when they end in a colon
    ("USDT (TRC20):", or "钱包地址" and a full-width colon)."""
    line_start = original.rfind("\n", 0, found.span[0]) + 1
    before = original[max(line_start, previous_end, found.span[0] - 60) : found.span[0]]
    stripped = before.rstrip(" \t\"'“”‘’「『【[(（<《")
    if not stripped.endswith((":", "：")):
        return None
    label = stripped[:-1].strip().strip(_LABEL_TRIM).strip()
    return label or None


def extract(
    text: str,
    *,
    hints: Hints | None = None,
    default_region: str | None = None,
    uid_pattern: str | None = None,
    uid_label: str | None = None,
) -> list[Found]:
    """Every identifier in ``text``, in order, each with its span in ``text``.

    ``default_region`` (ISO country of the requesting agency) lets phone numbers be written
    without a country code; ``uid_pattern`` is the exchange's user-id regex from its policy,
    and ``uid_label`` its name for a user ID, which (like "UID" or "用户ID") marks one in text.
    ``hints`` carries them at once; a keyword given explicitly wins.
    """
    if hints is not None:
        default_region = default_region or hints.default_region
        uid_pattern = uid_pattern or hints.uid_pattern
        uid_label = uid_label or hints.uid_label
    norm = _normalise(text)
    finders = (
        _phone(default_region),
        *((_memo,) if _memo_hinted(norm.text) else ()),
        *((_uid(uid_pattern), _labelled_uid(uid_pattern, uid_label)) if uid_pattern else ()),
    )
    candidates = _candidates(finders, norm, text)
    if "\n" in norm.text:
        candidates += _wrapped(norm, text)
    results = _resolve(candidates)
    labelled = []
    previous_end = 0
    for found in results:
        label = _label(text, found, previous_end) if found.kind != MEMO else None
        labelled.append(found.labelled(label) if label else found)
        previous_end = found.span[1]
    return labelled

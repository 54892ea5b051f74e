"""Non-chain identifiers: emails, phone numbers, IP addresses, exchange user ids, memos."""

from __future__ import annotations

import ipaddress
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from lers.identifiers.model import EMAIL, IP, MEMO, PHONE, USER_ID, Verdict, invalid

MAX_TAG = 2**32 - 1


def _ok(
    kind: str, value: str, normalised: str, format_: str, notes: tuple[str, ...] = ()
) -> Verdict:
    return Verdict(kind, value, normalised, (), True, "", None, format_, True, None, notes)


def email(value: str) -> Verdict | None:
    if "@" not in value:
        return None
    try:
        # Syntax only: intake must not make network calls, and a dead domain is still evidence.
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return invalid(EMAIL, value, f"invalid email: {exc}", "email")
    return _ok(EMAIL, value, result.normalized, "email")


_PHONE_RE = re.compile(r"\+?[\d\s().\-]{6,24}")


def phone(value: str, default_region: str | None = None) -> Verdict | None:
    if not _PHONE_RE.fullmatch(value) or sum(c.isdigit() for c in value) < 6:
        return None
    if not value.startswith("+") and default_region is None:
        return None
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as exc:
        return invalid(PHONE, value, f"unparseable phone number: {exc}", "e164")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        return Verdict(PHONE, value, e164, (), False, "not a valid phone number", None, "e164")
    region = phonenumbers.region_code_for_number(number)
    return _ok(PHONE, value, e164, "e164", (f"region {region}",) if region else ())


_IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_IPV6_RE = re.compile(r"[0-9A-Fa-f:.]{2,45}")


def ip(value: str) -> Verdict | None:
    v4 = _IPV4_RE.fullmatch(value)
    if not v4 and not (value.count(":") >= 2 and _IPV6_RE.fullmatch(value)):
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return invalid(IP, value, "invalid IPv4 address" if v4 else "invalid IPv6 address", "ip")
    notes: tuple[str, ...] = ()
    if not address.is_global:
        notes = ("not a public address (private, loopback or reserved range)",)
    return _ok(IP, value, str(address), f"ipv{address.version}", notes)


def user_id(value: str, pattern: str | None) -> Verdict | None:
    if pattern is None or not re.fullmatch(pattern, value):
        return None
    return _ok(USER_ID, value, value, "user_id")


def memo(value: str) -> Verdict:
    """A destination tag or memo written next to an address."""
    if value.isdigit():
        if int(value) > MAX_TAG:
            return invalid(MEMO, value, "destination tag exceeds 32 bits", "tag")
        return _ok(MEMO, value, str(int(value)), "tag")
    return _ok(MEMO, value, value, "memo")

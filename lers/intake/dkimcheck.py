"""DKIM verification of a raw message (dkimpy), the key lookup injectable for tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesHeaderParser

import dkim

DnsLookup = Callable[..., bytes | None]


@dataclass(frozen=True)
class DkimResult:
    status: str  # "pass", "fail" or "none"
    domain: str
    reason: str


def _tags(header: str) -> dict[str, str]:
    tags = {}
    for part in header.split(";"):
        name, _, value = part.partition("=")
        if name.strip():
            tags[name.strip()] = "".join(value.split())
    return tags


def verify_dkim(raw: bytes, dnsfunc: DnsLookup | None = None) -> DkimResult:
    headers = BytesHeaderParser().parsebytes(raw)
    signatures = headers.get_all("DKIM-Signature") or []
    if not signatures:
        return DkimResult("none", "", "the message carries no DKIM signature")
    domain = _tags(str(signatures[0])).get("d", "").lower()
    kwargs = {"dnsfunc": dnsfunc} if dnsfunc is not None else {}
    try:
        valid = dkim.verify(raw, **kwargs)
    except Exception as exc:  # a malformed signature or an unreachable key
        return DkimResult("fail", domain, f"{type(exc).__name__}: {exc}"[:300])
    if not valid:
        return DkimResult("fail", domain, "the signature does not match the message")
    return DkimResult("pass", domain, "")

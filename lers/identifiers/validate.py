"""validate(): what one string is, on which chains, and why not when it is not."""

from __future__ import annotations

from dataclasses import replace

from lers.identifiers import chains as rules
from lers.identifiers import contact
from lers.identifiers.model import (
    ADDRESS,
    EVM_CHAINS,
    KINDS,
    MEMO,
    UNKNOWN,
    Verdict,
    canonical_chain,
    invalid,
)


def _candidates(
    value: str,
    kind: str | None,
    chain: str | None,
    default_region: str | None,
    uid_pattern: str | None,
) -> list[Verdict]:
    chain_rules = rules.RULES_BY_CHAIN.get(chain) if chain else None
    if chain_rules is not None and kind in (None, ADDRESS, "tx_hash", "private_key"):
        # The caller says which chain: only that chain's formats can make the string valid.
        narrowed = [rule(value) for rule in chain_rules]
        return [v for v in narrowed if v is not None and (kind is None or v.kind == kind)]
    found: list[Verdict | None] = []
    if kind in (None, "email"):
        found.append(contact.email(value))
    if kind in (None, "ip"):
        found.append(contact.ip(value))
    if kind in (None, "user_id"):
        found.append(contact.user_id(value, uid_pattern))
    if kind == MEMO:
        found.append(contact.memo(value))
    if kind in (None, ADDRESS, "tx_hash", "private_key"):
        found.extend(rule(value) for rule in rules.ADDRESS_RULES)
    if kind in (None, "phone"):
        if kind == "phone" and default_region is None and not value.startswith("+"):
            found.append(invalid("phone", value, "no country code and no default region", "e164"))
        else:
            found.append(contact.phone(value, default_region))
    return [v for v in found if v is not None and (kind is None or v.kind == kind)]


def _merge(verdicts: list[Verdict]) -> Verdict:
    """Several rules may accept one string (a ``3…`` address is BTC and LTC by one rule, but a
    64-hex string is only ever a hash): keep the first and add the others' chains."""
    first = verdicts[0]
    if len(verdicts) == 1:
        return first
    extra = [c for v in verdicts[1:] if v.kind == first.kind for c in v.chains]
    merged = tuple(dict.fromkeys(first.chains + tuple(extra)))
    return replace(first, chains=merged)


def validate(
    value: str,
    kind: str | None = None,
    chain: str | None = None,
    *,
    default_region: str | None = None,
    uid_pattern: str | None = None,
) -> Verdict:
    """Check one identifier. ``kind`` and ``chain`` narrow what it may be; without them every
    format is tried. ``default_region`` (ISO country) lets phone numbers omit the country code;
    ``uid_pattern`` is the exchange's user-id regex from its policy."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    target = None if chain is None else canonical_chain(chain)
    if not value:
        return invalid(kind or UNKNOWN, value, "empty string")
    if value != value.strip():
        return invalid(kind or UNKNOWN, value, "leading or trailing whitespace")

    candidates = _candidates(value, kind, target, default_region, uid_pattern)
    if target is not None:
        candidates = [_narrow(v, target) for v in candidates]
    valid = [v for v in candidates if v.valid]
    if valid:
        return _merge(valid)
    for verdict in candidates:
        if verdict.well_formed:
            return verdict
    if candidates:
        return candidates[0]
    return invalid(kind or UNKNOWN, value, "not a recognised identifier")


def _narrow(verdict: Verdict, chain: str) -> Verdict:
    if chain == "EVM":
        if set(verdict.chains) & set(EVM_CHAINS):
            return replace(verdict, chains=tuple(c for c in verdict.chains if c in EVM_CHAINS))
        chain = "ETH"
    return verdict.narrowed_to(chain)

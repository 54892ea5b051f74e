"""Which accounts are behind a request's identifiers, and why (X-10, JU-08, HX-09).

Exact on UID, email (case-folded), phone (E.164), deposit address (with the memo or tag where
the address is shared), TXID (deposit: the receiving account; withdrawal: the sending one), IP
address and device; fuzzy on the KYC name, scored and never confirmed automatically. Every
match carries its evidence in plain words. No identifier yields an explicit empty list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from lers.exchange.names import NameForm, name_form, name_score
from lers.exchange.source import DataSource, Row
from lers.identifiers import EVM_CHAINS
from lers.identifiers.chains import eip55

_EVM_HEX = re.compile(r"0[xX][0-9a-fA-F]{40}")
KINDS = ("uid", "email", "phone", "address", "txid", "ip", "device", "name")
# A fuzzy name below this is not worth a reviewer's time.
NAME_THRESHOLD = 80.0
NAME_CANDIDATES = 10


@dataclass(frozen=True)
class Query:
    """One identifier to resolve, as lers.identifiers normalised it."""

    kind: str
    value: str
    chain: str = ""
    memo: str = ""


@dataclass(frozen=True)
class Match:
    uid: str
    score: float  # 100 for an exact match
    exact: bool
    evidence: str
    record: str  # the logical record that matched


@dataclass
class Resolution:
    """Every query's candidates, best first; an empty list is "no account found"."""

    matches: dict[Query, list[Match]] = field(default_factory=dict)

    def add(self, query: Query, match: Match) -> None:
        found = self.matches.setdefault(query, [])
        if all(m.uid != match.uid or m.record != match.record for m in found):
            found.append(match)


class NameFinder(Protocol):
    """Where candidates for a name come from: lers's name index (``name_index.NameIndex``)."""

    def candidates(self, form: NameForm, *, limit: int) -> list[tuple[str, int]]:
        """(uid, accounts sharing that name), likeliest first, at most ``limit``."""
        ...


def resolve(
    source: DataSource, queries: Iterable[Query], *, names: NameFinder | None = None
) -> Resolution:
    """Every query's candidate accounts. Names come from ``names`` (an index) when given,
    else from one scan of the KYC table (every name of the request scored in one pass)."""
    by_kind: dict[str, list[Query]] = defaultdict(list)
    result = Resolution()
    for query in dict.fromkeys(queries):
        if query.kind not in KINDS:
            raise ValueError(f"cannot resolve identifiers of kind {query.kind!r}")
        result.matches[query] = []
        by_kind[query.kind].append(query)
    _users(source, result, by_kind["uid"], "uid", "user ID")
    _users(source, result, by_kind["email"], "email", "registered email", casefold=True)
    _users(source, result, by_kind["phone"], "phone", "registered phone")
    _addresses(source, result, by_kind["address"])
    _txids(source, result, by_kind["txid"])
    _simple(source, result, by_kind["ip"], "logins", "ip", "logged in from IP")
    _simple(source, result, by_kind["device"], "devices", "device_id", "uses device")
    if names is None:
        _names(source, result, by_kind["name"])
    else:
        _names_indexed(source, result, by_kind["name"], names)
    for found in result.matches.values():
        # best first; names keep the order _add_names gave equally alike ones
        found.sort(key=lambda m: (-m.score, "" if m.record == "kyc" else m.uid))
    return result


def _exact(uid: object, evidence: str, record: str) -> Match:
    return Match(uid=str(uid), score=100.0, exact=True, evidence=evidence, record=record)


def _users(
    source: DataSource,
    result: Resolution,
    queries: Sequence[Query],
    field_name: str,
    label: str,
    *,
    casefold: bool = False,
) -> None:
    if not queries:
        return
    wanted: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        wanted[query.value.casefold() if casefold else query.value].append(query)
    rows = source.rows_where_in(
        "users", field_name, list(wanted), casefold=casefold, fields=("uid", field_name)
    )
    for row in rows:
        key = str(row[field_name])
        for query in wanted.get(key.casefold() if casefold else key, []):
            result.add(query, _exact(row["uid"], f"{label} {row[field_name]}", "users"))


def _address_variants(query: Query) -> list[str]:
    """The spellings an exchange may have stored: EVM addresses as checksummed or lower case."""
    variants = [query.value]
    evm = not query.chain or query.chain in EVM_CHAINS
    if evm and _EVM_HEX.fullmatch(query.value):
        variants += [eip55(query.value[2:]), "0x" + query.value[2:].lower()]
    return list(dict.fromkeys(variants))


def _addresses(source: DataSource, result: Resolution, queries: Sequence[Query]) -> None:
    if not queries:
        return
    fields = ("uid", "chain", "address", "memo")
    rows: list[Row] = []
    wanted: dict[str, list[Query]] = defaultdict(list)
    for with_memo in (False, True):
        asked: dict[str, list[Query]] = defaultdict(list)
        for query in queries:
            if bool(query.memo.strip()) == with_memo:
                for variant in _address_variants(query):
                    asked[variant].append(query)
                    wanted[variant].append(query)
        memos = sorted({q.memo.strip() for qs in asked.values() for q in qs})
        rows += source.rows_where_in(
            "deposit_addresses",
            "address",
            list(asked),
            fields=fields,
            # with a memo, only that memo's holder (or an address of its own) can be meant
            narrow=("memo", memos) if with_memo else None,
        )
    for row in rows:
        memo = str(row.get("memo") or "")
        for query in wanted.get(str(row["address"]), []):
            where = f"deposit address {row['address']} ({row['chain']})"
            if not memo:
                result.add(query, _exact(row["uid"], where, "deposit_addresses"))
            elif query.memo.strip() == memo:
                result.add(query, _exact(row["uid"], f"{where}, memo {memo}", "deposit_addresses"))
            elif not query.memo:
                # A shared address names no one without its memo: every holder is a candidate.
                result.add(
                    query,
                    Match(
                        uid=str(row["uid"]),
                        score=50.0,
                        exact=False,
                        evidence=f"{where} is shared; this account's memo is {memo}, the "
                        "request gives none",
                        record="deposit_addresses",
                    ),
                )


def _txid_variants(value: str) -> list[str]:
    """The spellings chains and exchanges use: 0x-prefixed lower (EVM), bare lower (BTC, TRX),
    bare upper (XRP); base58 signatures (SOL) only as given."""
    bare = value[2:] if value.lower().startswith("0x") else value
    if not re.fullmatch(r"[0-9a-fA-F]+", bare):
        return [value]
    return list(dict.fromkeys([value, bare, bare.lower(), "0x" + bare.lower(), bare.upper()]))


def _amount(value: object) -> str:
    """An amount as people write it: no trailing zeros, no exponent, whatever the column type."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}"


def _txids(source: DataSource, result: Resolution, queries: Sequence[Query]) -> None:
    if not queries:
        return
    wanted: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        for variant in _txid_variants(query.value):
            wanted[variant].append(query)
    for record, role in (("deposits", "received"), ("withdrawals", "sent")):
        rows = source.rows_where_in(
            record, "txid", list(wanted), fields=("uid", "txid", "chain", "asset", "amount")
        )
        for row in rows:
            evidence = (
                f"{role} {_amount(row['amount'])} {row['asset']} in transaction {row['txid']} "
                f"({row['chain']})"
            )
            for query in wanted.get(str(row["txid"]), []):
                result.add(query, _exact(row["uid"], evidence, record))


def _simple(
    source: DataSource,
    result: Resolution,
    queries: Sequence[Query],
    record: str,
    field_name: str,
    label: str,
) -> None:
    if not queries or not source.has(record, field_name):
        return
    wanted = {query.value: query for query in queries}
    rows = source.rows_where_in(record, field_name, list(wanted), fields=("uid", field_name))
    for row in rows:
        query = wanted.get(str(row[field_name]))
        if query is not None:
            result.add(query, _exact(row["uid"], f"{label} {row[field_name]}", record))


def _names(source: DataSource, result: Resolution, queries: Sequence[Query]) -> None:
    """Scores every KYC name against every queried name in one pass over the table: what
    triage does before lers's name index is built (``name_index``). Every name of a case is
    scored in the same pass, so a case costs one scan, whatever it names.
    """
    if not queries or not source.has("kyc"):
        return
    forms: list[tuple[Query, NameForm]] = [(q, name_form(q.value)) for q in queries]
    has_local = source.has("kyc", "full_name_local")
    fields = ("uid", "full_name", "full_name_local") if has_local else ("uid", "full_name")
    best: dict[Query, list[tuple[float, Row]]] = defaultdict(list)
    # Names repeat (thousands of accounts share one): each distinct name is scored once.
    scored_names: dict[tuple[str, str], list[tuple[Query, float]]] = {}
    for chunk in source.scan("kyc", fields):
        for row in chunk:
            names = (str(row["full_name"] or ""), str(row.get("full_name_local") or ""))
            hits = scored_names.get(names)
            if hits is None:
                hits = [(query, name_score(form, *names)) for query, form in forms]
                hits = [(query, score) for query, score in hits if score >= NAME_THRESHOLD]
                scored_names[names] = hits
            for query, score in hits:
                best[query].append((score, row))
    for query, scored in best.items():
        _add_names(result, query, scored, {})


def _add_names(
    result: Resolution,
    query: Query,
    scored: list[tuple[float, Row]],
    shared: dict[str, int],
) -> None:
    # Best first; among equally alike, one account of each name before a second of any (the
    # reviewer sees James, Jack and Jessica Smith for "J. Smith", not three James Smiths),
    # the commoner name first (shared: accounts per name, from the index).
    scored.sort(key=lambda item: (-item[0], str(item[1]["uid"])))
    seen: dict[tuple[str, str], int] = defaultdict(int)
    ranked = []
    for score, row in scored:
        name = (str(row["full_name"] or ""), str(row.get("full_name_local") or ""))
        ranked.append(
            (-score, seen[name], -shared.get(str(row["uid"]), 1), str(row["uid"]), score, row)
        )
        seen[name] += 1
    ranked.sort(key=lambda item: item[:4])
    scored = [(item[4], item[5]) for item in ranked]
    for score, row in scored[:NAME_CANDIDATES]:
        shown = row["full_name"]
        if row.get("full_name_local"):
            shown = f"{shown} ({row['full_name_local']})"
        evidence = f"KYC name {shown}, {score:.0f}% alike"
        others = shared.get(str(row["uid"]), 1)
        if others > 1:
            evidence += f"; {others} accounts have this name"
        result.add(
            query,
            Match(
                uid=str(row["uid"]),
                score=round(score, 1),
                exact=False,  # a name is never proof on its own: a person confirms
                evidence=evidence,
                record="kyc",
            ),
        )


def _names_indexed(
    source: DataSource, result: Resolution, queries: Sequence[Query], finder: NameFinder
) -> None:
    """Candidates from the index, scored again on the exchange's live KYC names (a name
    changed since the index's last refresh is judged as it is now)."""
    if not queries or not source.has("kyc"):
        return
    wanted: dict[Query, tuple[NameForm, list[tuple[str, int]]]] = {}
    for query in queries:
        form = name_form(query.value)
        wanted[query] = (form, finder.candidates(form, limit=NAME_CANDIDATES * 3))
    uids = sorted({uid for _form, found in wanted.values() for uid, _n in found})
    has_local = source.has("kyc", "full_name_local")
    fields = ("uid", "full_name", "full_name_local") if has_local else ("uid", "full_name")
    live = {str(row["uid"]): row for row in source.rows_where_in("kyc", "uid", uids, fields=fields)}
    for query, (form, found) in wanted.items():
        scored: list[tuple[float, Row]] = []
        for uid, _shared in found:
            row = live.get(uid)
            if row is None:
                continue  # the account is gone since the index was refreshed
            score = name_score(
                form, str(row["full_name"] or ""), str(row.get("full_name_local") or "")
            )
            if score >= NAME_THRESHOLD:
                scored.append((score, row))
        _add_names(result, query, scored, dict(found))

"""The government-domain registry: is an officer's email domain a government one (X-05)?

Pure logic over a list of entries (the shipped file plus administrators' changes, see
``lers.agencies.services``). An address is never refused for being outside the registry: it
is flagged for manual review; one that imitates a registry domain is flagged as a look-alike,
the signature of forged "emergency" requests from lookalike mailboxes.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from publicsuffixlist import PublicSuffixList

SHIPPED = Path(__file__).resolve().parent / "data" / "government_domains.toml"
Kind = Literal["suffix", "domain"]
Status = Literal["registry", "lookalike", "outside", "invalid"]

# Characters people and attackers confuse with the ASCII letter they stand for.
_CONFUSABLES = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "3": "e",
        "5": "s",
        "7": "t",
        "8": "b",
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",  # Cyrillic
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ɡ": "g",
        "ν": "v",
        "ο": "o",  # Cyrillic/Greek
        "ı": "i",
        "ł": "l",
    }
)


def domain_covers(domain: str, parent: str) -> bool:
    """``domain`` is ``parent`` or one of its subdomains (mail.met.police.uk under police.uk)."""
    return bool(parent) and (domain == parent or domain.endswith("." + parent))


@dataclass(frozen=True)
class DomainEntry:
    value: str
    kind: Kind
    country: str
    note: str = ""

    def covers(self, domain: str) -> bool:
        return domain_covers(domain, self.value)


@dataclass(frozen=True)
class DomainCheck:
    domain: str
    status: Status
    entry: DomainEntry | None
    reason: str

    @property
    def needs_review(self) -> bool:
        return self.status != "registry"


@functools.lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the snapshot bundled with the package: no network


def load_shipped(path: Path = SHIPPED) -> list[DomainEntry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: list[DomainEntry] = []
    for kind in ("suffix", "domain"):
        for row in data.get(kind, []):
            entries.append(
                DomainEntry(
                    value=normalise_domain(row["value"]),
                    kind=kind,
                    country=row["country"],
                    note=row.get("note", ""),
                )
            )
    return entries


def normalise_domain(value: str) -> str:
    """The domain of an email address or a bare domain, lower-case, in ASCII (IDNA) form."""
    domain = value.strip().rpartition("@")[2].strip().rstrip(".").lower()
    if not domain or " " in domain or ".." in domain:
        raise ValueError(f"not a domain: {value!r}")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"not a valid internationalised domain: {value!r}") from exc


def _unicode(domain: str) -> str:
    try:
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def _skeleton(domain: str) -> str:
    text = unicodedata.normalize("NFKC", _unicode(domain)).lower()
    return text.translate(_CONFUSABLES).replace("rn", "m").replace("vv", "w")


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class DomainRegistry:
    def __init__(self, entries: Iterable[DomainEntry]) -> None:
        # Longest first: the most specific entry names the match.
        self.entries = sorted(entries, key=lambda e: len(e.value), reverse=True)

    def match(self, domain: str) -> DomainEntry | None:
        return next((e for e in self.entries if e.covers(domain)), None)

    def check(self, email_or_domain: str) -> DomainCheck:
        try:
            domain = normalise_domain(email_or_domain)
        except ValueError as exc:
            return DomainCheck(email_or_domain, "invalid", None, str(exc))
        entry = self.match(domain)
        if entry is not None:
            return DomainCheck(domain, "registry", entry, f"under {entry.value} ({entry.note})")
        imitated = self._imitated(domain)
        if imitated is not None:
            entry, how = imitated
            return DomainCheck(domain, "lookalike", entry, f"looks like {entry.value}: {how}")
        return DomainCheck(
            domain, "outside", None, "not a government domain in the registry: review by hand"
        )

    def _imitated(self, domain: str) -> tuple[DomainEntry, str] | None:
        dotted = f".{domain}."
        skeleton = _skeleton(domain)
        labels = domain.split(".")
        for entry in self.entries:
            if f".{entry.value}." in dotted:
                return entry, f"contains {entry.value} but belongs to another domain"
            hyphenated = entry.value.replace(".", "-")
            if "." in entry.value and hyphenated in domain:
                return entry, f"{hyphenated} written with hyphens instead of dots"
            if "." not in entry.value and any(
                label.endswith("-" + entry.value) for label in labels[:-1]
            ):
                return entry, f"-{entry.value} in a label instead of the .{entry.value} domain"
            if entry.covers(skeleton) or f".{entry.value}." in f".{skeleton}.":
                return entry, "uses look-alike characters"
            size = entry.value.count(".") + 1
            tail = ".".join(labels[-size:]) if len(labels) >= size else ""
            if len(entry.value) >= 6 and tail and not _psl().is_public(tail):
                limit = 2 if len(entry.value) >= 12 else 1
                if 0 < _distance(tail, entry.value, limit) <= limit:
                    return entry, f"{tail} is one typo away"
        return None


def shipped_registry() -> DomainRegistry:
    return DomainRegistry(load_shipped())

"""lers's own index of the exchange's KYC names: built and refreshed from the exchange
(read-only), searched by trigram on PostgreSQL (pg_trgm) and SQLite (FTS5).

Thousands of accounts share a name ("Wang Wei", "James Smith"), so the index keeps each
distinct name once (``IndexedName``, under its key: folded words in alphabetical order, pinyin
for Chinese) and the accounts under it (``NameHolder``). A search scores the few hundred keys
most like the query, not a million rows; the resolver then reads the candidates' live names
from the exchange, so a name changed since the last refresh is never shown as it was.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from rapidfuzz import fuzz, process

from lers.exchange.models import IndexedName, NameHolder, NameIndexRun
from lers.exchange.names import NameForm, latin_score, name_keys
from lers.exchange.source import DataSource

Progress = Callable[[int, int], None]  # (accounts read, accounts in all)
CHUNK = 5_000
# Keys the trigram search hands to the scorer, and the least a key must score there to be
# read further (the final score, on the exchange's live names, decides what is shown).
SIMILAR_KEYS = 1_000
PRESCORED = 100
KEY_THRESHOLD = 70.0


def source_digest(url: str, mapping_path: str) -> str:
    """Which exchange an index was built from (its URL and mapping, hashed: no password kept)."""
    return hashlib.sha256(f"{url}\n{mapping_path}".encode()).hexdigest()[:32]


def _kyc_fields(source: DataSource) -> tuple[str, ...]:
    local = source.has("kyc", "full_name_local")
    return ("uid", "full_name", "full_name_local") if local else ("uid", "full_name")


def names_refresh(
    source: DataSource, *, digest: str, progress: Progress | None = None, chunk: int = CHUNK
) -> NameIndexRun:
    """Bring the index in line with the exchange's KYC names: new accounts added, renamed
    ones re-keyed, closed ones removed. Reads the exchange once, in chunks; each chunk is
    written in its own transaction, so a search during a refresh sees a consistent index.
    An index of another exchange (``digest`` differs) is emptied first."""
    started = time.perf_counter()
    run = NameIndexRun.objects.create(source=digest, started_at=timezone.now())
    previous = NameIndexRun.objects.filter(finished_at__isnull=False).exclude(pk=run.pk).first()
    if previous is not None and previous.source != digest:
        _empty()
    total = source.count("kyc") if source.has("kyc") else 0
    seen: set[str] = set()
    added = changed = 0
    if source.has("kyc"):
        for rows in source.scan("kyc", _kyc_fields(source), chunk_rows=chunk):
            wanted: dict[str, tuple[str, str]] = {}
            for row in rows:
                uid = str(row["uid"])
                wanted[uid] = (str(row["full_name"] or ""), str(row.get("full_name_local") or ""))
            new, renamed = _write_chunk(wanted)
            added, changed = added + new, changed + renamed
            seen.update(wanted)
            if progress is not None:
                progress(len(seen), total)
    removed = _remove_unseen(seen)
    IndexedName.objects.filter(holders__isnull=True).delete()
    if added or changed or removed:
        _count_holders()
    run.finished_at = timezone.now()
    run.accounts = len(seen)
    run.names = IndexedName.objects.count()
    run.added, run.changed, run.removed = added, changed, removed
    run.seconds = time.perf_counter() - started
    run.save()
    return run


def _empty() -> None:
    NameHolder.objects.all().delete()
    IndexedName.objects.all().delete()


def _write_chunk(wanted: dict[str, tuple[str, str]]) -> tuple[int, int]:
    """Write one chunk of (uid → names); return how many accounts were new and renamed."""
    have: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    rows = NameHolder.objects.filter(uid__in=list(wanted)).values_list(
        "pk", "uid", "name__key", "full_name", "full_name_local"
    )
    for pk, uid, key, full_name, local in rows:
        have[uid].append((pk, key, full_name, local))
    stale: list[int] = []
    fresh: list[tuple[str, str, str, str]] = []  # uid, key, full name, local name
    added = changed = 0
    for uid, (full_name, local) in wanted.items():
        held = have.get(uid, [])
        if held and all(h[2] == full_name and h[3] == local for h in held):
            continue
        if held:
            changed += 1
            stale.extend(h[0] for h in held)
        else:
            added += 1
        fresh.extend((uid, key, full_name, local) for key in name_keys(full_name, local))
    if not stale and not fresh:
        return 0, 0
    with transaction.atomic():
        ids = _key_ids({f[1] for f in fresh})
        if stale:
            NameHolder.objects.filter(pk__in=stale).delete()
        NameHolder.objects.bulk_create(
            [
                NameHolder(
                    uid=uid, name_id=ids[key], full_name=full[:400], full_name_local=loc[:400]
                )
                for uid, key, full, loc in fresh
            ],
            batch_size=2_000,
        )
    return added, changed


def _count_holders() -> None:
    """Each name's number of accounts (a search shows it, and prefers the commoner of two
    equally alike names: "J. Smith" is likelier James than Jethro)."""
    holders = (
        NameHolder.objects.filter(name=OuterRef("pk"))
        .order_by()
        .values("name")
        .annotate(n=Count("uid"))
        .values("n")
    )
    IndexedName.objects.update(accounts=Coalesce(Subquery(holders), 0))


def _key_ids(keys: set[str]) -> dict[str, int]:
    keys = {key[:400] for key in keys}
    ids = dict(IndexedName.objects.filter(key__in=keys).values_list("key", "pk"))
    missing = keys - ids.keys()
    if missing:
        IndexedName.objects.bulk_create(
            [IndexedName(key=key) for key in sorted(missing)], ignore_conflicts=True
        )
        ids.update(IndexedName.objects.filter(key__in=missing).values_list("key", "pk"))
    return ids


def _remove_unseen(seen: set[str]) -> int:
    """Delete the accounts the exchange no longer has; return how many."""
    gone = [
        uid
        for uid in NameHolder.objects.values_list("uid", flat=True).distinct().iterator(10_000)
        if uid not in seen
    ]
    for start in range(0, len(gone), CHUNK):
        NameHolder.objects.filter(uid__in=gone[start : start + CHUNK]).delete()
    return len(gone)


def index_ready(digest: str) -> NameIndexRun | None:
    """The last finished refresh, when it was of this exchange (else the index cannot serve)."""
    run = NameIndexRun.objects.filter(finished_at__isnull=False).first()
    return run if run is not None and run.source == digest else None


def _similar_keys(key: str, limit: int) -> list[tuple[int, str, int]]:
    """The indexed names most like ``key`` by shared trigrams, best first: (id, key,
    accounts)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The nearest keys by trigram distance, straight from the GiST index.
            cursor.execute(
                "SELECT id, key, accounts FROM exchange_indexedname ORDER BY key <-> %s LIMIT %s",
                [key, min(limit, 300)],
            )
        elif connection.vendor == "sqlite" and len(key) >= 3:
            trigrams = dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2))
            match = " OR ".join('"' + t.replace('"', '""') + '"' for t in trigrams)
            cursor.execute(
                "SELECT n.id, n.key, n.accounts FROM exchange_indexedname n JOIN ("
                "SELECT rowid, rank FROM exchange_indexedname_fts WHERE "
                "exchange_indexedname_fts MATCH %s ORDER BY rank LIMIT %s) f ON f.rowid = n.id "
                "ORDER BY f.rank",
                [match, limit],
            )
        else:  # too short for trigrams (or another database): the key itself
            cursor.execute(
                "SELECT id, key, accounts FROM exchange_indexedname "
                "WHERE key = %s OR key LIKE %s LIMIT %s",
                [key, f"{key} %", limit],
            )
        return [(int(i), str(k), int(n)) for i, k, n in cursor.fetchall()]


class NameIndex:
    """The resolver's name finder over lers's index (``lers.exchange.resolution``)."""

    def candidates(self, form: NameForm, *, limit: int) -> list[tuple[str, int]]:
        """Accounts whose indexed name is like ``form``: (uid, how many accounts share that
        name), the likeliest names first (the commoner of two equally alike), at most
        ``limit`` accounts."""
        if not form.key:
            return []
        similar = _similar_keys(form.key, SIMILAR_KEYS)
        # A first cut in C (rapidfuzz), then lers's own score on the few left.
        keys = [key for _id, key, _n in similar]
        first = process.extract(
            form.key, keys, scorer=fuzz.token_sort_ratio, limit=PRESCORED, score_cutoff=40
        )
        scored = sorted(
            (
                (latin_score(form.words, tuple(similar[i][1].split())), similar[i])
                for _key, _score, i in first
            ),
            key=lambda item: (-item[0], -item[1][2], item[1][1]),
        )
        found: list[tuple[str, int]] = []
        # A few accounts of each name, so that the names as alike as the best one are all
        # seen (the evidence says how many more share a name).
        each = max(limit // 5, 1)
        for score, (name_id, _key, accounts) in scored:
            if score < KEY_THRESHOLD or len(found) >= limit:
                break
            holders = NameHolder.objects.filter(name_id=name_id).order_by("uid")
            for uid in holders.values_list("uid", flat=True)[: min(each, limit - len(found))]:
                found.append((uid, accounts))
        return list(dict(found).items())

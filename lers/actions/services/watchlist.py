"""The watchlist (X-12, JU-11): on-chain addresses of a case, watched in the exchange's deposits.

On-chain assets cannot be frozen; instead staff tag the case's addresses, and every screening
of deposits (``lers watchlist screen``) raises an alert on the case for each deposit that came
from or went to one, once per deposit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.actions.models import AddressTag, WatchlistAlert
from lers.audit.services import audit_record
from lers.cases.lifecycle import TERMINAL
from lers.cases.models import Case
from lers.cases.notifications import staff_holding
from lers.cases.services.access import lock_case, require_case_worker
from lers.core.errors import DomainError
from lers.core.mail import mail_enqueue
from lers.exchange.active import active_source
from lers.exchange.watchlist import screen, watch_key


def address_tag(*, case: Case, address: str, chain: str, by: User, reason: str) -> AddressTag:
    address = address.strip()
    if not address:
        raise DomainError(_("give the address to watch"))
    if not reason.strip():
        raise DomainError(_("say why the address is watched"))
    with transaction.atomic():
        case = lock_case(case)
        require_case_worker(case, by)
        if case.state in TERMINAL:
            raise DomainError(_("the case is closed"))
        key = watch_key(address)
        tag, created = AddressTag.objects.get_or_create(
            case=case,
            match_key=key,
            defaults={
                "address": address,
                "chain": chain,
                "reason": reason.strip(),
                "tagged_by": by,
            },
        )
        if not created and not tag.active:
            tag.active = True
            tag.untagged_at = None
            tag.save(update_fields=["active", "untagged_at"])
            created = True
        if created:
            audit_record(
                actor=by,
                action="watchlist.tagged",
                obj=tag,
                case_ref=case.reference,
                payload={"address": address, "chain": chain, "reason": reason.strip()},
            )
    return tag


def address_untag(*, tag: AddressTag, by: User) -> AddressTag:
    with transaction.atomic():
        case = lock_case(tag.case)
        require_case_worker(case, by)
        tag = AddressTag.objects.select_for_update().get(pk=tag.pk)
        if tag.active:
            tag.active = False
            tag.untagged_at = timezone.now()
            tag.save(update_fields=["active", "untagged_at"])
            audit_record(
                actor=by,
                action="watchlist.untagged",
                obj=tag,
                case_ref=case.reference,
                payload={"address": tag.address},
            )
    return tag


# What screening reads of a deposit (those the exchange's mapping has).
DEPOSIT_FIELDS = ("uid", "chain", "asset", "amount", "txid", "from_address", "to_address", "time")


def exchange_deposits(*, since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """The exchange's deposits (confirmed at or after ``since``), streamed from its records."""
    source = active_source()
    fields = [f for f in DEPOSIT_FIELDS if source.has("deposits", f)]
    for chunk in source.scan("deposits", fields, since=since):
        yield from chunk


def watchlist() -> dict[str, list[int]]:
    """Active tags by canonical address: tag ids (one address may be on several cases)."""
    watched: dict[str, list[int]] = defaultdict(list)
    for tag_id, key in AddressTag.objects.filter(active=True).values_list("pk", "match_key"):
        watched[key].append(tag_id)
    return dict(watched)


@dataclass
class ScreeningResult:
    screened: int = 0
    hits: int = 0
    new_alerts: int = 0
    without_txid: int = 0  # hits that name no transaction: reported, never merged into one


def watchlist_screen(
    deposits: Iterable[Mapping[str, Any]], *, watched: Mapping[str, list[int]] | None = None
) -> ScreeningResult:
    """Screen deposits; every hit becomes an alert on the tag's case (raised once)."""
    watched = watchlist() if watched is None else watched
    result = ScreeningResult()

    def counted() -> Iterable[Mapping[str, Any]]:
        for deposit in deposits:
            result.screened += 1
            yield deposit

    for hit in screen(counted(), watched):
        result.hits += 1
        if not str(hit.deposit.get("txid") or "").strip():
            result.without_txid += 1
            continue
        result.new_alerts += _raise(hit.watched, hit.deposit, hit.side)
    return result


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _raise(tag_id: int, deposit: Mapping[str, Any], side: str) -> int:
    tag = AddressTag.objects.select_related("case").get(pk=tag_id)
    txid = str(deposit.get("txid") or "")
    try:
        with transaction.atomic():
            alert = WatchlistAlert.objects.create(
                tag=tag,
                case=tag.case,
                txid=txid,
                uid=str(deposit.get("uid") or ""),
                chain=str(deposit.get("chain") or ""),
                asset=str(deposit.get("asset") or ""),
                amount=str(deposit.get("amount") or ""),
                side=side,
                seen_at=_moment(deposit.get("time")),
            )
            audit_record(
                actor=None,
                action="watchlist.alert",
                obj=alert,
                case_ref=tag.case.reference,
                payload={
                    "address": tag.address,
                    "txid": txid,
                    "uid": alert.uid,
                    "side": side,
                    "amount": f"{alert.amount} {alert.asset}",
                },
            )
            mail_enqueue(
                to=staff_holding(tag.case),
                template="watchlist_alert",
                context={"case": tag.case, "alert": alert, "tag": tag},
            )
    except IntegrityError:
        return 0  # raised by an earlier screening of the same deposit
    return 1

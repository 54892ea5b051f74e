"""Tagged addresses form a watchlist; screening deposits raises an alert on the case for every
hit, once (X-12, JU-11)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from lers.actions.models import WatchlistAlert
from lers.actions.services.watchlist import address_tag, address_untag, watchlist_screen
from lers.audit.models import AuditEvent
from lers.exchange.watchlist import screen, watch_key
from tests.exchange.small import ETH, TRON, TX_IN

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-12", "JU-11")]


def test_evm_addresses_are_watched_whatever_their_letter_case():
    assert watch_key(ETH) == watch_key(ETH.lower()) == ETH.lower()
    assert watch_key(TRON) == TRON  # base58: case matters
    hits = list(
        screen([{"txid": "t", "from_address": ETH.upper().replace("0X", "0x")}], {ETH.lower(): [1]})
    )
    assert [(h.side, h.watched) for h in hits] == [("from", 1)]


def test_a_deposit_from_a_tagged_address_raises_one_alert(subject_case, analyst):
    tag = address_tag(
        case=subject_case, address=TRON, chain="TRX", by=analyst, reason="Scam wallet"
    )
    deposit = {
        "txid": TX_IN,
        "uid": "10000002",
        "chain": "TRX",
        "asset": "USDT",
        "amount": "1250.5",
        "from_address": TRON,
        "to_address": "TXYZ",
        "time": "2026-03-01T09:00:00",
    }
    first = watchlist_screen([deposit])
    again = watchlist_screen([deposit])
    assert (first.screened, first.hits, first.new_alerts) == (1, 1, 1)
    assert (again.hits, again.new_alerts) == (1, 0)
    alert = WatchlistAlert.objects.get()
    assert (alert.case, alert.tag, alert.side, alert.uid) == (subject_case, tag, "from", "10000002")
    assert (
        AuditEvent.objects.filter(action="watchlist.alert", case_ref=subject_case.reference).count()
        == 1
    )
    address_untag(tag=tag, by=analyst)
    assert watchlist_screen([{**deposit, "txid": "other"}]).hits == 0


def test_the_command_screens_the_exchange_deposits(subject_case, analyst, small_exchange, capsys):
    address_tag(case=subject_case, address=TRON, chain="TRX", by=analyst, reason="Scam wallet")
    call_command("watchlist", "screen")
    # the small exchange's deposit came from and went to the same address: both ends match
    alerts = WatchlistAlert.objects.order_by("side")
    assert [(a.txid, a.side) for a in alerts] == [(TX_IN, "from"), (TX_IN, "to")]
    assert alerts[0].amount.startswith("1250.5")
    call_command("watchlist", "screen")
    call_command("watchlist", "screen", "--since", "2027-01-01")
    assert "Screened 0 deposits" in capsys.readouterr().out.splitlines()[-1]
    assert WatchlistAlert.objects.count() == 2


def test_the_command_screens_a_csv_and_names_a_bad_one(subject_case, analyst, tmp_path, capsys):
    address_tag(case=subject_case, address=ETH, chain="ETH", by=analyst, reason="Mixer")
    good = tmp_path / "deposits.csv"
    good.write_text(f"txid,from_address,amount,asset\nT1,{ETH.lower()},5,ETH\nT2,0xabc,1,ETH\n")
    call_command("watchlist", "screen", "--csv", str(good))
    assert "Screened 2 deposits" in capsys.readouterr().out
    assert WatchlistAlert.objects.get().txid == "T1"
    bad = tmp_path / "bad.csv"
    bad.write_text("hash,sender\nT1,x\n")
    with pytest.raises(CommandError, match="must name txid"):
        call_command("watchlist", "screen", "--csv", str(bad))
    with pytest.raises(CommandError, match="not an ISO date"):
        call_command("watchlist", "screen", "--since", "yesterday")

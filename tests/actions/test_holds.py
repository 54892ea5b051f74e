"""Preservation holds: an evidence copy with a SHA-256 manifest, a legal hold at the exchange,
the policy's term, extension, warning, and on expiry release and deletion exactly once, unless
converted (JU-13, BN-05)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
import sqlalchemy as sa
from django.core.files.storage import default_storage

from lers.actions.models import Delivery, PreservationHold
from lers.actions.services.holds import (
    hold_convert,
    hold_delete_copy,
    hold_extend,
    hold_preserve,
    holds_sweep,
)
from lers.audit.models import AuditEvent
from lers.core.errors import DomainError
from lers.demo.exchange.actions import legal_holds

from .conftest import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-13", "BN-05")]
T0 = dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def at(clock, days: float) -> None:
    clock.move_to(T0 + dt.timedelta(days=days), tick=False)


@pytest.fixture
def asked_nothing(subject_case):
    """The request names no duration: the hold lasts the profile's default (90 days)."""
    from lers.cases.models import Case

    Case.objects.filter(pk=subject_case.pk).update(duration_days=None)
    subject_case.refresh_from_db()
    return subject_case


@pytest.fixture
def staff_may_extend(settings, tmp_path):
    """The binance profile with ``preservation.extension = "where_law_allows"``: staff may
    extend a hold on their own (binance itself needs the agency's extension request)."""
    from lers.policy.loader import PROFILES_DIR

    text = (PROFILES_DIR / "binance.toml").read_text(encoding="utf-8")
    old = 'extension = "new_request"'
    assert text.count(old) == 1
    custom = tmp_path / "binance-staff-extend.toml"
    custom.write_text(text.replace(old, 'extension = "where_law_allows"'), encoding="utf-8")
    settings.LERS_POLICY = str(custom)


def holds_at_exchange(url: str) -> list[dict]:
    with sa.create_engine(url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(legal_holds))]


def test_preserving_copies_the_categories_with_a_manifest_and_holds_at_the_exchange(
    asked_nothing, subject_case, analyst, small_exchange, clock
):
    hold = hold_preserve(
        case=subject_case, by=analyst, categories=["account", "deposit_addresses", "logins"]
    )
    assert hold.expires_at == T0 + dt.timedelta(days=90)
    files = {f["category"]: f for f in hold.manifest["files"]}
    assert set(files) == {"account", "deposit_addresses", "logins"}
    for entry in files.values():
        with default_storage.open(entry["path"]) as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        assert len(rows) == entry["rows"]
        assert {row["uid"] for row in rows} <= {"10000001"}  # the confirmed account only
        # records without a time are all kept; logins depend on the case's timeframe
        assert rows or entry["category"] == "logins"
    account = list(
        csv.DictReader(io.StringIO(default_storage.open(files["account"]["path"]).read().decode()))
    )
    assert account[0]["email"] == "Chloe.Martin@Example.org"
    with default_storage.open(hold.manifest["manifest_path"]) as handle:
        body = handle.read()
    assert hashlib.sha256(body).hexdigest() == hold.manifest_sha256
    assert json.loads(body)["uids"] == ["10000001"]
    run_jobs()
    (placed,) = holds_at_exchange(small_exchange)
    assert (placed["uid"], placed["categories"]) == ("10000001", "account,deposit_addresses,logins")
    assert placed["until"] == dt.date(2026, 5, 3)
    audit = AuditEvent.objects.get(action="preservation.placed")
    assert audit.payload["manifest_sha256"] == hold.manifest_sha256


@pytest.mark.req("JU-09")
def test_nothing_is_preserved_before_the_scope_is_approved_or_beyond_it(
    small_exchange, make_case, analyst, reviewer, subject_case, clock
):
    from lers.cases.lifecycle import State
    from lers.cases.models import ApprovedScope

    case = make_case(State.TRIAGE)
    with pytest.raises(DomainError, match="approve the request's scope first"):
        hold_preserve(case=case, by=analyst)
    ApprovedScope.objects.filter(case=subject_case).update(categories=["kyc"])
    with pytest.raises(DomainError, match="not in the approved scope: logins"):
        hold_preserve(case=subject_case, by=analyst, categories=["kyc", "logins"])
    ApprovedScope.objects.filter(case=subject_case).update(actions=["information"])
    with pytest.raises(DomainError, match="does not include this action"):
        hold_preserve(case=subject_case, by=analyst, categories=["kyc"])
    assert not PreservationHold.objects.exists()


def test_expiry_warns_releases_and_deletes_the_copy_exactly_once(
    asked_nothing, subject_case, analyst, small_exchange, clock
):
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    run_jobs()
    paths = [f["path"] for f in hold.manifest["files"]] + [hold.manifest["manifest_path"]]
    at(clock, 75)
    assert holds_sweep() == {"warned": 0, "expired": 0}
    at(clock, 77)  # 14 days before the end
    assert holds_sweep() == {"warned": 1, "expired": 0}
    assert holds_sweep() == {"warned": 0, "expired": 0}
    at(clock, 90.01)
    assert holds_sweep() == {"warned": 0, "expired": 1}
    assert holds_sweep() == {"warned": 0, "expired": 0}  # a restarted sweep does nothing more
    run_jobs()
    hold.refresh_from_db()
    assert hold.state == PreservationHold.State.EXPIRED and hold.copy_deleted_at is not None
    assert not any(default_storage.exists(p) for p in paths)
    assert hold_delete_copy(hold.pk) is False  # the job again: nothing to do
    (released,) = holds_at_exchange(small_exchange)
    assert released["released_at"] is not None
    assert AuditEvent.objects.filter(action="preservation.copy_deleted").count() == 1
    assert Delivery.objects.filter(kind="release_hold", status="delivered").count() == 1


def test_an_extension_moves_the_end_and_a_conversion_keeps_the_copy(
    asked_nothing, staff_may_extend, subject_case, analyst, small_exchange, clock
):
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    at(clock, 80)
    hold = hold_extend(hold=hold, by=analyst)
    assert hold.expires_at == T0 + dt.timedelta(days=180)
    assert hold.state == PreservationHold.State.EXTENDED
    at(clock, 91)
    assert holds_sweep()["expired"] == 0
    hold = hold_convert(hold=hold, by=analyst, note="Production order 2026/77")
    at(clock, 200)
    assert holds_sweep() == {"warned": 0, "expired": 0}
    run_jobs()
    assert hold_delete_copy(hold.pk) is False
    assert all(default_storage.exists(f["path"]) for f in hold.manifest["files"])


def test_only_what_falls_in_the_approved_period_is_copied(
    subject_case, analyst, small_exchange, clock
):
    from lers.cases.models import ApprovedScope

    # the account logged in on 2026-03-01; accounts themselves have no time and are kept
    cases = [((2026, 2, 1), (2026, 3, 31), 1), ((2026, 4, 1), (2026, 12, 31), 0)]
    for start, end, logins in cases:
        # the approved period, not the request's timeframe, bounds the copy (JU-09)
        ApprovedScope.objects.filter(case=subject_case).update(
            period_start=dt.datetime(*start, tzinfo=dt.UTC),
            period_end=dt.datetime(*end, tzinfo=dt.UTC),
        )
        hold = hold_preserve(case=subject_case, by=analyst, categories=["logins", "account"])
        rows = {f["category"]: f["rows"] for f in hold.manifest["files"]}
        assert rows == {"logins": logins, "account": 1}
        hold_convert(hold=hold, by=analyst, note="next timeframe")


def test_a_hold_the_exchange_confirms_only_after_expiry_is_released_at_once(
    subject_case, analyst, small_exchange, clock, monkeypatch
):
    from lers.actions.services import deliveries
    from lers.exchange.actions import ActionError

    class Down:
        name = "down"

        def perform(self, action):
            raise ActionError("back office down", retryable=True)

    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    monkeypatch.setattr(deliveries, "active_adapter", lambda: Down())
    run_jobs()  # the hold is not placed yet: it will be retried
    at(clock, 90.01)
    assert holds_sweep()["expired"] == 1
    monkeypatch.undo()
    at(clock, 91)
    run_jobs()  # the retry places it, and the release follows
    hold.refresh_from_db()
    assert hold.state == PreservationHold.State.EXPIRED
    (placed,) = holds_at_exchange(small_exchange)
    assert placed["released_at"] is not None


@pytest.mark.req("JU-13", "BN-05")
def test_an_extension_moves_the_end_at_the_exchange_and_expiry_releases_once(
    asked_nothing, staff_may_extend, subject_case, analyst, small_exchange, clock
):
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    run_jobs()
    (placed,) = holds_at_exchange(small_exchange)
    assert placed["until"] == (T0 + dt.timedelta(days=90)).date()
    at(clock, 80)
    hold = hold_extend(hold=hold, by=analyst)
    run_jobs()
    (moved,) = holds_at_exchange(small_exchange)  # the same hold, a later end
    assert moved["id"] == placed["id"]
    assert moved["until"] == (T0 + dt.timedelta(days=180)).date()
    at(clock, 180.01)
    assert holds_sweep()["expired"] == 1
    run_jobs()
    (released,) = holds_at_exchange(small_exchange)
    assert released["released_at"] is not None
    failed = Delivery.objects.filter(owner="hold", status=Delivery.Status.FAILED)
    assert not failed.exists()  # one release per hold, not one per extension too

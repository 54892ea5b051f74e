"""The exchange's back office reports what became of an action with a signed callback
(X-11): it settles an action still waiting, or one whose answer was lost; a forged, stale,
unsigned or misdirected callback changes nothing; a late word on an earlier action of a
freeze does not move it back; a report that contradicts the record is a conflict the staff
hear of."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail
from django.test import Client

from lers.actions.models import Delivery, Freeze
from lers.actions.services.deliveries import MAX_ATTEMPTS
from lers.actions.services.freezes import freeze_release
from lers.audit.models import AuditEvent
from lers.exchange.actions import sign
from tests.actions.fixtures import later
from tests.conftest import run_jobs
from tests.exchange.backoffice import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11", "JU-11")]


def callback(key: str, body: dict, *, secret: str = SECRET, skew: int = 0, path_key: str = ""):
    raw = json.dumps({"key": key, **body}).encode()
    stamp = str(int(time.time()) + skew)
    return Client().post(
        f"/api/v1/exchange/actions/{path_key or key}",
        data=raw,
        content_type="application/json",
        headers={"X-Lers-Timestamp": stamp, "X-Lers-Signature": sign(secret, stamp, raw)},
    )


def never_answered(office, time_machine) -> Delivery:
    office.fail_next = 100
    for hour in range(MAX_ATTEMPTS):
        later(time_machine, hours=hour)
        run_jobs()
    delivery = Delivery.objects.order_by("-pk").first()
    assert delivery.status == Delivery.Status.UNCONFIRMED
    return delivery


def test_a_lost_answer_is_settled_by_the_exchanges_callback(office, approved, time_machine):
    delivery = never_answered(office, time_machine)
    response = callback(delivery.key, {"status": "done", "reference": "BO-77"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "key": delivery.key,
        "kind": "restrict",
        "status": "delivered",
        "reference": "BO-77",
    }
    approved.refresh_from_db()
    assert approved.state == Freeze.State.ACTIVE and approved.exchange_reference == "BO-77"
    run_jobs()  # the officers hear of the freeze
    # The same report again changes nothing and tells nobody.
    mail.outbox.clear()
    again = callback(delivery.key, {"status": "done", "reference": "BO-77"})
    assert again.status_code == 200 and again.json()["status"] == "delivered"
    assert AuditEvent.objects.filter(action="action.delivered").count() == 1
    run_jobs()
    assert mail.outbox == []
    approved.refresh_from_db()
    assert approved.state == Freeze.State.ACTIVE


def test_a_contradicting_report_changes_nothing_and_the_staff_hear_of_it(
    office, approved, time_machine
):
    delivery = never_answered(office, time_machine)
    assert callback(delivery.key, {"status": "done", "reference": "BO-77"}).status_code == 200
    mail.outbox.clear()
    refused = callback(delivery.key, {"status": "refused", "reason": "changed our mind"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "illegal_transition"
    assert AuditEvent.objects.filter(action="action.callback_conflict").count() == 1
    run_jobs()
    assert any("otherwise than lers recorded" in m.subject for m in mail.outbox)
    approved.refresh_from_db()
    assert approved.state == Freeze.State.ACTIVE


def test_a_refusal_reported_later_fails_the_action(office, approved):
    delivery = Delivery.objects.get()  # not sent yet
    response = callback(delivery.key, {"status": "refused", "reason": "account closed"})
    assert response.status_code == 200 and response.json()["status"] == "failed"
    approved.refresh_from_db()
    assert approved.state == Freeze.State.FAILED and "account closed" in approved.note
    done_after = callback(delivery.key, {"status": "done", "reference": "BO-1"})
    assert done_after.status_code == 409  # done after a refusal: a conflict, not a change
    approved.refresh_from_db()
    assert approved.state == Freeze.State.FAILED


def test_a_late_word_on_the_freeze_does_not_undo_its_release(
    office, approved, time_machine, operator
):
    restrict = never_answered(office, time_machine)
    office.fail_next = 0
    freeze_release(freeze=approved, by=operator, reason="staff_decision")
    release = Delivery.objects.exclude(pk=restrict.pk).get()
    # The exchange's word on the first action arrives after the release was sent.
    assert callback(restrict.key, {"status": "done", "reference": "BO-9"}).status_code == 200
    approved.refresh_from_db()
    assert approved.state == Freeze.State.RELEASING  # not frozen again
    assert callback(release.key, {"status": "done", "reference": "BO-10"}).status_code == 200
    approved.refresh_from_db()
    assert approved.state == Freeze.State.RELEASED


def test_forged_stale_misdirected_and_unknown_callbacks_change_nothing(office, approved):
    key = Delivery.objects.get().key
    done = {"status": "done", "reference": "BO-9"}
    forged = callback(key, done, secret="not-the-secret")
    stale = callback(key, done, skew=-3600)
    # A genuine report for one action replayed at another's address.
    misdirected = callback("lers-freeze-other", done, path_key=key)
    for response in (forged, stale, misdirected):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_permitted"
    unsigned = Client().post(
        f"/api/v1/exchange/actions/{key}",
        data={"key": key, **done},
        content_type="application/json",
    )
    assert unsigned.status_code == 403
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    assert callback("no-such-key", done).status_code == 404
    assert callback(key, {"status": "done"}).status_code == 422  # no reference


def test_without_a_shared_secret_no_callback_is_taken(approved, settings):
    settings.LERS_EXCHANGE_WEBHOOK_SECRET = ""
    response = callback(Delivery.objects.get().key, {"status": "done", "reference": "x"})
    assert response.status_code == 403 and "EXCHANGE_WEBHOOK_SECRET" in response.content.decode()

"""The exchange's back office reports what became of an action with a signed callback
(X-11): it settles an action still waiting, or one whose answer was lost; a forged, stale or
unsigned callback changes nothing."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from lers.actions.models import Delivery, Freeze
from lers.actions.services.deliveries import MAX_ATTEMPTS
from lers.audit.models import AuditEvent
from lers.exchange.actions import sign
from tests.actions.fixtures import later
from tests.conftest import run_jobs
from tests.exchange.backoffice import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11", "JU-11")]


def callback(key: str, body: dict, *, secret: str = SECRET, skew: int = 0):
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()) + skew)
    return Client().post(
        f"/api/v1/exchange/actions/{key}",
        data=raw,
        content_type="application/json",
        headers={"X-Lers-Timestamp": stamp, "X-Lers-Signature": sign(secret, stamp, raw)},
    )


def test_a_lost_answer_is_settled_by_the_exchanges_callback(office, approved, time_machine):
    office.fail_next = 100
    for hour in range(MAX_ATTEMPTS):
        later(time_machine, hours=hour)
        run_jobs()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.UNCONFIRMED
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
    # The same callback again changes nothing.
    again = callback(delivery.key, {"status": "refused", "reason": "changed our mind"})
    assert again.status_code == 200 and again.json()["status"] == "delivered"
    assert AuditEvent.objects.filter(action="action.delivered").count() == 1


def test_a_refusal_reported_later_fails_the_action(office, approved, settings):
    settings.LERS_EXCHANGE_WEBHOOK_SECRET = SECRET
    delivery = Delivery.objects.get()  # not sent yet
    response = callback(delivery.key, {"status": "refused", "reason": "account closed"})
    assert response.status_code == 200 and response.json()["status"] == "failed"
    approved.refresh_from_db()
    assert approved.state == Freeze.State.FAILED and "account closed" in approved.note


def test_forged_stale_and_unknown_callbacks_change_nothing(office, approved):
    key = Delivery.objects.get().key
    done = {"status": "done", "reference": "BO-9"}
    forged = callback(key, done, secret="not-the-secret")
    stale = callback(key, done, skew=-3600)
    for response in (forged, stale):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_permitted"
    unsigned = Client().post(
        f"/api/v1/exchange/actions/{key}", data=done, content_type="application/json"
    )
    assert unsigned.status_code == 403
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    unknown = callback("no-such-key", done)
    assert unknown.status_code == 404
    no_reference = callback(key, {"status": "done"})
    assert no_reference.status_code == 422


def test_without_a_shared_secret_no_callback_is_taken(approved, settings):
    settings.LERS_EXCHANGE_WEBHOOK_SECRET = ""
    response = callback(Delivery.objects.get().key, {"status": "done", "reference": "x"})
    assert response.status_code == 403 and "EXCHANGE_WEBHOOK_SECRET" in response.content.decode()

"""The webhook actions adapter against a real HTTP server on localhost (issue 5)."""

from __future__ import annotations

import time

import pytest

from lers.exchange.actions import (
    RESTRICT,
    Action,
    ActionError,
    WebhookAdapter,
    sign,
    verify_signature,
)

from .backoffice import SECRET, start_back_office

# The adapter carries freezes (JU-11, HX-04), legal holds (JU-13) and user notices (JU-16).
pytestmark = pytest.mark.req("JU-11", "HX-04", "JU-13", "JU-16")


@pytest.fixture
def office():
    office, server = start_back_office()
    yield office
    server.shutdown()
    server.server_close()


def freeze(key: str = "lers-freeze-1") -> Action:
    return Action(
        kind=RESTRICT, key=key, uid="10000001", case="LE-1", details={"scope": "withdrawals"}
    )


def test_a_signed_action_is_done_once_per_key(office):
    adapter = WebhookAdapter(office.url, SECRET, timeout=5)
    first = adapter.perform(freeze())
    again = adapter.perform(freeze())
    assert first.reference == again.reference == "BO-1"
    assert (first.repeated, again.repeated) == (False, True)
    assert office.effects() == 1
    assert [r["signed"] for r in office.requests] == [True, True]
    assert office.requests[0]["body"] == {
        "action": "restrict",
        "key": "lers-freeze-1",
        "uid": "10000001",
        "case": "LE-1",
        "details": {"scope": "withdrawals"},
    }


def test_a_wrong_secret_is_refused_and_not_retried(office):
    with pytest.raises(ActionError) as refused:
        WebhookAdapter(office.url, "not-the-secret", timeout=5).perform(freeze())
    assert not refused.value.retryable
    assert "401" in str(refused.value)
    assert office.effects() == 0


def test_a_failing_server_is_retryable(office):
    office.fail_next = 1
    adapter = WebhookAdapter(office.url, SECRET, timeout=5)
    with pytest.raises(ActionError) as failed:
        adapter.perform(freeze())
    assert failed.value.retryable and "503" in str(failed.value)
    assert adapter.perform(freeze()).reference == "BO-1"
    assert office.effects() == 1


def test_a_server_that_times_out_is_retryable_and_the_retry_does_not_act_twice(office):
    office.delay = 1.5
    adapter = WebhookAdapter(office.url, SECRET, timeout=0.5)
    with pytest.raises(ActionError) as slow:
        adapter.perform(freeze())
    assert slow.value.retryable and "did not answer" in str(slow.value)
    office.delay = 0
    outcome = adapter.perform(freeze())
    assert outcome.repeated  # it had acted before answering too late
    assert office.effects() == 1


def test_a_refusal_is_not_retryable(office):
    office.refuse = 422
    with pytest.raises(ActionError) as refused:
        WebhookAdapter(office.url, SECRET, timeout=5).perform(freeze())
    assert not refused.value.retryable and "422" in str(refused.value)


def test_nobody_listening_is_retryable():
    with pytest.raises(ActionError) as down:
        WebhookAdapter("http://127.0.0.1:9/nothing", SECRET, timeout=2).perform(freeze())
    assert down.value.retryable


def test_signatures_cover_the_timestamp_and_expire():
    body = b'{"a":1}'
    now = int(time.time())
    signature = sign(SECRET, str(now), body)
    assert verify_signature(SECRET, str(now), body, signature)
    assert not verify_signature(SECRET, str(now + 1), body, signature)
    assert not verify_signature(SECRET, str(now), b'{"a":2}', signature)
    assert not verify_signature(SECRET, str(now), body, signature, now=now + 3600)
    assert not verify_signature(SECRET, "soon", body, signature)


def test_an_action_is_checked_before_it_is_sent():
    with pytest.raises(ValueError, match="scope"):
        Action(kind=RESTRICT, key="k", uid="1", case="LE-1", details={})
    with pytest.raises(ValueError, match="assets"):
        Action(kind=RESTRICT, key="k", uid="1", case="LE-1", details={"scope": "assets"})
    with pytest.raises(ValueError, match="unknown action"):
        Action(kind="seize", key="k", uid="1", case="LE-1")
    with pytest.raises(ValueError):
        WebhookAdapter("ftp://example.org", SECRET)

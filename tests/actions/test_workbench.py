"""The actions from the workbench: ask, approve (a second person), preserve, notify, watch;
every object reached through its case, another case's object is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.actions.models import AddressTag, Freeze, PreservationHold, UserNotice
from lers.cases.lifecycle import State
from tests.conftest import PASSWORD
from tests.exchange.small import ETH

from .conftest import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-11", "JU-13", "JU-16", "X-12", "BN-05")]


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_freeze_through_the_pages_needs_two_people(client, subject_case, analyst, approver):
    ref = subject_case.reference
    page = as_user(client, analyst).get(reverse("workbench-case", args=[ref])).content.decode()
    assert "Ask for a freeze" in page
    response = client.post(
        reverse("workbench-freeze", args=[ref]),
        {"uid": "10000001", "scope": "account", "days": "15", "reason": "Stolen funds"},
        follow=True,
    )
    assert "a second person must approve" in response.content.decode()
    freeze = Freeze.objects.get()
    decide = reverse("workbench-freeze-decide", args=[ref, freeze.pk])
    response = client.post(decide, {"decision": "approve"}, follow=True)
    assert "only an approver" in response.content.decode()
    as_user(client, approver).post(decide, {"decision": "approve"})
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.ACTIVE and freeze.approved_by == approver
    page = client.get(reverse("workbench-case", args=[ref])).content.decode()
    assert "Active" in page and "restriction-" in page


def test_preserve_notify_and_watch_through_the_pages(client, subject_case, analyst):
    ref = subject_case.reference
    as_user(client, analyst)
    client.post(reverse("workbench-preserve", args=[ref]), {"category": ["account", "logins"]})
    hold = PreservationHold.objects.get()
    assert hold.categories == ["account", "logins"]
    # Binance extends a hold only on the agency's extension request (BN-05): refused here.
    response = client.post(
        reverse("workbench-hold", args=[ref, hold.pk]), {"change": "extend"}, follow=True
    )
    assert "only on the agency&#x27;s extension request" in response.content.decode()
    hold.refresh_from_db()
    assert hold.extensions == 0
    client.post(reverse("workbench-notices", args=[ref]))
    assert UserNotice.objects.get().uid == "10000001"
    client.post(reverse("workbench-tag", args=[ref]), {"address": ETH, "reason": "Scam"})
    assert AddressTag.objects.get().match_key == ETH.lower()


def test_another_case_s_action_is_a_404(client, subject_case, make_case, analyst, approver):
    from lers.actions.services.freezes import freeze_request

    freeze = freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="x", days=5
    )
    other = make_case(State.TRIAGE)
    as_user(client, approver)
    for name in ("workbench-freeze-decide", "workbench-freeze-release"):
        url = reverse(name, args=[other.reference, freeze.pk])
        assert client.post(url, {"decision": "approve"}).status_code == 404
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.REQUESTED


def test_officers_cannot_reach_the_action_pages(client, subject_case, officer_a):
    as_user(client, officer_a)
    url = reverse("workbench-freeze", args=[subject_case.reference])
    assert client.post(url, {"uid": "10000001", "scope": "account"}).status_code == 404
    assert not Freeze.objects.exists()


def test_the_freeze_form_starts_from_the_assets_the_officer_named(client, subject_case, analyst):
    """Issue 16.6: what the agency asked to freeze is where staff ask for the freeze."""
    subject_case.freeze_assets = ["USDT", "ETH"]  # as the request form stores them
    subject_case.save(update_fields=["freeze_assets"])
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[subject_case.reference])).content.decode()
    assert 'name="assets" placeholder="USDT, ETH" value="USDT, ETH"' in page

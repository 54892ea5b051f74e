"""When the user is told, as the profile's ``notification.timing`` says, and when the exchange
acts, as ``officer_verification.callback_before`` says.

BN-08 (binance, ``before_disclosure``): "Unless specified in any Court Order or Police Warrant
and on valid legal basis, we may notify the relevant user of the request before disclosure of
any personal data": a production is not released before its accounts' users were told, unless
an order defers the notice. JU-16 (ju, ``after_action``): notice "where it does not impede law
enforcement actions": a notice waits while the account's freeze is on its way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lers.actions.models import Freeze, UserNotice
from lers.actions.services.freezes import freeze_approve, freeze_request
from lers.actions.services.notices import notice_send, notices_decide
from lers.cases.services.verification import callback_record
from lers.core.errors import GuardFailed
from lers.productions.models import Production
from lers.productions.services import production_release, production_request
from tests.conftest import PASSWORD, run_jobs
from tests.custom_profile import custom_profile

pytestmark = pytest.mark.django_db


def built(case, by) -> Production:
    production = production_request(case=case, by=by)
    run_jobs()
    production.refresh_from_db()
    assert production.state == Production.State.READY, production.error
    return production


@pytest.mark.req("BN-08")
def test_binance_releases_a_production_only_after_the_user_is_told(
    client, subject_case, small_exchange, analyst, operator, approver
):
    production = built(subject_case, operator)
    assert client.login(username=approver.username, password=PASSWORD)
    case_page = client.get(reverse("workbench-case", args=[subject_case.reference]))
    assert "data-notices-owed" in case_page.content.decode()
    url = reverse("workbench-production-release", args=[subject_case.reference, production.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Binance tells the user before disclosure" in page and "10000001" in page
    production.refresh_from_db()
    assert production.state == Production.State.READY

    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DUE
    with pytest.raises(GuardFailed, match="tells the user before disclosure"):
        production_release(production=production, by=approver)  # decided is not told
    notice_send(notice=notice, by=analyst)
    run_jobs()
    notice.refresh_from_db()
    assert notice.state == UserNotice.State.SENT

    assert client.post(url).status_code == 302
    case_page = client.get(reverse("workbench-case", args=[subject_case.reference]))
    assert "data-notices-owed" not in case_page.content.decode()
    production.refresh_from_db()
    assert production.state == Production.State.RELEASED


@pytest.mark.req("BN-08")
def test_an_order_that_defers_the_notice_does_not_hold_the_disclosure(
    subject_case, small_exchange, analyst, operator, approver
):
    subject_case.non_disclosure_until = dt.date.today() + dt.timedelta(days=60)
    subject_case.save(update_fields=["non_disclosure_until"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DEFERRED
    production = built(subject_case, operator)
    assert production_release(production=production, by=approver).state == "released"


@pytest.mark.req("BN-08")
def test_the_timing_key_decides_it(
    settings, tmp_path, subject_case, small_exchange, operator, approver
):
    custom_profile(
        settings,
        tmp_path,
        "binance",
        {'timing = "before_disclosure"': 'timing = "after_action"'},
    )
    production = built(subject_case, operator)
    assert production_release(production=production, by=approver).state == "released"


@pytest.fixture
def ju(settings):
    settings.LERS_POLICY = "ju"


@pytest.mark.req("JU-16")
def test_under_ju_the_notice_waits_for_the_freeze_to_take_hold(
    ju, subject_case, small_exchange, analyst, approver
):
    freeze = freeze_request(
        case=subject_case,
        uid="10000001",
        scope=Freeze.Scope.ACCOUNT,
        by=analyst,
        reason="Stolen funds",
    )
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DUE
    with pytest.raises(GuardFailed, match="freeze is not in force yet"):
        notice_send(notice=notice, by=analyst)
    freeze_approve(freeze=freeze, by=approver)
    with pytest.raises(GuardFailed, match="freeze is not in force yet"):
        notice_send(notice=notice, by=analyst)  # sent to the exchange, not confirmed
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.ACTIVE
    assert notice_send(notice=notice, by=analyst).state == UserNotice.State.SENDING


@pytest.mark.req("JU-04")
def test_a_freeze_goes_to_the_exchange_only_after_the_call_back_where_the_profile_says(
    settings, tmp_path, subject_case, small_exchange, analyst, approver
):
    """``officer_verification.callback_before`` names "freeze": the second approval of a
    freeze waits for a confirmed call-back to the agency's directory number."""
    custom_profile(
        settings, tmp_path, "binance", {"callback_before = []": 'callback_before = ["freeze"]'}
    )
    freeze = freeze_request(
        case=subject_case,
        uid="10000001",
        scope=Freeze.Scope.ACCOUNT,
        by=analyst,
        reason="Stolen funds",
    )
    with pytest.raises(GuardFailed, match="call-back"):
        freeze_approve(freeze=freeze, by=approver)
    callback_record(
        case=subject_case,
        by=analyst,
        number=subject_case.agency.switchboard_phone,
        outcome="confirmed",
    )
    assert freeze_approve(freeze=freeze, by=approver).state == Freeze.State.APPROVED

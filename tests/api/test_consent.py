"""The agency's consent to tell the user through the API, after the request was sent: the
freeze's cap and the notices follow it, the exchange's staff read it (HX-10, HX-11, HX-12)."""

from __future__ import annotations

import datetime as dt

import pytest

from lers.actions.models import Freeze, UserNotice
from lers.actions.services.freezes import freeze_approve, freeze_request
from lers.actions.services.notices import POLICY_DEFAULT, notices_decide, notices_sweep
from lers.audit.models import AuditEvent
from tests.api.conftest import Api, token_for
from tests.conftest import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11")]
T0 = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.mark.req("HX-10", "HX-11", "HX-12")
def test_the_agency_consents_through_the_api_and_the_exchange_follows(
    subject_case, officer_a, analyst, approver, settings, time_machine
):
    settings.LERS_POLICY = "hx97"
    time_machine.move_to(T0, tick=False)
    freeze = freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=90
    )
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    api = Api(token_for(officer_a))
    url = f"/requests/{subject_case.reference}/consent"
    before = api.get(f"/requests/{subject_case.reference}").json()
    assert "consent" in before["actions"]
    assert before["fields"]["consent_to_disclose"] is False

    refused = api.post(url, json={"consent_to_share_contact": True})
    assert refused.status_code == 422, refused.content
    assert "only if the user may be told" in refused.json()["error"]["message"]

    given = api.post(url, json={"consent_to_disclose": True, "consent_to_share_contact": True})
    assert given.status_code == 200, given.content
    fields = given.json()["fields"]
    assert (fields["consent_to_disclose"], fields["consent_to_share_contact"]) == (True, True)
    freeze.refresh_from_db()
    assert (freeze.without_consent, freeze.expires_at) == (False, T0 + dt.timedelta(days=90))
    event = AuditEvent.objects.get(action="case.consent_changed", case_ref=subject_case.reference)
    assert event.actor_id == officer_a.pk
    assert event.payload["after"] == {"consent_to_disclose": True, "consent_to_share_contact": True}

    # The exchange's staff read it.
    staff = Api(token_for(analyst)).get(f"/cases/{subject_case.reference}").json()
    assert staff["fields"]["consent_to_disclose"] is True

    # A field left out stays; withdrawing disclosure withdraws the contact with it.
    withdrawn = api.post(url, json={"consent_to_disclose": False}).json()["fields"]
    assert (withdrawn["consent_to_disclose"], withdrawn["consent_to_share_contact"]) == (
        False,
        False,
    )
    freeze.refresh_from_db()
    assert freeze.without_consent and freeze.expires_at == T0 + dt.timedelta(days=30)


@pytest.mark.req("HX-10")
def test_the_order_lapses_after_consent_withdrawn_through_the_api(
    subject_case, officer_a, analyst, approver, settings, tmp_path, time_machine
):
    """97 with a notifying default: consent given, then withdrawn through the API before the
    order ends; at its end the notice stays withheld."""
    from tests.custom_profile import custom_profile

    custom_profile(settings, tmp_path, "hx97", {'default = "withhold"': 'default = "notify"'})
    time_machine.move_to(T0, tick=False)
    api = Api(token_for(officer_a))
    url = f"/requests/{subject_case.reference}/consent"
    assert api.post(url, json={"consent_to_disclose": True}).status_code == 200
    subject_case.refresh_from_db()
    subject_case.non_disclosure_until = dt.date(2026, 6, 10)
    subject_case.save(update_fields=["non_disclosure_until"])
    freeze = freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=90
    )
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DEFERRED
    assert api.post(url, json={"consent_to_disclose": False}).status_code == 200
    time_machine.move_to(dt.datetime(2026, 6, 12, 12, tzinfo=dt.UTC), tick=False)
    assert notices_sweep() == 0
    notice.refresh_from_db()
    assert notice.state == UserNotice.State.WITHHELD
    assert notice.reason != POLICY_DEFAULT  # the freeze without consent withholds it
    assert Freeze.objects.get(pk=freeze.pk).without_consent


@pytest.mark.req("HX-10")
def test_a_profile_that_does_not_ask_refuses_the_question(subject_case, officer_a):
    api = Api(token_for(officer_a))  # binance: no consent to disclose is asked
    url = f"/requests/{subject_case.reference}/consent"
    response = api.post(url, json={"consent_to_disclose": True})
    assert response.status_code == 422
    assert "does not ask for consent to tell the user" in response.json()["error"]["message"]
    assert api.post(url, json={"consent_to_share_contact": True}).status_code == 200


@pytest.mark.req("HX-10")
def test_consent_needs_a_writing_token_of_an_officer_on_the_case(
    subject_case, officer_a, officer_b, agency_admin_a, analyst, settings
):
    settings.LERS_POLICY = "hx97"
    url = f"/requests/{subject_case.reference}/consent"
    body = {"json": {"consent_to_disclose": True}}
    reader = Api(token_for(officer_a, ["requests:read"]))
    assert reader.post(url, **body).status_code == 403
    assert Api(token_for(officer_b)).post(url, **body).status_code == 404
    admin = Api(token_for(agency_admin_a))
    read = admin.get(f"/requests/{subject_case.reference}").json()
    assert "consent" not in read["actions"]
    assert error_code(admin.post(url, **body)) == "not_permitted"
    assert Api(token_for(analyst)).post(url, **body).status_code == 403  # staff cannot
    subject_case.refresh_from_db()
    assert not subject_case.consent_to_disclose

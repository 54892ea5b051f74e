"""User notices follow the policy and the non-disclosure order (JU-16, BN-08, HX-10, HX-12)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lers.actions.models import UserNotice
from lers.actions.services.freezes import freeze_request
from lers.actions.services.notices import notice_send, notices_decide, notices_sweep
from lers.core.errors import IllegalTransition
from lers.demo.exchange.actions import user_notices

from .conftest import run_jobs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)


def sent_at_exchange(url: str) -> list[dict]:
    with sa.create_engine(url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(user_notices))]


@pytest.mark.req("JU-16", "BN-08")
def test_a_non_disclosure_order_defers_the_notice_until_its_end(
    subject_case, analyst, small_exchange, time_machine
):
    time_machine.move_to(T0, tick=False)
    subject_case.non_disclosure_until = dt.date(2026, 9, 1)
    subject_case.save(update_fields=["non_disclosure_until"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert (notice.state, notice.deferred_until) == (UserNotice.State.DEFERRED, dt.date(2026, 9, 1))
    assert notices_decide(case=subject_case, by=analyst) == []  # decided once
    with pytest.raises(IllegalTransition):
        notice_send(notice=notice, by=analyst)
    # the order binds through its end date, in the entity's time zone
    time_machine.move_to(dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC), tick=False)
    assert notices_sweep() == 0
    time_machine.move_to(dt.datetime(2026, 9, 2, 12, tzinfo=dt.UTC), tick=False)
    assert notices_sweep() == 1
    assert notices_sweep() == 0
    notice.refresh_from_db()
    assert notice.state == UserNotice.State.DUE
    notice_send(notice=notice, by=analyst)
    run_jobs()
    notice.refresh_from_db()
    assert notice.state == UserNotice.State.SENT
    (sent,) = sent_at_exchange(small_exchange)
    assert sent["uid"] == "10000001"


@pytest.mark.req("JU-16", "HX-12")
def test_the_agency_contact_is_shared_only_with_its_consent(subject_case, analyst, small_exchange):
    subject_case.non_disclosure_until = None
    subject_case.consent_to_share_contact = False
    subject_case.save(update_fields=["non_disclosure_until", "consent_to_share_contact"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DUE  # the default profile (binance) notifies
    notice_send(notice=notice, by=analyst)
    run_jobs()
    (sent,) = sent_at_exchange(small_exchange)
    assert sent["agency_contact"] == ""


@pytest.mark.req("JU-16", "HX-12")
def test_with_consent_the_agency_contact_goes_with_the_notice(
    subject_case, analyst, small_exchange
):
    subject_case.non_disclosure_until = None
    subject_case.consent_to_share_contact = True
    subject_case.save(update_fields=["non_disclosure_until", "consent_to_share_contact"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    notice_send(notice=notice, by=analyst)
    run_jobs()
    (sent,) = sent_at_exchange(small_exchange)
    assert subject_case.agency.name in sent["agency_contact"]


@pytest.mark.req("HX-10")
def test_hx97_withholds_by_default(subject_case, analyst, settings):
    settings.LERS_POLICY = "hx97"
    subject_case.non_disclosure_until = None
    subject_case.save(update_fields=["non_disclosure_until"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.WITHHELD


@pytest.mark.req("HX-10")
def test_a_legal_reviewer_may_tell_the_user_where_the_policy_withholds_by_default(
    subject_case, analyst, reviewer, settings
):
    from lers.actions.services.notices import notice_allow
    from lers.core.errors import DomainError, NotPermitted

    settings.LERS_POLICY = "hx97"
    subject_case.non_disclosure_until = None
    subject_case.save(update_fields=["non_disclosure_until"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    with pytest.raises(NotPermitted):
        notice_allow(notice=notice, by=analyst, note="x")  # a legal decision
    with pytest.raises(DomainError, match="say why"):
        notice_allow(notice=notice, by=reviewer, note=" ")
    notice = notice_allow(notice=notice, by=reviewer, note="The user's funds are frozen: tell.")
    assert notice.state == UserNotice.State.DUE
    with pytest.raises(DomainError, match="only a notice withheld by the policy"):
        notice_allow(notice=notice, by=reviewer, note="again")


@pytest.mark.req("HX-10")
def test_a_freeze_without_consent_withholds_where_the_policy_says_so(
    subject_case, analyst, settings, tmp_path
):
    from lers.policy.loader import shipped_profiles

    # ju notifies by default; here it also asks for consent and withholds during such a freeze
    text = (
        shipped_profiles()["ju"]
        .read_text(encoding="utf-8")
        .replace("consent_to_disclose_asked = false", "consent_to_disclose_asked = true", 1)
        .replace(
            'withhold_when = ["legal_prohibition", "hinders_investigation"]',
            'withhold_when = ["freeze_without_consent"]',
            1,
        )
    )
    (tmp_path / "ju_consent.toml").write_text(text, encoding="utf-8")
    settings.LERS_POLICY = str(tmp_path / "ju_consent.toml")
    subject_case.non_disclosure_until = None
    subject_case.save(update_fields=["non_disclosure_until"])
    freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=9
    )
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.WITHHELD
    assert "without the agency's consent" in notice.reason


@pytest.mark.req("JU-16", "BN-08")
def test_the_end_date_is_read_in_the_entity_s_time_zone(subject_case):
    from lers.actions.services.notices import order_in_force

    subject_case.non_disclosure_until = dt.date(2026, 9, 1)
    subject_case.entity.timezone = "Asia/Singapore"  # UTC+8
    # 2026-09-01 17:00 UTC is already 2 September in Singapore: the order has ended there
    assert order_in_force(subject_case, dt.datetime(2026, 9, 1, 15, 59, tzinfo=dt.UTC))
    assert not order_in_force(subject_case, dt.datetime(2026, 9, 1, 17, tzinfo=dt.UTC))
    subject_case.entity.timezone = "America/New_York"  # UTC-4 in September
    assert order_in_force(subject_case, dt.datetime(2026, 9, 2, 3, 59, tzinfo=dt.UTC))


@pytest.mark.req("JU-16")
def test_staff_withhold_only_on_a_ground_the_policy_names(subject_case, analyst, client, settings):
    from django.urls import reverse

    from lers.actions.services.notices import notice_withhold
    from lers.core.errors import DomainError
    from tests.conftest import PASSWORD

    settings.LERS_POLICY = "ju"  # withholds where the law forbids or it would hinder the case
    subject_case.non_disclosure_until = None
    subject_case.save(update_fields=["non_disclosure_until"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    with pytest.raises(DomainError, match="only on: legal_prohibition, hinders_investigation"):
        notice_withhold(notice=notice, by=analyst, ground="freeze_without_consent")
    assert client.login(username=analyst.username, password=PASSWORD)
    url = reverse("workbench-notice-withhold", args=[subject_case.reference, notice.pk])
    client.post(url, {"ground": "hinders_investigation", "note": "Suspect still active"})
    notice.refresh_from_db()
    assert notice.state == UserNotice.State.WITHHELD
    assert notice.reason == "hinders investigation: Suspect still active"
    with pytest.raises(IllegalTransition):
        notice_send(notice=notice, by=analyst)


@pytest.mark.req("HX-10", "HX-11")
def test_allowing_past_the_default_keeps_a_freeze_without_consent_withholding(
    subject_case, analyst, reviewer, settings
):
    """Lifting hx97's default withholding lifts only that ground: a freeze held without the
    agency's consent to disclose still withholds the notice."""
    from lers.actions.services.freezes import freeze_request
    from lers.actions.services.notices import notice_allow

    settings.LERS_POLICY = "hx97"
    subject_case.non_disclosure_until = None
    subject_case.consent_to_disclose = False
    subject_case.save(update_fields=["non_disclosure_until", "consent_to_disclose"])
    freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=30
    )
    (notice,) = notices_decide(case=subject_case, by=analyst)
    notice = notice_allow(notice=notice, by=reviewer, note="Tell the user.")
    assert notice.state == UserNotice.State.WITHHELD
    assert "without the agency's consent" in notice.reason

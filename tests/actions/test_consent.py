"""The agency's consent to tell the user decides the notice and the freeze, when the request is
drafted and after (HX-10, HX-11, HX-12): the lapse of a non-disclosure order re-checks it, a
freeze's cap follows it, and the agency's contact goes only with both consents."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from django.core import mail

from lers.actions.models import Freeze, UserNotice
from lers.actions.services.consent import case_consent_set
from lers.actions.services.freezes import freeze_approve, freeze_request, freezes_sweep
from lers.actions.services.notices import (
    FROZEN_WITHOUT_CONSENT,
    POLICY_DEFAULT,
    notice_allow,
    notice_send,
    notices_decide,
    notices_sweep,
)
from lers.audit.models import AuditEvent
from lers.cases.services.verification import callback_record
from lers.core.errors import DomainError, IllegalTransition
from lers.demo.exchange.actions import user_notices
from lers.policy import PolicyError
from tests.custom_profile import custom_profile

from .conftest import run_jobs

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
AFTER_THE_ORDER = dt.datetime(2026, 6, 12, 12, tzinfo=dt.UTC)


def sent_at_exchange(url: str) -> list[dict]:
    with sa.create_engine(url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(user_notices))]


def at(time_machine, moment: dt.datetime) -> None:
    time_machine.move_to(moment, tick=False)


def short_order(case) -> None:
    case.non_disclosure_until = dt.date(2026, 6, 10)
    case.save(update_fields=["non_disclosure_until"])


def no_order(case) -> None:
    case.non_disclosure_until = None
    case.save(update_fields=["non_disclosure_until"])


def active_freeze(case, analyst, approver, *, days: int = 120) -> Freeze:
    freeze = freeze_request(
        case=case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=days
    )
    freeze_approve(freeze=freeze, by=approver)
    run_jobs()
    freeze.refresh_from_db()
    assert freeze.state == Freeze.State.ACTIVE
    return freeze


def subjects(prefix: str) -> list[str]:
    return [m.subject for m in mail.outbox if prefix in m.subject]


# HX-10: the lapse of a non-disclosure order


@pytest.mark.req("HX-10")
def test_when_a_short_order_lapses_a_freeze_without_consent_keeps_the_user_untold(
    subject_case, officer_a, analyst, approver, reviewer, small_exchange, settings, time_machine
):
    settings.LERS_POLICY = "hx97"
    at(time_machine, T0)
    short_order(subject_case)
    active_freeze(subject_case, analyst, approver)
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DEFERRED
    run_jobs()
    mail.outbox.clear()

    at(time_machine, AFTER_THE_ORDER)
    assert notices_sweep() == 0  # nothing became due
    notice.refresh_from_db()
    assert (notice.state, notice.reason) == (UserNotice.State.WITHHELD, POLICY_DEFAULT)
    event = AuditEvent.objects.filter(
        action="notice.decided", object_type="actions.usernotice", object_id=str(notice.pk)
    ).last()
    assert (event.actor_id, event.payload["state"]) == (None, "withheld")  # the sweep's
    assert event.payload["after"] == "the non-disclosure order ended"
    with pytest.raises(IllegalTransition):
        notice_send(notice=notice, by=analyst)
    # A reviewer lifting 97's default still leaves the agency's missing consent.
    notice = notice_allow(notice=notice, by=reviewer, note="The user asks why.")
    assert notice.state == UserNotice.State.WITHHELD
    assert notice.reason.endswith(FROZEN_WITHOUT_CONSENT)
    run_jobs()
    assert sent_at_exchange(small_exchange) == []
    assert subjects("A user notice is due") == []

    # The agency consents: the reviewer's decision stands, the notice is due and can go.
    case_consent_set(case=subject_case, by=officer_a, disclose=True)
    notice.refresh_from_db()
    assert notice.state == UserNotice.State.DUE
    assert AuditEvent.objects.filter(
        action="notice.consent_followed", object_id=str(notice.pk), actor_id=officer_a.pk
    ).exists()
    notice_send(notice=notice, by=analyst)
    run_jobs()
    (sent,) = sent_at_exchange(small_exchange)
    assert sent["uid"] == "10000001"


@pytest.mark.req("HX-10")
@pytest.mark.parametrize(
    ("withhold_when", "after_the_order"),
    [
        ('["freeze_without_consent", "legal_prohibition"]', UserNotice.State.WITHHELD),
        ('["legal_prohibition"]', UserNotice.State.DUE),
    ],
)
def test_the_lapse_reads_the_profile_s_grounds(
    withhold_when,
    after_the_order,
    subject_case,
    analyst,
    approver,
    settings,
    tmp_path,
    time_machine,
):
    """97 with a notifying default: only the freeze-without-consent ground withholds, and only
    where the profile names it."""
    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {
            'default = "withhold"': 'default = "notify"',
            'withhold_when = ["freeze_without_consent", "legal_prohibition"]': (
                f"withhold_when = {withhold_when}"
            ),
        },
    )
    at(time_machine, T0)
    short_order(subject_case)
    active_freeze(subject_case, analyst, approver)
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DEFERRED
    at(time_machine, AFTER_THE_ORDER)
    assert notices_sweep() == (1 if after_the_order == UserNotice.State.DUE else 0)
    notice.refresh_from_db()
    assert notice.state == after_the_order


@pytest.mark.req("HX-10")
def test_consent_withdrawn_withholds_a_due_notice_again(
    subject_case, officer_a, analyst, approver, settings, tmp_path, time_machine
):
    custom_profile(settings, tmp_path, "hx97", {'default = "withhold"': 'default = "notify"'})
    at(time_machine, T0)
    no_order(subject_case)
    case_consent_set(case=subject_case, by=officer_a, disclose=True)
    active_freeze(subject_case, analyst, approver)
    (notice,) = notices_decide(case=subject_case, by=analyst)
    assert notice.state == UserNotice.State.DUE
    case_consent_set(case=subject_case, by=officer_a, disclose=False)
    notice.refresh_from_db()
    assert (notice.state, notice.reason) == (UserNotice.State.WITHHELD, FROZEN_WITHOUT_CONSENT)
    with pytest.raises(IllegalTransition):
        notice_send(notice=notice, by=analyst)
    event = AuditEvent.objects.filter(
        action="case.consent_changed", case_ref=subject_case.reference
    ).last()
    assert event.actor_id == officer_a.pk
    assert event.payload["after"]["consent_to_disclose"] is False


# HX-11: the freeze's cap follows the consent


@pytest.mark.req("HX-11")
def test_consent_given_later_lifts_the_cap_to_the_freeze_s_own_duration(
    subject_case, officer_a, analyst, approver, settings, time_machine
):
    settings.LERS_POLICY = "hx97"  # without consent: at most 30 days
    at(time_machine, T0)
    freeze = active_freeze(subject_case, analyst, approver, days=120)
    assert freeze.without_consent
    assert freeze.expires_at == T0 + dt.timedelta(days=30)
    at(time_machine, T0 + dt.timedelta(days=24))  # within the 7 days' warning
    assert freezes_sweep()["warned"] == 1
    run_jobs()
    mail.outbox.clear()

    case_consent_set(case=subject_case, by=officer_a, disclose=True)
    freeze.refresh_from_db()
    assert not freeze.without_consent
    assert freeze.expires_at == T0 + dt.timedelta(days=120)  # its own life, from its start
    assert freeze.state == Freeze.State.ACTIVE  # the warning was of an end that is gone
    event = AuditEvent.objects.get(action="freeze.consent_followed", case_ref=freeze.case.reference)
    assert event.actor_id == officer_a.pk
    assert event.payload["without_consent"] is False
    run_jobs()
    (told,) = [m for m in mail.outbox if officer_a.email in m.to]
    assert "The end of a freeze" in told.subject
    assert "2026-09-29" in told.body  # T0 + 120 days
    assert any(subject_case.reference in m.subject for m in mail.outbox if m.to != told.to)

    at(time_machine, T0 + dt.timedelta(days=31))
    assert freezes_sweep() == {"warned": 0, "released": 0}  # no longer ends on day 30


@pytest.mark.req("HX-11")
def test_consent_withdrawn_brings_the_cap_back_from_that_moment_and_warns_before_it_ends(
    subject_case, officer_a, analyst, approver, settings, time_machine
):
    settings.LERS_POLICY = "hx97"
    at(time_machine, T0)
    no_order(subject_case)
    case_consent_set(case=subject_case, by=officer_a, disclose=True)
    freeze = active_freeze(subject_case, analyst, approver, days=120)
    assert not freeze.without_consent
    assert freeze.expires_at == T0 + dt.timedelta(days=120)

    withdrawn = T0 + dt.timedelta(days=50)
    at(time_machine, withdrawn)
    case_consent_set(case=subject_case, by=officer_a, disclose=False)
    freeze.refresh_from_db()
    assert freeze.without_consent
    assert freeze.expires_at == withdrawn + dt.timedelta(days=30)
    run_jobs()
    mail.outbox.clear()

    at(time_machine, withdrawn + dt.timedelta(days=24))
    assert freezes_sweep() == {"warned": 1, "released": 0}
    run_jobs()
    (warning,) = [m for m in mail.outbox if "will expire soon" in m.subject]
    assert "2026-08-20" in warning.body  # T0 + 50 + 30 days
    assert "without your consent to tell the user" in warning.body
    at(time_machine, withdrawn + dt.timedelta(days=30, minutes=1))
    assert freezes_sweep() == {"warned": 0, "released": 1}


@pytest.mark.req("HX-11")
@pytest.mark.parametrize("profile", ["ju", "binance"])
def test_ju_and_binance_keep_a_freeze_its_own_duration(
    profile, subject_case, analyst, approver, settings, time_machine
):
    """97's cap is not theirs: they ask for no consent, so no freeze is "without consent"."""
    settings.LERS_POLICY = profile
    # ju calls the agency back before a freeze goes to the exchange (JU-04).
    callback_record(
        case=subject_case,
        by=analyst,
        number=subject_case.agency.switchboard_phone,
        outcome="confirmed",
    )
    at(time_machine, T0)
    freeze = active_freeze(subject_case, analyst, approver, days=120)
    assert not freeze.without_consent
    assert freeze.expires_at == T0 + dt.timedelta(days=120)


@pytest.mark.req("HX-11")
@pytest.mark.parametrize(
    ("cap_line", "held_days"),
    [("without_consent_max_days = 10\n", 10), ("", 120)],
)
def test_the_cap_is_the_profile_s_and_absent_means_none(
    cap_line, held_days, subject_case, analyst, approver, settings, tmp_path, time_machine
):
    custom_profile(
        settings,
        tmp_path,
        "hx97",
        {
            "without_consent_max_days = 30\n": cap_line,
            "without_consent_limit_published = false\n": "",
        },
    )
    at(time_machine, T0)
    freeze = active_freeze(subject_case, analyst, approver, days=120)
    assert freeze.without_consent
    assert freeze.expires_at == T0 + dt.timedelta(days=held_days)


@pytest.mark.req("HX-11")
def test_a_cap_without_the_consent_question_is_refused_at_load(settings, tmp_path):
    from lers.policy import load

    path = custom_profile(
        settings,
        tmp_path,
        "ju",
        {"expiry_warning_days = 7\n": "expiry_warning_days = 7\nwithout_consent_max_days = 90\n"},
    )
    with pytest.raises(PolicyError, match=r"freeze\.without_consent_max_days"):
        load(str(path))


# HX-12: the agency's contact


def allowed_notice(case, analyst, reviewer) -> UserNotice:
    (notice,) = notices_decide(case=case, by=analyst)
    return notice_allow(notice=notice, by=reviewer, note="The user may be told.")


@pytest.mark.req("HX-12")
def test_consent_to_share_without_consent_to_disclose_shares_nothing(
    subject_case, analyst, reviewer, small_exchange, settings
):
    settings.LERS_POLICY = "hx97"
    no_order(subject_case)
    subject_case.consent_to_disclose = False
    subject_case.consent_to_share_contact = True  # as a draft may say
    subject_case.save(update_fields=["consent_to_disclose", "consent_to_share_contact"])
    notice = allowed_notice(subject_case, analyst, reviewer)
    assert notice.state == UserNotice.State.DUE  # no freeze: a reviewer may tell
    assert not notice.share_agency_contact
    notice_send(notice=notice, by=analyst)
    run_jobs()
    (sent,) = sent_at_exchange(small_exchange)
    assert sent["agency_contact"] == ""


@pytest.mark.req("HX-12")
def test_with_both_consents_given_after_the_decision_the_contact_goes(
    subject_case, officer_a, analyst, reviewer, small_exchange, settings
):
    settings.LERS_POLICY = "hx97"
    no_order(subject_case)
    notice = allowed_notice(subject_case, analyst, reviewer)
    assert not notice.share_agency_contact
    with pytest.raises(DomainError, match="only if the user may be told"):
        case_consent_set(case=subject_case, by=officer_a, share_contact=True)
    case_consent_set(case=subject_case, by=officer_a, disclose=True, share_contact=True)
    notice.refresh_from_db()
    assert notice.share_agency_contact
    notice_send(notice=notice, by=analyst)
    run_jobs()
    (sent,) = sent_at_exchange(small_exchange)
    assert sent["agency_contact"] == "Agency A Police, +442072301212"


@pytest.mark.req("HX-12")
def test_withdrawing_consent_to_disclose_withdraws_the_contact_too(
    subject_case, officer_a, settings
):
    settings.LERS_POLICY = "hx97"
    case_consent_set(case=subject_case, by=officer_a, disclose=True, share_contact=True)
    case = case_consent_set(case=subject_case, by=officer_a, disclose=False)
    assert (case.consent_to_disclose, case.consent_to_share_contact) == (False, False)


@pytest.mark.req("HX-12")
@pytest.mark.parametrize(("requires_consent", "shared"), [("true", False), ("false", True)])
def test_whether_the_contact_needs_consent_is_the_profile_s(
    requires_consent, shared, subject_case, analyst, small_exchange, settings, tmp_path
):
    custom_profile(
        settings,
        tmp_path,
        "binance",  # tells users by default; asks no consent to disclose
        {
            "share_agency_contact_requires_consent = true": (
                f"share_agency_contact_requires_consent = {requires_consent}"
            )
        },
    )
    no_order(subject_case)
    subject_case.consent_to_share_contact = False
    subject_case.save(update_fields=["consent_to_share_contact"])
    (notice,) = notices_decide(case=subject_case, by=analyst)
    notice_send(notice=notice, by=analyst)
    run_jobs()
    (sent,) = sent_at_exchange(small_exchange)
    assert (sent["agency_contact"] != "") is shared


@pytest.mark.req("HX-10", "HX-12")
def test_a_profile_that_asks_no_consent_refuses_an_answer_to_it(subject_case, officer_a):
    with pytest.raises(DomainError, match="does not ask for consent to tell the user"):
        case_consent_set(case=subject_case, by=officer_a, disclose=True)  # binance
    case = case_consent_set(case=subject_case, by=officer_a, share_contact=True)
    assert case.consent_to_share_contact

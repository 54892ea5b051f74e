"""A preservation lasts what the request asked, capped by the profile, the cap shown with its
reason (JU-13): "specify the scope and anticipated duration"; "generally up to 90 days"."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
import sqlalchemy as sa
from django.urls import reverse

from lers.actions.services.holds import hold_preserve
from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.models import Case
from lers.demo.exchange.actions import legal_holds
from lers.policy import PolicyError, parse
from lers.policy.loader import PROFILES_DIR
from tests.conftest import PASSWORD

from .conftest import run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-13")]
T0 = dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC)
CAP_NOTE = "120 days were asked; the records are held for 90 days, the longest"


@pytest.fixture
def ju(settings, time_machine):
    settings.LERS_POLICY = "ju"
    time_machine.move_to(T0, tick=False)


def ju_with(settings, tmp_path, **preservation: int) -> None:
    """ju.toml with some ``[preservation]`` numbers changed, as the deployment's profile."""
    text = (PROFILES_DIR / "ju.toml").read_text(encoding="utf-8")
    head, sep, tail = text.partition("[preservation]\n")
    for key, value in preservation.items():
        line = next(li for li in tail.splitlines() if li.startswith(f"{key} = "))
        tail = tail.replace(line, f"{key} = {value}", 1)
    custom = tmp_path / "ju-preservation.toml"
    custom.write_text(head + sep + tail, encoding="utf-8")
    settings.LERS_POLICY = str(custom)


def asks(case: Case, days: int | None) -> Case:
    Case.objects.filter(pk=case.pk).update(duration_days=days)
    case.refresh_from_db()
    return case


def page_of(client, user, name: str, case: Case) -> str:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse(name, args=[case.reference])).content.decode()


def test_a_hold_lasts_what_the_request_asked(ju, subject_case, analyst, small_exchange):
    """30 days asked: 30 days held (not the profile's 90), at lers and at the exchange."""
    assert subject_case.duration_days == 30
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    assert hold.expires_at == T0 + dt.timedelta(days=30)
    assert (hold.requested_days, hold.days, hold.capped) == (30, 30, False)
    run_jobs()
    with sa.create_engine(small_exchange).connect() as conn:
        (placed,) = conn.execute(sa.select(legal_holds)).mappings().all()
    assert placed["until"] == dt.date(2026, 3, 4)
    event = AuditEvent.objects.get(action="preservation.placed")
    assert (event.payload["requested_days"], event.payload["days"]) == (30, 30)
    assert event.payload["capped"] is False


def test_a_longer_ask_is_capped_and_both_pages_say_why(
    ju, subject_case, analyst, officer_a, small_exchange, client
):
    asks(subject_case, 120)
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    assert hold.expires_at == T0 + dt.timedelta(days=90)
    assert (hold.requested_days, hold.days, hold.capped) == (120, 90, True)
    assert AuditEvent.objects.get(action="preservation.placed").payload["capped"] is True
    staff_page = page_of(client, analyst, "workbench-case", subject_case)
    officer_page = page_of(client, officer_a, "portal-case", subject_case)
    for page in (staff_page, officer_page):
        assert "held for 90 days" in page
        assert f"{CAP_NOTE} Ju.com" in page  # the cap, and whose policy sets it
    assert "2026-05-03" in officer_page  # the officer sees the end of the hold too


def test_the_officer_is_told_of_the_cap_when_the_records_are_preserved(
    ju, subject_case, analyst, officer_a
):
    from lers.jobs.models import Job

    asks(subject_case, 120)
    hold_preserve(case=subject_case, by=analyst, categories=["account"])
    (mail,) = [
        j.payload
        for j in Job.objects.filter(name="mail.send")
        if officer_a.email in j.payload["to"] and "preserved" in str(j.payload)
    ]
    assert CAP_NOTE in str(mail)


def test_a_request_that_asks_nothing_gets_the_profile_default(
    settings, tmp_path, time_machine, subject_case, analyst
):
    ju_with(settings, tmp_path, days=45)
    time_machine.move_to(T0, tick=False)
    asks(subject_case, None)
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    assert hold.expires_at == T0 + dt.timedelta(days=45)
    assert (hold.requested_days, hold.days, hold.capped) == (None, 45, False)


def test_the_cap_is_the_profiles_max_days(
    settings, tmp_path, time_machine, subject_case, analyst, client
):
    ju_with(settings, tmp_path, days=60, max_days=60)
    time_machine.move_to(T0, tick=False)
    asks(subject_case, 120)
    hold = hold_preserve(case=subject_case, by=analyst, categories=["account"])
    assert hold.expires_at == T0 + dt.timedelta(days=60)
    page = page_of(client, analyst, "workbench-case", subject_case)
    assert "120 days were asked; the records are held for 60 days" in page


def test_a_default_longer_than_the_cap_is_refused_naming_the_key():
    data = tomllib.loads((PROFILES_DIR / "ju.toml").read_text(encoding="utf-8"))
    data["preservation"]["days"] = 120
    with pytest.raises(PolicyError, match=r"custom\.toml: preservation\.days: .*max_days"):
        parse(data, source="custom.toml")


@pytest.mark.parametrize("key", ["requires_scope_and_duration", "on_expiry_without_legal_process"])
def test_the_keys_that_decided_nothing_are_gone(key):
    """The scope-and-duration rule is ju's checklist requirement; expiry always releases the
    hold and deletes the copy. A profile still carrying either key is told so."""
    data = tomllib.loads((PROFILES_DIR / "ju.toml").read_text(encoding="utf-8"))
    assert key not in data["preservation"]
    data["preservation"][key] = True
    with pytest.raises(PolicyError, match=rf"preservation\.{key}: unknown key"):
        parse(data, source="custom.toml")


def test_ju_asks_a_preservation_request_for_its_duration(settings, entities, officer_a):
    """Ju's "specify the scope and anticipated duration" is a checklist item of the request."""
    settings.LERS_POLICY = "ju"
    case = cases.case_create(officer_user=officer_a, request_types=["preservation"])
    gaps = {g.requirement.id: g for g in cases.case_checklist(case)}
    assert "duration" in gaps["preservation-scope"].fields_missing
    assert gaps["preservation-scope"].ref == ["JU-13"]
    case = cases.case_update_draft(
        case=case, by=officer_a, changes={"duration_days": 30, "data_categories": ["kyc"]}
    )
    assert "preservation-scope" not in {g.requirement.id for g in cases.case_checklist(case)}

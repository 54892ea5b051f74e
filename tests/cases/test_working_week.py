"""The working week is the profile's (or the entity's), not the holidays package's (HX-14, X-06).

The package gives Hong Kong a Sunday-only weekend; counted that way, Saturdays were business
days and every hx97 clock came due about three business days early.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
import time_machine

from lers.cases.deadlines import calendar_of, entity_calendar
from lers.cases.lifecycle import State
from lers.cases.models import Deadline, Entity
from lers.policy import PolicyError, parse
from lers.policy.loader import PROFILES_DIR

pytestmark = [pytest.mark.req("HX-14", "X-06"), pytest.mark.django_db]

# Friday 4 December 2026, 10:00 in Hong Kong.
FRIDAY = dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)


def end_of_hong_kong_day(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 15, 59, 59, 999999, tzinfo=dt.UTC)  # 23:59:59 UTC+8


@pytest.fixture
def hx97(settings):
    settings.LERS_POLICY = "hx97"


def profile_with(tmp_path, settings, name: str, old: str, new: str) -> None:
    """A copy of a shipped profile with one line changed, made the deployment's profile."""
    text = (PROFILES_DIR / f"{name}.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    custom = tmp_path / f"{name}-custom.toml"
    custom.write_text(text.replace(old, new), encoding="utf-8")
    settings.LERS_POLICY = str(custom)


def test_fifteen_business_days_from_a_friday_in_hong_kong_end_on_the_28th(hx97, make_case):
    """Dec 2026 in Hong Kong: Christmas (Fri 25) and the first weekday after it (Sat 26) are
    holidays; Saturdays are not business days. The 15th business day after Friday 4 December
    is Monday 28 December (counting Saturdays gave Tuesday 22nd)."""
    with time_machine.travel(FRIDAY, tick=False):
        case = make_case(State.SUBMITTED)
    clock = case.deadlines.get(kind=Deadline.Kind.REVIEW)
    assert (clock.unit, clock.length) == ("business_days", 15)
    assert clock.due_at == end_of_hong_kong_day(2026, 12, 28)
    calendar = calendar_of(case)
    assert calendar.timezone == "Asia/Hong_Kong"
    assert not calendar.is_business_day(dt.date(2026, 12, 5))  # a Saturday
    assert calendar.is_business_day(dt.date(2026, 12, 7))  # the Monday after


@pytest.fixture
def six_day_hx97(settings, tmp_path):
    """hx97 with a Monday-to-Saturday week (set before the entities are made)."""
    profile_with(
        tmp_path,
        settings,
        "hx97",
        'working_days = ["mon", "tue", "wed", "thu", "fri"]',
        'working_days = ["mon", "tue", "wed", "thu", "fri", "sat"]',
    )


def test_a_profile_with_a_six_day_week_counts_saturdays(six_day_hx97, make_case):
    with time_machine.travel(FRIDAY, tick=False):
        case = make_case(State.SUBMITTED)
    clock = case.deadlines.get(kind=Deadline.Kind.REVIEW)
    # Sat 5, Mon 7 to Sat 12 (7), 14 to 19 (13), Mon 21, Tue 22: the 15th.
    assert clock.due_at == end_of_hong_kong_day(2026, 12, 22)


def test_an_entity_may_name_its_own_working_week(settings, tmp_path):
    """Under ju, the Hong Kong entity works Monday to Saturday in this profile; the Seychelles
    entity keeps the profile's Monday to Friday."""
    profile_with(
        tmp_path,
        settings,
        "ju",
        'timezone = "Asia/Hong_Kong"\n',
        'timezone = "Asia/Hong_Kong"\nworking_days = ["mon", "tue", "wed", "thu", "fri", "sat"]\n',
    )
    hong_kong = Entity.objects.create(
        code="ju_hk", name="HK", jurisdiction="HK", timezone="Asia/Hong_Kong"
    )
    seychelles = Entity.objects.create(
        code="ju_global", name="Global", jurisdiction="SC", timezone="Indian/Mahe"
    )
    saturday = dt.date(2026, 12, 5)
    assert entity_calendar(hong_kong).is_business_day(saturday)
    assert not entity_calendar(seychelles).is_business_day(saturday)
    due = entity_calendar(hong_kong).add_business_days(FRIDAY, 15)
    assert due == end_of_hong_kong_day(2026, 12, 22)


def test_the_shipped_profiles_work_monday_to_friday():
    for name in ("ju", "hx97", "binance"):
        data = tomllib.loads((PROFILES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        policy = parse(data, source=f"{name}.toml")
        assert policy.calendar.working_days == ["mon", "tue", "wed", "thu", "fri"]
        for entity in policy.entities:
            assert policy.working_days_of(entity.code) == ("mon", "tue", "wed", "thu", "fri")


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["calendar"].update(working_days=["mon", "funday"]), "calendar.working_days.1"),
        (lambda d: d["calendar"].update(working_days=[]), "calendar.working_days"),
        (lambda d: d["calendar"].update(working_days=["mon", "mon"]), "calendar.working_days"),
        (lambda d: d["entities"][0].update(working_days=["Sat"]), "entities.0.working_days.0"),
    ],
)
def test_a_bad_working_week_names_its_key(change, key):
    data = tomllib.loads((PROFILES_DIR / "hx97.toml").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(PolicyError) as caught:
        parse(data, source="custom.toml")
    assert f"custom.toml: {key}:" in str(caught.value)

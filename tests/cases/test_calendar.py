"""Business days, holidays, pauses and hour clocks (X-06, HX-14)."""

from __future__ import annotations

import datetime as dt

import pytest

from lers.cases.calendar import (
    calendar_for,
    due_at,
    is_due_soon,
    paused_business_days,
    paused_seconds,
)

pytestmark = pytest.mark.req("X-06")

UTC = dt.UTC
LONDON = calendar_for("GB", "ENG", "Europe/London")
HONG_KONG = calendar_for("HK", None, "Asia/Hong_Kong")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_business_days_skip_the_weekend():
    # Thursday 2026-11-19 + 3 business days: Fri, Mon, Tue -> end of Tuesday 24 November.
    due = LONDON.add_business_days(at(2026, 11, 19, 10), 3)
    assert due == dt.datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=UTC)


def test_business_days_skip_public_holidays():
    # Christmas 2026 in England: Fri 25 Dec and Mon 28 Dec (Boxing Day substitute).
    assert not LONDON.is_business_day(dt.date(2026, 12, 25))
    assert not LONDON.is_business_day(dt.date(2026, 12, 28))
    due = LONDON.add_business_days(at(2026, 12, 24, 9), 3)
    assert LONDON.local_date(due) == dt.date(2026, 12, 31)


def test_holidays_are_per_jurisdiction():
    # 1 October is National Day in Hong Kong, an ordinary Thursday in London.
    day = dt.date(2026, 10, 1)
    assert LONDON.is_business_day(day)
    assert not HONG_KONG.is_business_day(day)
    assert HONG_KONG.holiday_name(day)


def test_the_day_ends_in_the_entity_time_zone():
    # Hong Kong is UTC+8: the end of a local day is 15:59:59.999999 UTC.
    due = HONG_KONG.add_business_days(at(2026, 11, 23, 1), 1)
    assert due == dt.datetime(2026, 11, 24, 15, 59, 59, 999999, tzinfo=UTC)


def test_a_request_late_in_the_utc_day_counts_from_the_local_date():
    # 2026-11-23 20:00 UTC is already Tuesday 24th in Hong Kong.
    assert HONG_KONG.local_date(at(2026, 11, 23, 20)) == dt.date(2026, 11, 24)
    due = HONG_KONG.add_business_days(at(2026, 11, 23, 20), 1)
    assert HONG_KONG.local_date(due) == dt.date(2026, 11, 25)


@pytest.mark.req("HX-14")
def test_fifteen_business_days_span_three_weeks():
    due = due_at(LONDON, at(2026, 11, 2, 9), "business_days", 15)
    assert LONDON.local_date(due) == dt.date(2026, 11, 23)


def test_hour_clocks_run_round_the_clock():
    start = at(2026, 12, 25, 22)  # a holiday evening
    assert due_at(LONDON, start, "hours", 4) == at(2026, 12, 26, 2)


def test_a_pause_gives_back_the_business_days_paused_whole():
    start = at(2026, 11, 23, 9)  # Monday
    # Paused Tuesday, resumed the next Monday: Wednesday, Thursday, Friday were paused whole.
    given_back = paused_business_days(LONDON, at(2026, 11, 24, 9), at(2026, 11, 30, 9))
    assert given_back == 3
    due = due_at(LONDON, start, "business_days", 3, extra_business_days=given_back)
    assert LONDON.local_date(due) == dt.date(2026, 12, 1)


def test_a_pause_over_midnight_gives_nothing_back():
    assert paused_business_days(LONDON, at(2026, 11, 24, 23, 59), at(2026, 11, 25, 0, 1)) == 0


def test_a_pause_over_a_weekend_gives_nothing_back():
    assert paused_business_days(LONDON, at(2026, 11, 28, 10), at(2026, 11, 30, 0, 30)) == 0


def test_a_pause_over_a_holiday_gives_nothing_back_for_the_holiday():
    # Paused Thursday 24 Dec, resumed Tuesday 29 Dec: Fri 25, Mon 28 are holidays.
    assert paused_business_days(LONDON, at(2026, 12, 24, 9), at(2026, 12, 29, 9)) == 0


def test_a_pause_of_an_hour_clock_gives_back_its_seconds():
    assert paused_seconds(at(2026, 11, 23, 10), at(2026, 11, 24, 10)) == 86400
    due = due_at(LONDON, at(2026, 11, 23, 8), "hours", 4, extra_seconds=86400)
    assert due == at(2026, 11, 24, 12)


def test_due_soon_thresholds():
    due = LONDON.add_business_days(at(2026, 11, 23, 9), 3)  # end of Thursday 26
    kwargs = {"soon_business_days": 1, "soon_hours": 2}
    assert not is_due_soon(LONDON, "business_days", due, at(2026, 11, 24, 9), **kwargs)
    assert is_due_soon(LONDON, "business_days", due, at(2026, 11, 25, 9), **kwargs)
    assert is_due_soon(LONDON, "business_days", due, at(2026, 11, 26, 9), **kwargs)
    assert not is_due_soon(LONDON, "business_days", due, at(2026, 11, 27, 9), **kwargs)  # overdue
    hour_due = at(2026, 11, 23, 12)
    assert is_due_soon(LONDON, "hours", hour_due, at(2026, 11, 23, 10, 30), **kwargs)
    assert not is_due_soon(LONDON, "hours", hour_due, at(2026, 11, 23, 9), **kwargs)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        due_at(LONDON, dt.datetime(2026, 1, 1), "hours", 1)

"""Business days and clocks: the one calendar module (X-06).

A business-day clock of N days started at some instant is due at the end of the N-th business
day after that instant's local date, in the handling entity's jurisdiction: a day of the
working week the profile (or the entity) names, Monday to Friday unless it says otherwise,
that is not a public holiday of the ``holidays`` package. The package's own idea of the
weekend is not used: for Hong Kong it gives Sunday only, and Saturdays would count as business
days (HX-14). An hour clock runs round the clock.
A pause lengthens the clock by what it took, in the clock's own unit: the business days
paused for whole, or the seconds paused. Everything enters and leaves as aware UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import holidays

Unit = Literal["business_days", "hours"]
# The profile's names of the days, in ``datetime.date.weekday()`` order.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY_TO_FRIDAY = DAY_NAMES[:5]


@dataclass(frozen=True)
class BusinessCalendar:
    country: str
    subdivision: str | None
    timezone: str
    # ``date.weekday()`` numbers of the working week (0 is Monday).
    working_days: frozenset[int] = frozenset(range(5))

    @functools.cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @functools.cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays(self.country, subdiv=self.subdivision or None)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() in self.working_days and day not in self._holidays

    def holiday_name(self, day: dt.date) -> str | None:
        name: str | None = self._holidays.get(day)
        return name

    def local_date(self, instant: dt.datetime) -> dt.date:
        return _aware(instant).astimezone(self.zone).date()

    def end_of_day(self, day: dt.date) -> dt.datetime:
        """The last microsecond of a local day, in UTC."""
        local = dt.datetime.combine(day, dt.time.max, tzinfo=self.zone)
        return local.astimezone(dt.UTC)

    def nth_business_day_after(self, day: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        counted = 0
        while counted < n:
            current += dt.timedelta(days=1)
            if self.is_business_day(current):
                counted += 1
        return current

    def add_business_days(self, start: dt.datetime, n: int) -> dt.datetime:
        """Due instant of an n-business-day clock started at ``start``."""
        return self.end_of_day(self.nth_business_day_after(self.local_date(start), n))

    def business_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Business days after ``start``'s local date, up to and including ``end``'s."""
        first = self.local_date(start)
        last = self.local_date(end)
        count = 0
        current = first
        while current < last:
            current += dt.timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        return count


def calendar_for(
    country: str,
    subdivision: str | None,
    timezone: str,
    working_days: Iterable[str] = MONDAY_TO_FRIDAY,
) -> BusinessCalendar:
    """The calendar of a jurisdiction with the working week the profile names (``mon``...)."""
    days = frozenset(working_days)
    unknown = sorted(days - set(DAY_NAMES))
    if unknown or not days:
        raise ValueError(f"not a working week: {sorted(days)!r}")
    return _calendar(country, subdivision, timezone, days)


@functools.lru_cache(maxsize=64)
def _calendar(
    country: str, subdivision: str | None, timezone: str, days: frozenset[str]
) -> BusinessCalendar:
    return BusinessCalendar(
        country=country,
        subdivision=subdivision,
        timezone=timezone,
        working_days=frozenset(DAY_NAMES.index(day) for day in days),
    )


def due_at(
    calendar: BusinessCalendar,
    start: dt.datetime,
    unit: Unit,
    length: int,
    *,
    extra_business_days: int = 0,
    extra_seconds: int = 0,
) -> dt.datetime:
    """Due instant of a clock, lengthened by what its pauses gave back (in its own unit)."""
    if unit == "hours":
        return _aware(start) + dt.timedelta(hours=length, seconds=extra_seconds)
    return calendar.add_business_days(start, length + extra_business_days)


def paused_business_days(
    calendar: BusinessCalendar, paused_at: dt.datetime, resumed_at: dt.datetime
) -> int:
    """Business days the clock was paused for whole: strictly between the two local dates.

    The day a pause starts and the day it ends count against the clock, so a pause over
    midnight or over a weekend gives nothing back, and an overdue clock stays overdue.
    """
    first = calendar.local_date(paused_at)
    last = calendar.local_date(resumed_at)
    days = 0
    current = first + dt.timedelta(days=1)
    while current < last:
        if calendar.is_business_day(current):
            days += 1
        current += dt.timedelta(days=1)
    return days


def paused_seconds(paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    return max(int((_aware(resumed_at) - _aware(paused_at)).total_seconds()), 0)


def is_due_soon(
    calendar: BusinessCalendar,
    unit: Unit,
    due: dt.datetime,
    now: dt.datetime,
    *,
    soon_business_days: int,
    soon_hours: int,
) -> bool:
    """Not yet overdue, but within the profile's warning distance of its due instant."""
    if _aware(now) > _aware(due):
        return False
    if unit == "hours":
        return _aware(due) - _aware(now) <= dt.timedelta(hours=soon_hours)
    return calendar.business_days_between(now, due) <= soon_business_days


def _aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: lers computes deadlines in aware UTC only")
    return instant.astimezone(dt.UTC)

"""A case's clocks (X-06, HX-14): start, pause while the agency answers, resume, finish, sweep.

The arithmetic lives in ``lers.cases.calendar``; the lengths come from the policy profile.
Lock order, everywhere: the case row first, then its clocks, then (inside ``audit_record``)
the audit head. The sweep follows it too, so it cannot deadlock with a transition.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from lers.audit.services import audit_record
from lers.cases.calendar import (
    BusinessCalendar,
    Unit,
    calendar_for,
    due_at,
    is_due_soon,
    paused_business_days,
    paused_seconds,
)
from lers.cases.models import Case, Deadline
from lers.core.policy import active_policy

LIVE = Deadline.LIVE
PAUSED = Deadline.Status.PAUSED


class _Located(Protocol):
    """An entity as the database or the profile gives it."""

    @property
    def code(self) -> str: ...
    @property
    def jurisdiction(self) -> str: ...
    @property
    def subdivision(self) -> str | None: ...
    @property
    def timezone(self) -> str: ...


def entity_calendar(entity: _Located) -> BusinessCalendar:
    """The entity's jurisdiction's holidays, with the working week the profile gives the entity
    (its own ``working_days``, else the profile's ``calendar.working_days``)."""
    return calendar_for(
        entity.jurisdiction,
        entity.subdivision or None,
        entity.timezone,
        active_policy().working_days_of(entity.code),
    )


def calendar_of(case: Case) -> BusinessCalendar:
    """The handling entity's calendar; before routing, the profile's first entity's."""
    if case.entity is not None:
        return entity_calendar(case.entity)
    return entity_calendar(active_policy().entities[0])


def _length(case: Case, kind: str) -> tuple[Unit, int]:
    """The review clock runs to the profile's longest review time (``review_business_days_max``;
    a complex case's longer, ``deadline_extend``); the shortest (``_min``) is what officers are
    told to expect at the earliest (``lers.cases.selectors.review_expectation``)."""
    sla = active_policy().sla
    if kind == Deadline.Kind.AGENCY_ANSWER:
        return "business_days", sla.information_response_business_days
    if case.urgency == Case.Urgency.EMERGENCY:
        return "hours", sla.emergency_hours
    if case.urgency == Case.Urgency.URGENT:
        return "hours", sla.urgent_hours
    return "business_days", sla.review_business_days_max


def _due(deadline: Deadline) -> dt.datetime:
    return due_at(
        calendar_of(deadline.case),
        deadline.started_at,
        deadline.unit,
        deadline.length,
        extra_business_days=deadline.extra_business_days,
        extra_seconds=deadline.extra_seconds,
    )


def _record(deadline: Deadline, action: str, **payload: object) -> None:
    audit_record(
        actor=None,
        action=f"deadline.{action}",
        obj=deadline,
        case_ref=deadline.case.reference,
        payload={"kind": deadline.kind, "due_at": deadline.due_at, **payload},
    )


def deadline_start(*, case: Case, kind: str, now: dt.datetime | None = None) -> Deadline:
    unit, length = _length(case, kind)
    deadline = Deadline(
        case=case, kind=kind, unit=unit, length=length, started_at=now or timezone.now()
    )
    deadline.due_at = _due(deadline)
    deadline.save()
    _record(deadline, "started", unit=unit, length=length)
    return deadline


def _clocks(case: Case, kind: str | None, statuses: tuple[str, ...]) -> list[Deadline]:
    clocks = Deadline.objects.select_for_update().filter(case=case, status__in=statuses)
    if kind is not None:
        clocks = clocks.filter(kind=kind)
    return list(clocks.order_by("started_at"))


def deadline_pause(*, case: Case, kind: str, now: dt.datetime | None = None) -> None:
    for deadline in _clocks(case, kind, LIVE):
        deadline.paused_at = now or timezone.now()
        deadline.status = PAUSED
        deadline.save(update_fields=["paused_at", "status"])
        _record(deadline, "paused")


def deadline_resume(*, case: Case, kind: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    for deadline in _clocks(case, kind, (PAUSED,)):
        assert deadline.paused_at is not None
        if deadline.unit == Deadline.Unit.HOURS:
            deadline.extra_seconds += paused_seconds(deadline.paused_at, now)
        else:
            deadline.extra_business_days += paused_business_days(
                calendar_of(case), deadline.paused_at, now
            )
        deadline.due_at = _due(deadline)
        deadline.paused_at = None
        deadline.status = Deadline.Status.RUNNING
        deadline.status = deadline_status_at(deadline, now)
        deadline.save(
            update_fields=["extra_business_days", "extra_seconds", "due_at", "paused_at", "status"]
        )
        _record(deadline, "resumed", status=deadline.status)


def deadline_extend(
    *, case: Case, kind: str, business_days: int, now: dt.datetime | None = None
) -> Deadline | None:
    """Lengthens a running or paused business-day clock (a complex case, HX-14): it is due
    ``business_days`` later, and its warnings go out again before the new due time."""
    now = now or timezone.now()
    extended = None
    for deadline in _clocks(case, kind, (*LIVE, PAUSED)):
        if deadline.unit != Deadline.Unit.BUSINESS_DAYS:
            continue
        previous = deadline.due_at
        deadline.length += business_days
        deadline.due_at = _due(deadline)
        if deadline.status in LIVE:
            deadline.status = Deadline.Status.RUNNING
            deadline.status = deadline_status_at(deadline, now)
        deadline.due_soon_notified = deadline.status == Deadline.Status.DUE_SOON and (
            deadline.due_soon_notified
        )
        deadline.overdue_notified = False
        deadline.save(
            update_fields=["length", "due_at", "status", "due_soon_notified", "overdue_notified"]
        )
        _record(deadline, "extended", business_days=business_days, previous_due_at=previous)
        extended = deadline
    return extended


def deadlines_recompute(*, case: Case) -> None:
    """After a case moves to another entity: its clocks follow that entity's calendar."""
    for deadline in _clocks(case, None, (*LIVE, PAUSED)):
        due = _due(deadline)
        if due != deadline.due_at:
            deadline.due_at = due
            deadline.save(update_fields=["due_at"])
            _record(deadline, "recomputed", calendar=case.entity.code if case.entity else "")


def deadline_finish(
    *, case: Case, kind: str | None = None, status: str = Deadline.Status.MET
) -> int:
    """Ends live or paused clocks (all of them when ``kind`` is None)."""
    now = timezone.now()
    count = 0
    for deadline in _clocks(case, kind, (*LIVE, PAUSED)):
        deadline.status = status
        deadline.finished_at = now
        deadline.save(update_fields=["status", "finished_at"])
        _record(deadline, status, late=now > deadline.due_at)
        count += 1
    return count


def deadline_status_at(deadline: Deadline, now: dt.datetime) -> str:
    if deadline.status not in LIVE:
        return deadline.status
    if now > deadline.due_at:
        return Deadline.Status.OVERDUE
    sla = active_policy().sla
    soon = is_due_soon(
        calendar_of(deadline.case),
        deadline.unit,
        deadline.due_at,
        now,
        soon_business_days=sla.due_soon_business_days,
        soon_hours=sla.due_soon_hours,
    )
    return Deadline.Status.DUE_SOON if soon else Deadline.Status.RUNNING


def deadlines_sweep(*, now: dt.datetime | None = None) -> list[Deadline]:
    """Marks live clocks due soon or overdue; each change is audited, each warning sent once."""
    from lers.cases.notifications import notify_deadline

    now = now or timezone.now()
    changed: list[Deadline] = []
    candidates = Deadline.objects.filter(status__in=LIVE).values_list("pk", "case_id")
    for pk, case_id in candidates.iterator():
        with transaction.atomic():
            Case.objects.select_for_update().filter(pk=case_id).first()  # lock order: case first
            deadline = (
                Deadline.objects.select_for_update(of=("self",))
                .select_related("case", "case__entity")
                .filter(pk=pk, status__in=LIVE)
                .first()
            )
            if deadline is None:
                continue
            new = deadline_status_at(deadline, now)
            if new == deadline.status:
                continue
            previous = deadline.status
            deadline.status = new
            fields = ["status"]
            warn = (new == Deadline.Status.DUE_SOON and not deadline.due_soon_notified) or (
                new == Deadline.Status.OVERDUE and not deadline.overdue_notified
            )
            if warn:
                flag = (
                    "due_soon_notified" if new == Deadline.Status.DUE_SOON else "overdue_notified"
                )
                setattr(deadline, flag, True)
                fields.append(flag)
            deadline.save(update_fields=fields)
            _record(deadline, new, previous=previous, notified=warn)
            if warn:
                notify_deadline(deadline)
            changed.append(deadline)
    return changed

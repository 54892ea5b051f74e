"""A case's clocks (X-06, HX-14): start, pause while the agency answers, resume, finish, sweep.

The arithmetic lives in ``lers.cases.calendar``; the lengths come from the policy profile.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lers.audit.services import audit_record
from lers.cases.calendar import (
    BusinessCalendar,
    Unit,
    calendar_for,
    due_at,
    is_due_soon,
    resumed_due_at,
)
from lers.cases.models import Case, Deadline
from lers.core.policy import active_policy

LIVE = Deadline.LIVE


def calendar_of(case: Case) -> BusinessCalendar:
    """The handling entity's calendar; before routing, the profile's first entity's."""
    if case.entity is not None:
        entity = case.entity
        return calendar_for(entity.jurisdiction, entity.subdivision or None, entity.timezone)
    first = active_policy().entities[0]
    return calendar_for(first.jurisdiction, first.subdivision, first.timezone)


def _length(case: Case, kind: str) -> tuple[Unit, int]:
    sla = active_policy().sla
    if kind == Deadline.Kind.AGENCY_ANSWER:
        return "business_days", sla.information_response_business_days
    if case.urgency == Case.Urgency.EMERGENCY:
        return "hours", sla.emergency_hours
    if case.urgency == Case.Urgency.URGENT:
        return "hours", sla.urgent_hours
    return "business_days", sla.review_business_days_max


def _record(deadline: Deadline, action: str, **payload: object) -> None:
    audit_record(
        actor=None,
        action=f"deadline.{action}",
        obj=deadline,
        case_ref=deadline.case.reference,
        payload={"kind": deadline.kind, "due_at": deadline.due_at, **payload},
    )


def deadline_start(*, case: Case, kind: str, now: dt.datetime | None = None) -> Deadline:
    now = now or timezone.now()
    unit, length = _length(case, kind)
    deadline = Deadline.objects.create(
        case=case,
        kind=kind,
        unit=unit,
        length=length,
        started_at=now,
        due_at=due_at(calendar_of(case), now, unit, length),
    )
    _record(deadline, "started", unit=unit, length=length)
    return deadline


def _live(case: Case, kind: str) -> Deadline | None:
    return (
        Deadline.objects.select_for_update()
        .filter(case=case, kind=kind, status__in=LIVE)
        .order_by("-started_at")
        .first()
    )


def deadline_pause(*, case: Case, kind: str, now: dt.datetime | None = None) -> Deadline | None:
    deadline = _live(case, kind)
    if deadline is None:
        return None
    deadline.paused_at = now or timezone.now()
    deadline.status = Deadline.Status.PAUSED
    deadline.save(update_fields=["paused_at", "status"])
    _record(deadline, "paused")
    return deadline


def deadline_resume(*, case: Case, kind: str, now: dt.datetime | None = None) -> Deadline | None:
    now = now or timezone.now()
    deadline = (
        Deadline.objects.select_for_update()
        .filter(case=case, kind=kind, status=Deadline.Status.PAUSED)
        .first()
    )
    if deadline is None or deadline.paused_at is None:
        return None
    deadline.due_at = resumed_due_at(
        calendar_of(case), deadline.unit, deadline.due_at, deadline.paused_at, now
    )
    deadline.paused_at = None
    deadline.status = Deadline.Status.RUNNING
    deadline.save(update_fields=["due_at", "paused_at", "status"])
    _record(deadline, "resumed")
    return deadline


def deadline_finish(
    *, case: Case, kind: str | None = None, status: str = Deadline.Status.MET
) -> int:
    """Ends live or paused clocks (all of them when ``kind`` is None)."""
    now = timezone.now()
    clocks = Deadline.objects.select_for_update().filter(
        case=case, status__in=(*LIVE, Deadline.Status.PAUSED)
    )
    if kind is not None:
        clocks = clocks.filter(kind=kind)
    count = 0
    for deadline in clocks:
        late = deadline.status == Deadline.Status.OVERDUE
        deadline.status = status
        deadline.finished_at = now
        deadline.save(update_fields=["status", "finished_at"])
        _record(deadline, status, late=late)
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
    """Marks live clocks due soon or overdue; each change is audited and notified once."""
    from lers.cases.notifications import notify_deadline

    now = now or timezone.now()
    changed: list[Deadline] = []
    candidates = Deadline.objects.filter(status__in=LIVE).values_list("pk", flat=True)
    for pk in candidates.iterator():
        with transaction.atomic():
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
            old = deadline.status
            deadline.status = new
            deadline.save(update_fields=["status"])
            _record(deadline, new, previous=old)
            if new in (Deadline.Status.DUE_SOON, Deadline.Status.OVERDUE):
                notify_deadline(deadline)
            changed.append(deadline)
    return changed

"""The transparency report (X-09): requests per period by country, agency type, request type,
urgency and outcome, the accounts affected and the median time to respond. Aggregates only:
no case, officer or account is named, and small counts can be suppressed."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lers.agencies.models import Agency
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.cases.models import ApprovedScope, Case
from lers.core.policy import active_policy
from lers.productions.models import Production


class Outcome:
    PRODUCED = "produced"
    PARTIAL = "partial"
    NONE_FOUND = "none_found"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    OPEN = "open"


OUTCOME_LABELS: dict[str, Promise] = {
    Outcome.PRODUCED: _("Data produced"),
    Outcome.PARTIAL: _("Produced in part"),
    Outcome.NONE_FOUND: _("No data found"),
    Outcome.DECLINED: _("Declined"),
    Outcome.WITHDRAWN: _("Withdrawn"),
    Outcome.OPEN: _("Still open or answered without data"),
}


@dataclass
class Table:
    key: str
    title: Promise
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, count


@dataclass
class Report:
    start: dt.date
    end: dt.date
    total: int
    accounts_affected: int
    median_days_to_respond: float | None
    responded: int
    tables: list[Table]
    suppress_below: int


def _outcome(case: Case, scope: ApprovedScope | None, released: bool) -> str:
    if case.state == State.WITHDRAWN:
        return Outcome.WITHDRAWN
    if case.state == State.DECLINED:
        return Outcome.DECLINED
    if scope is not None and released:
        return Outcome.PARTIAL if scope.partial else Outcome.PRODUCED
    if scope is not None and not scope.subjects and case.state in (State.RESPONDED, State.CLOSED):
        return Outcome.NONE_FOUND
    return Outcome.OPEN


def transparency_report(start: dt.date, end: dt.date) -> Report:
    """Requests submitted from ``start`` to ``end`` (inclusive, UTC dates)."""
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    cases = list(
        Case.objects.filter(submitted_at__gte=begin, submitted_at__lt=finish).select_related(
            "agency"
        )
    )
    ids = [c.pk for c in cases]
    scopes = {s.case_id: s for s in ApprovedScope.objects.filter(case_id__in=ids)}
    # Released is released: a package withdrawn or expired afterwards still went out.
    released = set(
        Production.objects.filter(case_id__in=ids, released_at__isnull=False).values_list(
            "case_id", flat=True
        )
    )
    answered: dict[str, dt.datetime] = {}
    for ref, at in (
        AuditEvent.objects.filter(
            case_ref__in=[c.reference for c in cases],
            action__in=["case.respond", "case.decline"],
        )
        .order_by("seq")
        .values_list("case_ref", "occurred_at")
    ):
        answered.setdefault(ref, at)
    policy = active_policy()
    by: dict[str, Counter[str]] = {k: Counter() for k in ("country", "kind", "type", "urgency")}
    outcomes: Counter[str] = Counter()
    accounts: set[str] = set()
    waits: list[float] = []
    for case in cases:
        by["country"][case.agency.country] += 1
        by["kind"][case.agency.kind] += 1
        for code in case.request_types:
            by["type"][code] += 1
        by["urgency"][case.urgency] += 1
        scope = scopes.get(case.pk)
        outcome = _outcome(case, scope, case.pk in released)
        outcomes[outcome] += 1
        if scope is not None and outcome in (Outcome.PRODUCED, Outcome.PARTIAL):
            accounts.update(scope.subjects)
        if case.reference in answered and case.submitted_at is not None:
            waits.append((answered[case.reference] - case.submitted_at).total_seconds() / 86400)
    kinds = dict(Agency.Kind.choices)
    urgencies = dict(Case.Urgency.choices)

    def type_label(code: str) -> str:
        known = policy.request_types.get(code)
        return known.label if known else code

    tables = [
        Table("country", _("Requesting country"), _sorted(by["country"], lambda c: c)),
        Table("agency_type", _("Agency type"), _sorted(by["kind"], lambda k: str(kinds.get(k, k)))),
        Table("request_type", _("Request type"), _sorted(by["type"], type_label)),
        Table("urgency", _("Urgency"), _sorted(by["urgency"], lambda u: str(urgencies.get(u, u)))),
        Table(
            "outcome",
            _("Outcome"),
            [(o, str(OUTCOME_LABELS[o]), outcomes[o]) for o in OUTCOME_LABELS if outcomes[o]],
        ),
    ]
    return Report(
        start=start,
        end=end,
        total=len(cases),
        accounts_affected=len(accounts),
        median_days_to_respond=round(statistics.median(waits), 1) if waits else None,
        responded=len(waits),
        tables=tables,
        suppress_below=settings.LERS_REPORT_SUPPRESS_BELOW,
    )


def _sorted(counts: Counter[str], label: object) -> list[tuple[str, str, int]]:
    assert callable(label)
    return sorted(((k, str(label(k)), n) for k, n in counts.items()), key=lambda r: (-r[2], r[1]))


@dataclass
class Published:
    """What may be shown of a report: counts below the threshold hidden, and in each table
    one more hidden beside a lone hidden cell, so that no count can be worked out from the
    total and the others (complementary suppression)."""

    total: str
    accounts_affected: str
    median_days_to_respond: str
    responded: str
    tables: list[tuple[Table, list[tuple[str, str, str, bool]]]]  # code, label, shown, hidden


def shown(count: int, suppress_below: int) -> str:
    """A count as published: below the threshold, only that it is small."""
    if suppress_below and 0 < count < suppress_below:
        return f"<{suppress_below}"
    return str(count)


def publish(report: Report) -> Published:
    limit = report.suppress_below
    tables = []
    for table in report.tables:
        hidden = {i for i, (_c, _l, n) in enumerate(table.counts) if limit and 0 < n < limit}
        if len(hidden) == 1 and len(table.counts) > 1:
            # The total less the other cells would give the hidden one: hide the smallest other.
            others = [i for i in range(len(table.counts)) if i not in hidden]
            hidden.add(min(others, key=lambda i: table.counts[i][2]))
        rows = [
            (code, label, "–" if i in hidden and n >= limit else shown(n, limit), i in hidden)
            for i, (code, label, n) in enumerate(table.counts)
        ]
        tables.append((table, rows))
    few = bool(limit) and report.responded < limit
    return Published(
        total=shown(report.total, limit),
        accounts_affected=shown(report.accounts_affected, limit),
        median_days_to_respond=""
        if few or report.median_days_to_respond is None
        else str(report.median_days_to_respond),
        responded=shown(report.responded, limit),
        tables=tables,
    )


def report_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period a report may cover: with suppression on, whole calendar months, since two
    overlapping periods of any days would otherwise give the counts of the days between."""
    if not settings.LERS_REPORT_SUPPRESS_BELOW:
        return start, end
    first = start.replace(day=1)
    following = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


CSV_HEADER = ["period_start", "period_end", "dimension", "code", "label", "requests"]


def csv_rows(published: Published, start: dt.date, end: dt.date) -> list[list[object]]:
    """The published report as the rows of its CSV export (the header first)."""
    rows: list[list[object]] = [CSV_HEADER]
    for dimension, value in (
        ("total", published.total),
        ("accounts_affected", published.accounts_affected),
        ("answered", published.responded),
        ("median_days_to_respond", published.median_days_to_respond),
    ):
        rows.append([start, end, dimension, "", "", value])
    for table, lines in published.tables:
        for code, label, text, _hidden in lines:
            rows.append([start, end, table.key, code, label, text])
    return rows

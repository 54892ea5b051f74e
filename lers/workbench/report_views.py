"""The transparency report page (X-09): tables, bar charts drawn as inline SVG, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.roles import is_staff_member
from lers.core.errors import NotFound
from lers.reports.transparency import Report, shown, transparency_report

BAR_WIDTH = 360


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, str]:
    today = timezone.now().date()
    start = _date(request.GET.get("from"), today.replace(month=1, day=1))
    end = _date(request.GET.get("to"), today)
    error = ""
    if end < start:
        start, end, error = end, start, _("The period was given backwards; it is shown forwards.")
    return start, end, error


def _charts(report: Report) -> list[dict[str, Any]]:
    charts = []
    for table in report.tables:
        top = max((n for _c, _l, n in table.counts), default=0)
        rows = []
        for code, label, count in table.counts:
            small = report.suppress_below and count < report.suppress_below
            width = 0 if small or not top else max(2, round(BAR_WIDTH * count / top))
            rows.append(
                {
                    "code": code,
                    "label": label,
                    "count": shown(count, report.suppress_below),
                    "width": width,
                }
            )
        charts.append(
            {"key": table.key, "title": table.title, "rows": rows, "height": 22 * len(rows)}
        )
    return charts


@login_required
def transparency(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise NotFound("no such page")
    start, end, error = _period(request)
    report = transparency_report(start, end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="transparency-{start.isoformat()}-{end.isoformat()}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(["period_start", "period_end", "dimension", "code", "label", "requests"])
        writer.writerow([start, end, "total", "", "", shown(report.total, report.suppress_below)])
        writer.writerow(
            [
                start,
                end,
                "accounts_affected",
                "",
                "",
                shown(report.accounts_affected, report.suppress_below),
            ]
        )
        writer.writerow(
            [start, end, "median_days_to_respond", "", "", report.median_days_to_respond or ""]
        )
        for table in report.tables:
            for code, label, count in table.counts:
                writer.writerow(
                    [start, end, table.key, code, label, shown(count, report.suppress_below)]
                )
        return response
    return render(
        request,
        "workbench/transparency.html",
        {
            "report": report,
            "charts": _charts(report),
            "total": shown(report.total, report.suppress_below),
            "accounts": shown(report.accounts_affected, report.suppress_below),
            "error": error,
            "bar_width": BAR_WIDTH,
        },
    )

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
from lers.reports.transparency import (
    Published,
    csv_rows,
    publish,
    report_period,
    transparency_report,
)

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


def _charts(published: Published) -> list[dict[str, Any]]:
    charts = []
    for table, rows in published.tables:
        top = max((n for _c, _l, n in table.counts if n), default=0)
        bars = []
        for (code, label, text, hidden), (_c, _l, count) in zip(rows, table.counts, strict=True):
            width = 0 if hidden or not top else max(2, round(BAR_WIDTH * count / top))
            bars.append({"code": code, "label": label, "count": text, "width": width})
        charts.append(
            {"key": table.key, "title": table.title, "rows": bars, "height": 22 * len(bars)}
        )
    return charts


@login_required
def transparency(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise NotFound("no such page")
    start, end, error = _period(request)
    start, end = report_period(start, end)
    report = transparency_report(start, end)
    published = publish(report)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="transparency-{start.isoformat()}-{end.isoformat()}.csv"'
        )
        csv.writer(response).writerows(csv_rows(published, start, end))
        return response
    return render(
        request,
        "workbench/transparency.html",
        {
            "report": report,
            "published": published,
            "charts": _charts(published),
            "error": error,
            "bar_width": BAR_WIDTH,
        },
    )

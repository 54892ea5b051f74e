"""The transparency report (X-09): counts per period by dimension and outcome, the accounts
affected, the median time to respond, CSV export, charts, and small counts suppressed."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import ApprovedScope, Case
from lers.productions.models import Production
from lers.reports.transparency import Outcome, transparency_report
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-09")]


@pytest.fixture
def year(make_case, operator, reviewer, officer_a, officer_b, agency_b):
    """Five requests of this year with every outcome; one from another country."""
    produced = make_case(State.CLOSED)
    ApprovedScope.objects.filter(case=produced).update(subjects=["10000001", "10000002"])
    Production.objects.create(
        case=produced,
        state=Production.State.DOWNLOADED,
        created_by=operator,
        released_by=reviewer,
        released_at=timezone.now(),
    )
    partial = make_case(State.IN_PROGRESS, urgency="urgent")
    ApprovedScope.objects.filter(case=partial).update(subjects=["10000003"], partial=True)
    Production.objects.create(
        case=partial,
        state=Production.State.WITHDRAWN,  # withdrawn after its release: the data went out
        created_by=operator,
        released_at=timezone.now(),
    )
    none_found = make_case(State.CLOSED)
    ApprovedScope.objects.filter(case=none_found).update(subjects=[])
    declined = make_case(State.DECLINED, officer=officer_b)
    withdrawn = services.case_withdraw(
        case=make_case(State.SUBMITTED), by=officer_a, reason="Solved otherwise."
    )
    # Two days from submission to the answer for the produced one.
    Case.objects.filter(pk=produced.pk).update(submitted_at=timezone.now() - dt.timedelta(days=2))
    return {
        "produced": produced,
        "partial": partial,
        "none_found": none_found,
        "declined": declined,
        "withdrawn": withdrawn,
    }


def counts(report, key):
    return {code: n for code, _label, n in next(t for t in report.tables if t.key == key).counts}


def test_the_report_counts_by_dimension_and_outcome(year, agency_a, agency_b):
    today = timezone.now().date()
    report = transparency_report(today.replace(month=1, day=1), today)
    assert report.total == 5
    assert counts(report, "outcome") == {
        Outcome.PRODUCED: 1,
        Outcome.PARTIAL: 1,
        Outcome.NONE_FOUND: 1,
        Outcome.DECLINED: 1,
        Outcome.WITHDRAWN: 1,
    }
    assert counts(report, "country") == {agency_a.country: 4, agency_b.country: 1}
    assert counts(report, "urgency") == {"standard": 4, "urgent": 1}
    assert counts(report, "request_type") == {"information": 5}
    assert counts(report, "agency_type") == {"police": 5}
    assert report.accounts_affected == 3
    # produced: 2 days; none found and declined: answered the day they came
    assert report.responded == 3
    assert report.median_days_to_respond is not None and report.median_days_to_respond < 1


def test_a_period_without_requests_is_empty(year):
    report = transparency_report(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert report.total == 0 and all(not t.counts for t in report.tables)
    assert report.median_days_to_respond is None


def test_the_page_draws_charts_and_exports_csv_with_small_counts_suppressed(
    client, settings, year, auditor, officer_a
):
    settings.LERS_REPORT_SUPPRESS_BELOW = 2
    assert client.login(username=officer_a.username, password=PASSWORD)
    assert client.get(reverse("workbench-transparency")).status_code == 404
    client.logout()
    assert client.login(username=auditor.username, password=PASSWORD)
    page = client.get(reverse("workbench-transparency")).content.decode()
    assert "<svg" in page and "cdn" not in page.lower()
    assert 'data-code="declined">&lt;2<' in page  # one declined request: suppressed
    # urgency: 4 standard and 1 urgent; with the urgent one hidden, the total would give it
    # away, so the standard count is hidden too (complementary suppression)
    assert 'data-code="urgent">&lt;2<' in page and 'data-code="standard">–<' in page
    export = client.get(reverse("workbench-transparency") + "?format=csv")
    assert export["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    by = {(r["dimension"], r["code"]): r["requests"] for r in rows}
    assert by[("total", "")] == "5"
    assert by[("outcome", "declined")] == "<2"
    assert by[("urgency", "standard")] == "–"
    assert by[("request_type", "information")] == "5"  # a lone cell above the threshold
    assert all("10000001" not in value for row in rows for value in row.values())  # aggregates only


def test_a_backwards_period_is_turned_around(client, auditor, year):
    assert client.login(username=auditor.username, password=PASSWORD)
    today = timezone.now().date()
    response = client.get(
        reverse("workbench-transparency") + f"?from={today}&to={today.replace(month=1, day=1)}"
    )
    assert "backwards" in response.content.decode()
    assert "data-total>5<" in response.content.decode()

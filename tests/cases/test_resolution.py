"""Staff resolve a case's targets against the exchange and decide on each account (X-10)."""

from __future__ import annotations

import pytest

from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import SubjectMatch
from lers.core.errors import DomainError, NotPermitted
from tests.exchange.small import ETH, XRP_SHARED

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-10", "JU-08", "HX-09")]


@pytest.fixture
def case(make_case, officer_a):
    case = make_case(State.DRAFT)
    case.targets.all().delete()
    for kind, value, chain, memo in [
        ("address", ETH, "ETH", ""),
        ("address", XRP_SHARED, "XRP", ""),
        ("name", "王伟", "", ""),
        ("email", "nobody@example.org", "", ""),
    ]:
        services.target_add(case=case, by=officer_a, kind=kind, value=value, chain=chain, memo=memo)
    return case


def _to_triage(case, officer_a, analyst):
    services.case_submit(case=case, by=officer_a, accept_incomplete=True)
    return services.case_start_triage(case=case, by=analyst)


def test_targets_resolve_to_candidates_with_evidence_and_none_found_is_recorded(
    small_exchange, case, officer_a, analyst
):
    case = _to_triage(case, officer_a, analyst)
    counts = services.case_resolve_targets(case=case, by=analyst)
    by_value = {t.value: t for t in case.targets.all()}
    assert counts[by_value[ETH].pk] == 1
    assert counts[by_value[XRP_SHARED].pk] == 2  # shared address without a memo: both holders
    assert counts[by_value["nobody@example.org"].pk] == 0
    (eth,) = by_value[ETH].matches.all()
    assert (eth.uid, eth.exact, eth.status) == ("10000001", True, SubjectMatch.Status.PROPOSED)
    (name,) = by_value["王伟"].matches.all()
    assert name.uid == "10000002" and not name.exact and "王伟" in name.evidence
    nobody = by_value["nobody@example.org"]
    nobody.refresh_from_db()
    assert nobody.resolved_at is not None and not nobody.matches.exists()
    lookups = AuditEvent.objects.filter(action="exchange.lookup", case_ref=case.reference)
    assert lookups.count() == 4
    assert lookups.get(object_id=str(nobody.pk)).payload["none_found"] is True
    # Searching again reads nothing new: every target has been searched.
    assert services.case_resolve_targets(case=case, by=analyst) == {}


def test_a_person_confirms_or_rejects_each_account(small_exchange, case, officer_a, analyst):
    case = _to_triage(case, officer_a, analyst)
    services.case_resolve_targets(case=case, by=analyst)
    first, second = SubjectMatch.objects.filter(target__value=XRP_SHARED).order_by("uid")
    services.subject_decide(match=first, by=analyst, confirm=True)
    with pytest.raises(DomainError, match="say why"):
        services.subject_decide(match=second, by=analyst, confirm=False)
    services.subject_decide(match=second, by=analyst, confirm=False, note="Memo 1001 was used")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "rejected")
    assert second.decided_by == analyst
    actions = set(
        AuditEvent.objects.filter(case_ref=case.reference).values_list("action", flat=True)
    )
    assert {"subject.confirmed", "subject.rejected"} <= actions


def test_only_case_workers_resolve_and_not_before_triage(
    small_exchange, case, officer_a, analyst, auditor
):
    with pytest.raises(NotPermitted):
        services.case_resolve_targets(case=case, by=analyst)  # still the agency's draft
    case = _to_triage(case, officer_a, analyst)
    with pytest.raises(NotPermitted):
        services.case_resolve_targets(case=case, by=auditor)
    with pytest.raises(NotPermitted):
        services.case_resolve_targets(case=case, by=officer_a)
    assert not SubjectMatch.objects.exists()


def test_the_workbench_searches_and_decides(client, small_exchange, case, officer_a, analyst):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    case = _to_triage(case, officer_a, analyst)
    assert client.login(username=officer_a.username, password=PASSWORD)
    assert client.post(reverse("workbench-resolve", args=[case.reference])).status_code == 404
    client.logout()
    assert client.login(username=analyst.username, password=PASSWORD)
    response = client.post(reverse("workbench-resolve", args=[case.reference]), follow=True)
    assert (
        "4 target(s) searched: 3 with candidate accounts, 1 without." in response.content.decode()
    )
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert "No account found." in page and "10000001" in page
    match = SubjectMatch.objects.get(uid="10000001")
    client.post(
        reverse("workbench-subject", args=[case.reference, match.pk]), {"decision": "confirm"}
    )
    match.refresh_from_db()
    assert match.status == "confirmed"

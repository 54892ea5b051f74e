"""Fixtures of the actions tests: an approved case whose account 10000001 (ETH) is confirmed
and in the approved scope, with freezing, preservation and disclosure approved where the
profile has them."""

from __future__ import annotations

import pytest

from lers.cases import services
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.lifecycle import State
from lers.cases.models import Case, SubjectMatch
from lers.core.policy import active_policy
from lers.jobs.worker import Worker
from tests.exchange.small import ETH, TRON


@pytest.fixture
def subject_case(small_exchange, make_case, officer_a, analyst, reviewer, approver, operator):
    case = make_case(State.DRAFT)
    types = active_policy().request_types
    wanted = [t for t in types if types[t].effect in ("disclosure", "freeze", "preservation")]
    Case.objects.filter(pk=case.pk).update(
        request_types=wanted, data_categories=list(DATA_CATEGORIES)
    )
    case.targets.all().delete()
    services.target_add(case=case, by=officer_a, kind="address", value=ETH, chain="ETH")
    services.target_add(case=case, by=officer_a, kind="address", value=TRON, chain="TRX")
    services.case_submit(case=case, by=officer_a, accept_incomplete=True)
    case = services.case_start_triage(case=case, by=analyst)
    for colleague in (reviewer, approver, operator):
        services.case_assign(case=case, by=analyst, user=colleague)
    services.case_resolve_targets(case=case, by=analyst)
    for match in SubjectMatch.objects.filter(target__case=case, target__value=ETH):
        services.subject_decide(match=match, by=analyst, confirm=True)
    services.case_send_to_verification(case=case, by=analyst)
    services.case_verify(case=case, by=analyst, note="Call-back confirmed.")
    services.case_approve(case=case, by=reviewer, note="Approved as requested.")
    case.refresh_from_db()
    return case


def run_jobs() -> int:
    """Everything the queue holds that is due now, as a worker would run it."""
    return Worker(worker_id="test", periodic={}).run(burst=True)

"""Fixtures of the actions tests: a case in triage whose account 10000001 (ETH) is confirmed."""

from __future__ import annotations

import pytest

from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import SubjectMatch
from lers.jobs.worker import Worker
from tests.exchange.small import ETH, TRON


@pytest.fixture
def subject_case(small_exchange, make_case, officer_a, analyst):
    case = make_case(State.DRAFT)
    case.targets.all().delete()
    services.target_add(case=case, by=officer_a, kind="address", value=ETH, chain="ETH")
    services.target_add(case=case, by=officer_a, kind="address", value=TRON, chain="TRX")
    services.case_submit(case=case, by=officer_a, accept_incomplete=True)
    case = services.case_start_triage(case=case, by=analyst)
    services.case_resolve_targets(case=case, by=analyst)
    for match in SubjectMatch.objects.filter(target__case=case, target__value=ETH):
        services.subject_decide(match=match, by=analyst, confirm=True)
    case.refresh_from_db()
    return case


def run_jobs() -> int:
    """Everything the queue holds that is due now, as a worker would run it."""
    return Worker(worker_id="test", periodic={}).run(burst=True)

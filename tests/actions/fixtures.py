"""An exchange back office that answers lers's webhook (tests/exchange/backoffice.py) and a
freeze approved but not yet sent: shared by the delivery tests and the API's callback tests
(registered in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from lers.actions.services.freezes import freeze_approve, freeze_request
from tests.exchange.backoffice import SECRET, start_back_office

T0 = dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC)


@pytest.fixture
def office(settings):
    office, server = start_back_office()
    settings.LERS_EXCHANGE_ACTIONS = "webhook"
    settings.LERS_EXCHANGE_WEBHOOK_URL = office.url
    settings.LERS_EXCHANGE_WEBHOOK_SECRET = SECRET
    settings.LERS_EXCHANGE_WEBHOOK_TIMEOUT = 1
    yield office
    server.shutdown()
    server.server_close()


@pytest.fixture
def approved(subject_case, analyst, approver, time_machine):
    """A freeze approved (the decision committed with its outbox row) and not yet sent."""
    time_machine.move_to(T0, tick=False)
    freeze = freeze_request(
        case=subject_case, uid="10000001", scope="account", by=analyst, reason="Fraud", days=30
    )
    return freeze_approve(freeze=freeze, by=approver)


def later(time_machine, **delta):
    time_machine.move_to(T0 + dt.timedelta(**delta), tick=False)

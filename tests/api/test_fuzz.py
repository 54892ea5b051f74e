"""schemathesis reads the OpenAPI document and sends what it generates to every operation,
in-process: no answer is a server error, and every answer matches the document (X-11).

In the suite the examples are derandomised (the same every run: CI never fails by chance).
For a deeper search, raise max_examples and drop derandomize, e.g. on PostgreSQL:
``DATABASE_URL=postgres://… pytest tests/api/test_fuzz.py --hypothesis-seed=N``."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from lers.wsgi import application
from tests.api.conftest import token_for

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = [pytest.mark.req("X-11")]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request; inside a test's
    transaction that would close the test's own. Django's test client does the same as this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["officer", "staff"])
def bearer(request, settings, officer_a, analyst, make_case) -> dict[str, str]:
    """An officer's token, or a member of staff's, with a case each may read. (schemathesis
    also sends refused tokens, by the hundred: the per-address limit is raised for it.)"""
    settings.LERS_API_ANON_RATE = "100000/min"
    make_case("submitted")
    user = officer_a if request.param == "officer" else analyst
    return {"Authorization": f"Bearer {token_for(user)}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, bearer):
    # Every check but two: unknown query parameters are ignored by design (schemathesis
    # counts them as invalid data that must be refused), and a well-formed request may name
    # an object that does not exist (a 404 is the right answer, not a refusal of good data).
    case.call_and_validate(
        headers=bearer,
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )

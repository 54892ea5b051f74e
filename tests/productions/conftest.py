"""What every production test starts from."""

from __future__ import annotations

import pytest

from tests.conftest import tell_users


@pytest.fixture(autouse=True)
def _users_told(request):
    """Under the default profile (binance) the users are told before disclosure (BN-08)."""
    if "subject_case" in request.fixturenames:
        tell_users(request.getfixturevalue("subject_case"), request.getfixturevalue("analyst"))

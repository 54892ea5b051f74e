from typing import Any

import pytest

from lers.jobs.periodic import PERIODIC
from lers.jobs.registry import (
    DuplicateJobError,
    UnknownJobError,
    ensure_discovered,
    get_handler,
    job,
)

from .handlers import ok_handler


def other_ok(payload: dict[str, Any]) -> None:
    pass


def test_registering_the_same_function_again_is_harmless():
    job("test.ok")(ok_handler)
    assert get_handler("test.ok").fn is ok_handler


def test_a_second_function_under_a_taken_name_is_refused():
    with pytest.raises(DuplicateJobError, match=r"test\.ok"):
        job("test.ok")(other_ok)
    assert get_handler("test.ok").fn is ok_handler


def test_unknown_name_has_no_handler():
    with pytest.raises(UnknownJobError):
        get_handler("test.nobody-handles-this")


def test_handler_carries_its_retry_and_lease_settings():
    handler = get_handler("test.crashy")
    assert (handler.max_attempts, handler.lease_seconds) == (2, 60)


def test_discovery_registers_the_builtin_prune_daily():
    ensure_discovered()
    assert get_handler("jobs.prune").name == "jobs.prune"
    assert PERIODIC["jobs.prune"] == 24 * 60 * 60

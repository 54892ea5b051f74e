"""Fixtures of the job queue tests."""

from __future__ import annotations

from typing import Any

import pytest

from lers.jobs import periodic
from lers.jobs.registry import ensure_discovered

from .handlers import CALLS, T0


@pytest.fixture(autouse=True)
def calls() -> list[tuple[str, dict[str, Any]]]:
    CALLS.clear()
    return CALLS


@pytest.fixture
def frozen(time_machine: Any) -> Any:
    """Time stands still at T0 until the test moves it."""
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def no_project_schedules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers started by a test enqueue only the test's own jobs, not the project's sweeps."""
    ensure_discovered()  # register the real schedules first, so restoring keeps them
    monkeypatch.setattr(periodic, "PERIODIC", {})

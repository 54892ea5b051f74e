"""Test-only job handlers (unique "test." names) shared by the job queue tests."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime
from typing import Any

from lers.jobs.registry import job

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)

# What the handlers were called with, in order; cleared before each test.
CALLS: list[tuple[str, dict[str, Any]]] = []


@job("test.ok")
def ok_handler(payload: dict[str, Any]) -> None:
    CALLS.append(("test.ok", payload))


@job("test.fail", max_attempts=3)
def fail_handler(payload: dict[str, Any]) -> None:
    CALLS.append(("test.fail", payload))
    raise ValueError("boom")


@job("test.crashy", max_attempts=2, lease_seconds=60)
def crashy_handler(payload: dict[str, Any]) -> None:
    CALLS.append(("test.crashy", payload))


@job("test.tick")
def tick_handler(payload: dict[str, Any]) -> None:
    CALLS.append(("test.tick", payload))


@job("test.sigterm")
def sigterm_handler(payload: dict[str, Any]) -> None:
    # What an operator's `kill` does while a job runs.
    CALLS.append(("test.sigterm", payload))
    os.kill(os.getpid(), signal.SIGTERM)

"""The periodic jobs of the project: job name → interval in seconds.

Apps add theirs from their ``tasks`` module with ``register_periodic``; the worker writes them
to the ``Schedule`` table at start-up (``schedules_sync``) and enqueues each one when it is due.
"""

from __future__ import annotations

PERIODIC: dict[str, int] = {}


def register_periodic(name: str, seconds: int) -> None:
    """Run the job ``name`` every ``seconds`` seconds (with an empty payload)."""
    if seconds < 1:
        raise ValueError(f"periodic job {name!r}: interval must be at least 1 second")
    existing = PERIODIC.get(name)
    if existing is not None and existing != seconds:
        raise ValueError(
            f"periodic job {name!r} is already registered every {existing}s, not {seconds}s"
        )
    PERIODIC[name] = seconds

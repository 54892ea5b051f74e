"""The names a job can be enqueued under, and the handler each one runs.

Handlers live in the ``tasks`` module of their app and register themselves with ``@job`` when
that module is imported; ``ensure_discovered`` imports every installed app's ``tasks`` once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

HandlerFn = Callable[[dict[str, Any]], None]


class DuplicateJobError(ValueError):
    """Two different functions were registered under one job name."""


class UnknownJobError(ValueError):
    """No handler is registered under this job name."""


@dataclass(frozen=True)
class Handler:
    """A registered job: the function and how the queue treats it."""

    name: str
    fn: HandlerFn
    max_attempts: int
    lease_seconds: int

    def __call__(self, payload: dict[str, Any]) -> None:
        self.fn(payload)


_handlers: dict[str, Handler] = {}
_discovery_lock = threading.Lock()
_discovered = False


def _same_function(a: HandlerFn, b: HandlerFn) -> bool:
    # A module imported twice (pytest's rootdir/package import modes can do it) defines a new
    # function object at the same place; that is a re-registration, not a clash.
    if a is b:
        return True
    return (getattr(a, "__module__", None), getattr(a, "__qualname__", None)) == (
        getattr(b, "__module__", None),
        getattr(b, "__qualname__", None),
    )


def job(
    name: str, *, max_attempts: int = 5, lease_seconds: int = 300
) -> Callable[[HandlerFn], HandlerFn]:
    """Register ``fn(payload: dict) -> None`` as the handler of ``name``.

    ``lease_seconds`` is how long a worker may hold the job before another worker assumes it
    died and takes the job over: make it longer than the handler ever runs.
    """
    if not name:
        raise ValueError("job name must not be empty")
    if max_attempts < 1:
        raise ValueError(f"job {name!r}: max_attempts must be at least 1")
    if lease_seconds < 1:
        raise ValueError(f"job {name!r}: lease_seconds must be at least 1")

    def register(fn: HandlerFn) -> HandlerFn:
        existing = _handlers.get(name)
        if existing is not None and not _same_function(existing.fn, fn):
            raise DuplicateJobError(
                f"job {name!r} is already registered by "
                f"{existing.fn.__module__}.{existing.fn.__qualname__}; "
                f"cannot register {fn.__module__}.{fn.__qualname__} under the same name"
            )
        _handlers[name] = Handler(
            name=name, fn=fn, max_attempts=max_attempts, lease_seconds=lease_seconds
        )
        return fn

    return register


def ensure_discovered() -> None:
    """Import the ``tasks`` module of every installed app, once per process."""
    global _discovered
    if _discovered:
        return
    with _discovery_lock:
        if not _discovered:
            autodiscover_modules("tasks")
            _discovered = True


def get_handler(name: str) -> Handler:
    """The handler registered under ``name``; discovers the apps' tasks modules first."""
    handler = _handlers.get(name)
    if handler is None:
        ensure_discovered()
        handler = _handlers.get(name)
    if handler is None:
        raise UnknownJobError(f"no job handler is registered under {name!r}")
    return handler


def registered_names() -> list[str]:
    """Every registered job name, sorted (for the worker's start-up log)."""
    return sorted(_handlers)

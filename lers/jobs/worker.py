"""The worker process: enqueue due schedules, claim a job, run it, repeat.

Any number of workers may run against one database. A worker that is killed mid-job leaves the
job RUNNING with a lease; when the lease expires another worker (or this one, restarted) claims
it again.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Mapping
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

from lers.jobs import periodic as periodic_jobs
from lers.jobs.registry import ensure_discovered, registered_names
from lers.jobs.services import job_claim, job_run, schedules_enqueue_due, schedules_sync

logger = logging.getLogger("lers.jobs")

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """Runs jobs from the queue until stopped (or, in burst mode, until none is runnable)."""

    def __init__(
        self,
        *,
        worker_id: str | None = None,
        poll_seconds: float | None = None,
        periodic: Mapping[str, int] | None = None,
    ) -> None:
        self.worker_id = worker_id or default_worker_id()
        # None: lers.jobs.periodic.PERIODIC, read at start() once every tasks module has
        # registered its schedules.
        self.periodic = periodic
        self.poll_seconds = (
            float(settings.LERS_WORKER_POLL_SECONDS) if poll_seconds is None else poll_seconds
        )
        if self.poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        self._stopping = threading.Event()
        self._started = False

    def start(self) -> None:
        """Load every app's job handlers and write the periodic schedules (once)."""
        if self._started:
            return
        ensure_discovered()
        schedules = dict(periodic_jobs.PERIODIC if self.periodic is None else self.periodic)
        schedules_sync(schedules)
        self._started = True
        logger.info(
            "worker %s ready: %d handlers, schedules %s",
            self.worker_id,
            len(registered_names()),
            ", ".join(f"{name} every {seconds}s" for name, seconds in schedules.items()) or "none",
        )

    def stop(self) -> None:
        """Ask the loop to exit after the current job (safe from a signal handler)."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run_once(self) -> bool:
        """Enqueue due schedules, then claim and run at most one job; True if one ran."""
        self.start()
        schedules_enqueue_due()
        job = job_claim(worker_id=self.worker_id)
        if job is None:
            return False
        logger.info("worker %s: running %s (attempt %d)", self.worker_id, job, job.attempts)
        job_run(job, worker_id=self.worker_id)
        return True

    def run(self, *, burst: bool = False, max_jobs: int | None = None) -> int:
        """Run jobs until stopped by SIGTERM/SIGINT; return how many ran.

        ``burst``: exit as soon as no job is runnable. ``max_jobs``: exit after that many.
        A stop signal lets the current job finish and record its result before exiting.
        """
        ran = 0
        previous = self._install_signal_handlers()
        try:
            self.start()
            while not self.stopping and (max_jobs is None or ran < max_jobs):
                _close_stale_connections()
                try:
                    did_run = self.run_once()
                except DatabaseError:
                    if burst:
                        raise
                    # The database went away (restart, failover): keep the worker alive and
                    # try again after a pause, with a fresh connection.
                    logger.exception("worker %s: database error, retrying", self.worker_id)
                    _close_stale_connections()
                    did_run = False
                if did_run:
                    ran += 1
                elif burst:
                    break
                else:
                    self._stopping.wait(self.poll_seconds)
        finally:
            self._restore_signal_handlers(previous)
        logger.info("worker %s stopped after %d jobs", self.worker_id, ran)
        return ran

    def _handle_signal(self, signum: int, frame: FrameType | None) -> None:
        logger.info(
            "worker %s: %s received, finishing the current job",
            self.worker_id,
            signal.Signals(signum).name,
        )
        self.stop()

    def _install_signal_handlers(self) -> dict[int, Any]:
        # signal.signal only works in the main thread; a worker run from another thread (an
        # embedding test, say) is stopped with stop() instead.
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {sig: signal.signal(sig, self._handle_signal) for sig in _STOP_SIGNALS}

    def _restore_signal_handlers(self, previous: dict[int, Any]) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _close_stale_connections() -> None:
    # What Django does around each request, for a loop that never sees one: drop connections
    # that are broken or past CONN_MAX_AGE. Never inside a transaction (a test's, say).
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()

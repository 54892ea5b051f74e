"""The actions tests share ``subject_case`` and ``run_jobs`` with the productions tests
(tests/conftest.py): an approved case whose account 10000001 (ETH) is confirmed and in the
approved scope."""

from tests.conftest import run_jobs

__all__ = ["run_jobs"]

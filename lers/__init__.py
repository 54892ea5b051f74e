"""lers: a Law Enforcement Request System for crypto exchanges."""

__version__ = "0.1.0"

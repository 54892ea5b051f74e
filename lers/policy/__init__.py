"""Policy profiles: the only place where the guidelines' numbers, lists and wording live."""

from lers.policy.loader import PolicyError, load, load_file, parse, resolve, shipped_profiles
from lers.policy.schema import Policy

__all__ = ["Policy", "PolicyError", "load", "load_file", "parse", "resolve", "shipped_profiles"]

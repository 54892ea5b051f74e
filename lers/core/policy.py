"""The deployment's policy profile, as chosen by settings.LERS_POLICY."""

from __future__ import annotations

from django.conf import settings

from lers.policy import Policy, load


def active_policy() -> Policy:
    return load(settings.LERS_POLICY)

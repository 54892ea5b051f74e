"""The set-up commands a production deployment uses instead of the demo."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from lers.accounts.roles import roles_of
from lers.audit.models import AuditEvent
from lers.cases.models import Entity, Service
from lers.core.policy import active_policy

pytestmark = pytest.mark.django_db


@pytest.mark.req("JU-01", "BN-06")
@pytest.mark.parametrize("profile", ["ju", "binance"])
def test_entities_sync_creates_the_profile_entities_once(settings, profile, capsys):
    settings.LERS_POLICY = profile
    call_command("entities", "sync")
    codes = {e.code for e in active_policy().entities}
    assert set(Entity.objects.values_list("code", flat=True)) == codes
    services = sum(len(e.services) for e in active_policy().entities)
    assert Service.objects.count() == services
    call_command("entities", "sync")
    assert Entity.objects.count() == len(codes)
    assert AuditEvent.objects.filter(action="entities.synced").count() == 1
    assert "services created: 0" in capsys.readouterr().out


def test_roles_command_grants_and_revokes_with_an_audit_trail(outsider, capsys):
    call_command("roles", "grant", "outsider", "legal_reviewer")
    outsider.refresh_from_db()
    assert {r.value for r in roles_of(outsider)} == {"legal_reviewer"}
    call_command("roles", "list")
    assert "outsider" in capsys.readouterr().out
    call_command("roles", "revoke", "outsider", "legal_reviewer")
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions[-2:] == ["role.granted", "role.revoked"]


def test_roles_command_refuses_officers_and_unknown_users(officer_a):
    with pytest.raises(CommandError, match="officer"):
        call_command("roles", "grant", "officer_a", "intake_analyst")
    with pytest.raises(CommandError, match="no user"):
        call_command("roles", "grant", "nobody", "intake_analyst")

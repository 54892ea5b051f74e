"""``lers demo`` prepares a newcomer's world, for every shipped profile, idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lers.accounts.models import User
from lers.agencies.models import Agency, Officer
from lers.audit.verify import verify_chain
from lers.cases.models import Case, Entity
from lers.core.policy import active_policy
from lers.demo.services import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _exchange_in_tmp(settings, tmp_path):
    settings.LERS_EXCHANGE_DATABASE_URL = f"sqlite:///{tmp_path / 'exchange.sqlite3'}"


@pytest.mark.parametrize("profile", ["ju", "hx97", "binance"])
def test_demo_runs_on_every_profile_and_twice_changes_nothing(settings, profile):
    settings.LERS_POLICY = profile
    first = demo_seed(password="demo-password-123", exchange_users=50)
    counts = (User.objects.count(), Agency.objects.count(), Case.objects.count())
    second = demo_seed(password="demo-password-123", exchange_users=50)
    assert (User.objects.count(), Agency.objects.count(), Case.objects.count()) == counts
    assert first.cases_created == 7 and second.cases_created == 0
    assert second.cases_existing == 7
    assert Entity.objects.count() == len(active_policy().entities)
    states = set(Case.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "triage", "awaiting_information", "legal_review"} <= states
    assert {"approved", "declined"} <= states
    assert first.exchange.users == 50 and first.exchange.created
    assert not second.exchange.created
    assert verify_chain().ok


def test_demo_has_two_agencies_with_officers(settings):
    demo_seed(password="demo-password-123", exchange_users=10)
    agencies = Agency.objects.all()
    assert agencies.count() == 2
    for agency in agencies:
        assert Officer.objects.filter(agency=agency, status="active").count() == 2


def test_demo_command_prints_the_logins(capsys):
    call_command("demo", "--exchange-users", "10")
    out = capsys.readouterr().out
    assert "analyst" in out and "met.smith" in out and "hkpf.chan" in out
    assert "password" in out


@pytest.mark.req("X-01")
def test_demo_accounts_have_a_second_factor_and_the_command_prints_its_code(capsys):
    from lers.accounts.mfa import has_second_factor, totp_code
    from lers.demo.services import demo_totp_secret

    demo_seed(password="demo-password-123", exchange_users=10)
    assert all(has_second_factor(user) for user in User.objects.all())
    call_command("demo", "--code", "analyst")
    out = capsys.readouterr().out
    assert out.split()[0] == totp_code(demo_totp_secret("analyst"))


@pytest.mark.req("X-10")
def test_the_demo_requests_name_accounts_of_the_demo_exchange(settings):
    from lers.accounts.models import User
    from lers.cases.models import SubjectMatch
    from lers.cases.services import case_resolve_targets

    summary = demo_seed(password="demo-password-123", exchange_users=50)
    analyst = User.objects.get(username="analyst")
    case = Case.objects.filter(state="triage").first()
    assert case.reference in summary.cases
    counts = case_resolve_targets(case=case, by=analyst)
    assert counts and all(counts.values())  # every target finds its account
    assert SubjectMatch.objects.filter(target__case=case, exact=True).count() >= 2

"""The government-domain registry (X-05, HX-03, BN-02): registry, look-alike, outside."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from lers.agencies.registry import DomainEntry, DomainRegistry, load_shipped, shipped_registry
from lers.agencies.services import (
    domain_registry,
    government_domain_add,
    government_domain_withdraw,
)
from lers.audit.models import AuditEvent
from lers.core.errors import DomainError, NotPermitted

pytestmark = pytest.mark.req("X-05")


@pytest.fixture(scope="module")
def registry() -> DomainRegistry:
    return shipped_registry()


@pytest.mark.req("HX-03")
@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("dc.smith@met.police.uk", "GB"),
        ("duty@mail.police.gov.hk", "HK"),
        ("agent@fbi.gov", "US"),
        ("jingcha@sh.gov.cn", "CN"),
        ("officer@rcmp-grc.gc.ca", "CA"),
        ("analyst@europol.europa.eu", "EU"),
        ("liaison@interpol.int", "INT"),
        ("Officer@MET.Police.UK", "GB"),
    ],
)
def test_government_addresses_are_in_the_registry(registry, address, country):
    result = registry.check(address)
    assert result.status == "registry", result.reason
    assert result.entry is not None and result.entry.country == country
    assert not result.needs_review


@pytest.mark.parametrize(
    ("address", "imitates"),
    [
        ("a@police.uk.com", "police.uk"),  # the real suffix, under another domain
        ("a@met.police.uk.example.net", "police.uk"),
        ("a@police-uk.com", "police.uk"),  # dots turned into hyphens
        ("a@met-police-uk.org", "police.uk"),
        ("a@fbi-gov.com", "gov"),
        ("a@pollce.uk", "police.uk"),  # one typo
        ("a@intepol.int", "interpol.int"),
        ("a@interpo1.int", "interpol.int"),  # digit for letter
        ("a@g\u043ev.hk", "gov.hk"),  # Cyrillic o
        ("a@xn--gv-fmc.hk", "gov.hk"),  # the same, as the mail system writes it
    ],
)
def test_look_alikes_are_flagged(registry, address, imitates):
    result = registry.check(address)
    assert result.status == "lookalike", result.reason
    assert result.entry is not None and result.entry.value == imitates
    assert result.needs_review


@pytest.mark.parametrize(
    "address", ["a@gmail.com", "a@qq.com", "a@163.com", "a@yahoo.co.jp", "a@example.co.uk"]
)
def test_ordinary_domains_are_outside_not_lookalikes(registry, address):
    result = registry.check(address)
    assert result.status == "outside"
    assert result.needs_review  # flagged for manual review, not refused


@pytest.mark.parametrize("address", ["", "bad@@", "a@exa mple.com", "a@..com"])
def test_garbage_is_invalid(registry, address):
    assert registry.check(address).status == "invalid"


def test_the_most_specific_entry_names_the_match():
    registry = DomainRegistry(
        [
            DomainEntry("gov.uk", "suffix", "GB", "UK government"),
            DomainEntry("justice.gov.uk", "domain", "GB", "Ministry of Justice"),
        ]
    )
    assert registry.check("a@x.justice.gov.uk").entry.note == "Ministry of Justice"


def test_the_shipped_file_is_well_formed():
    entries = load_shipped()
    values = [e.value for e in entries]
    assert len(values) == len(set(values)), "duplicate entries"
    assert all(e.country and e.note for e in entries)
    assert {"gov", "police.uk", "gov.cn", "gov.hk", "gc.ca"} <= set(values)


@pytest.mark.django_db
def test_administrators_add_and_withdraw_entries_with_an_audit_trail(admin_user, analyst):
    assert domain_registry().check("a@polizei.example").status == "outside"
    with pytest.raises(NotPermitted):
        government_domain_add(
            value="polizei.example", kind="suffix", country="DE", note="x", by=analyst
        )
    government_domain_add(
        value="polizei.example", kind="suffix", country="de", note="test police", by=admin_user
    )
    assert domain_registry().check("a@bayern.polizei.example").status == "registry"
    government_domain_withdraw(value="gc.ca", by=admin_user)  # a shipped entry
    assert domain_registry().check("a@rcmp-grc.gc.ca").status != "registry"
    actions = list(
        AuditEvent.objects.filter(action__startswith="registry.").values_list("action", flat=True)
    )
    assert actions == ["registry.domain_added", "registry.domain_withdrawn"]
    with pytest.raises(DomainError, match="not in the registry"):
        government_domain_withdraw(value="nowhere.example", by=admin_user)


@pytest.mark.django_db
def test_domains_command_checks_and_signals_review(capsys):
    call_command("domains", "check", "a@met.police.uk")
    assert "registry" in capsys.readouterr().out
    with pytest.raises(CommandError, match="need review"):
        call_command("domains", "check", "a@police-uk.com")

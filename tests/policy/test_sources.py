"""``lers policy show`` says where each value comes from: the guideline's sentence, a
deployment choice, or the requirements it encodes (issue 15, "Done when")."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lers.policy import shipped_profiles
from lers.policy.sources import profile_sources


def sources(name: str) -> dict[str, tuple[str, str]]:
    return {s.key: (s.kind, s.text) for s in profile_sources(shipped_profiles()[name])}


@pytest.mark.req("JU-07", "JU-13", "JU-20")
def test_ju_values_name_their_sentence_or_say_they_are_the_deployers():
    ju = sources("ju")
    kind, text = ju["officer_verification.min_officer_ids"]
    assert kind == "guideline" and "two law enforcement officers" in text
    kind, text = ju["preservation.max_days"]
    assert kind == "guideline" and "generally up to 90 days" in text
    assert ju["preservation.days"][0] == "deployment choice"
    assert ju["sla.review_business_days_max"][0] == "deployment choice"
    assert ju["fees.may_charge"] == ("refs", "JU-19")


def test_every_value_of_every_shipped_profile_has_a_line(capsys):
    for name in shipped_profiles():
        call_command("policy", "show", name)
        out = capsys.readouterr().out
        assert "Sources (each value, and where it comes from)" in out
        for source in profile_sources(shipped_profiles()[name]):
            assert f"  {source.key} = " in out


def test_no_value_of_a_shipped_profile_is_without_a_source():
    """Each value quotes the guideline, is marked a deployment choice, or names the
    requirements of its table."""
    for name in shipped_profiles():
        unsourced = [s.key for s in profile_sources(shipped_profiles()[name]) if s.kind == "none"]
        assert unsourced == [], name

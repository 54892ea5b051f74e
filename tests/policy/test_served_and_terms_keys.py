"""The profile keys of whom the exchange serves (JU-02, HX-01, HX-03, BN-01) and of its terms
(HX-15): each acts (see tests/web/test_served_access.py, tests/intake/test_served_email.py,
tests/portal/test_served_submission.py, tests/portal/test_terms.py), a combination that could
never act is refused with its key, and ``lers policy show`` says what the doors do."""

from __future__ import annotations

import tomllib

import pytest
from django.core.management import call_command

from lers.policy import PolicyError, parse, shipped_profiles


def _raw(name: str) -> dict:
    return tomllib.loads(shipped_profiles()[name].read_text(encoding="utf-8"))


@pytest.mark.req("JU-02", "JU-03")
def test_the_written_authorisation_exception_needs_an_address_rule_it_can_relax():
    data = _raw("ju")
    data["served"]["non_government_email"] = "accept"
    with pytest.raises(PolicyError, match="personal_email_with_written_authorisation"):
        parse(data)


@pytest.mark.req("JU-02", "JU-03")
def test_the_written_authorisation_is_a_proof_an_access_request_can_carry():
    data = _raw("ju")
    data["served"]["personal_email_with_written_authorisation"] = "court_order"
    with pytest.raises(PolicyError, match="proof_of_authority_any_of"):
        parse(data)


@pytest.mark.req("HX-01", "BN-01")
def test_the_served_keys_that_decided_nothing_are_gone():
    for name in shipped_profiles():
        data = _raw(name)
        assert "private_parties_refused" not in data["served"]
        assert "government_email" not in data["intake"]
        data["intake"]["government_email"] = "required"
        with pytest.raises(PolicyError, match=r"intake\.government_email: unknown key"):
            parse(data)


@pytest.mark.req("HX-15")
def test_terms_need_an_english_text_the_other_languages_fall_back_to():
    data = _raw("hx97")
    del data["terms"]["text"]["en"]
    with pytest.raises(PolicyError, match=r"terms\.text"):
        parse(data)
    terms = parse(_raw("hx97")).terms
    assert terms is not None and terms.acknowledge
    assert terms.in_language("zh-hk")[0] == "zh-hant"  # written in traditional characters
    assert terms.in_language("zh-cn")[0] == "zh-hans"
    assert terms.in_language("zh-Hant-TW")[0] == "zh-hant"
    assert terms.in_language("de")[0] == "en"
    assert len(terms.version) == 64


@pytest.mark.req("JU-02", "HX-01", "HX-03", "HX-15", "BN-01")
def test_policy_show_says_what_each_door_does(capsys):
    call_command("policy", "show", "hx97")
    hx97 = capsys.readouterr().out
    assert "private_party, civil_litigant: refused, the reason shown to the person" in hx97
    assert "criminal matters only: a request names its matter type" in hx97
    assert "outside the government-domain registry: refused" in hx97
    assert "acknowledged by the officer, recorded with version" in hx97
    call_command("policy", "show", "ju")
    ju = capsys.readouterr().out
    assert "any matter: the matter type is not asked" in ju
    assert "except a personal address with written authorisation" in ju
    assert "not acknowledged" in ju
    call_command("policy", "show", "binance")
    binance = capsys.readouterr().out
    assert "outside the government-domain registry: accepted" in binance

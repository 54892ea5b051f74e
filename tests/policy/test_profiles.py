"""The shipped profiles encode the guidelines; bad profiles fail with file and key."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lers.policy import PolicyError, load, load_file, parse, shipped_profiles
from lers.policy.completeness import RequestFacts, evaluate

SHARED_REQUIREMENTS = Path(__file__).resolve().parents[3] / "shared" / "REQUIREMENTS.md"
# The catalogue's IDs per guideline, carried here so the test runs without ../shared.
CATALOGUE = {
    "ju": [f"JU-{i:02d}" for i in range(1, 20)],
    "hx97": [f"HX-{i:02d}" for i in range(1, 17)],
    "binance": [f"BN-{i:02d}" for i in range(1, 9)],
}
# Seed rules the shared catalogue has no ID for yet (docs/requirements-added.md).
ADDED = {"ju": ["JU-20", "JU-21", "JU-22"], "hx97": [], "binance": []}


def _raw(name: str) -> dict:
    return tomllib.loads(shipped_profiles()[name].read_text(encoding="utf-8"))


def test_three_profiles_ship_and_load():
    assert set(shipped_profiles()) == {"ju", "hx97", "binance"}
    for name in shipped_profiles():
        assert load(name).profile.id == name


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_guideline_rule_is_encoded_in_its_profile(name):
    """Each JU-/HX-/BN- ID of the catalogue is referenced by the profile of its guideline."""
    ids = CATALOGUE[name]
    if SHARED_REQUIREMENTS.exists():
        prefix = ids[0][:2]
        ids = re.findall(rf"^\| ({prefix}-\d\d) \|", SHARED_REQUIREMENTS.read_text(), re.M)
        assert ids, "the catalogue lists IDs for this guideline"
    ids = sorted(set(ids) | set(ADDED[name]))
    policy = load(name)
    encoded = set(re.findall(r"(?:JU|HX|BN)-\d\d", policy.model_dump_json()))
    assert sorted(set(ids) - encoded) == []
    # The profile's own list of what it encodes says the same.
    assert sorted(set(ids) - set(policy.profile.refs)) == []


@pytest.mark.req("BN-02", "BN-05", "HX-14", "JU-13")
def test_guideline_numbers_are_in_the_profiles():
    binance, hx97, ju = load("binance"), load("hx97"), load("ju")
    assert binance.sla.access_review_business_days == 3
    assert binance.preservation.days == 90
    assert binance.preservation.extension == "new_request"
    assert (hx97.sla.review_business_days_min, hx97.sla.review_business_days_max) == (5, 15)
    assert hx97.sla.review_target_published
    assert ju.preservation.max_days == 90  # "generally up to 90 days"
    assert ju.preservation.extension == "where_law_allows"
    assert binance.preservation.max_days == 90


@pytest.mark.req("JU-03", "JU-17", "JU-19", "JU-12", "HX-02", "HX-16", "HX-10", "HX-11", "BN-08")
def test_guideline_lists_and_rules_are_in_the_profiles():
    ju, hx97, binance = load("ju"), load("hx97"), load("binance")
    assert ju.intake.email_address == "legalaid@ju.com"
    assert ju.email_subject.fields == ["urgency", "organisation", "case_number", "request_type"]
    assert "Evidence Collection" in ju.email_subject.request_types["information"]
    assert ju.languages.accepted == ["zh", "en"]
    assert ju.fees.may_charge and ju.fees.prior_notice
    assert ju.cross_border.without_channel == "general_information_only"
    assert hx97.languages.accepted == ["en"]
    assert hx97.languages.portal == ["en", "zh-hans", "zh-hant"]
    assert hx97.freeze.consent_to_disclose_asked
    assert hx97.freeze.without_consent_max_days is not None
    assert not hx97.freeze.without_consent_limit_published  # the guideline gives no number
    assert binance.notification.withhold_when == ["court_order_or_warrant_forbids"]


@pytest.mark.req("JU-14")
def test_ju_decline_reasons_cover_the_guideline():
    reasons = load("ju").decline_reasons
    for code in (
        "authority_not_proven",
        "identity_not_verified",
        "insufficient_legal_basis",
        "incomplete_documents",
        "missing_stamps",
        "overreach",
        "scope_too_broad",
        "cross_border_not_met",
        "irrelevant_or_contradictory",
        "private_or_civil_requester",
        "legal_or_policy_conflict",
    ):
        assert code in reasons


@pytest.mark.req("BN-06")
def test_binance_services_are_listed():
    services = {s.name for s in load("binance").entities[0].services}
    assert {"Trust Wallet", "Binance Launchpad", "JEX", "Fiat gateways"} <= services


def test_a_wrong_type_names_file_and_key(tmp_path):
    data = _raw("ju")
    data["sla"]["review_business_days_max"] = "fifteen"
    with pytest.raises(PolicyError) as caught:
        parse(data, source=tmp_path / "custom.toml")
    message = str(caught.value)
    assert "custom.toml" in message
    assert "sla.review_business_days_max" in message


def test_an_unknown_key_names_file_and_key(tmp_path):
    data = _raw("binance")
    data["freeze"]["max_days_typo"] = 5
    with pytest.raises(PolicyError, match=r"custom\.toml: freeze\.max_days_typo: unknown key"):
        parse(data, source=tmp_path / "custom.toml")


def test_a_missing_key_is_reported(tmp_path):
    data = _raw("hx97")
    del data["preservation"]["days"]
    with pytest.raises(PolicyError, match=r"preservation\.days: required key is missing"):
        parse(data, source="x.toml")


def test_a_requirement_naming_an_unknown_document_is_refused():
    data = _raw("ju")
    data["requirements"][0]["documents_any_of"] = ["stamped_napkin"]
    with pytest.raises(PolicyError, match=r"requirements\.0\.documents_any_of\.0: unknown"):
        parse(data)


def test_a_bad_timezone_and_inverted_sla_are_refused():
    data = _raw("hx97")
    data["entities"][0]["timezone"] = "Mars/Olympus"
    data["sla"]["review_business_days_min"] = 20
    with pytest.raises(PolicyError) as caught:
        parse(data)
    keys = [key for key, _ in caught.value.problems]
    assert "entities.0.timezone" in keys
    assert "sla.review_business_days_min" in keys


def test_broken_toml_is_reported_with_its_file(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[profile\nid = 'x'", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"broken\.toml: .*not valid TOML"):
        load_file(bad)


def test_policy_show_prints_a_readable_summary(capsys):
    call_command("policy", "show", "binance")
    out = capsys.readouterr().out
    assert "Binance" in out
    assert "access review: 3 business days" in out
    assert "90 days" in out
    assert "court order" in out.lower()


@pytest.mark.parametrize("name", ["ju", "hx97", "binance"])
def test_policy_show_works_for_every_profile(name, capsys):
    call_command("policy", "show", name)
    assert load(name).profile.name in capsys.readouterr().out


def test_policy_check_accepts_a_valid_file_and_rejects_a_bad_one(tmp_path, capsys):
    good = tmp_path / "mine.toml"
    good.write_text(shipped_profiles()["ju"].read_text(encoding="utf-8"), encoding="utf-8")
    call_command("policy", "check", str(good))
    assert "OK" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace("days = 90", "days = -1", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"bad\.toml: preservation\.days"):
        call_command("policy", "check", str(bad))


def test_a_malformed_active_profile_stops_start_up(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        shipped_profiles()["ju"]
        .read_text(encoding="utf-8")
        .replace("urgent_hours = 24", "urgent_hours = 'soon'"),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "lers", "check"],
        env={"LERS_POLICY": str(bad), "LERS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "bad.toml: sla.urgent_hours" in result.stderr


# --- completeness (the live checklist) -----------------------------------------------------


def _ids(policy_name: str, facts: RequestFacts, *, blocking_only: bool = True) -> set[str]:
    gaps = evaluate(load(policy_name), facts)
    return {g.requirement.id for g in gaps if g.blocking or not blocking_only}


@pytest.mark.req("BN-04", "BN-03")
def test_binance_disclosure_needs_a_court_order_or_warrant():
    facts = RequestFacts(
        request_types=frozenset({"information"}),
        documents={"official_letter": 1},
        fields=frozenset({"legal_basis", "summary", "targets", "matter_type"}),
    )
    assert _ids("binance", facts) == {"disclosure-order"}
    with_warrant = RequestFacts(
        request_types=frozenset({"information"}),
        documents={"search_warrant": 1},
        fields=frozenset({"legal_basis", "matter_type"}),
    )
    assert _ids("binance", with_warrant) == set()


@pytest.mark.req("JU-07")
def test_ju_needs_two_officers_ids():
    """Two IDs of one officer are one officer; the number is min_officer_ids."""
    one_officer = RequestFacts(
        request_types=frozenset({"information"}),
        documents={"officer_id": 2},
        officers_named={"officer_id": frozenset({"wang fang"})},
    )
    gaps = evaluate(load("ju"), one_officer)
    gap = next(g for g in gaps if g.requirement.id == "two-officer-ids")
    assert (gap.documents_have, gap.documents_need) == (1, 2)
    assert "two officers" in gap.message()
    assert "两名" in gap.message("zh-hans")


@pytest.mark.req("JU-12", "JU-06")
def test_ju_cross_border_needs_the_mlat_channel():
    base = {"request_types": frozenset({"information"})}
    assert "cross-border-channel" not in _ids("ju", RequestFacts(**base))
    assert "cross-border-channel" in _ids("ju", RequestFacts(**base, cross_border=True))
    assert "cross-border-channel" not in _ids(
        "ju", RequestFacts(**base, cross_border=True, documents={"mlat_request": 1})
    )


@pytest.mark.req("HX-02", "JU-17")
def test_language_rules():
    chinese = RequestFacts(request_types=frozenset({"information"}), language="zh")
    assert "english" in _ids("hx97", chinese)
    assert "translation" not in _ids("ju", chinese)  # Chinese is accepted by Ju.com
    french = RequestFacts(request_types=frozenset({"information"}), language="fr")
    assert "translation" in _ids("ju", french)


@pytest.mark.req("JU-10")
def test_urgent_requests_state_their_circumstances():
    urgent = RequestFacts(request_types=frozenset({"freeze"}), urgency="urgent")
    assert "urgent-circumstances" in _ids("ju", urgent)
    stated = RequestFacts(
        request_types=frozenset({"freeze"}),
        urgency="emergency",
        fields=frozenset({"urgency_circumstances", "legal_basis"}),
    )
    assert "urgent-circumstances" not in _ids("ju", stated)


@pytest.mark.req("HX-06", "HX-07", "HX-08")
def test_hx_fund_flow_amount_and_findings_are_recommended_not_blocking():
    facts = RequestFacts(request_types=frozenset({"information"}))
    advisory = _ids("hx97", facts, blocking_only=False) - _ids("hx97", facts)
    assert {"fund-flow", "amount", "findings"} <= advisory

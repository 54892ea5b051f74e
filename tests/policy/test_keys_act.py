"""Profile keys that decided nothing now act, or are gone (issue 15, item 16): a key changed in
a profile file changes what a person sees; a key the schema no longer knows is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.cases import services
from lers.cases.lifecycle import State
from lers.core.errors import GuardFailed
from lers.policy.loader import PolicyError, load_file, shipped_profiles
from tests.conftest import PASSWORD
from tests.custom_profile import custom_profile
from tests.web.pages import ACCESS_FORM

pytestmark = pytest.mark.django_db

NO_SUPERVISOR = {**ACCESS_FORM, "supervisor_name": "", "supervisor_email": ""}


@pytest.mark.req("X-04")
def test_supervisor_contact_decides_whether_the_access_request_needs_a_supervisor(
    client, settings, tmp_path
):
    settings.LERS_POLICY = "binance"  # supervisor_contact = true
    page = client.post(reverse("portal-access"), NO_SUPERVISOR)
    assert page.status_code == 200 and "This field is required." in page.content.decode()
    custom_profile(
        settings,
        tmp_path,
        "binance",
        {"supervisor_contact = true": "supervisor_contact = false"},
    )
    answer = client.post(reverse("portal-access"), NO_SUPERVISOR)
    assert answer.status_code == 302, answer.content.decode()[:3000]


@pytest.mark.req("JU-19")
def test_fees_prior_notice_decides_whether_a_fee_notice_holds_the_work(
    settings, tmp_path, make_case, reviewer, operator
):
    custom_profile(settings, tmp_path, "ju", {"prior_notice = true": "prior_notice = false"})
    case = make_case(State.APPROVED)
    services.fee_notice_issue(
        case=case, by=reviewer, amount="250.00", currency="USD", description="Export"
    )
    # Charged without prior notice: the work goes on (ju's own file holds it: test_review).
    assert services.case_start_work(case=case, by=operator).state == State.IN_PROGRESS


def test_fees_with_prior_notice_hold_the_work(settings, make_case, reviewer, operator):
    settings.LERS_POLICY = "ju"
    case = make_case(State.APPROVED)
    services.fee_notice_issue(
        case=case, by=reviewer, amount="250.00", currency="USD", description="Export"
    )
    with pytest.raises(GuardFailed, match="not yet accepted"):
        services.case_start_work(case=case, by=operator)


def test_languages_portal_decides_the_languages_offered(client, settings, tmp_path):
    page = client.get(reverse("portal-access")).content.decode()
    assert "繁體中文" in page and "简体中文" in page
    custom_profile(
        settings,
        tmp_path,
        "binance",
        {'portal = ["en", "zh-hans", "zh-hant"]': 'portal = ["en", "zh-hans"]'},
    )
    page = client.get(reverse("portal-access")).content.decode()
    assert "简体中文" in page and "繁體中文" not in page


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("[languages]", "other_requires_certified_translation = true"),
        ("[intake]", "structured_form_required = true"),
        ("[intake]", "official_documents_required = true"),
        ("[freeze]", 'on_chain_assets = "tag_and_track"'),
        ("[officer_verification]", "callback_time_slots = true"),
    ],
)
def test_keys_that_decided_nothing_are_refused(tmp_path, section, line):
    """Each is gone: the checklist's own requirements (certified translation, official
    documents, the call-back slots) and the channels decide; lers never freezes on-chain."""
    text = shipped_profiles()["ju"].read_text(encoding="utf-8")
    assert text.count(section + "\n") == 1
    path = tmp_path / "old.toml"
    path.write_text(text.replace(section + "\n", f"{section}\n{line}\n"), encoding="utf-8")
    key = line.split(" =")[0]
    with pytest.raises(PolicyError, match=f"{key}: unknown key"):
        load_file(path)


@pytest.mark.req("JU-22")
def test_ju_advises_the_officer_to_contact_analytics_firms_and_exchanges(
    client, settings, entities, officer_a
):
    settings.LERS_POLICY = "ju"
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-request-new")).content.decode()
    assert "blockchain analytics companies, security firms and other exchanges" in page
    chinese = client.get(reverse("portal-request-new"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "區塊鏈分析公司" in chinese.content.decode()
    settings.LERS_POLICY = "binance"  # its guideline gives no such advice
    assert "data-advice" not in client.get(reverse("portal-request-new")).content.decode()


@pytest.mark.req("JU-20", "JU-21")
def test_ju_tells_the_officer_no_response_time_is_guaranteed_and_the_law_prevails(client, settings):
    settings.LERS_POLICY = "ju"
    page = client.get(reverse("portal-access")).content.decode()
    assert "makes no guarantee of response time" in page and "the law prevails" in page


@pytest.mark.req("JU-03")
def test_the_published_mailbox_and_its_subject_are_shown_where_email_is_a_channel(
    client, settings, tmp_path, entities, officer_a
):
    settings.LERS_POLICY = "ju"
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-request-new")).content.decode()
    assert "legalaid@ju.com" in page and "[Urgent] | Shanghai" in page
    custom_profile(
        settings,
        tmp_path,
        "ju",
        {'email_address = "legalaid@ju.com"': 'email_address = "lea@x.example"'},
    )
    assert "lea@x.example" in client.get(reverse("portal-request-new")).content.decode()
    settings.LERS_POLICY = "binance"  # no email channel
    assert "data-email-channel" not in client.get(reverse("portal-request-new")).content.decode()


def test_the_header_names_the_guideline_and_its_date(client, settings):
    settings.LERS_POLICY = "hx97"
    page = client.get(reverse("portal-access")).content.decode()
    assert 'title="97 Law Enforcement Request Operation Guide (2025-06-25)"' in page


@pytest.mark.req("HX-16")
def test_an_english_reader_is_told_in_chinese_that_97_works_in_chinese_first(client, settings):
    """Issue 16.8: under hx97 an en-GB browser is told, in Chinese, and offered the switch."""
    settings.LERS_POLICY = "hx97"
    page = client.get(reverse("portal-access"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "data-language-hint" in page and "97（汇信）以中文为主要工作语言" in page
    assert 'lang="zh-hans" data-language-hint' in page
    switched = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("portal-access")}
    )
    assert switched.status_code == 302
    chinese = client.get(reverse("portal-access")).content.decode()
    assert "data-language-hint" not in chinese
    settings.LERS_POLICY = "binance"  # works in English: nothing to say
    english = client.get(reverse("portal-access"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "data-language-hint" not in english

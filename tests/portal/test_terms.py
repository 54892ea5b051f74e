"""The exchange's terms in the portal (HX-15): 97's reservation ("Nothing herein shall be
construed as our consent to any request or acceptance of jurisdiction...") is shown where the
officer requests access and where they submit a request, in their language; hx97 asks them to
acknowledge it, and the acknowledgement is recorded with the version of the text. A profile
without terms shows nothing and asks nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.agencies.models import AccessRequest
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.core.policy import active_policy
from lers.policy.loader import shipped_profiles
from tests.conftest import PASSWORD
from tests.custom_profile import custom_profile

pytestmark = pytest.mark.django_db

RESERVATION = {
    "en": "Nothing herein shall be construed as our consent to any request",
    "zh-hans": "本文所含内容不得解释为我们对任何法律执行请求的同意",
    "zh-hant": "本文所含內容不得解釋為我們對任何法律執行請求的同意",
}
TICK = 'name="terms_acknowledged"'
FORM = {
    "email": "dc.smith@met.police.uk",
    "password": "a long and unusual passphrase 42",
    "full_name": "DC Sam Smith",
    "title": "Detective Constable",
    "agency_name": "Metropolitan Police Service",
    "country": "GB",
    "office_phone": "020 7230 1212",
    "supervisor_name": "DS Jo Jones",
    "supervisor_email": "jo.jones@met.police.uk",
    "requester_kind": "law_enforcement",
}


@pytest.fixture
def hx97(settings):
    settings.LERS_POLICY = "hx97"


def without_terms(settings, tmp_path) -> None:
    source = shipped_profiles()["hx97"].read_text(encoding="utf-8")
    block = source[source.index("\n[terms]\n") :]
    custom_profile(settings, tmp_path, "hx97", {block: "\n"}, name="hx97_no_terms")


def review(client, case) -> str:
    return reverse("portal-request-step", args=[case.reference, "review"])


@pytest.mark.req("HX-15", "HX-16")
@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "en"), ("zh-hans", "zh-hans"), ("zh-hant", "zh-hant"), ("fr", "en")],
)
def test_the_reservation_is_shown_at_the_access_request_in_the_officers_language(
    hx97, client, language, shown
):
    page = client.get(reverse("portal-access"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert RESERVATION[shown] in page and TICK in page


@pytest.mark.req("HX-15")
def test_hx97_asks_the_acknowledgement_at_the_access_request_and_records_it(hx97, client):
    refused = client.post(reverse("portal-access"), FORM)
    assert refused.status_code == 200
    assert "acknowledge them to go on" in refused.content.decode()
    assert not AccessRequest.objects.exists()

    taken = client.post(reverse("portal-access"), {**FORM, "terms_acknowledged": "on"})
    assert taken.status_code == 302
    access_request = AccessRequest.objects.get()
    assert access_request.terms_version == active_policy().terms.version
    assert access_request.terms_acknowledged_at is not None
    event = AuditEvent.objects.get(action="terms.acknowledged")
    assert event.object_id == str(access_request.pk)
    assert event.payload == {
        "door": "access",
        "profile": "hx97",
        "version": access_request.terms_version,
        "language": "en",
    }


@pytest.mark.req("HX-15")
def test_hx97_asks_the_acknowledgement_at_submission_and_records_it(
    hx97, client, make_case, officer_a
):
    case = make_case()
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(review(client, case), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert RESERVATION["zh-hant"] in page and TICK in page

    refused = client.post(review(client, case), {"confirm_incomplete": "1"})
    assert refused.status_code == 422 and "acknowledge them to go on" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT

    sent = client.post(
        review(client, case),
        {"confirm_incomplete": "1", "terms_acknowledged": "on"},
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert sent.status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert case.terms_version == active_policy().terms.version
    event = AuditEvent.objects.get(action="terms.acknowledged", case_ref=case.reference)
    assert (event.payload["door"], event.payload["language"]) == ("submission", "zh-hant")


@pytest.mark.req("HX-15")
def test_terms_shown_but_not_acknowledged_where_the_profile_says_so(
    settings, tmp_path, client, make_case, officer_a
):
    """``terms.acknowledge = false``: the text is there, no box to tick, nothing recorded."""
    custom_profile(settings, tmp_path, "hx97", {"acknowledge = true": "acknowledge = false"})
    access = client.get(reverse("portal-access")).content.decode()
    assert RESERVATION["en"] in access and TICK not in access
    case = make_case()
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(review(client, case)).content.decode()
    assert RESERVATION["en"] in page and TICK not in page
    assert client.post(review(client, case), {"confirm_incomplete": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.terms_version == ""
    assert not AuditEvent.objects.filter(action="terms.acknowledged").exists()


@pytest.mark.req("HX-15")
def test_a_profile_without_terms_shows_nothing_and_asks_nothing(
    settings, tmp_path, client, make_case, officer_a
):
    without_terms(settings, tmp_path)
    access = client.get(reverse("portal-access")).content.decode()
    assert 'id="terms"' not in access and TICK not in access
    assert client.post(reverse("portal-access"), FORM).status_code == 302
    assert AccessRequest.objects.get().terms_version == ""
    case = make_case()
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(review(client, case)).content.decode()
    assert 'id="terms"' not in page and TICK not in page
    assert client.post(review(client, case), {"confirm_incomplete": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED

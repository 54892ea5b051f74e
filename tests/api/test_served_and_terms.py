"""The API's door: whom the exchange serves at submission (BN-01, HX-01, HX-03) and the terms
an officer acknowledges before submitting (HX-15), with a real token, in the one error shape."""

from __future__ import annotations

import pytest

from lers.audit.models import AuditEvent
from lers.cases.models import Case
from lers.core.policy import active_policy
from lers.demo.services import complete_request
from lers.policy.loader import shipped_profiles
from tests.api.conftest import Api, token_for
from tests.custom_profile import custom_profile

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


@pytest.fixture
def draft(entities, officer_a):
    """A complete draft of officer_a's agency, made through the API and filled in."""

    def make(api: Api, **fields) -> Case:
        made = api.post("/requests", json={"request_types": ["information"], "title": "T"})
        assert made.status_code == 201, made.content
        case = Case.objects.get(reference=made.json()["reference"])
        complete_request(case, officer_a.officer)
        if fields:
            patched = api.patch(f"/requests/{case.reference}", json=fields)
            assert patched.status_code == 200, patched.content
        case.refresh_from_db()
        return case

    return make


@pytest.mark.req("BN-01")
def test_binance_refuses_a_request_that_is_not_a_criminal_matter(api_a, draft):
    case = draft(api_a, matter_type="administrative")
    assert api_a.get(f"/requests/{case.reference}").json()["fields"]["matter_type"] == (
        "administrative"
    )
    refused = api_a.post(f"/requests/{case.reference}/submit", json={})
    assert refused.status_code == 403
    error = error_of(refused)
    assert error["code"] == "not_served"
    assert "Binance serves criminal investigations only" in error["message"]
    assert AuditEvent.objects.filter(action="served.refused", case_ref=case.reference).exists()

    api_a.patch(f"/requests/{case.reference}", json={"matter_type": "criminal"})
    submitted = api_a.post(f"/requests/{case.reference}/submit", json={})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"


@pytest.mark.req("BN-01", "HX-01")
def test_a_matter_type_outside_the_list_is_refused_as_input(api_a, draft):
    case = draft(api_a)
    bad = api_a.patch(f"/requests/{case.reference}", json={"matter_type": "divorce"})
    assert bad.status_code == 422 and error_of(bad)["code"] == "invalid"
    fresh = api_a.post("/requests", json={"request_types": ["information"]}).json()
    assert fresh["fields"]["matter_type"] == ""
    assert any(g["id"] == "matter-type" and g["blocking"] for g in fresh["checklist"])


@pytest.mark.req("HX-03")
def test_hx97_refuses_a_submission_through_the_api_from_an_address_that_is_not_a_government_one(
    settings, draft, officer_a
):
    settings.LERS_POLICY = "hx97"
    api = Api(token_for(officer_a))
    case = draft(api)
    officer_a.email = "officer.a@gmail.com"
    officer_a.save(update_fields=["email"])
    refused = api.post(
        f"/requests/{case.reference}/submit",
        json={"accept_incomplete": True, "terms_acknowledged": True},
    )
    assert refused.status_code == 403 and error_of(refused)["code"] == "not_served"
    assert "only from an official government email address" in error_of(refused)["message"]


@pytest.mark.req("HX-15")
def test_hx97_shows_its_terms_in_the_officers_language(settings, api_a):
    settings.LERS_POLICY = "hx97"
    terms = active_policy().terms
    english = api_a.get("/terms").json()
    assert english["acknowledgement_required"] is True
    assert english["text"].startswith("Nothing herein shall be construed as our consent")
    assert english["version"] == terms.version and english["language"] == "en"
    for language, opening in (("zh-hans", "本文所含内容"), ("zh-hant", "本文所含內容")):
        shown = api_a.get("/terms", headers={"Accept-Language": language}).json()
        assert shown["language"] == language and shown["text"].startswith(opening)
    fallback = api_a.get("/terms", headers={"Accept-Language": "fr"}).json()
    assert fallback["language"] == "en"


@pytest.mark.req("HX-15")
def test_hx97_refuses_a_submission_without_the_acknowledgement_and_records_it_with(
    settings, draft, officer_a
):
    settings.LERS_POLICY = "hx97"
    api = Api(token_for(officer_a))
    case = draft(api)
    refused = api.post(f"/requests/{case.reference}/submit", json={"accept_incomplete": True})
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["code"] == "terms_not_acknowledged"
    assert error["details"]["version"] == active_policy().terms.version
    assert error["details"]["terms"].startswith("Nothing herein")
    case.refresh_from_db()
    assert case.state == "draft" and not case.terms_version

    submitted = api.post(
        f"/requests/{case.reference}/submit",
        json={"accept_incomplete": True, "terms_acknowledged": True},
    )
    assert submitted.status_code == 200, submitted.content
    case.refresh_from_db()
    assert case.terms_version == active_policy().terms.version
    assert case.terms_acknowledged_at == case.submitted_at
    event = AuditEvent.objects.get(action="terms.acknowledged", case_ref=case.reference)
    assert event.payload["door"] == "submission"
    assert event.payload["version"] == case.terms_version and event.payload["language"] == "en"


@pytest.mark.req("HX-15")
def test_a_profile_without_terms_shows_nothing_and_asks_nothing(
    settings, tmp_path, draft, officer_a
):
    source = shipped_profiles()["hx97"].read_text(encoding="utf-8")
    block = source[source.index("\n[terms]\n") :]
    custom_profile(settings, tmp_path, "hx97", {block: "\n"}, name="hx97_no_terms")
    assert active_policy().terms is None
    api = Api(token_for(officer_a))
    assert api.get("/terms").json() == {
        "acknowledgement_required": False,
        "text": None,
        "language": None,
        "version": None,
    }
    case = draft(api)
    submitted = api.post(f"/requests/{case.reference}/submit", json={"accept_incomplete": True})
    assert submitted.status_code == 200, submitted.content
    case.refresh_from_db()
    assert case.terms_version == ""
    assert not AuditEvent.objects.filter(action="terms.acknowledged").exists()

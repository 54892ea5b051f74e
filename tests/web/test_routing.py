"""Routing a case to the exchange's legal entity during triage, on the page and in the API
(JU-01): suggested from what the request names, the subjects' records and the agency's
country; a person routes; every routing is on the record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.lifecycle import State
from lers.cases.models import Case, Service
from lers.demo.services import complete_request
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-01")]


@pytest.fixture
def ju(settings, db):
    """The ju profile, with its two entities made as `lers entities sync` makes them."""
    settings.LERS_POLICY = "ju"
    cases.entities_sync(by=None)


def submitted(officer_user, *, services: list[Service] | None = None) -> Case:
    case = cases.case_create(
        officer_user=officer_user, request_types=["information"], title="Routing"
    )
    complete_request(case, officer_user.officer)
    if services:
        case.services.set(services)
    case = cases.case_submit(case=case, by=officer_user, accept_incomplete=True)
    assert case.entity is None  # two entities: nothing is routed by itself
    return case


def staff_page(client, user, case: Case) -> str:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference]))
    assert page.status_code == 200
    return page.content.decode()


def test_an_analyst_routes_a_case_from_the_triage_page(ju, client, officer_b, analyst):
    case = submitted(officer_b)  # an agency in Hong Kong
    take = client.login(username=analyst.username, password=PASSWORD)
    assert take
    client.post(reverse("workbench-take", args=[case.reference]))
    page = staff_page(client, analyst, case)
    assert 'id="routing"' in page
    assert "Suggested: Ju Hong Kong Ltd (demo entity)" in page and "the agency is in HK" in page
    assert '<option value="ju_hk" selected>' in page

    # Sending on before routing says what is missing.
    refused = client.post(
        reverse("workbench-transition", args=[case.reference, "send_to_verification"])
    )
    assert refused.status_code == 409
    assert "route the case to one of the exchange" in refused.content.decode()

    answer = client.post(
        reverse("workbench-route", args=[case.reference]),
        {
            "entity": "ju_global",
            "note": "The data sits with the global entity",
            "suggested": "ju_hk",
        },
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.entity.code == "ju_global"
    event = AuditEvent.objects.filter(action="case.routed", case_ref=case.reference).get()
    assert event.actor_id == analyst.pk
    assert event.payload == {
        "from": None,
        "to": "ju_global",
        "reason": "The data sits with the global entity",
        "suggested": "ju_hk",
    }
    page = staff_page(client, analyst, case)
    assert "Routed to Ju Global Ltd (demo entity)." in page
    moved = client.post(
        reverse("workbench-transition", args=[case.reference, "send_to_verification"])
    )
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.state == State.VERIFICATION
    assert 'id="routing"' not in staff_page(client, analyst, case)  # routing is triage's


def test_the_services_a_request_names_point_at_their_entity(ju, client, officer_a, analyst):
    otc = Service.objects.get(entity__code="ju_hk", code="otc")
    case = submitted(officer_a, services=[otc])  # agency in GB: no entity of its country
    cases.case_start_triage(case=case, by=analyst)
    page = staff_page(client, analyst, case)
    assert "Suggested: Ju Hong Kong Ltd (demo entity)" in page
    assert "the request names services of Ju Hong Kong Ltd" in page


def test_nothing_suggested_says_so_and_the_page_still_routes(ju, client, officer_a, analyst):
    case = submitted(officer_a)
    cases.case_start_triage(case=case, by=analyst)
    page = staff_page(client, analyst, case)
    assert "Nothing points at one entity yet" in page
    bad = client.post(
        reverse("workbench-route", args=[case.reference]), {"entity": "nowhere"}, follow=True
    )
    assert "choose one of the exchange" in bad.content.decode()
    case.refresh_from_db()
    assert case.entity is None


def test_a_single_entity_profile_shows_no_routing(client, entities, make_case, analyst):
    case = make_case(State.TRIAGE)
    assert 'id="routing"' not in staff_page(client, analyst, case)


def test_the_api_shows_the_suggestion_and_routes(ju, officer_b, analyst, reviewer, auditor):
    case = submitted(officer_b)
    cases.case_start_triage(case=case, by=analyst)
    api = Api(token_for(analyst))
    shown = api.get(f"/cases/{case.reference}/routing")
    assert shown.status_code == 200, shown.content
    body = shown.json()
    assert body["entity"] is None and body["suggested"] == "ju_hk"
    assert body["reasons"] == ["the agency is in HK"]
    assert [e["code"] for e in body["entities"]] == ["ju_global", "ju_hk"]

    unknown = api.post(f"/cases/{case.reference}/routing", json={"entity": "nowhere"})
    assert unknown.status_code == 422
    routed = api.post(f"/cases/{case.reference}/routing", json={"entity": "ju_hk", "note": "HK"})
    assert routed.status_code == 200, routed.content
    assert routed.json()["entity"] == "ju_hk"
    assert api.get(f"/cases/{case.reference}").json()["entity"] == "ju_hk"
    event = AuditEvent.objects.filter(action="case.routed", case_ref=case.reference).get()
    assert event.payload["suggested"] == "ju_hk" and event.payload["reason"] == "HK"

    # Staff not on the case get a 404; the auditor reads but cannot route.
    outsider = Api(token_for(reviewer))
    assert outsider.get(f"/cases/{case.reference}/routing").status_code == 404
    assert Api(token_for(auditor)).post(
        f"/cases/{case.reference}/routing", json={"entity": "ju_global"}
    ).status_code in (403, 404)


def test_the_confirmed_subjects_records_point_at_the_entity_holding_them(
    settings, tmp_path, small_exchange, client, officer_a, analyst
):
    """A profile whose second entity serves Germany: a confirmed subject registered in DE
    sends the case there, ahead of the agency's country; the read of the records is audited."""
    from lers.policy.loader import PROFILES_DIR

    shipped = (PROFILES_DIR / "ju.toml").read_text(encoding="utf-8")
    text = shipped.replace(
        'jurisdiction = "HK"\ntimezone = "Asia/Hong_Kong"',
        'jurisdiction = "DE"\ntimezone = "Europe/Berlin"',
    )
    assert text != shipped
    (tmp_path / "ju_de.toml").write_text(text, encoding="utf-8")
    settings.LERS_POLICY = str(tmp_path / "ju_de.toml")
    cases.entities_sync(by=None)
    case = cases.case_create(officer_user=officer_a, request_types=["information"], title="DE")
    complete_request(case, officer_a.officer)
    case.targets.all().delete()
    cases.target_add(case=case, by=officer_a, kind="email", value="d.okafor@example.org")
    case = cases.case_submit(case=case, by=officer_a, accept_incomplete=True)
    cases.case_start_triage(case=case, by=analyst)
    cases.case_resolve_targets(case=case, by=analyst)
    page = staff_page(client, analyst, case)
    assert "Nothing points at one entity yet" in page  # proposed matches decide nothing
    for match in case.targets.get().matches.all():
        cases.subject_decide(match=match, by=analyst, confirm=True)
    page = staff_page(client, analyst, case)
    assert "Suggested: Ju Hong Kong Ltd (demo entity)" in page
    assert "the subject account(s) 10000004 are registered in DE" in page
    read = AuditEvent.objects.filter(action="exchange.read", case_ref=case.reference).last()
    assert read.payload["uids"] == ["10000004"] and read.payload["fields"] == ["country"]

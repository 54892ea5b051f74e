"""The queues analysts work from and the officer's list (issue 16.5): request types in words,
a new case's title for whoever may take it, search by reference, agency, officer and (in the
cases one may read) identifier or account, sorting by due date, taking or handing over many
cases at once; the officer's list searches, filters and says what waits for the agency."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.demo.services import complete_request
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ETH = "0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae"  # not one the demo fills in


def signed_in(client, user) -> None:
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def queue(client, **params) -> str:
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)"', html)


def new_case(officer_user, title: str, *, address: str | None = None) -> Case:
    case = cases.case_create(officer_user=officer_user, request_types=["preservation"], title=title)
    complete_request(case, officer_user.officer)
    if address:
        cases.target_add(case=case, by=officer_user, kind="address", value=address, chain="ETH")
    return cases.case_submit(case=case, by=officer_user, accept_incomplete=True)


def test_a_new_case_shows_its_title_and_types_in_words_to_who_may_take_it(
    client, entities, officer_a, analyst, operator
):
    new_case(officer_a, "Stolen USDT from a pension fund")
    signed_in(client, analyst)
    html = queue(client)
    assert "Stolen USDT from a pension fund" in html
    assert "Preservation order" in html and "<td>preservation</td>" not in html
    signed_in(client, operator)  # an operator does not take new cases
    assert "Stolen USDT from a pension fund" not in queue(client)


def test_search_by_reference_agency_officer_and_identifier(
    client, entities, officer_a, officer_b, analyst
):
    first = new_case(officer_a, "First", address=ETH)
    second = new_case(officer_b, "Second")
    signed_in(client, analyst)
    assert rows(queue(client, q=second.reference)) == [second.reference]
    assert rows(queue(client, q="Agency B")) == [second.reference]
    assert rows(queue(client, q=officer_a.email)) == [first.reference]
    # An address finds only the cases the analyst may read: none before taking it.
    assert rows(queue(client, q=ETH)) == []
    assert client.post(reverse("workbench-take", args=[first.reference])).status_code == 302
    assert rows(queue(client, q=ETH.upper().replace("0X", "0x"))) == [first.reference]
    assert "No open case matches the search." in queue(client, q="no such thing")


def test_sorting_by_the_soonest_clock(client, settings, entities, officer_a, analyst):
    standard = new_case(officer_a, "Standard")
    urgent_case = cases.case_create(
        officer_user=officer_a,
        request_types=["information"],
        title="Urgent",
        urgency="urgent",
    )
    complete_request(urgent_case, officer_a.officer)
    urgent_case = cases.case_submit(case=urgent_case, by=officer_a, accept_incomplete=True)
    signed_in(client, analyst)
    assert rows(queue(client, order="due")) == [urgent_case.reference, standard.reference]
    assert rows(queue(client, order="newest")) == [urgent_case.reference, standard.reference]
    listed = Api(token_for(analyst)).get("/cases?order=due")
    assert [line["reference"] for line in listed.json()] == [
        urgent_case.reference,
        standard.reference,
    ]


def test_an_analyst_takes_several_new_cases_at_once_and_hands_one_over(
    client, entities, officer_a, analyst, reviewer
):
    made = [new_case(officer_a, f"Case {n}") for n in range(3)]
    signed_in(client, analyst)
    references = [c.reference for c in made]
    answer = client.post(
        reverse("workbench-bulk"),
        {"cases": references, "action": "take", "next": "/?queue=new"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/?queue=new"
    for case in made:
        case.refresh_from_db()
        assert (case.state, case.assignee_id) == (State.TRIAGE, analyst.pk)
    page = client.get(answer["Location"]).content.decode()
    assert "Taken: " + ", ".join(references) in page

    # Taken twice: each refusal says which case and why; nothing else changes.
    again = client.post(
        reverse("workbench-bulk"), {"cases": references[:1], "action": "take"}, follow=True
    )
    assert references[0] in again.content.decode()

    handed = client.post(
        reverse("workbench-bulk"),
        {"cases": references[1:], "action": "assign", "user": reviewer.pk},
    )
    assert handed.status_code == 302
    for case in made[1:]:
        case.refresh_from_db()
        assert case.assignee_id == reviewer.pk
    assert AuditEvent.objects.filter(action="case.handed_over").count() == 2

    # A foreign "next" does not send the analyst away.
    away = client.post(
        reverse("workbench-bulk"),
        {"cases": references, "action": "assign", "next": "https://evil.example/"},
    )
    assert away["Location"] == reverse("home")


def test_the_officer_list_searches_filters_and_says_what_waits_for_the_agency(
    client, entities, officer_a, analyst
):
    waiting = new_case(officer_a, "Needs an answer", address=ETH)
    quiet = new_case(officer_a, "Nothing to do")
    draft = cases.case_create(officer_user=officer_a, request_types=["information"], title="D")
    cases.case_start_triage(case=waiting, by=analyst)
    cases.case_request_information(case=waiting, by=analyst, question="Which account?")
    signed_in(client, officer_a)
    listing = client.get(reverse("portal-cases")).content.decode()
    assert set(rows(listing)) == {waiting.reference, quiet.reference, draft.reference}
    only = client.get(reverse("portal-cases"), {"needs": "action"}).content.decode()
    assert set(rows(only)) == {waiting.reference, draft.reference}
    assert "data-needs-action" in only
    found = client.get(reverse("portal-cases"), {"q": ETH}).content.decode()
    assert rows(found) == [waiting.reference]
    by_state = client.get(reverse("portal-cases"), {"state": "submitted"}).content.decode()
    assert rows(by_state) == [quiet.reference]

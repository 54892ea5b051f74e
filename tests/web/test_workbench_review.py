"""The review from the workbench: queues, taking a case, colleagues, the approved scope and fee
notices; every workbench URL naming a case is a 404 for staff not on it."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, reverse

from lers.accounts.models import Role
from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.cases.models import ApprovedScope, Case, FeeNotice
from lers.workbench import urls as workbench_urls
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_front_page_counts_the_queues_and_an_analyst_takes_a_new_case(
    client, make_case, analyst
):
    case = make_case(State.SUBMITTED, team=False)
    page = as_user(client, analyst).get(reverse("home") + "?queue=new").content.decode()
    assert 'data-count="new">(1)' in page
    assert reverse("workbench-take", args=[case.reference]) in page
    assert f'href="{reverse("workbench-case", args=[case.reference])}"' not in page  # not theirs
    response = client.post(reverse("workbench-take", args=[case.reference]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == analyst and case.state == State.TRIAGE
    page = client.get(reverse("home") + "?queue=mine").content.decode()
    assert reverse("workbench-case", args=[case.reference]) in page


@pytest.mark.req("X-07")
def test_every_workbench_url_naming_a_case_is_404_for_staff_not_on_it(client, make_case):
    """Whatever the view, a member of staff who is not on the case reads and changes nothing."""
    case = make_case(State.LEGAL_REVIEW)
    stranger = make_user("stranger", *[r for r in Role if r not in (Role.OFFICER, Role.AUDITOR)])
    as_user(client, stranger)
    before = AuditEvent.objects.count()
    patterns = [p for p in workbench_urls.urlpatterns if isinstance(p, URLPattern)]
    checked = 0
    for pattern in patterns:
        if "reference" not in pattern.pattern.converters:
            continue
        kwargs: dict[str, object] = {"reference": case.reference}
        for name in pattern.pattern.converters:
            if name != "reference":
                kwargs[name] = "approve" if name == "name" else 1
        url = reverse(pattern.name, kwargs=kwargs)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), (pattern.name, method, status)
        checked += 1
    assert checked >= 20
    assert AuditEvent.objects.count() == before
    assert Case.objects.get(pk=case.pk).state == State.LEGAL_REVIEW


@pytest.mark.req("JU-09")
def test_a_reviewer_approves_a_narrower_scope_from_the_case_page(client, make_case, reviewer):
    case = make_case(State.LEGAL_REVIEW)
    url = reverse("workbench-case", args=[case.reference])
    page = as_user(client, reviewer).get(url).content.decode()
    assert "Approve this scope" in page
    keep = case.data_categories[:1]
    response = client.post(
        reverse("workbench-approve", args=[case.reference]),
        {"categories": keep, "actions": case.request_types, "note": "Only what is needed."},
        follow=True,
    )
    # the request's timeframe was not repeated: an unbounded period is wider, so refused
    assert "starts before the requested timeframe" in response.content.decode()
    response = client.post(
        reverse("workbench-approve", args=[case.reference]),
        {
            "categories": keep,
            "actions": case.request_types,
            "period_start": case.timeframe_start.strftime("%Y-%m-%d %H:%M:%S"),
            "period_end": case.timeframe_end.strftime("%Y-%m-%d %H:%M:%S"),
            "note": "Only what is needed.",
            "without_accounts": "on",  # no account resolved in this case: the page warned
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Approved." in body, re.findall(r"role=.status.>(.*?)</p>", body)
    scope = ApprovedScope.objects.get(case=case)
    assert scope.categories == keep and scope.partial and scope.narrowed == ["categories"]
    assert "Approved scope" in response.content.decode()


@pytest.mark.req("JU-19")
def test_a_fee_notice_goes_from_the_workbench_to_the_portal_and_back(
    client, settings, make_case, reviewer, officer_a
):
    settings.LERS_POLICY = "ju"
    case = make_case(State.APPROVED)
    as_user(client, reviewer).post(
        reverse("workbench-fee", args=[case.reference]),
        {"amount": "120", "currency": "usd", "description": "Export of records"},
    )
    notice = FeeNotice.objects.get()
    page = as_user(client, officer_a).get(reverse("portal-case", args=[case.reference]))
    assert "Accept the fee" in page.content.decode()
    client.post(reverse("portal-fee", args=[case.reference, notice.pk]), {"decision": "accept"})
    notice.refresh_from_db()
    assert notice.status == FeeNotice.Status.ACCEPTED and notice.answered_by == officer_a


def test_a_member_adds_a_colleague_from_the_case_page(client, make_case, analyst):
    case = make_case(State.TRIAGE, team=False)
    reviewer2 = make_user("reviewer2", Role.LEGAL_REVIEWER)
    as_user(client, analyst).post(
        reverse("workbench-assign", args=[case.reference]), {"user": reviewer2.pk}
    )
    page = as_user(client, reviewer2).get(reverse("workbench-case", args=[case.reference]))
    assert page.status_code == 200


@pytest.mark.req("JU-09")
def test_the_offered_scope_approves_unchanged_in_chinese_too(make_case, reviewer):
    """The form's own rendering of the request's period parses back to the same seconds in
    every language (zh's default format would drop them and refuse the offer)."""
    from django.utils import translation

    from lers.workbench.forms import ScopeForm

    case = make_case(State.LEGAL_REVIEW)
    with translation.override("zh-hans"):
        offered = ScopeForm(case)
        data = {name: offered[name].value() for name in ("subjects", "categories", "actions")}
        for name in ("period_start", "period_end"):
            data[name] = re.search(r'value="([^"]+)"', str(offered[name])).group(1)
        data["note"] = "As requested."
        bound = ScopeForm(case, data)
        assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["period_start"] == case.timeframe_start.replace(microsecond=0)
    assert bound.cleaned_data["period_end"] == case.timeframe_end.replace(microsecond=0)


def test_approving_actions_with_no_account_warns_and_needs_the_reviewer_to_say_so(
    client, make_case, reviewer
):
    """Issue 16.3: a freeze or a production approved with no account reaches nobody."""
    case = make_case(State.LEGAL_REVIEW)  # its targets resolve to no confirmed account
    assert client.login(username=reviewer.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    assert "data-no-accounts" in page and 'name="without_accounts"' in page
    data = {
        "categories": ["kyc"],
        "actions": case.request_types,
        "period_start": case.timeframe_start.strftime("%Y-%m-%d %H:%M:%S"),
        "period_end": case.timeframe_end.strftime("%Y-%m-%d %H:%M:%S"),
        "note": "Only what is needed.",
    }
    url = reverse("workbench-approve", args=[case.reference])
    refused = client.post(url, data, follow=True).content.decode()
    assert "No account is confirmed in the scope" in refused
    case.refresh_from_db()
    assert case.state == State.LEGAL_REVIEW
    api = Api(token_for(reviewer)).post(
        f"/cases/{case.reference}/decisions", json={"decision": "approve", "note": "x"}
    )
    assert api.status_code == 409
    assert "would reach nobody" in api.json()["error"]["message"]
    client.post(url, {**data, "without_accounts": "on"})
    case.refresh_from_db()
    assert case.state == State.APPROVED


def test_the_next_step_is_one_primary_action_with_labelled_fields(client, make_case, analyst):
    """Issue 16.3: the state's step on show, the others a click away, each field labelled."""
    case = make_case(State.VERIFICATION)
    as_user(client, analyst)
    html = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    card = html[html.index('id="next-steps"') :]
    card = card[: card.index('id="routing"') if 'id="routing"' in card else card.index("</aside>")]
    primary = re.search(r'<form class="move primary"[^>]*data-move="(\w+)"', card)
    assert primary and primary.group(1) == "verify"
    assert '<label for="move-verify-text">How the requester was verified (on the record)' in card
    others = card[card.index("<details") :]
    assert 'data-move="request_information"' in others and "Question to the agency" in others
    assert 'data-move="decline"' in others and "Message to the agency" in others
    assert 'placeholder="Message"' not in html
    # Two-column: the request and evidence on one side, state and next step on the other.
    assert html.index('class="case-main"') < html.index('class="case-side"')
    side = html[html.index('class="case-side"') :]
    assert 'id="case-state"' in side and 'id="next-steps"' in side and 'id="staff"' in side

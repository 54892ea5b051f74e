"""The request form as an officer found it wanting (issue 16.6): targets beside the checklist,
invalid addresses, labelled UIDs in pasted text, the review's lists, what a freeze holds,
errors on their fields, a checklist that says where to go, the primary action, and a
withdrawal that is confirmed on the server."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lers.cases import services
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.demo.services import DEMO_PDF
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ETH = "0x52908400098527886e0f7030069857d2e4169ee7"
TRON = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
# EIP-55's own example with one letter's case flipped: the checksum no longer holds.
BROKEN_ETH = "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


@pytest.fixture
def officer(client, entities, officer_a):
    assert client.login(username=officer_a.username, password=PASSWORD)
    return officer_a


def step(case: Case, page: str) -> str:
    return reverse("portal-request-step", args=[case.reference, page])


def start(client, **fields) -> Case:
    data = {"request_types": ["information"], "urgency": "standard", **fields}
    response = client.post(reverse("portal-request-new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.latest("pk")


def checklist_of(page: str) -> str:
    match = re.search(r'<div id="checklist".*?</div>', page, re.S)
    assert match, "no checklist on the page"
    return match.group()


def field_of(page: str, name: str) -> str:
    """The ``<div class="field">`` that holds the input named ``name``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>\n', page, re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name} on the page")


def candidates_of(page: str) -> list[tuple[str, str]]:
    """(kind, value) of each identifier offered for confirmation."""
    return re.findall(
        r'name="kind-(?:\d+)" value="([^"]+)"><input type="hidden" name="value-\d+" '
        r'value="([^"]+)"',
        page,
    )


def test_the_targets_table_keeps_to_its_column_beside_the_checklist(client, officer):
    """issue 16.6 (1): the targets table sits in a scrolling wrapper inside the main column, and
    the grid lets that column shrink, so the table never runs under the checklist panel and
    hides the Remove buttons (the browser check is tests/browser/test_request_form_layout.py)."""
    case = start(client)
    client.post(step(case, "targets"), {"kind": "txid", "value": "ab" * 32, "chain": "ETH"})
    page = client.get(step(case, "targets")).content.decode()
    main = page.split('<section class="main">', 1)[1].split("</section>", 1)[0]
    assert re.search(r'<div class="table-wrap"><table class="targets">', main)
    assert "Remove" in main and 'id="checklist"' not in main
    assert ".layout > * { min-width: 0; }" in page
    assert ".table-wrap { overflow-x: auto; }" in page


@pytest.mark.req("X-10")
def test_an_invalid_address_is_kept_with_a_warning_that_names_its_chain(client, officer):
    """issue 16.6 (2): lers keeps a target that fails its check (officers mistype, X-10), but
    the officer is told it is not a valid address of that chain, and its row says so."""
    case = start(client)
    response = client.post(
        step(case, "targets"), {"kind": "address", "value": BROKEN_ETH, "chain": "ETH"}, follow=True
    )
    page = response.content.decode()
    assert "Target added." not in page
    assert f"{BROKEN_ETH} is not a valid ETH address" in page
    assert 'class="card warning"' in page
    row = re.search(r'<tr class="invalid">.*?</tr>', page, re.S)
    assert (
        row
        and "not a valid ETH address" in row.group()
        and BROKEN_ETH.lower() in (row.group().lower())
    )
    target = case.targets.get()
    assert target.valid is False

    # A valid one is just added.
    page = client.post(
        step(case, "targets"), {"kind": "address", "value": ETH, "chain": "ETH"}, follow=True
    ).content.decode()
    assert "Target added." in page and "is not a valid ETH address" not in page


@pytest.mark.req("X-10", "JU-08")
def test_a_uid_named_by_its_label_is_found_in_pasted_text_under_ju(client, officer, settings):
    """issue 16.6 (3): "Ju UID 10000042" is a user ID (ju's uid_pattern is anchored); digit runs
    of the same length without a UID label (a case number, a phone number) are not."""
    settings.LERS_POLICY = "ju"
    case = start(client)
    text = (
        "Case No. 20260042. The suspect (Ju UID 10000042, 用户ID：10000043, user ID: 10000044) "
        "called from 91234567 and +852 2123 4567."
    )
    response = client.post(reverse("portal-targets-find", args=[case.reference]), {"text": text})
    assert response.status_code == 200
    found = candidates_of(response.content.decode())
    uids = [value for kind, value in found if kind == "uid"]
    assert uids == ["10000042", "10000043", "10000044"]


def test_the_review_lists_the_targets_and_the_documents(client, officer):
    """issue 16.6 (4): the review step shows each target (kind, value) and each document
    (type, name), not only how many there are."""
    case = start(client)
    client.post(step(case, "targets"), {"kind": "address", "value": TRON, "chain": "TRX"})
    client.post(step(case, "targets"), {"kind": "email", "value": "suspect@example.org"})
    upload = SimpleUploadedFile("court-order.pdf", DEMO_PDF)
    client.post(step(case, "documents"), {"doc_type": "court_order", "file": upload})
    page = client.get(step(case, "review")).content.decode()
    targets = page.split('id="review-targets"', 1)[1].split("</table>", 1)[0]
    assert "Wallet address" in targets and TRON in targets
    assert "Email" in targets and "suspect@example.org" in targets
    documents = page.split('id="review-documents"', 1)[1].split("</table>", 1)[0]
    assert "Court order" in documents and "court-order.pdf" in documents


@pytest.mark.req("JU-11")
def test_a_freeze_asks_which_assets_and_how_much_and_staff_see_it(
    client, officer, settings, analyst
):
    """issue 16.6 (5): a request whose types include a freeze (effect "freeze") asks which
    assets and how much to freeze, keeps them on the draft, and shows them to staff."""
    settings.LERS_POLICY = "ju"
    services.entities_sync(by=None)
    plain = start(client)
    assert 'name="freeze_assets"' not in client.get(step(plain, "scope")).content.decode()

    case = start(client, request_types=["freeze"])
    form = client.get(step(case, "scope")).content.decode()
    assert 'name="freeze_assets"' in form and 'name="freeze_amount"' in form
    response = client.post(
        step(case, "scope"),
        {"freeze_assets": "usdt, ETH", "freeze_amount": "12,500 USDT and 3.2 ETH"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.freeze_assets == ["USDT", "ETH"]
    assert case.freeze_amount == "12,500 USDT and 3.2 ETH"
    again = client.get(step(case, "scope")).content.decode()
    assert 'value="USDT, ETH"' in again
    bad = client.post(step(case, "scope"), {"freeze_assets": "US$T"})
    assert bad.status_code == 400
    assert "not an asset symbol" in field_of(bad.content.decode(), "freeze_assets")

    review = client.post(step(case, "review"), {"confirm_incomplete": "1"})
    assert review.status_code == 302
    services.member_add(case=case, user=analyst, by=analyst)
    client.logout()
    assert client.login(username=analyst.username, password=PASSWORD)
    page = client.get(reverse("workbench-case", args=[case.reference])).content.decode()
    shown = re.search(r'<dd id="freeze-assets">(.*?)</dd>', page, re.S)
    assert shown and "USDT, ETH" in shown.group(1) and "12,500 USDT and 3.2 ETH" in shown.group(1)


def test_an_error_sits_on_its_field_and_is_described_by_it(client, officer):
    """issue 16.6 (6): a reason the service gives for one field shows beside that field, with
    aria-describedby pointing at it; the top of the form keeps only non-field errors."""
    case = start(client)
    response = client.post(
        step(case, "facts"),
        {"timeframe_start": "2026-03-31T00:00", "timeframe_end": "2026-03-01T00:00"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    form = page.split('id="step-form"', 1)[1]
    assert 'class="error" role="alert"' not in form  # nothing at the top
    field = field_of(page, "timeframe_end")
    assert 'id="id_timeframe_end_error"' in field and "ends before it starts" in field
    assert re.search(r'aria-describedby="[^"]*id_timeframe_end_error', field)
    assert 'aria-invalid="true"' in field

    # The same on another step.
    response = client.post(step(case, "legal"), {"language": "english!"})
    assert response.status_code == 400
    field = field_of(response.content.decode(), "language")
    assert "is not a language code" in field
    assert re.search(r'aria-describedby="[^"]*id_language_error', field)

    # A group of checkboxes is described by its error and its help too.
    response = client.post(reverse("portal-request-new"), {"urgency": "standard"})
    field = field_of(response.content.decode(), "request_types")
    assert re.search(r'<fieldset aria-describedby="id_request_types_error">', field)


@pytest.mark.req("JU-06")
def test_the_checklist_shows_no_codes_and_links_each_item_to_its_step(client, officer, settings):
    """issue 16.6 (7): the officer's checklist shows no requirement codes (JU-06) and each item
    links to the step of the form that fills it in."""
    settings.LERS_POLICY = "ju"
    case = start(client)
    checklist = checklist_of(client.get(step(case, "facts")).content.decode())
    assert not re.search(r"\bJU-\d+", checklist)
    items = re.findall(r"<li[^>]*>.*?</li>", checklist, re.S)
    assert items and all("Go to" in item for item in items)

    def links(text: str) -> set[str]:
        (item,) = [i for i in items if text in i]
        return set(re.findall(r'<a class="fix" href="([^"]+)"', item))

    assert links("legal basis and the applicable clauses") == {step(case, "legal")}
    assert links("case filing decision") == {step(case, "documents")}
    assert links("Name the targets") == {step(case, "targets"), step(case, "facts")}
    assert links("preferred time slots") == {step(case, "scope")}
    # The fragment that follows the typing links the same way.
    fragment = client.post(
        reverse("portal-checklist", args=[case.reference, "legal"]), {"language": "en"}
    ).content.decode()
    assert step(case, "legal") in fragment and not re.search(r"\bJU-\d+", fragment)


def test_submit_is_the_primary_action_of_the_review(client, officer):
    """issue 16.6 (8): "Submit the request" is styled as the primary action, and alone so."""
    case = start(client)
    page = client.get(step(case, "review")).content.decode()
    assert '<button type="submit" class="primary">Submit the request</button>' in page
    assert page.count('class="primary"') == 1
    assert "button.primary {" in page


def test_withdrawing_asks_for_confirmation_on_the_server(client, officer, make_case):
    """issue 16.6 (9): a withdrawal without the "cannot be undone" box ticked is refused,
    with the reason on the box, and the request stays as it was."""
    case = make_case(State.SUBMITTED)
    page = client.get(reverse("portal-case", args=[case.reference])).content.decode()
    assert "I understand this cannot be undone" in page
    url = reverse("portal-withdraw", args=[case.reference])
    refused = client.post(url, {"reason": "Arrested."})
    assert refused.status_code == 400
    assert "Tick the box to confirm" in field_of(refused.content.decode(), "confirm")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert client.post(url, {"reason": "Arrested.", "confirm": "on"}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN

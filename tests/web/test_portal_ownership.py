"""Every portal URL that names a case answers only the officers on that case.

An officer of another agency and a colleague of the same agency who is not on the case get
404 for every method the view accepts (a POST-only view answers GET with 405 before it looks
at the case), and nothing about the case changes. Anonymous visitors are sent to sign in. The
case's own officer reaches the same URLs, so the 404s are about ownership, not a broken URL.
A portal URL with a ``<reference>`` that is not in ROUTES fails the suite (DESIGN.md, "Trust").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from lers.audit.models import AuditEvent
from lers.cases.lifecycle import State
from lers.cases.models import Case, Deadline, Document, FeeNotice, Message, Target
from lers.core.policy import active_policy
from lers.demo.services import DEMO_PDF
from lers.jobs.models import Job
from lers.portal import urls as portal_urls
from lers.portal.request_views import PAGES
from lers.productions.models import Production
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-07")]

Data = Callable[[dict[str, Any]], dict[str, Any]]

NEW_ADDRESS = "0x742d35cc6634c0532925a3b844bc454e4438f44e"


def _pdf(name: str = "extra.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _first_document_type() -> str:
    return next(iter(active_policy().document_types))


# What a POST to each step would save, were the case the sender's: real changes, so a
# missing ownership check would show as a changed case rather than a harmless no-op.
STEP_POSTS: dict[str, Data] = {
    "request": lambda ctx: {
        "request_types": list(ctx["case"].request_types),
        "urgency": "standard",
        "title": "Retitled by a stranger",
    },
    "legal": lambda ctx: {"legal_basis": "Rewritten by a stranger.", "language": "en"},
    "facts": lambda ctx: {"summary": "Rewritten by a stranger."},
    "scope": lambda ctx: {"callback_slots": "Never."},
    "targets": lambda ctx: {"kind": "email", "value": "stranger@example.org"},
    "documents": lambda ctx: {"doc_type": _first_document_type(), "file": _pdf()},
    "review": lambda ctx: {"confirm_incomplete": "1"},
}


@dataclass(frozen=True)
class Route:
    """One case URL: the state its case must be in, the methods its view accepts, and the
    form data a POST carries (a real change, were the case the sender's)."""

    name: str
    state: State
    methods: tuple[str, ...]
    page: str | None = None
    pk: str | None = None  # "target", "document", "fee": the case's own object in <int:pk>
    data: Data = field(default=lambda ctx: {})
    request_types: tuple[str, ...] = ()  # what the case asks for, where the view cares

    def case(self, make_case: Callable[..., Case], **kwargs: Any) -> Case:
        case = make_case(self.state, **kwargs)
        if self.request_types:  # make_case asks for information only
            Case.objects.filter(pk=case.pk).update(request_types=list(self.request_types))
            case.refresh_from_db()
        if self.pk == "production":  # a released production, its archive in storage
            staff = case.staff_members.first()
            Production.objects.create(
                case=case,
                state=Production.State.RELEASED,
                archive=default_storage.save(
                    f"productions/{case.reference}/p.zip", ContentFile(b"PK")
                ),
                archive_sha256="0" * 64,
                created_by=staff.user,
                released_by=staff.user,
                released_at=timezone.now(),
                expires_at=timezone.now() + dt.timedelta(days=14),
            )
        if self.pk == "fee":  # a fee notice waiting for the agency's answer (JU-19)
            staff = case.staff_members.first()
            FeeNotice.objects.create(
                case=case,
                amount=Decimal("150.00"),
                currency="USD",
                description="Search costs",
                issued_by=staff.user,
            )
        return case

    @property
    def id(self) -> str:
        return f"{self.name}:{self.page}" if self.page else self.name

    @property
    def post_only(self) -> bool:
        return self.methods == ("POST",)

    def url(self, case: Case, *, pk_from: Case | None = None) -> str:
        owner = pk_from or case
        kwargs: dict[str, Any] = {"reference": case.reference}
        if self.page:
            kwargs["page"] = self.page
        if self.pk == "target":
            kwargs["pk"] = owner.targets.order_by("pk").first().pk
        elif self.pk == "document":
            kwargs["pk"] = owner.documents.order_by("pk").first().pk
        elif self.pk == "fee":
            kwargs["pk"] = owner.fee_notices.order_by("pk").first().pk
        elif self.pk == "production":
            kwargs["pk"] = owner.productions.order_by("pk").first().pk
        return reverse(self.name, kwargs=kwargs)


ANY = ("GET", "POST")  # a view with no method decorator
POST = ("POST",)  # @require_POST

ROUTES: list[Route] = [
    # Writing a request: only a draft.
    Route(
        "portal-targets-find",
        State.DRAFT,
        POST,
        data=lambda ctx: {"text": f"Funds went to {NEW_ADDRESS} and stranger@example.org"},
    ),
    Route(
        "portal-targets-confirm",
        State.DRAFT,
        POST,
        data=lambda ctx: {"pick": ["0"], "kind-0": "email", "value-0": "stranger@example.org"},
    ),
    Route("portal-target-remove", State.DRAFT, POST, pk="target"),
    Route("portal-document-remove", State.DRAFT, POST, pk="document"),
    Route(
        "portal-colleague-add",
        State.DRAFT,
        POST,
        data=lambda ctx: {"officer": ctx["colleague_a"].officer.pk},
    ),
    *[
        Route(
            "portal-checklist",
            State.DRAFT,
            POST,
            page=page,
            data=STEP_POSTS[page] if page in ("legal", "facts", "scope") else (lambda ctx: {}),
        )
        for page in PAGES
    ],
    *[
        Route("portal-request-step", State.DRAFT, ANY, page=page, data=STEP_POSTS[page])
        for page in PAGES
    ],
    # Following a request.
    Route("portal-case", State.SUBMITTED, ANY),
    Route("portal-document", State.SUBMITTED, ANY, pk="document"),
    Route("portal-document-preview", State.SUBMITTED, ANY, pk="document"),
    Route("portal-document-preview-image", State.SUBMITTED, ANY, pk="document"),
    Route("portal-message", State.SUBMITTED, POST, data=lambda ctx: {"body": "From a stranger."}),
    Route(
        "portal-answer",
        State.AWAITING_INFORMATION,
        POST,
        data=lambda ctx: {"body": "An answer from a stranger."},
    ),
    Route(
        "portal-withdraw",
        State.SUBMITTED,
        POST,
        data=lambda ctx: {"reason": "Stranger.", "confirm": "on"},
    ),
    Route(
        "portal-extension",
        State.SUBMITTED,
        POST,
        data=lambda ctx: {"reason": "Stranger."},
        request_types=("information", "preservation"),  # else no extension is offered
    ),
    Route("portal-fee", State.TRIAGE, POST, pk="fee", data=lambda ctx: {"decision": "accept"}),
    Route(
        "portal-consent",
        State.SUBMITTED,
        POST,
        data=lambda ctx: {"consent_to_share_contact": "on"},  # asked by every shipped profile
    ),
    Route("portal-production", State.APPROVED, ANY, pk="production"),
]

by_route = pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
GET_ABLE = [r for r in ROUTES if "GET" in r.methods]
WITH_PK = [r for r in ROUTES if r.pk]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def snapshot(case: Case) -> dict[str, Any]:
    """Everything a request could change: the case, what hangs off it, what it sets going."""
    media = settings.MEDIA_ROOT
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "officers": sorted(case.officers.values_list("pk", flat=True)),
        "services": sorted(case.services.values_list("pk", flat=True)),
        "targets": list(Target.objects.filter(case=case).order_by("pk").values()),
        "documents": list(Document.objects.filter(case=case).order_by("pk").values()),
        "messages": list(Message.objects.filter(case=case).order_by("pk").values()),
        "deadlines": list(Deadline.objects.filter(case=case).order_by("pk").values()),
        "fees": list(FeeNotice.objects.filter(case=case).order_by("pk").values()),
        "productions": list(Production.objects.filter(case=case).order_by("pk").values()),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "state")),
        "audit": list(AuditEvent.objects.order_by("seq").values_list("seq", "action")),
        "jobs": list(Job.objects.order_by("pk").values_list("pk", "name")),
        "files": sorted(str(p) for p in media.rglob("*")) if media.exists() else [],
    }


def leaks(case: Case, body: str) -> list[str]:
    """What of the case a page shows (its reference is in the page's own URL, so not that)."""
    secrets = [case.summary, case.legal_basis, *case.targets.values_list("value", flat=True)]
    secrets += case.documents.values_list("original_name", flat=True)
    return [secret for secret in secrets if secret and secret in body]


def send(client, method: str, url: str, data: dict[str, Any]):
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


@pytest.fixture
def ctx(colleague_a):
    return {"colleague_a": colleague_a}


# ---- (a), (b): another agency's officer and a colleague not on the case -----------------


@pytest.mark.parametrize("stranger", ["officer_b", "colleague_a"])
@by_route
def test_an_officer_not_on_the_case_gets_404_and_changes_nothing(
    request, client, make_case, ctx, route, stranger
):
    case = route.case(make_case)
    ctx["case"] = case
    login(client, request.getfixturevalue(stranger))
    url = route.url(case)
    before = snapshot(case)
    if route.post_only:
        assert client.get(url).status_code == 405
    for method in route.methods:
        response = send(client, method, url, route.data(ctx))
        assert response.status_code == 404, (method, url, response.status_code)
        assert not leaks(case, response.content.decode())
    assert snapshot(case) == before


@pytest.mark.parametrize("route", WITH_PK, ids=[r.id for r in WITH_PK])
def test_an_object_of_someone_elses_case_under_ones_own_reference_is_404(
    client, make_case, officer_b, ctx, route
):
    """<int:pk> is looked up within the case named, not on its own: officer_b's own
    reference with officer_a's document or target is still a 404."""
    theirs = route.case(make_case)
    own = route.case(make_case, officer=officer_b)
    ctx["case"] = own
    login(client, officer_b)
    url = route.url(own, pk_from=theirs)
    before = snapshot(theirs), snapshot(own)
    for method in route.methods:
        response = send(client, method, url, route.data(ctx))
        assert response.status_code == 404, (method, url, response.status_code)
    assert (snapshot(theirs), snapshot(own)) == before


# ---- (c): anonymous visitors ---------------------------------------------------------------


@by_route
def test_anonymous_visitors_are_sent_to_sign_in(client, make_case, ctx, route):
    case = route.case(make_case)
    ctx["case"] = case
    url = route.url(case)
    before = snapshot(case)
    for method in ("GET", "POST"):
        response = send(client, method, url, route.data(ctx))
        assert response.status_code == 302, (method, url, response.status_code)
        assert reverse("account_login") in response["Location"]
    assert snapshot(case) == before


# ---- (d): the case's own officer reaches the same URLs ----------------------------------


@pytest.mark.parametrize("route", GET_ABLE, ids=[r.id for r in GET_ABLE])
def test_the_officer_on_the_case_opens_it(client, make_case, officer_a, route):
    case = route.case(make_case)
    login(client, officer_a)
    response = client.get(route.url(case))
    assert response.status_code in (200, 302), response.status_code


@by_route
def test_the_officer_on_the_case_can_post_what_a_stranger_cannot(
    client, make_case, officer_a, ctx, route
):
    """The same form data the strangers sent works for the owner (every POST here saves,
    submits, removes or renders), so their 404 is the ownership check, not a broken URL or
    a payload the view would have refused anyway."""
    case = route.case(make_case)
    ctx["case"] = case
    login(client, officer_a)
    url = route.url(case)
    if route.post_only:
        assert client.get(url).status_code == 405
    response = client.post(url, route.data(ctx))
    assert response.status_code in (200, 302), (url, response.status_code)


# ---- (e): no case URL without an ownership test ------------------------------------------


def test_every_portal_url_that_names_a_case_is_in_the_table():
    patterns = [p for p in portal_urls.urlpatterns if isinstance(p, URLPattern)]
    assert len(patterns) == len(portal_urls.urlpatterns), "an include() hides URLs from this test"
    naming_a_case = {p.name for p in patterns if "reference" in p.pattern.converters}
    covered = {route.name for route in ROUTES}
    assert naming_a_case - covered == set(), "case URLs without an ownership test"
    assert covered - naming_a_case == set(), "table rows for URLs that no longer exist"
    with_page = {p.name for p in patterns if "page" in p.pattern.converters}
    for name in with_page:
        pages = {route.page for route in ROUTES if route.name == name}
        assert pages == set(PAGES), f"{name}: every <page> is tested"
    with_pk = {p.name for p in patterns if "pk" in p.pattern.converters}
    assert with_pk == {route.name for route in ROUTES if route.pk}


# ---- (f): the portal's pages that name no case -------------------------------------------


@pytest.mark.parametrize("name", ["portal-cases", "portal-request-new"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitors_to_the_portal_are_sent_to_sign_in(client, name, method):
    count = Case.objects.count()
    response = send(client, method, reverse(name), {"title": "Anonymous"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert Case.objects.count() == count


def test_the_case_list_shows_a_case_only_to_its_officers(
    client, make_case, officer_a, officer_b, colleague_a
):
    case = make_case(State.SUBMITTED)
    draft = make_case(State.DRAFT)
    for stranger in (officer_b, colleague_a):
        login(client, stranger)
        listing = client.get(reverse("portal-cases"))
        assert listing.status_code == 200
        body = listing.content.decode()
        assert case.reference not in body
        assert draft.reference not in body
        client.logout()
    login(client, officer_a)
    body = client.get(reverse("portal-cases")).content.decode()
    assert case.reference in body
    assert draft.reference in body

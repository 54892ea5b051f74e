"""Another agency's token gets 404 on every object endpoint of the API (X-11; DESIGN.md,
"Trust"): the operations are read from the OpenAPI document, so an operation added later is
covered, or this test fails for want of an object to try it on. Staff not on a case get 404
too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lers.cases import services as cases
from lers.demo.services import DEMO_PDF
from lers.productions.models import Production
from lers.productions.services import production_release, production_request
from tests.api.conftest import Api, token_for
from tests.conftest import make_user, run_jobs, tell_users

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11")]

# A body each operation accepts, so that the answer is about the object, never the input.
BODIES = {
    ("patch", "/api/v1/requests/{reference}"): {"json": {"title": "mine now"}},
    ("post", "/api/v1/requests/{reference}/targets"): {
        "json": {"kind": "email", "value": "someone@example.org"}
    },
    ("post", "/api/v1/requests/{reference}/submit"): {"json": {}},
    ("post", "/api/v1/requests/{reference}/messages"): {"json": {"body": "hello"}},
    ("post", "/api/v1/requests/{reference}/answer"): {"json": {"body": "an answer"}},
    ("post", "/api/v1/requests/{reference}/withdraw"): {"json": {"reason": "mine now"}},
    ("post", "/api/v1/requests/{reference}/extension"): {"json": {"reason": "longer"}},
    ("post", "/api/v1/requests/{reference}/consent"): {"json": {"consent_to_share_contact": True}},
    ("post", "/api/v1/cases/{reference}/routing"): {"json": {"entity": "anywhere"}},
    ("post", "/api/v1/cases/{reference}/hold/clear"): {"json": {"note": "checked"}},
    ("post", "/api/v1/cases/{reference}/cross-border"): {
        "json": {"value": True, "reason": "the data is abroad"}
    },
    ("post", "/api/v1/cases/{reference}/decisions"): {
        "json": {"decision": "request_information", "question": "why?"}
    },
    ("post", "/api/v1/cases/{reference}/complex"): {"json": {"reason": "many chains"}},
    ("post", "/api/v1/cases/{reference}/documents/{document_id}/seal"): {"json": {"present": True}},
    ("post", "/api/v1/cases/{reference}/documents/{document_id}/officer"): {
        "json": {"officer_name": "Li Lei"}
    },
}


@pytest.fixture
def objects(subject_case, make_case, officer_a, operator, approver):
    """Agency A's objects of every kind: a draft with a target and a document, a submitted
    case with a message, and a released production."""
    draft = make_case("draft")
    production = production_request(case=subject_case, by=operator)
    run_jobs()
    production.refresh_from_db()
    assert production.state == Production.State.READY, production.error
    tell_users(subject_case, approver)  # binance tells the user before disclosure (BN-08)
    production_release(production=production, by=approver)
    run_jobs()
    cases.message_post(case=subject_case, by=officer_a, body="A message of agency A.")
    return {
        "draft": draft,
        "case": subject_case,
        "target_id": draft.targets.first().pk,
        "document_id": draft.documents.first().pk,
        "production_id": production.pk,
    }


def operations() -> list[tuple[str, str]]:
    document = Client().get("/api/v1/openapi.json").json()
    return [
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if "{" in path and not path.startswith("/api/v1/exchange/")
    ]


def _call(api: Api, method: str, path: str, objects: dict, reference: str):
    url = path.removeprefix("/api/v1")
    params = {**objects, "reference": reference}
    for name in ("reference", "target_id", "document_id", "production_id"):
        url = url.replace("{" + name + "}", str(params[name]))
    assert "{" not in url, f"no object to try {method.upper()} {path} on: add one to the fixture"
    kwargs = dict(BODIES.get((method, path), {}))
    if path.endswith("/documents") and method == "post":
        kwargs = {
            "data": {
                "doc_type": "court_order",
                "file": SimpleUploadedFile("o.pdf", DEMO_PDF, "application/pdf"),
            }
        }
    return getattr(api, method)(url, **kwargs)


def test_another_agencys_token_gets_404_on_every_object_endpoint(objects, officer_b, officer_a):
    foreign = Api(token_for(officer_b))
    own = Api(token_for(officer_a))
    tried = 0
    for method, path in operations():
        if path.startswith("/api/v1/cases/"):
            continue  # staff operations: below
        for reference in (objects["draft"].reference, objects["case"].reference):
            response = _call(foreign, method, path, objects, reference)
            assert response.status_code == 404, (method, path, reference, response.content)
            assert response.json()["error"]["code"] == "not_found"
            tried += 1
    assert tried >= 2 * 14
    # The objects are there: their own agency reads them.
    assert own.get(f"/requests/{objects['case'].reference}").status_code == 200
    document = own.get(f"/requests/{objects['draft'].reference}/documents/{objects['document_id']}")
    assert document.status_code == 200
    archive = own.get(
        f"/requests/{objects['case'].reference}/productions/{objects['production_id']}/archive"
    )
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"


def test_staff_not_on_a_case_get_404_on_its_endpoints(objects):
    from lers.accounts.models import Role

    stranger = Api(token_for(make_user("other_analyst", Role.INTAKE_ANALYST, Role.APPROVER)))
    for method, path in operations():
        if not path.startswith("/api/v1/cases/"):
            continue
        response = _call(stranger, method, path, objects, objects["case"].reference)
        assert response.status_code == 404, (method, path, response.content)

"""An agency's case system through the API (X-11): create a request, fill it, attach, add
targets, submit, follow its status, answer the exchange's question, write, ask for an
extension, download the production. The same services and scoping as the portal; errors in
one JSON shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.models import Case
from lers.demo.services import DEMO_PDF
from tests.api.conftest import Api, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11")]

NOW = timezone.now()
FIELDS = {
    "request_types": ["information"],
    "title": "Investment fraud, victims in three cities",
    "agency_case_number": "A-2026-77",
    "matter_type": "criminal",
    "legal_basis": "Criminal investigation under the criminal procedure law.",
    "legal_clauses": "Art. 1-3",
    "summary": "Victims transferred funds to addresses later deposited to the exchange.",
    "findings": "Suspects contacted victims through social media.",
    "amount_tokens": "12,500 USDT",
    "timeframe_start": (NOW - dt.timedelta(days=90)).isoformat(),
    "timeframe_end": (NOW - dt.timedelta(days=1)).isoformat(),
    "data_categories": ["kyc", "deposits"],
    "callback_slots": "Weekdays 09:00-17:00",
}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    assert body["error"]["message"]
    return body["error"]


def draft(api: Api, **extra) -> dict:
    response = api.post("/requests", json={**FIELDS, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def fill(api: Api, reference: str) -> dict:
    """Targets and the documents the checklist asks for, through the API."""
    for kind, value, chain in [
        ("address", "0x52908400098527886e0f7030069857d2e4169ee7", "ETH"),
        ("email", "user7@example.org", ""),
    ]:
        added = api.post(
            f"/requests/{reference}/targets", json={"kind": kind, "value": value, "chain": chain}
        )
        assert added.status_code == 201, added.content
    detail = api.get(f"/requests/{reference}").json()
    for gap in detail["checklist"]:
        for _ in range(gap["documents_need"] - gap["documents_have"]):
            doc_type = gap["documents_any_of"][0]
            upload = api.post(
                f"/requests/{reference}/documents",
                data={"doc_type": doc_type, "file": _pdf(f"{doc_type}.pdf")},
            )
            assert upload.status_code == 201, upload.content
    return api.get(f"/requests/{reference}").json()


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def test_a_request_is_created_filled_submitted_and_followed(api_a, officer_a, entities):
    made = draft(api_a)
    reference = made["reference"]
    assert made["state"] == "draft" and made["channel"] == "api"
    assert made["fields"]["agency_case_number"] == "A-2026-77"
    assert made["actions"] == ["edit", "submit"]
    assert any(g["blocking"] for g in made["checklist"])  # documents still missing

    # Submitting early names what is missing, in the one error shape.
    early = api_a.post(f"/requests/{reference}/submit", json={})
    assert early.status_code in (409, 422)
    assert error_of(early)["message"]

    patched = api_a.patch(f"/requests/{reference}", json={"duration_days": 30})
    assert patched.status_code == 200 and patched.json()["fields"]["duration_days"] == 30
    # A freeze names its assets and amount through the API too (issue 16.6).
    freeze = api_a.patch(
        f"/requests/{reference}", json={"freeze_assets": ["usdt", "ETH"], "freeze_amount": "all"}
    )
    assert freeze.status_code == 200, freeze.content
    assert freeze.json()["fields"]["freeze_assets"] == ["USDT", "ETH"]
    bad = api_a.patch(f"/requests/{reference}", json={"freeze_assets": ["US$T"]})
    assert bad.status_code == 422 and error_of(bad)["message"]

    detail = fill(api_a, reference)
    assert not [g for g in detail["checklist"] if g["blocking"]]
    assert {t["normalised"] for t in detail["targets"]} >= {"user7@example.org"}
    submitted = api_a.post(f"/requests/{reference}/submit", json={})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    assert "withdraw" in submitted.json()["actions"]

    listed = api_a.get("/requests").json()
    assert [c["reference"] for c in listed] == [reference]
    case = Case.objects.get(reference=reference)
    assert case.channel == Case.Channel.API
    # The audit trail names the officer, not "the API".
    assert AuditEvent.objects.filter(case_ref=reference, action="case.submit").get().actor_id


def test_the_exchanges_question_is_read_and_answered(api_a, make_case, analyst):
    case = make_case("triage")
    cases.case_request_information(case=case, by=analyst, question="Which wallet is the victim's?")
    thread = api_a.get(f"/requests/{case.reference}/messages").json()
    assert thread[-1]["is_question"] and thread[-1]["from_exchange"]
    assert thread[-1]["author"] == "exchange"  # staff names stay inside the exchange
    status = api_a.get(f"/requests/{case.reference}").json()
    assert status["state"] == "awaiting_information" and "answer" in status["actions"]
    answered = api_a.post(
        f"/requests/{case.reference}/answer", json={"body": "The first address is the victim's."}
    )
    assert answered.status_code == 200 and answered.json()["state"] == "submitted"
    again = api_a.post(f"/requests/{case.reference}/answer", json={"body": "Once more."})
    assert again.status_code == 409 and error_of(again)["code"] == "illegal_transition"
    written = api_a.post(f"/requests/{case.reference}/messages", json={"body": "Any news?"})
    assert written.status_code == 201 and not written.json()["from_exchange"]


def test_internal_notes_never_reach_the_agency(api_a, make_case, analyst):
    case = make_case("triage")
    cases.message_post(case=case, by=analyst, body="Looks forged?", visibility="internal")
    bodies = [m["body"] for m in api_a.get(f"/requests/{case.reference}/messages").json()]
    assert "Looks forged?" not in bodies


def test_creation_with_an_idempotency_key_happens_once(api_a, colleague_a, entities):
    key = {"Idempotency-Key": "case-system-4711"}
    first = api_a.post("/requests", json=FIELDS, headers=key)
    second = api_a.post("/requests", json=FIELDS, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] == second.json()["reference"]
    assert Case.objects.count() == 1
    other = api_a.post("/requests", json={**FIELDS, "title": "Another"}, headers=key)
    assert other.status_code == 422
    assert "Idempotency-Key" in error_of(other)["message"]
    assert Case.objects.count() == 1
    # A key is the caller's own: a colleague's same key is another request, never the
    # first one's answer.
    colleague = Api(token_for(colleague_a)).post("/requests", json=FIELDS, headers=key)
    assert colleague.status_code == 201
    assert colleague.json()["reference"] != first.json()["reference"]
    assert Case.objects.count() == 2


def test_a_failed_creation_keeps_no_key(api_a, entities):
    key = {"Idempotency-Key": "retry-me"}
    bad = api_a.post("/requests", json={**FIELDS, "request_types": ["nonsense"]}, headers=key)
    assert bad.status_code == 422 and error_of(bad)["code"] == "rejected"
    good = api_a.post("/requests", json=FIELDS, headers=key)
    assert good.status_code == 201


def test_an_executable_named_pdf_is_refused_with_the_reason(api_a, entities):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reference = draft(api_a)["reference"]
    fake = SimpleUploadedFile("order.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    refused = api_a.post(
        f"/requests/{reference}/documents", data={"doc_type": "court_order", "file": fake}
    )
    assert refused.status_code in (415, 422), refused.content
    assert error_of(refused)["message"]
    assert not Case.objects.get(reference=reference).documents.exists()


def test_invalid_input_is_a_422_naming_the_field(api_a, entities):
    response = api_a.post("/requests", json={"request_types": [], "duration_days": 0})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert {f["field"] for f in error["details"]["fields"]} >= {
        "body.data.request_types",
        "body.data.duration_days",
    }


def test_errors_speak_the_callers_language(api_a, entities):
    response = api_a.get("/requests/LERS-0000-000000", headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_token_without_the_scope_is_refused(officer_a, entities):
    reader = Api(token_for(officer_a, ["requests:read"]))
    assert reader.get("/requests").status_code == 200
    refused = reader.post("/requests", json=FIELDS)
    assert refused.status_code == 403
    assert "requests:write" in error_of(refused)["message"]


def test_an_officers_token_cannot_use_the_staff_operations(api_a, make_case):
    case = make_case("submitted")
    assert api_a.get("/cases").status_code == 403
    assert api_a.get(f"/cases/{case.reference}").status_code == 403


def test_no_token_a_wrong_token_and_a_revoked_one_are_401(officer_a, entities):
    from lers.accounts.models import ApiToken
    from lers.accounts.tokens import token_revoke

    for api in (Api(), Api("lers_0123456789abcdef_nope"), Api("not-even-a-token")):
        response = api.get("/requests")
        assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")
    secret = token_for(officer_a)
    api = Api(secret)
    assert api.get("/requests").status_code == 200
    token_revoke(token=ApiToken.objects.get(user=officer_a), by=officer_a)
    assert api.get("/requests").status_code == 401


def test_the_rate_limit_answers_429_with_retry_after(api_a, settings, entities):
    settings.LERS_API_RATE = "3/min"
    for _ in range(3):
        assert api_a.get("/requests").status_code == 200
    limited = api_a.get("/requests")
    assert limited.status_code == 429
    error = error_of(limited)
    assert error["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    assert error["details"]["retry_after"] >= 1


def test_the_openapi_document_describes_every_operation():
    from django.test import Client

    document = Client().get("/api/v1/openapi.json").json()
    assert document["info"]["version"] == "1"
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) >= 17
    for operation in operations:
        # Every operation documents its errors in the one shape.
        assert {"401", "404", "422", "429"} <= set(operation["responses"]), operation["operationId"]
    unknown = Client().get("/api/v1/no-such-thing")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "not_found"


def test_keys_are_forgotten_after_their_window(api_a, entities, settings, time_machine):
    from lers.api.idempotency import idempotency_prune
    from lers.api.models import IdempotentRequest

    settings.LERS_API_IDEMPOTENCY_HOURS = 24
    api_a.post("/requests", json=FIELDS, headers={"Idempotency-Key": "k1"})
    assert idempotency_prune() == 0
    time_machine.move_to(timezone.now() + dt.timedelta(hours=25))
    assert idempotency_prune() == 1 and not IdempotentRequest.objects.exists()


@pytest.mark.req("JU-13")
def test_a_preservation_extension_is_drafted_through_the_api(settings, entities, api_a, officer_a):
    settings.LERS_POLICY = "ju"
    parent = cases.case_create(officer_user=officer_a, request_types=["preservation"])
    from lers.demo.services import complete_request

    complete_request(parent, officer_a.officer)
    parent = cases.case_submit(case=parent, by=officer_a)
    assert "extension" in api_a.get(f"/requests/{parent.reference}").json()["actions"]
    key = {"Idempotency-Key": "extend-once"}
    body = {"reason": "The investigation needs 90 more days."}
    first = api_a.post(f"/requests/{parent.reference}/extension", json=body, headers=key)
    second = api_a.post(f"/requests/{parent.reference}/extension", json=body, headers=key)
    assert first.status_code == second.status_code == 201, first.content
    assert first.json()["reference"] == second.json()["reference"]
    assert first.json()["request_types"] == ["preservation_extension"]
    assert Case.objects.filter(parent=parent).count() == 1


def test_a_target_is_removed_from_a_draft(api_a, entities):
    reference = draft(api_a)["reference"]
    added = api_a.post(
        f"/requests/{reference}/targets", json={"kind": "email", "value": "user7@example.org"}
    ).json()
    assert api_a.delete(f"/requests/{reference}/targets/{added['id']}").status_code == 204
    assert api_a.get(f"/requests/{reference}").json()["targets"] == []
    again = api_a.delete(f"/requests/{reference}/targets/{added['id']}")
    assert again.status_code == 404


def test_a_document_is_downloaded_as_an_attachment(api_a, entities):
    reference = draft(api_a)["reference"]
    uploaded = api_a.post(
        f"/requests/{reference}/documents",
        data={"doc_type": "court_order", "file": _pdf("order.pdf")},
    ).json()
    response = api_a.get(f"/requests/{reference}/documents/{uploaded['id']}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == DEMO_PDF


def test_a_body_far_over_the_limit_is_refused_in_the_api_shape(api_a, settings, entities):
    settings.LERS_MAX_UPLOAD_BYTES = 1024
    response = api_a.post("/requests", data=b"x" * (3 * 2**20), content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_lists_page_and_refuse_an_unknown_state(api_a, entities):
    references = [draft(api_a)["reference"] for _ in range(3)]
    page = api_a.get("/requests", data={"limit": 2, "offset": 1}).json()
    assert [c["reference"] for c in page] == list(reversed(references))[1:3]  # newest first
    unknown = api_a.get("/requests", data={"state": "nonsense"})
    assert unknown.status_code == 422 and error_of(unknown)["code"] == "invalid"


def test_a_method_a_path_does_not_take_is_a_405_in_the_one_shape(api_a):
    response = api_a._call("put", "/requests")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_colleagues_not_on_a_case_get_404_and_an_agency_admin_reads_but_does_not_write(
    make_case, colleague_a, agency_admin_a
):
    case = make_case("triage")
    colleague = Api(token_for(colleague_a))
    assert colleague.get(f"/requests/{case.reference}").status_code == 404
    admin = Api(token_for(agency_admin_a))
    assert admin.get(f"/requests/{case.reference}").status_code == 200
    assert admin.get(f"/requests/{case.reference}").json()["actions"] == []
    written = admin.post(f"/requests/{case.reference}/messages", json={"body": "hello"})
    assert written.status_code == 403


def test_refused_tokens_are_rate_limited_per_address_whatever_it_claims(settings, entities):
    settings.LERS_API_ANON_RATE = "3/min"
    for n in range(3):
        forged = Api("lers_0123456789abcdef_wrong", **{"X-Forwarded-For": f"10.0.0.{n}"})
        assert forged.get("/requests").status_code == 401
    limited = Api("lers_0123456789abcdef_wrong", **{"X-Forwarded-For": "10.9.9.9"})
    limited = limited.get("/requests")
    assert limited.status_code == 429 and error_of(limited)["code"] == "rate_limited"


def test_a_deactivated_account_or_staff_without_roles_lose_their_tokens(
    officer_a, analyst, entities
):
    from lers.accounts.models import RoleGrant

    officer_api = Api(token_for(officer_a))
    staff_api = Api(token_for(analyst))
    assert officer_api.get("/requests").status_code == 200
    assert staff_api.get("/cases").status_code == 200
    officer_a.is_active = False
    officer_a.save(update_fields=["is_active"])
    RoleGrant.objects.filter(user=analyst).delete()
    assert officer_api.get("/requests").status_code == 401
    assert staff_api.get("/cases").status_code == 401


def test_a_nul_character_is_refused_at_the_edge_never_by_the_database(api_a, entities):
    """PostgreSQL stores no NUL: an address, a query or a field holding one is a clear 4xx
    (found by schemathesis on PostgreSQL)."""
    assert api_a.get("/requests/LERS%00x").status_code == 400
    assert api_a.get("/requests?state=draft%00").status_code == 400
    refused = api_a.post("/requests", json={**FIELDS, "title": "a\x00b"})
    assert refused.status_code == 422 and "NUL" in error_of(refused)["message"]
    assert not Case.objects.exists()
    assert Api("lers_0123\x00_x").get("/requests").status_code == 401

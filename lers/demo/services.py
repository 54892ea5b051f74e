"""``lers demo``: everything a newcomer needs to see lers work, created idempotently.

Entities of the active profile, one user per staff role, two agencies with two officers each
(so the agency boundary can be seen), sample cases in several states driven through the real
services, and a small synthetic exchange.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
from dataclasses import dataclass, field

import sqlalchemy as sa
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lers.accounts.mfa import has_second_factor, totp_provision
from lers.accounts.models import Role, User
from lers.accounts.services import role_grant
from lers.agencies.models import Agency, Officer
from lers.cases import services as cases
from lers.cases.models import Case, Entity, SubjectMatch
from lers.cases.services.entities import entities_sync
from lers.core.policy import active_policy
from lers.demo import exchange as demo_exchange
from lers.demo.exchange import ExchangeSummary, build_demo_exchange
from lers.exchange.active import active_digest, active_source
from lers.exchange.name_index import index_ready, names_refresh

STAFF = [
    ("analyst", "Ana Analyst", [Role.INTAKE_ANALYST]),
    ("reviewer", "Rui Reviewer", [Role.LEGAL_REVIEWER]),
    ("approver", "Amal Approver", [Role.APPROVER]),
    ("operator", "Olu Operator", [Role.OPERATOR]),
    ("auditor", "Aud Auditor", [Role.AUDITOR]),
    ("admin", "Adi Admin", [Role.ADMIN]),
]
AGENCIES = [
    {
        "name": "Metropolitan Police Service",
        "country": "GB",
        "kind": Agency.Kind.POLICE,
        "email_domains": ["met.police.uk"],
        "switchboard_phone": "+442072301212",
        "officers": [
            ("met.smith", "DC Sam Smith", "+442079460001", "+447700900101", True),
            ("met.jones", "DS Jo Jones", "+442079460002", "+447700900102", False),
        ],
    },
    {
        "name": "Hong Kong Police Force",
        "country": "HK",
        "kind": Agency.Kind.POLICE,
        "email_domains": ["police.gov.hk"],
        "switchboard_phone": "+85228600000",
        "officers": [
            ("hkpf.chan", "Insp. Chan Tai-man", "+85228601001", "+85291230001", True),
            ("hkpf.wong", "SIP Wong Mei-ling", "+85228601002", "+85291230002", False),
        ],
    },
]
# (agency index, officer index, agency case number, title, request types, urgency, path)
CASES = [
    (0, 0, "DEMO-MPS-001", "Romance scam proceeds", ["information"], "standard", []),
    (0, 0, "DEMO-MPS-002", "Ransomware payment trail", ["information"], "standard", ["submit"]),
    (0, 1, "DEMO-MPS-003", "Investment fraud", ["information"], "urgent", ["submit", "triage"]),
    (
        0,
        0,
        "DEMO-MPS-004",
        "Phishing kit seller",
        ["information"],
        "standard",
        ["submit", "triage", "ask"],
    ),
    (
        1,
        0,
        "DEMO-HKPF-001",
        "Stolen funds from a hacked wallet",
        ["freeze"],
        "emergency",
        ["submit", "triage", "verify", "review"],
    ),
    (
        1,
        1,
        "DEMO-HKPF-002",
        "Pig-butchering scam",
        ["information"],
        "standard",
        ["submit", "triage", "verify", "review", "approve"],
    ),
    (
        1,
        0,
        "DEMO-HKPF-003",
        "Civil dispute over a transfer",
        ["information"],
        "standard",
        ["submit", "triage", "decline"],
    ),
]
# A minimal, valid one-page PDF used as the demo's placeholder for every document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoSummary:
    staff: list[str] = field(default_factory=list)
    officers: list[tuple[str, str]] = field(default_factory=list)
    cases_created: int = 0
    cases_existing: int = 0
    cases: list[str] = field(default_factory=list)
    exchange: ExchangeSummary | None = None


def demo_totp_secret(username: str) -> str:
    """A demo account's TOTP secret: stable for this data directory's key, never in the code."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo-totp:{username}".encode(), "sha256")
    return base64.b32encode(digest.digest()[:20]).decode("ascii")


def _user(username: str, name: str, email: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": name, "email": email}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if not has_second_factor(user):
        totp_provision(user, demo_totp_secret(username))
    return user


# Targets of a request when no demo exchange names real accounts (the tests' own requests).
DEFAULT_TARGETS: list[tuple[str, str, str]] = [
    ("address", "0x52908400098527886e0f7030069857d2e4169ee7", "ETH"),
    ("email", "user7@example.org", ""),
]


def exchange_targets(url: str, index: int) -> list[tuple[str, str, str]]:
    """Identifiers of accounts that exist in the demo exchange, a different pair per case:
    an ETH deposit address of one user and the email of another, so that resolving the demo
    cases finds their accounts."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            address = conn.execute(
                sa.select(demo_exchange.deposit_addresses.c.address)
                .where(demo_exchange.deposit_addresses.c.chain == "ETH")
                .order_by(demo_exchange.deposit_addresses.c.uid)
                .offset(index)
                .limit(1)
            ).scalar()
            email = conn.execute(
                sa.select(demo_exchange.users.c.email)
                .order_by(demo_exchange.users.c.uid)
                .offset(index + 3)
                .limit(1)
            ).scalar()
    finally:
        engine.dispose()
    found = [("address", address, "ETH")] if address else []
    found += [("email", email, "")] if email else []
    return found or DEFAULT_TARGETS


def complete_request(
    case: Case, officer: Officer, targets: list[tuple[str, str, str]] | None = None
) -> None:
    """Fill the request the way a diligent officer would, so the policy's checklist passes."""
    now = timezone.now()
    cases.case_update_draft(
        case=case,
        by=officer.user,
        changes={
            "matter_type": "criminal",
            "legal_basis": "Criminal investigation under the applicable criminal procedure law.",
            "legal_clauses": "Art. 1–3 (demo)",
            "summary": "Victims transferred funds to addresses later deposited to the exchange.",
            "findings": "Suspects contacted victims through social media (demo data).",
            "amount_tokens": "12,500 USDT",
            "timeframe_start": now - dt.timedelta(days=90),
            "timeframe_end": now - dt.timedelta(days=1),
            "data_categories": ["kyc", "deposits", "withdrawals", "logins"],
            "duration_days": 30,
            "callback_slots": "Weekdays 09:00–17:00, agency local time",
            "urgency_circumstances": "Funds are being moved right now."
            if case.urgency != Case.Urgency.STANDARD
            else "",
        },
    )
    for kind, value, chain in targets or DEFAULT_TARGETS:
        cases.target_add(case=case, by=officer.user, kind=kind, value=value, chain=chain)
    officer_ids = active_policy().officer_id_documents()
    for gap in cases.case_checklist(case):
        for index in range(gap.documents_have, gap.documents_need):
            doc_type = gap.documents_any_of[0]
            cases.document_add(
                case=case,
                by=officer.user,
                doc_type=doc_type,
                name=f"{doc_type}.pdf",
                content=DEMO_PDF,
                content_type="application/pdf",
                # Officers' IDs count by officer (JU-07): the officer's own, then colleagues'.
                officer_name=_officer_named(officer, index) if doc_type in officer_ids else "",
            )


def _officer_named(officer: Officer, index: int) -> str:
    own = officer.user.get_full_name() or officer.user.username
    return own if index == 0 else f"{own}'s colleague {index}"


def seals_confirm(case: Case, by: User) -> None:
    """The analyst confirms the seal or signature of each official document (JU-18, HX-05),
    as verification requires under a profile that asks for it."""
    sealed = active_policy().sealed_documents()
    for document in case.documents.filter(doc_type__in=sealed, seal="unchecked"):
        cases.document_seal_check(document=document, by=by, present=True)


def _walk(case: Case, officer: Officer, path: list[str], staff: dict[str, User]) -> None:
    analyst, reviewer = staff["analyst"], staff["reviewer"]
    policy = active_policy()
    for step in path:
        if step == "submit":
            # The demo officer reads and acknowledges the terms where the profile asks (HX-15).
            cases.case_submit(case=case, by=officer.user, terms_acknowledged=True)
        elif step == "triage":
            cases.case_start_triage(case=case, by=analyst)
            for colleague in ("reviewer", "approver", "operator"):
                cases.case_assign(case=case, by=analyst, user=staff[colleague])
        elif step == "ask":
            cases.case_request_information(
                case=case, by=analyst, question="Please send the court order with its seal."
            )
        elif step == "verify":
            case.refresh_from_db()
            if case.entity is None:
                cases.case_route(case=case, by=analyst, entity=Entity.objects.first())
            cases.case_send_to_verification(case=case, by=analyst)
            seals_confirm(case, analyst)
            cases.callback_record(
                case=case,
                by=analyst,
                number=case.agency.switchboard_phone,
                outcome="confirmed",
                note="Switchboard put us through to the officer; request confirmed.",
            )
            cases.case_verify(
                case=case, by=analyst, note="Call-back to the agency switchboard: confirmed."
            )
        elif step == "review":
            pass  # the case now waits in legal review
        elif step == "approve":
            # The analyst finds the accounts behind the targets and confirms the exact matches,
            # so the approved scope names them (a freeze or production of nobody is refused).
            cases.case_resolve_targets(case=case, by=analyst)
            for match in SubjectMatch.objects.filter(
                target__case=case, exact=True, status=SubjectMatch.Status.PROPOSED
            ):
                cases.subject_decide(match=match, by=analyst, confirm=True)
            cases.case_approve(case=case, by=reviewer, note="Approved for KYC and deposits only.")
        elif step == "decline":
            reason = next(iter(policy.decline_reasons))
            cases.case_decline(
                case=case, by=analyst, reasons=[reason], message="This is a civil matter."
            )


def demo_seed(*, password: str, exchange_users: int = 2000, seed: int = 7) -> DemoSummary:
    summary = DemoSummary()
    # The exchange first: the demo requests name accounts it holds.
    summary.exchange = build_demo_exchange(
        settings.LERS_EXCHANGE_DATABASE_URL, users_count=exchange_users, seed=seed
    )
    # Names in requests are searched in lers's index of the exchange's KYC names.
    if summary.exchange.created or index_ready(active_digest()) is None:
        names_refresh(active_source(), digest=active_digest())
    with transaction.atomic():
        entities_sync(by=None)
        staff: dict[str, User] = {}
        for username, name, roles in STAFF:
            user = _user(username, name, f"{username}@exchange.example", password)
            if Role.ADMIN in roles and not user.is_superuser:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            for role in roles:
                role_grant(user=user, role=role, by=None)
            staff[username] = user
            summary.staff.append(username)
        officers: list[list[Officer]] = []
        for spec in AGENCIES:
            agency, _ = Agency.objects.get_or_create(
                name=spec["name"],
                country=spec["country"],
                defaults={
                    "kind": spec["kind"],
                    "email_domains": spec["email_domains"],
                    "switchboard_phone": spec["switchboard_phone"],
                },
            )
            members = []
            for username, name, phone, mobile, is_admin in spec["officers"]:
                email = f"{username.split('.')[1]}@{spec['email_domains'][0]}"
                user = _user(username, name, email, password)
                officer, _ = Officer.objects.get_or_create(
                    user=user,
                    defaults={
                        "agency": agency,
                        "title": name.split(" ")[0],
                        "office_phone": phone,
                        "mobile_phone": mobile,
                        "status": Officer.Status.ACTIVE,
                        "is_agency_admin": is_admin,
                    },
                )
                members.append(officer)
                summary.officers.append((username, agency.name))
            officers.append(members)
        for agency_i, officer_i, number, title, types, urgency, path in CASES:
            officer = officers[agency_i][officer_i]
            if Case.objects.filter(agency=officer.agency, agency_case_number=number).exists():
                summary.cases_existing += 1
                continue
            allowed = [t for t in types if t in active_policy().request_types] or ["information"]
            case = cases.case_create(
                officer_user=officer.user, request_types=allowed, urgency=urgency, title=title
            )
            cases.case_update_draft(
                case=case, by=officer.user, changes={"agency_case_number": number}
            )
            colleague = officers[agency_i][1 - officer_i]
            cases.case_add_officer(case=case, by=officer.user, colleague=colleague)
            targets = exchange_targets(settings.LERS_EXCHANGE_DATABASE_URL, len(summary.cases))
            complete_request(case, officer, targets)
            summary.cases.append(case.reference)
            _walk(case, officer, path, staff)
            summary.cases_created += 1
    return summary

"""Shared personas and factories (CONVENTIONS.md, "Tests").

An officer of agency A (and a colleague, and an agency admin), an officer of agency B, one
user per staff role, and an outsider with no role at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.utils import translation

from lers.accounts.mfa import totp_code, totp_provision
from lers.accounts.models import Role, User
from lers.accounts.services import role_grant
from lers.agencies.models import Agency, Officer
from lers.cases import services as cases
from lers.cases.categories import DATA_CATEGORIES
from lers.cases.lifecycle import State
from lers.cases.models import Case, Entity, SubjectMatch
from lers.cases.services.verification import callback_required
from lers.core.policy import active_policy
from lers.demo.services import complete_request, seals_confirm
from lers.jobs.worker import Worker
from tests.exchange.small import ETH, TRON

# Fixtures shared across folders: the exchange's back office and an approved freeze.
pytest_plugins = ["tests.actions.fixtures"]

PASSWORD = "correct-horse-battery-staple"
# Every persona has a second factor, as every real account must.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def wrong_totp_code() -> str:
    """A code of TOTP_SECRET's shape that no step inside the accepted window gives."""
    now = time.time()
    valid = {totp_code(TOTP_SECRET, now + step * 30) for step in range(-2, 3)}
    return next(c for c in (str(d) * 6 for d in range(10)) if c not in valid)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "req(*ids): requirement IDs a test proves")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_by_default():
    """A page rendered in Chinese leaves its language active on the thread (LocaleMiddleware
    does not reset it): every test starts in English, whatever ran before it."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Tests make many accounts; a deliberately slow hasher would make the suite crawl. (The
    hasher is not what the tests are about; production keeps Django's default.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    """Rate limits and one-time codes start clean in every test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def entities(db):
    """The active profile's entities, as the demo creates them."""
    created = []
    for spec in active_policy().entities:
        entity, _ = Entity.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "jurisdiction": spec.jurisdiction,
                "timezone": spec.timezone,
            },
        )
        created.append(entity)
    return created


def make_user(username: str, *roles: Role) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@exchange.example"
    )
    for role in roles:
        role_grant(user=user, role=role, by=None)
    totp_provision(user, TOTP_SECRET)
    return user


def make_officer(username: str, agency: Agency, *, admin: bool = False) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@{agency.email_domains[0]}"
    )
    Officer.objects.create(
        user=user,
        agency=agency,
        office_phone="+442079460000",
        mobile_phone="+447700900000",
        status=Officer.Status.ACTIVE,
        is_agency_admin=admin,
    )
    totp_provision(user, TOTP_SECRET)
    return user


@pytest.fixture
def agency_a(db):
    return Agency.objects.create(
        name="Agency A Police",
        country="GB",
        email_domains=["a.police.uk"],
        switchboard_phone="+442072301212",
    )


@pytest.fixture
def agency_b(db):
    return Agency.objects.create(
        name="Agency B Police", country="HK", email_domains=["b.police.gov.hk"]
    )


@pytest.fixture
def officer_a(agency_a):
    return make_officer("officer_a", agency_a)


@pytest.fixture
def colleague_a(agency_a):
    """Same agency as officer_a, not on officer_a's cases."""
    return make_officer("colleague_a", agency_a)


@pytest.fixture
def agency_admin_a(agency_a):
    return make_officer("admin_a", agency_a, admin=True)


@pytest.fixture
def officer_b(agency_b):
    return make_officer("officer_b", agency_b)


@pytest.fixture
def analyst(db):
    return make_user("analyst", Role.INTAKE_ANALYST)


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", Role.LEGAL_REVIEWER)


@pytest.fixture
def approver(db):
    return make_user("approver", Role.APPROVER)


@pytest.fixture
def operator(db):
    return make_user("operator", Role.OPERATOR)


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def admin_user(db):
    return make_user("admin", Role.ADMIN)


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def staff(analyst, reviewer, approver, operator, auditor, admin_user):
    return {
        Role.INTAKE_ANALYST: analyst,
        Role.LEGAL_REVIEWER: reviewer,
        Role.APPROVER: approver,
        Role.OPERATOR: operator,
        Role.AUDITOR: auditor,
        Role.ADMIN: admin_user,
    }


# The shortest path of services from a fresh draft to each state.
PATHS: dict[State, list[str]] = {
    State.DRAFT: [],
    State.SUBMITTED: ["submit"],
    State.TRIAGE: ["submit", "start_triage"],
    State.AWAITING_INFORMATION: ["submit", "start_triage", "request_information"],
    State.VERIFICATION: ["submit", "start_triage", "send_to_verification"],
    State.LEGAL_REVIEW: ["submit", "start_triage", "send_to_verification", "verify"],
    State.APPROVED: ["submit", "start_triage", "send_to_verification", "verify", "approve"],
    State.IN_PROGRESS: [
        "submit",
        "start_triage",
        "send_to_verification",
        "verify",
        "approve",
        "start_work",
    ],
    State.RESPONDED: [
        "submit",
        "start_triage",
        "send_to_verification",
        "verify",
        "approve",
        "start_work",
        "respond",
    ],
    State.CLOSED: [
        "submit",
        "start_triage",
        "send_to_verification",
        "verify",
        "approve",
        "start_work",
        "respond",
        "close",
    ],
    State.DECLINED: ["submit", "start_triage", "decline"],
    State.WITHDRAWN: ["withdraw"],
}


def transition_kwargs(name: str) -> dict:
    """Arguments that satisfy each transition's guards."""
    first_reason = next(iter(active_policy().decline_reasons))
    return {
        # The officer has read the profile's terms where it asks (HX-15).
        "submit": {"terms_acknowledged": True},
        "request_information": {"question": "Which account holds the funds?"},
        "answer": {"answer": "The account of the first address."},
        "verify": {"note": "Call-back to the agency switchboard confirmed the officer."},
        # These cases' accounts are not resolved: the reviewer approves knowing it.
        "approve": {"note": "Approved for KYC data only.", "without_accounts": True},
        "decline": {"reasons": [first_reason], "message": "Civil matter."},
        "respond": {"note": "Production delivered."},
        "withdraw": {"reason": "No longer needed."},
    }.get(name, {})


@pytest.fixture
def make_case(entities, officer_a, analyst, reviewer, approver, operator):
    """A complete case of officer_a's agency, driven through the real services to ``state``.
    Once submitted, the analyst, reviewer, approver and operator are on it (``team=False``
    leaves it to whoever takes it)."""
    by_role = {
        "submit": officer_a,
        "answer": officer_a,
        "withdraw": officer_a,
        "start_triage": analyst,
        "request_information": analyst,
        "send_to_verification": analyst,
        "verify": analyst,
        "decline": analyst,
        "approve": reviewer,
        "start_work": operator,
        "respond": operator,
        "close": operator,
    }

    def build(
        state: State = State.DRAFT, *, urgency: str = "standard", officer=None, team: bool = True
    ) -> Case:
        owner = officer or officer_a
        case = cases.case_create(
            officer_user=owner, request_types=["information"], urgency=urgency, title="Test"
        )
        complete_request(case, owner.officer)
        if case.entity is None:
            case.entity = entities[0]
            case.save(update_fields=["entity"])
        for name in PATHS[state]:
            actor = owner if by_role[name] is officer_a else by_role[name]
            if name == "verify":
                seals_confirm(case, analyst)
            if name == "verify" and callback_required(case):
                cases.callback_record(
                    case=case,
                    by=analyst,
                    number=case.agency.switchboard_phone,
                    outcome="confirmed",
                )
            case = cases.case_transition_service(name)(
                case=case, by=actor, **transition_kwargs(name)
            )
            if name == "submit" and team:
                with transaction.atomic():
                    for user in (analyst, reviewer, approver, operator):
                        cases.member_add(case=case, user=user, by=analyst)
        case.refresh_from_db()
        assert case.state == state
        return case

    return build


@pytest.fixture
def small_exchange(settings, tmp_path):
    """A handful of known accounts in a demo-shaped exchange database (tests/exchange/small.py),
    as the deployment's exchange."""
    import sqlalchemy as sa

    from tests.exchange.small import fill_small_exchange

    url = f"sqlite:///{tmp_path / 'exchange.sqlite3'}"
    fill_small_exchange(sa.create_engine(url))
    settings.LERS_EXCHANGE_DATABASE_URL = url
    return url


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """``transactional_db`` whose flush copes with the append-only audit tables: for tests
    that need committed data (a live server, migrations). Requesting ``transactional_db``
    makes this fixture's teardown run before pytest-django's flush."""
    yield
    empty_audit_tables()


def empty_audit_tables() -> None:
    """Remove the test's audit rows with the append-only triggers briefly off.

    The triggers refuse to empty a table that holds events: on PostgreSQL a TRUNCATE, on SQLite
    the row-by-row DELETE that a flush is there. Emptied here, the flush that follows meets
    empty tables, which the triggers let through by design. The triggers are back on before
    this transaction commits, so no statement outside it ever runs without them.
    """
    from lers.audit.models import AuditEvent, AuditHead

    tables = [AuditEvent._meta.db_table, AuditHead._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            # SQLite cannot switch a trigger off: drop and re-create it from its own stored SQL.
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master"
                f" WHERE type = 'trigger' AND tbl_name IN ({placeholders})",
                tables,
            )
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            for _, sql in triggers:
                cursor.execute(sql)


@pytest.fixture
def subject_case(small_exchange, make_case, officer_a, analyst, reviewer, approver, operator):
    case = make_case(State.DRAFT)
    types = active_policy().request_types
    wanted = [t for t in types if types[t].effect in ("disclosure", "freeze", "preservation")]
    Case.objects.filter(pk=case.pk).update(
        request_types=wanted, data_categories=list(DATA_CATEGORIES)
    )
    case.targets.all().delete()
    cases.target_add(case=case, by=officer_a, kind="address", value=ETH, chain="ETH")
    cases.target_add(case=case, by=officer_a, kind="address", value=TRON, chain="TRX")
    cases.case_submit(case=case, by=officer_a, accept_incomplete=True, terms_acknowledged=True)
    case = cases.case_start_triage(case=case, by=analyst)
    for colleague in (reviewer, approver, operator):
        cases.case_assign(case=case, by=analyst, user=colleague)
    cases.case_resolve_targets(case=case, by=analyst)
    for match in SubjectMatch.objects.filter(target__case=case, target__value=ETH):
        cases.subject_decide(match=match, by=analyst, confirm=True)
    cases.case_send_to_verification(case=case, by=analyst)
    seals_confirm(case, analyst)  # a profile that requires them (ju, hx97)
    if callback_required(case):  # a profile that asks for one (ju)
        cases.callback_record(
            case=case, by=analyst, number=case.agency.switchboard_phone, outcome="confirmed"
        )
    cases.case_verify(case=case, by=analyst, note="Call-back confirmed.")
    cases.case_approve(case=case, by=reviewer, note="Approved as requested.")
    case.refresh_from_db()
    return case


def tell_users(case: Case, by: User) -> None:
    """The users of the case's accounts are told, through the services staff use: under a
    policy that notifies before disclosure (BN-08, the default profile), a production is
    released only after that."""
    from lers.actions.models import UserNotice
    from lers.actions.services.notices import notice_send, notices_decide

    notices_decide(case=case, by=by)
    for notice in UserNotice.objects.filter(case=case, state=UserNotice.State.DUE):
        notice_send(notice=notice, by=by)
    run_jobs()


def run_jobs() -> int:
    """Everything the queue holds that is due now, as a worker would run it."""
    return Worker(worker_id="test", periodic={}).run(burst=True)

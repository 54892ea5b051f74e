"""Upgrading a deployment: cases from before membership and approved scopes keep working."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _before() -> list[tuple[str, str]]:
    """Every app at its latest migration, the cases app before 0005."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [n for n in leaves if n[0] != "cases"] + [("cases", "0004_subject_matches")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.req("JU-09", "X-07")
def test_existing_cases_keep_their_staff_and_their_approval(committed_db):
    apps = _migrate(_before())
    User = apps.get_model("accounts", "User")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    Agency = apps.get_model("agencies", "Agency")
    Case = apps.get_model("cases", "Case")
    Target = apps.get_model("cases", "Target")
    SubjectMatch = apps.get_model("cases", "SubjectMatch")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    analyst = User.objects.create(username="old_analyst")
    reviewer = User.objects.create(username="old_reviewer")
    auditor = User.objects.create(username="old_auditor")
    RoleGrant.objects.create(user=analyst, role="intake_analyst")
    RoleGrant.objects.create(user=reviewer, role="legal_reviewer")
    RoleGrant.objects.create(user=auditor, role="auditor")
    agency = Agency.objects.create(name="Old Agency", country="GB")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    approved = Case.objects.create(
        reference="LERS-OLD-1",
        policy_profile="binance",
        agency=agency,
        state="in_progress",
        request_types=["information", "freeze"],
        data_categories=["kyc"],
        timeframe_start=start,
        assignee=analyst,
    )
    waiting = Case.objects.create(
        reference="LERS-OLD-2", policy_profile="binance", agency=agency, state="triage"
    )
    target = Target.objects.create(case=approved, kind="uid", value="10000001")
    SubjectMatch.objects.create(
        target=target,
        uid="10000001",
        score=100,
        exact=True,
        evidence="uid",
        record="users",
        status="confirmed",
    )
    for seq, (actor, action, ref) in enumerate(
        [
            (analyst, "case.start_triage", "LERS-OLD-1"),
            (auditor, "case.viewed", "LERS-OLD-1"),
            (reviewer, "case.approve", "LERS-OLD-1"),
            (reviewer, "case.viewed", "LERS-OLD-2"),
        ],
        start=1,
    ):
        AuditEvent.objects.create(
            seq=seq,
            occurred_at=start,
            actor_id=actor.pk,
            actor_label=actor.username,
            action=action,
            case_ref=ref,
            prev_hash=f"{seq - 1:064d}",
            hash=f"{seq:064d}",
        )

    apps = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    CaseMember = apps.get_model("cases", "CaseMember")
    ApprovedScope = apps.get_model("cases", "ApprovedScope")
    members = set(CaseMember.objects.filter(case_id=approved.pk).values_list("user_id", flat=True))
    assert members == {analyst.pk, reviewer.pk}  # the auditor only read it
    assert set(CaseMember.objects.filter(case_id=waiting.pk).values_list("user_id", flat=True)) == {
        reviewer.pk
    }
    scope = ApprovedScope.objects.get(case_id=approved.pk)
    assert scope.subjects == ["10000001"] and scope.categories == ["kyc"]
    assert scope.actions == ["information", "freeze"] and scope.approved_by_id == reviewer.pk
    assert scope.period_start == start and not scope.partial
    assert not ApprovedScope.objects.filter(case_id=waiting.pk).exists()

"""Productions (X-08, JU-15, JU-18): built from the approved scope, opened by independent
readers (pypdf, openpyxl, 7-Zip, the standard library), released by a second person,
downloaded within the window, expired once."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from lers.accounts.models import Role
from lers.audit.models import AuditEvent
from lers.cases import services as cases
from lers.cases.models import ApprovedScope, Case
from lers.core.errors import GuardFailed, NotFound, NotPermitted
from lers.demo import exchange as demo
from lers.productions.models import Production
from lers.productions.package import read_archive
from lers.productions.services import (
    production_download,
    production_release,
    production_request,
    productions_sweep,
)
from tests.conftest import PASSWORD, make_user, run_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-08")]


@pytest.fixture
def with_transfers(small_exchange):
    """Two internal transfers of the subject with other users (third parties)."""
    engine = sa.create_engine(small_exchange)
    with engine.begin() as conn:
        conn.execute(
            demo.internal_transfers.insert(),
            [
                {
                    "from_uid": "10000001",
                    "to_uid": "10000003",
                    "asset": "USDT",
                    "amount": "250",
                    "created_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                },
                {
                    "from_uid": "10000004",
                    "to_uid": "10000001",
                    "asset": "USDT",
                    "amount": "90",
                    "created_at": dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
                },
            ],
        )
    return small_exchange


def built(case: Case, by) -> Production:
    production = production_request(case=case, by=by)
    run_jobs()
    production.refresh_from_db()
    assert production.state == Production.State.READY, production.error
    return production


def passphrase_from_mail(officer) -> str:
    (message,) = [m for m in mail.outbox if "Passphrase" in m.subject and officer.email in m.to]
    return re.search(r"^\s{4}(\S+)$", message.body, re.M).group(1)


def release(production, approver, officer) -> str:
    mail.outbox.clear()
    production_release(production=production, by=approver)
    run_jobs()
    return passphrase_from_mail(officer)


def archive_bytes(production: Production) -> bytes:
    with default_storage.open(production.archive, "rb") as handle:
        return handle.read()


@pytest.mark.req("JU-15", "JU-18")
def test_a_package_holds_the_approved_records_in_every_format_with_matching_hashes(
    subject_case, with_transfers, operator, approver, officer_a, tmp_path
):
    # The small exchange's records are from March 2026: approve that period.
    ApprovedScope.objects.filter(case=subject_case).update(
        period_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        period_end=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
    )
    production = built(subject_case, operator)
    assert production.rows_total > 0 and production.rows_done == production.rows_total
    passphrase = release(production, approver, officer_a)
    raw = archive_bytes(production)
    assert hashlib.sha256(raw).hexdigest() == production.archive_sha256
    # The standard library sees WinZip AES entries (method 99, encrypted) it cannot read.
    for info in zipfile.ZipFile(io.BytesIO(raw)).infolist():
        assert info.compress_type == 99 and info.flag_bits & 1
    files = dict(read_archive(io.BytesIO(raw), passphrase))
    with pytest.raises(RuntimeError):
        dict(read_archive(io.BytesIO(raw), "wrong-passphrase"))
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"], entry["name"]
    assert set(files) == {f["name"] for f in manifest["files"]} | {"manifest.json"}

    # CSV: the approved categories only, the subject's rows, third parties aliased.
    transfers = list(csv.DictReader(io.StringIO(files["internal_transfers.csv"].decode())))
    assert {(t["from_uid"], t["to_uid"]) for t in transfers} == {
        ("10000001", "third-party-1"),
        ("third-party-2", "10000001"),
    }
    raw_text = b"".join(files.values())
    assert b"10000003" not in raw_text and b"10000004" not in raw_text
    logins = list(csv.DictReader(io.StringIO(files["logins.csv"].decode())))
    assert logins and {row["uid"] for row in logins} == {"10000001"}
    assert logins[0]["time"].endswith("+00:00")  # UTC (JU-18)

    # XLSX: openpyxl reads one sheet per category, the same rows as the CSV.
    book = openpyxl.load_workbook(io.BytesIO(files["records.xlsx"]), read_only=True)
    sheet = [list(r) for r in book["internal_transfers"].iter_rows(values_only=True)]
    assert sheet[0] == list(transfers[0].keys())
    assert [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]] == transfers

    # JSON: the same records.
    records = json.loads(files["records.json"])["categories"]
    table = records["internal_transfers"]
    assert [dict(zip(table["fields"], r, strict=True)) for r in table["rows"]] == transfers

    # PDF: pypdf reads the cover letter, which names the case and every file's SHA-256.
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["cover-letter.pdf"])).pages)
    text = re.sub(r"\s+", "", text)
    assert subject_case.reference in text and "Certificateofrecords" in text
    for entry in manifest["files"]:
        if entry["name"] != "cover-letter.pdf":
            assert entry["sha256"] in text, entry["name"]

    # 7-Zip, where installed (CI installs it), opens the archive with the passphrase.
    if shutil.which("7z"):
        archive = tmp_path / "package.zip"
        archive.write_bytes(raw)
        out = tmp_path / "out"
        subprocess.run(
            ["7z", "x", f"-p{passphrase}", f"-o{out}", str(archive)],
            check=True,
            capture_output=True,
        )
        assert (out / "logins.csv").read_bytes() == files["logins.csv"]


@pytest.mark.req("JU-15")
def test_the_policy_withholds_fields_where_it_minimises(
    settings, subject_case, operator, approver, analyst, officer_a
):
    def kyc_header() -> list[str]:
        production = built(subject_case, operator)
        passphrase = release(production, approver, officer_a)
        files = dict(read_archive(io.BytesIO(archive_bytes(production)), passphrase))
        return next(csv.reader(io.StringIO(files["kyc.csv"].decode())))

    assert "document_number" in kyc_header()  # binance: every mapped field
    settings.LERS_POLICY = "ju"  # identity documents by type, not by number
    cases.callback_record(  # ju calls back before any disclosure (JU-04)
        case=subject_case,
        by=analyst,
        number=subject_case.agency.switchboard_phone,
        outcome="confirmed",
    )
    header = kyc_header()
    assert "document_number" not in header and "document_type" in header


@pytest.mark.req("X-07")
def test_only_another_approver_on_the_case_releases(subject_case, operator, approver, analyst):
    production = built(subject_case, operator)
    both = make_user("operator_approver", Role.OPERATOR, Role.APPROVER)
    cases.case_assign(case=subject_case, by=analyst, user=both)
    own = built(subject_case, both)
    with pytest.raises(NotPermitted, match="second person"):
        production_release(production=own, by=both)
    with pytest.raises(NotPermitted):
        production_release(production=production, by=analyst)  # not an approver
    outside = make_user("approver_outside", Role.APPROVER)
    with pytest.raises(NotPermitted, match="not assigned"):
        production_release(production=production, by=outside)
    assert production_release(production=production, by=approver).released_by == approver


@pytest.mark.req("X-04")
def test_an_emergency_production_waits_for_the_call_back(subject_case, operator, approver, analyst):
    Case.objects.filter(pk=subject_case.pk).update(urgency="emergency")
    subject_case.refresh_from_db()
    production = built(subject_case, operator)
    with pytest.raises(GuardFailed, match="call-back"):
        production_release(production=production, by=approver)
    cases.callback_record(
        case=subject_case,
        by=analyst,
        number=subject_case.agency.switchboard_phone,
        outcome="confirmed",
    )
    assert production_release(production=production, by=approver).state == "released"


def test_the_officer_downloads_within_the_window_and_every_download_is_recorded(
    client, subject_case, operator, approver, officer_a, officer_b, time_machine
):
    production = built(subject_case, operator)
    release(production, approver, officer_a)
    url = reverse("portal-production", args=[subject_case.reference, production.pk])
    assert client.login(username=officer_b.username, password=PASSWORD)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-case", args=[subject_case.reference])).content.decode()
    assert url in page and production.archive_sha256 in page
    for expected in (1, 2):
        response = client.get(url)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == production.archive_sha256
        production.refresh_from_db()
        assert production.downloads == expected
    assert AuditEvent.objects.filter(action="production.downloaded").count() == 2

    time_machine.move_to(production.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(GuardFailed, match="window has closed"):
        production_download(production=production, by=officer_a)
    assert productions_sweep() == 1
    assert productions_sweep() == 0  # a second sweep does nothing more
    run_jobs()
    production.refresh_from_db()
    assert production.state == Production.State.EXPIRED and production.archive == ""
    assert not any(Path(default_storage.location).rglob("*.zip"))
    with pytest.raises(NotFound):
        production_download(production=production, by=officer_a)


def test_a_failed_build_is_recorded_and_releases_nothing(
    settings, subject_case, operator, approver, tmp_path
):
    settings.LERS_EXCHANGE_DATABASE_URL = f"sqlite:///{tmp_path / 'gone.sqlite3'}"
    production = production_request(case=subject_case, by=operator)
    run_jobs()
    production.refresh_from_db()
    assert production.state == Production.State.FAILED and production.error
    with pytest.raises(Exception, match="not ready"):
        production_release(production=production, by=approver)
    assert AuditEvent.objects.filter(action="production.failed").exists()


def test_nothing_is_produced_before_the_approval(make_case, operator):
    from lers.cases.lifecycle import State

    case = make_case(State.LEGAL_REVIEW)
    with pytest.raises(Exception, match="follows the approval"):
        production_request(case=case, by=operator)
    assert not Production.objects.exists()


def test_a_suspended_officer_gets_no_passphrase(
    subject_case, operator, approver, officer_a, colleague_a
):
    from lers.agencies.models import Officer

    subject_case.officers.add(colleague_a.officer)
    Officer.objects.filter(user=colleague_a).update(status=Officer.Status.SUSPENDED)
    production = built(subject_case, operator)
    release(production, approver, officer_a)  # officer_a's passphrase arrives
    assert not [m for m in mail.outbox if colleague_a.email in m.to]


@pytest.mark.req("JU-09")
def test_a_package_built_before_the_scope_narrowed_is_not_released(
    subject_case, operator, approver, analyst
):
    from lers.cases.models import SubjectMatch

    production = built(subject_case, operator)
    match = SubjectMatch.objects.get(target__case=subject_case, uid="10000001", status="confirmed")
    cases.subject_decide(match=match, by=analyst, confirm=False, note="Not the suspect.")
    with pytest.raises(GuardFailed, match="scope changed"):
        production_release(production=production, by=approver)
    production.refresh_from_db()
    assert production.state == Production.State.READY


def test_the_passphrase_is_never_kept_in_a_queued_message(
    subject_case, operator, approver, officer_a
):
    from lers.jobs.models import Job

    production = built(subject_case, operator)
    passphrase = release(production, approver, officer_a)
    assert not [j for j in Job.objects.all() if passphrase in json.dumps(j.payload)]
    production.refresh_from_db()
    assert production.passphrase_sealed == ""  # erased once sent
    assert AuditEvent.objects.filter(action="production.passphrase_sent").exists()


def test_a_downloaded_production_cannot_be_withdrawn(subject_case, operator, approver, officer_a):
    from lers.core.errors import IllegalTransition
    from lers.productions.services import production_withdraw

    production = built(subject_case, operator)
    release(production, approver, officer_a)
    production_download(production=production, by=officer_a).close()
    with pytest.raises(IllegalTransition, match="no longer be withdrawn"):
        production_withdraw(production=production, by=operator)


def test_a_build_that_fails_midway_leaves_no_thread_and_no_file(
    subject_case, operator, monkeypatch, tmp_path
):
    import tempfile
    import threading

    from lers.exchange.source import DataSource

    def broken(self, *args, **kwargs):
        yield [("10000001",) * 3]
        raise RuntimeError("exchange database went away")

    monkeypatch.setattr(DataSource, "values_of_accounts", broken)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    production = production_request(case=subject_case, by=operator)
    run_jobs()
    production.refresh_from_db()
    assert production.state == Production.State.FAILED and "went away" in production.error
    assert production.passphrase_sealed == ""
    names = {t.name for t in threading.enumerate()}
    assert not {n for n in names if n.startswith(("lers-prefetch", "aeszip-"))}, names
    assert not list(scratch.iterdir())  # the work folder and its spool are gone


@pytest.mark.req("X-07")
def test_a_package_proves_its_cases_audit_trail_where_checkpoints_are_signed(
    subject_case, operator, approver, officer_a, settings, tmp_path
):
    """issue 19.4: the package carries the case's audit events with their inclusion proofs
    against a checkpoint signed as it was built; the agency checks them with the exchange's
    verifier key alone."""
    from lers.audit.notes import Signer
    from lers.audit.proofs import proof_check
    from lers.cases.timeline import AGENCY_MILESTONES

    key = Signer.generate("lers.test/audit")
    settings.LERS_AUDIT_SIGNING_KEY = str(key)
    settings.LERS_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    production = built(subject_case, operator)
    passphrase = release(production, approver, officer_a)
    files = dict(read_archive(io.BytesIO(archive_bytes(production)), passphrase))
    manifest = json.loads(files["manifest.json"])
    assert "audit-proof.json" in {f["name"] for f in manifest["files"]}
    checked = proof_check(files["audit-proof.json"], key.verifier)
    actions = [e["action"] for e in checked.events]
    assert "case.submit" in actions and "case.approve" in actions, actions
    # only what the agency is told of: no lookup naming other accounts, no internal step
    assert set(actions) <= AGENCY_MILESTONES and "exchange.lookup" not in actions
    assert {e["case"] for e in checked.events} == {subject_case.reference}

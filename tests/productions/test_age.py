"""Productions encrypted to the agency's own age key (X-08): the agency's administrator
registers the public key; packages requested from then on are a zip encrypted to it as a
whole, opened with the agency's private key (rage, through pyrage, as the independent reader)
and no passphrase is sent anywhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import openpyxl
import pyrage
import pytest
from django.core import mail
from django.urls import reverse

from lers.agencies.services.keys import agency_key_set
from lers.audit.models import AuditEvent
from lers.cases.models import ApprovedScope
from lers.core.errors import DomainError, NotPermitted
from lers.productions.models import Production
from lers.productions.services import production_release
from tests.conftest import PASSWORD, run_jobs
from tests.productions.test_productions import archive_bytes, built

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-08")]

IDENTITY = pyrage.x25519.Identity.generate()
PUBLIC = str(IDENTITY.to_public())


@pytest.fixture
def keyed(subject_case, agency_admin_a):
    agency_key_set(agency=subject_case.agency, by=agency_admin_a, key=PUBLIC)
    ApprovedScope.objects.filter(case=subject_case).update(
        period_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        period_end=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
    )
    subject_case.agency.refresh_from_db()
    return subject_case


def test_a_package_is_a_zip_encrypted_to_the_agencys_key(
    keyed, operator, approver, officer_a, tmp_path
):
    production = built(keyed, operator)
    assert production.age_recipient == PUBLIC and production.passphrase_sealed == ""
    raw = archive_bytes(production)
    assert raw.startswith(b"age-encryption.org/v1\n")
    assert hashlib.sha256(raw).hexdigest() == production.archive_sha256
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(raw, [pyrage.x25519.Identity.generate()])  # another key opens nothing
    package = zipfile.ZipFile(io.BytesIO(pyrage.decrypt(raw, [IDENTITY])))
    assert package.testzip() is None  # every member's CRC checks
    files = {name: package.read(name) for name in package.namelist()}
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"], entry["name"]
    book = openpyxl.load_workbook(io.BytesIO(files["records.xlsx"]), read_only=True)
    assert "logins" in book.sheetnames

    mail.outbox.clear()
    production_release(production=production, by=approver)
    run_jobs()
    assert not any("Passphrase" in m.subject for m in mail.outbox)  # none exists
    told = [m for m in mail.outbox if officer_a.email in m.to]
    assert told and PUBLIC in told[0].body
    assert not AuditEvent.objects.filter(action="production.passphrase_sent").exists()

    # The age command line tool, where installed, opens it too.
    if shutil.which("age"):
        (tmp_path / "agency.key").write_text(str(IDENTITY) + "\n")
        (tmp_path / "package.zip.age").write_bytes(raw)
        subprocess.run(
            ["age", "-d", "-i", str(tmp_path / "agency.key"), "-o", str(tmp_path / "p.zip"),
             str(tmp_path / "package.zip.age")],
            check=True,
        )  # fmt: skip
        assert zipfile.ZipFile(tmp_path / "p.zip").read("manifest.json") == files["manifest.json"]


def test_the_officer_downloads_it_as_zip_age(client, keyed, operator, approver, officer_a):
    production = built(keyed, operator)
    production_release(production=production, by=approver)
    assert client.login(username=officer_a.username, password=PASSWORD)
    page = client.get(reverse("portal-case", args=[keyed.reference])).content.decode()
    assert PUBLIC in page and "age -d" in page
    response = client.get(reverse("portal-production", args=[keyed.reference, production.pk]))
    assert response.status_code == 200
    assert (
        f'{keyed.reference}-production-{production.pk}.zip.age"'
        in (response["Content-Disposition"])
    )
    assert b"".join(response.streaming_content).startswith(b"age-encryption.org/v1")


def test_a_key_changed_later_applies_to_later_packages_only(keyed, operator, agency_admin_a):
    first = built(keyed, operator)
    other = str(pyrage.x25519.Identity.generate().to_public())
    agency_key_set(agency=keyed.agency, by=agency_admin_a, key=other)
    first.refresh_from_db()
    assert first.age_recipient == PUBLIC
    agency_key_set(agency=keyed.agency, by=agency_admin_a, key="")
    plain = built(keyed, operator)
    assert plain.age_recipient == "" and plain.passphrase_sealed  # back to a passphrase
    assert archive_bytes(plain)[:4] == b"PK\x03\x04"
    actions = list(
        AuditEvent.objects.filter(action__startswith="agency.key").values_list("action", flat=True)
    )
    assert actions == ["agency.key_set", "agency.key_set", "agency.key_removed"]


def test_only_the_agencys_administrator_registers_a_valid_key(
    client, agency_a, officer_a, agency_admin_a, officer_b
):
    for user in (officer_a, officer_b):
        with pytest.raises(NotPermitted):
            agency_key_set(agency=agency_a, by=user, key=PUBLIC)
    for bad in ("AGE-SECRET-KEY-1QQQ", "age1notakey", "ssh-ed25519 AAAA"):
        with pytest.raises(DomainError):
            agency_key_set(agency=agency_a, by=agency_admin_a, key=bad)
    url = reverse("portal-agency-key")
    assert client.login(username=officer_a.username, password=PASSWORD)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.login(username=agency_admin_a.username, password=PASSWORD)
    refused = client.post(url, {"key": "AGE-SECRET-KEY-1ABC"})
    assert refused.status_code == 400 and "private key" in refused.content.decode()
    saved = client.post(url, {"key": f"  {PUBLIC}\n"})
    assert saved.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.age_recipient == PUBLIC
    assert PUBLIC in client.get(url).content.decode()


def test_the_api_says_how_a_production_is_encrypted(keyed, operator, approver, officer_a):
    from tests.api.conftest import Api, token_for

    production = built(keyed, operator)
    production_release(production=production, by=approver)
    listed = Api(token_for(officer_a)).get(f"/requests/{keyed.reference}/productions").json()
    assert listed[0]["encryption"] == "age" and listed[0]["age_recipient"] == PUBLIC
    assert Production.objects.get().archive_content_type == "application/octet-stream"

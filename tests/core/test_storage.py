"""Documents go to the configured storage: files by default, S3-compatible object storage in
production. The S3 test talks HTTP to a local S3-compatible server (moto's), the stand-in for
the object store that lives outside this machine."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from django.db import transaction

from lers.cases.lifecycle import State
from lers.cases.services import document_add
from lers.cases.services.documents import documents_sweep_orphans

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-18")]


def test_documents_land_under_the_media_directory_by_default(make_case, officer_a, settings):
    case = make_case(State.DRAFT)
    document = document_add(
        case=case, by=officer_a, doc_type="other", name="note.pdf", content=b"%PDF-1.4 note"
    )
    path = settings.MEDIA_ROOT / document.file.name
    assert path.read_bytes() == b"%PDF-1.4 note"
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def s3_server():
    moto_server = pytest.importorskip("moto.server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_documents_go_to_s3_compatible_storage_encrypted_at_rest(
    make_case, officer_a, settings, s3_server
):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="lers-docs")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "lers-docs",
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    assert type(storages["default"]).__name__ == "S3Storage"
    case = make_case(State.DRAFT)
    document = document_add(
        case=case, by=officer_a, doc_type="other", name="order.pdf", content=b"%PDF-1.4 order"
    )
    head = client.head_object(Bucket="lers-docs", Key=document.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    body = client.get_object(Bucket="lers-docs", Key=document.file.name)["Body"].read()
    assert body == b"%PDF-1.4 order"
    assert default_storage.open(document.file.name).read() == b"%PDF-1.4 order"

    # A file whose upload was rolled back is swept from the bucket too; a document's stays.
    with contextlib.suppress(RuntimeError), transaction.atomic():
        orphan = document_add(
            case=case, by=officer_a, doc_type="other", name="o.pdf", content=b"%PDF-1.4 gone"
        )
        raise RuntimeError("a later check failed")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    assert documents_sweep_orphans(now=later) == 1
    keys = {o["Key"] for o in client.list_objects_v2(Bucket="lers-docs")["Contents"]}
    assert document.file.name in keys and orphan.file.name not in keys

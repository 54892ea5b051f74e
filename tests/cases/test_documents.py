"""Case files no document points at (an upload whose transaction rolled back) are swept away
after a grace period; the files of documents stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.services.documents import ORPHAN_GRACE, documents_sweep_orphans
from lers.demo.services import DEMO_PDF

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-07")]


class _Later(Exception):
    """A failure after the upload, in the same transaction."""


def test_an_upload_rolled_back_leaves_a_file_the_sweep_removes(make_case, officer_a):
    case = make_case("draft")
    kept = case.documents.first()
    with pytest.raises(_Later), transaction.atomic():
        orphan = services.document_add(
            case=case,
            by=officer_a,
            doc_type="court_order",
            name="order.pdf",
            content=DEMO_PDF + b"% another copy\n",
            content_type="application/pdf",
        )
        raise _Later
    assert default_storage.exists(orphan.file.name)  # the row is gone, the file is not
    assert documents_sweep_orphans() == 0  # too young: its transaction may still be open
    later = timezone.now() + ORPHAN_GRACE + dt.timedelta(minutes=1)
    assert documents_sweep_orphans(now=later) == 1
    assert not default_storage.exists(orphan.file.name)
    assert default_storage.exists(kept.file.name)
    event = AuditEvent.objects.get(action="document.orphan_deleted")
    assert event.case_ref == case.reference and event.payload["name"] == orphan.file.name
    assert documents_sweep_orphans(now=later) == 0


def test_nothing_stored_yet_is_nothing_to_sweep(db):
    assert documents_sweep_orphans() == 0

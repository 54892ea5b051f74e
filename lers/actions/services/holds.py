"""Preservation holds (JU-13, BN-05): keep the records while the agency obtains legal process.

Preserving copies the requested categories of the case's confirmed accounts, within the case's
timeframe, into lers's evidence storage (one CSV per category and a manifest of SHA-256
hashes), and places a legal hold at the exchange. The hold lasts the policy's term, can be
extended, warns the agency before it ends, and on expiry releases the exchange's hold and
deletes the copy exactly once, unless a production order converted it first. Every sweep may
run again (after a crash, on two workers) without doing anything twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import secrets
import tempfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import User
from lers.actions.models import Delivery, PreservationHold
from lers.actions.services.deliveries import delivery_enqueue, on_delivery
from lers.audit.services import audit_record
from lers.cases.categories import DATA_CATEGORIES, record_of
from lers.cases.lifecycle import WORKING
from lers.cases.models import Case
from lers.cases.notifications import notify_officers
from lers.cases.permissions import Step, require
from lers.cases.scope import approved_reach
from lers.cases.services.access import lock_case, require_case_worker
from lers.core.errors import DomainError, IllegalTransition
from lers.core.exchange import active_source
from lers.core.policy import active_policy
from lers.exchange.actions import HOLD, RELEASE_HOLD, Outcome
from lers.exchange.source import DataSource, text_of
from lers.jobs.services import job_enqueue

DELETE_COPY_JOB = "actions.delete_copy"
IN_FORCE = frozenset({PreservationHold.State.ACTIVE, PreservationHold.State.EXTENDED})


def _save(name: str, content: File[Any]) -> str:
    return default_storage.save(name, content)


def evidence_copy(
    source: DataSource,
    *,
    prefix: str,
    uids: list[str],
    categories: list[str],
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> dict[str, Any]:
    """Writes one CSV per category under ``prefix``, streaming (a big account does not fill
    memory), and returns the manifest: every file with its rows, size and SHA-256."""
    files: list[dict[str, Any]] = []
    try:
        _copy_categories(source, files, prefix, uids, categories, start, end)
    except BaseException:
        _delete_files({"files": files}, "")  # a partial copy is no evidence: remove it
        raise
    return {
        "uids": uids,
        "categories": categories,
        "timeframe": [text_of(start), text_of(end)],
        "files": files,
    }


def _copy_categories(
    source: DataSource,
    files: list[dict[str, Any]],
    prefix: str,
    uids: list[str],
    categories: list[str],
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> None:
    for category in categories:
        record = record_of(category)
        if not source.has(record):
            files.append({"category": category, "path": "", "rows": 0, "note": "not kept"})
            continue
        fields = source.fields(record)
        digest = hashlib.sha256()
        rows = 0
        with tempfile.TemporaryFile() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(fields)
            for chunk in source.rows_of_accounts(
                record, uids, start=start, end=end, iso_times=True
            ):
                writer.writerows([text_of(row.get(f)) for f in fields] for row in chunk)
                rows += len(chunk)
            text.flush()
            size = raw.tell()
            raw.seek(0)
            for block in iter(lambda: raw.read(1 << 20), b""):
                digest.update(block)
            raw.seek(0)
            path = _save(f"{prefix}/{category}.csv", File(raw))
            text.detach()
        files.append(
            {
                "category": category,
                "path": path,
                "rows": rows,
                "bytes": size,
                "sha256": digest.hexdigest(),
            }
        )


def _delete_files(manifest: dict[str, Any], manifest_path: str) -> None:
    for entry in manifest.get("files", []):
        if entry.get("path"):
            default_storage.delete(entry["path"])
    if manifest_path:
        default_storage.delete(manifest_path)


def hold_preserve(*, case: Case, by: User, categories: list[str] | None = None) -> PreservationHold:
    """Copy and hold the case's accounts' records for the policy's term."""
    policy = active_policy()
    case = Case.objects.get(pk=case.pk)
    require(by, Step.PRESERVE, case)
    if case.state not in WORKING:
        raise IllegalTransition(_("the case is not being worked on"), state=case.state)
    reach = approved_reach(case, "preservation")
    categories = list(dict.fromkeys(categories or reach.categories))
    unknown = [c for c in categories if c not in DATA_CATEGORIES]
    if unknown:
        raise DomainError(_("unknown data categories: %(names)s") % {"names": ", ".join(unknown)})
    beyond = [c for c in categories if c not in reach.categories]
    if beyond:
        raise DomainError(_("not in the approved scope: %(names)s") % {"names": ", ".join(beyond)})
    uids = reach.uids
    if not uids or not categories:
        raise DomainError(_("the approved scope names no accounts or categories to preserve"))
    if PreservationHold.objects.filter(case=case, state__in=IN_FORCE).exists():
        raise DomainError(_("this case's records are already preserved"))
    prefix = f"evidence/{case.reference}/hold-{secrets.token_hex(8)}"
    # The copy is read and written before the transaction: it may be long, and the hold
    # exists only if the copy is complete. If the transaction fails, the files go.
    manifest = evidence_copy(
        active_source(),
        prefix=prefix,
        uids=uids,
        categories=categories,
        start=reach.start,
        end=reach.end,
    )
    manifest.update({"case": case.reference, "created_at": text_of(timezone.now())})
    body = json.dumps(manifest, sort_keys=True, indent=2).encode()
    manifest_path = ""
    try:
        manifest_path = _save(f"{prefix}/manifest.json", File(io.BytesIO(body)))
        with transaction.atomic():
            case = lock_case(case)
            if PreservationHold.objects.filter(case=case, state__in=IN_FORCE).exists():
                raise DomainError(_("this case's records are already preserved"))
            now = timezone.now()
            hold = PreservationHold.objects.create(
                case=case,
                uids=uids,
                categories=categories,
                timeframe_start=reach.start,
                timeframe_end=reach.end,
                started_at=now,
                expires_at=now + dt.timedelta(days=policy.preservation.days),
                storage_prefix=prefix,
                manifest={**manifest, "manifest_path": manifest_path},
                manifest_sha256=hashlib.sha256(body).hexdigest(),
                created_by=by,
            )
            for uid in uids:
                delivery_enqueue(
                    case=case,
                    kind=HOLD,
                    uid=uid,
                    key=f"lers-hold-{hold.pk}-{uid}",
                    details={"categories": categories, "until": f"{hold.expires_at:%Y-%m-%d}"},
                    owner="hold",
                    owner_id=hold.pk,
                )
            audit_record(
                actor=by,
                action="preservation.placed",
                obj=hold,
                case_ref=case.reference,
                payload={
                    "uids": uids,
                    "categories": categories,
                    "expires_at": hold.expires_at,
                    "manifest_sha256": hold.manifest_sha256,
                    "rows": {f["category"]: f["rows"] for f in manifest["files"]},
                },
            )
            notify_officers(
                case,
                gettext_lazy("The records named in your request are preserved"),
                [_until(hold)],
            )
    except BaseException:
        _delete_files(manifest, manifest_path)
        raise
    return hold


def _until(hold: PreservationHold) -> Any:
    return format_lazy(
        gettext_lazy(
            "They are kept until {date} UTC unless legal process for their disclosure arrives."
        ),
        date=f"{hold.expires_at:%Y-%m-%d}",
    )


def hold_extend(*, hold: PreservationHold, by: User, days: int | None = None) -> PreservationHold:
    """Extend at the agency's request (a preservation extension), within the policy's limit."""
    policy = active_policy().preservation
    if days is not None and days < 1:
        raise DomainError(_("an extension lasts at least one day"))
    with transaction.atomic():
        case = lock_case(hold.case)
        require_case_worker(case, by)
        hold = PreservationHold.objects.select_for_update().get(pk=hold.pk)
        if hold.state not in IN_FORCE or hold.expires_at <= timezone.now():
            raise IllegalTransition(_("this preservation is no longer in force"), state=hold.state)
        if policy.max_extensions is not None and hold.extensions >= policy.max_extensions:
            raise DomainError(_("the policy allows no further extension"))
        days = min(days or policy.extension_days, policy.extension_days)
        hold.expires_at += dt.timedelta(days=days)
        hold.extensions += 1
        hold.state = PreservationHold.State.EXTENDED
        hold.warned_at = None
        hold.save(update_fields=["expires_at", "extensions", "state", "warned_at"])
        # The exchange moves the end of each legal hold it confirmed; one still on its way is
        # released by lers when the preservation ends, whatever date it carried.
        for placed in _placements(hold):
            delivery_enqueue(
                case=case,
                kind=HOLD,
                uid=placed.uid,
                key=f"{placed.key}-extension-{hold.extensions}",
                details={
                    "categories": hold.categories,
                    "until": f"{hold.expires_at:%Y-%m-%d}",
                    "extends": placed.reference,
                },
                owner="hold",
                owner_id=hold.pk,
            )
        audit_record(
            actor=by,
            action="preservation.extended",
            obj=hold,
            case_ref=case.reference,
            payload={"days": days, "expires_at": hold.expires_at, "extensions": hold.extensions},
        )
        notify_officers(case, gettext_lazy("The preservation has been extended"), [_until(hold)])
    return hold


def hold_convert(*, hold: PreservationHold, by: User, note: str) -> PreservationHold:
    """A production order arrived: the copy is kept for it and is never deleted on expiry."""
    if not note.strip():
        raise DomainError(_("name the order that converts the preservation"))
    with transaction.atomic():
        case = lock_case(hold.case)
        require_case_worker(case, by)
        hold = PreservationHold.objects.select_for_update().get(pk=hold.pk)
        if hold.state not in IN_FORCE:
            raise IllegalTransition(_("this preservation is no longer in force"), state=hold.state)
        hold.state = PreservationHold.State.CONVERTED
        hold.ended_at = timezone.now()
        hold.save(update_fields=["state", "ended_at"])
        audit_record(
            actor=by,
            action="preservation.converted",
            obj=hold,
            case_ref=case.reference,
            payload={"note": note.strip()},
        )
    return hold


def _expire(hold_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        hold = PreservationHold.objects.select_for_update().select_related("case").get(pk=hold_id)
        if hold.state not in IN_FORCE or hold.expires_at > now:
            return False
        hold.state = PreservationHold.State.EXPIRED
        hold.ended_at = now
        hold.save(update_fields=["state", "ended_at"])
        for delivery in _placements(hold):
            _release_at_exchange(hold, delivery)
        # A hold still on its way is released when the exchange confirms it (_placed).
        job_enqueue(name=DELETE_COPY_JOB, payload={"hold": hold.pk}, key=f"delete-copy:{hold.pk}")
        audit_record(
            actor=None,
            action="preservation.expired",
            obj=hold,
            case_ref=hold.case.reference,
            payload={"expires_at": hold.expires_at},
        )
        notify_officers(
            hold.case,
            gettext_lazy("The preservation of the records named in your request has ended"),
            [gettext_lazy("No legal process for their disclosure arrived before it ended.")],
        )
    return True


def _placements(hold: PreservationHold) -> list[Delivery]:
    """The legal holds the exchange confirmed for this preservation (not their extensions)."""
    return [
        d
        for d in Delivery.objects.filter(
            owner="hold", owner_id=hold.pk, kind=HOLD, status=Delivery.Status.DELIVERED
        ).order_by("pk")
        if not d.details.get("extends")
    ]


def _release_at_exchange(hold: PreservationHold, placed: Delivery) -> None:
    delivery_enqueue(
        case=hold.case,
        kind=RELEASE_HOLD,
        uid=placed.uid,
        key=f"{placed.key}-release",
        details={"reference": placed.reference},
        owner="hold",
        owner_id=hold.pk,
    )


def _placed(delivery: Delivery, outcome: Outcome | None) -> None:
    """The exchange confirmed a legal hold after lers's preservation had already ended (it was
    slow, or down): release it at once, so nothing is held without a preservation."""
    if delivery.kind != HOLD or delivery.details.get("extends"):
        return  # an extension confirmed late: its hold is released with the placement
    hold = (
        PreservationHold.objects.select_for_update()
        .select_related("case")
        .get(pk=delivery.owner_id)
    )
    if hold.state == PreservationHold.State.EXPIRED:
        _release_at_exchange(hold, delivery)


# A refused hold: the staff are emailed and the evidence copy stands; nothing else changes.
on_delivery("hold", delivered=_placed)


def hold_delete_copy(hold_id: int) -> bool:
    """Deletes an expired hold's evidence copy; True only the one time it is deleted."""
    hold = PreservationHold.objects.select_related("case").get(pk=hold_id)
    if hold.state != PreservationHold.State.EXPIRED or hold.copy_deleted_at is not None:
        return False
    _delete_files(
        hold.manifest, hold.manifest.get("manifest_path", "")
    )  # deleting twice is harmless
    with transaction.atomic():
        changed = PreservationHold.objects.filter(
            pk=hold.pk, copy_deleted_at__isnull=True, state=PreservationHold.State.EXPIRED
        ).update(copy_deleted_at=timezone.now())
        if changed != 1:
            return False
        audit_record(
            actor=None,
            action="preservation.copy_deleted",
            obj=hold,
            case_ref=hold.case.reference,
            payload={"files": [f["path"] for f in hold.manifest.get("files", []) if f.get("path")]},
        )
    return True


def holds_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn before expiry, expire what is due; safe to run again at any time."""
    now = now or timezone.now()
    warn = dt.timedelta(days=active_policy().preservation.expiry_warning_days)
    counts = {"warned": 0, "expired": 0}
    for hold_id in PreservationHold.objects.filter(
        state__in=IN_FORCE, expires_at__lte=now
    ).values_list("pk", flat=True):
        counts["expired"] += _expire(hold_id, now)
    for hold_id in PreservationHold.objects.filter(
        state__in=IN_FORCE, expires_at__lte=now + warn, warned_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            hold = (
                PreservationHold.objects.select_for_update().select_related("case").get(pk=hold_id)
            )
            if hold.state not in IN_FORCE or hold.warned_at is not None:
                continue
            hold.warned_at = now
            hold.save(update_fields=["warned_at"])
            audit_record(
                actor=None,
                action="preservation.expiring",
                obj=hold,
                case_ref=hold.case.reference,
                payload={"expires_at": hold.expires_at},
            )
            notify_officers(
                hold.case,
                gettext_lazy("The preservation of the records named in your request ends soon"),
                [_until(hold)],
            )
        counts["warned"] += 1
    return counts

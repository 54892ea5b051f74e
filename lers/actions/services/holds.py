"""Preservation holds (JU-13, BN-05): keep the records while the agency obtains legal process.

Preserving copies the requested categories of the case's confirmed accounts, within the case's
timeframe, into lers's evidence storage (one CSV per category and a manifest of SHA-256
hashes), and places a legal hold at the exchange. The hold lasts what the request asked, at
most the policy's ``max_days`` (its ``days`` when the request asked nothing); the agency is told
when its ask was capped, and why. It can be extended: by the agency's extension request, linked
to the hold, and where the policy's ``extension`` lets them, by staff alone (never under
``new_request``: Binance's "an additional request must be submitted through LERS"). It warns
the agency before it ends, and on expiry (no legal process arrived) releases the exchange's
hold, so the records go back to the exchange's routine processing, and deletes the copy
exactly once, unless a production order converted it first. Every sweep may run again (after
a crash, on two workers) without doing anything twice.
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
from lers.actions.models import Delivery, HoldExtension, PreservationHold
from lers.actions.services.deliveries import delivery_enqueue, on_delivery
from lers.audit.services import audit_record
from lers.cases.categories import DATA_CATEGORIES, record_of
from lers.cases.lifecycle import WORKING
from lers.cases.models import Case
from lers.cases.notifications import notify_officers
from lers.cases.permissions import Step, require
from lers.cases.scope import approved_reach
from lers.cases.services.access import lock_case, require_case_worker
from lers.cases.services.requests import EXTENSION
from lers.cases.services.verification import callback_before
from lers.core.errors import DomainError, ExtensionNeedsRequest, GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.exchange.actions import HOLD, RELEASE_HOLD, Outcome
from lers.exchange.active import active_source
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


def hold_term(asked: int | None, *, default: int, most: int) -> int:
    """What a hold (or an extension) lasts: what was asked, at most ``most``; ``default`` when
    nothing was asked (JU-13)."""
    return min(asked, most) if asked is not None else default


def term_note(item: PreservationHold | HoldExtension) -> Any:
    """Why a hold or an extension is shorter than its request asked; empty when it is not."""
    if not item.capped:
        return ""
    exchange = active_policy().profile.name
    if isinstance(item, HoldExtension):
        return format_lazy(
            gettext_lazy(
                "{asked} more days were asked; the extension is {days} days, the longest "
                "{exchange} grants under its policy."
            ),
            asked=item.requested_days,
            days=item.days,
            exchange=exchange,
        )
    return format_lazy(
        gettext_lazy(
            "{asked} days were asked; the records are held for {days} days, the longest "
            "{exchange} preserves them under its policy."
        ),
        asked=item.requested_days,
        days=item.days,
        exchange=exchange,
    )


def hold_extended_by(request: Case) -> PreservationHold | None:
    """The hold in force that an extension request continues: the nearest one up its chain of
    requests (an extension of an extension continues the same hold)."""
    if EXTENSION not in request.request_types:
        return None
    parent_id = request.parent_id
    while parent_id is not None:
        hold = (
            PreservationHold.objects.filter(case_id=parent_id, state__in=IN_FORCE)
            .order_by("-pk")
            .first()
        )
        if hold is not None:
            return hold
        parent_id = Case.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return None


def hold_preserve(*, case: Case, by: User, categories: list[str] | None = None) -> PreservationHold:
    """Copy and hold the case's accounts' records for what the request asked, within the
    policy's maximum."""
    policy = active_policy()
    case = Case.objects.get(pk=case.pk)
    require(by, Step.PRESERVE, case)
    if case.state not in WORKING:
        raise IllegalTransition(_("the case is not being worked on"), state=case.state)
    callback_before(case, "preservation")  # JU-04, where the profile says so
    extended = hold_extended_by(case)
    if extended is not None:
        # A second copy would double what is held; the request extends the hold in force.
        raise DomainError(
            _("this request extends the preservation of %(reference)s: extend that hold")
            % {"reference": extended.case.reference}
        )
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
            days = hold_term(
                case.duration_days,
                default=policy.preservation.days,
                most=policy.preservation.max_days,
            )
            hold = PreservationHold.objects.create(
                case=case,
                uids=uids,
                categories=categories,
                timeframe_start=reach.start,
                timeframe_end=reach.end,
                started_at=now,
                expires_at=now + dt.timedelta(days=days),
                requested_days=case.duration_days,
                days=days,
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
                    "requested_days": hold.requested_days,
                    "days": days,
                    "capped": hold.capped,
                    "expires_at": hold.expires_at,
                    "manifest_sha256": hold.manifest_sha256,
                    "rows": {f["category"]: f["rows"] for f in manifest["files"]},
                },
            )
            notify_officers(
                case,
                gettext_lazy("The records named in your request are preserved"),
                [line for line in (_until(hold), term_note(hold)) if line],
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
    """Staff extend a hold on their own, where the policy allows it (Ju.com: "extendable if
    allowed by law"); ``days`` at most the policy's ``extension_days``, which is the default."""
    policy = active_policy()
    if policy.preservation.extension == "new_request":
        raise ExtensionNeedsRequest(staff_extension_refusal())
    if days is not None and days < 1:
        raise DomainError(_("an extension lasts at least one day"))
    return _extend(hold=hold, by=by, asked=days, request=None)


def staff_extension_refusal() -> str:
    return _(
        "%(exchange)s extends a preservation only on the agency's extension request through "
        "lers: the agency asks for it from its request's page, and the approved extension "
        "request extends the hold"
    ) % {"exchange": active_policy().profile.name}


def hold_extend_on_request(*, request: Case, by: User) -> PreservationHold:
    """The agency's approved extension request extends the hold it continues, for what it asked
    (at most the policy's ``extension_days``, which is the default), once (BN-05, JU-13)."""
    if EXTENSION not in request.request_types:
        raise GuardFailed(_("this request is not a preservation extension"))
    hold = hold_extended_by(request)
    if hold is None:
        raise IllegalTransition(_("the preservation this request extends is no longer in force"))
    # The extension is an action like any other: its request's approved scope must include it.
    approved_reach(request, "preservation")
    return _extend(hold=hold, by=by, asked=request.duration_days, request=request)


def _extend(
    *, hold: PreservationHold, by: User, asked: int | None, request: Case | None
) -> PreservationHold:
    policy = active_policy().preservation
    with transaction.atomic():
        # Lock order: the hold's case, then the extension request, then the hold.
        case = lock_case(hold.case)
        if request is None:
            require_case_worker(case, by)
        else:
            request = lock_case(request)
            require_case_worker(request, by)
            if request.state not in WORKING:
                raise IllegalTransition(
                    _("the extension request is not being worked on"), state=request.state
                )
            if HoldExtension.objects.filter(request=request).exists():
                raise DomainError(_("this request has already extended the preservation"))
        hold = PreservationHold.objects.select_for_update().get(pk=hold.pk)
        now = timezone.now()
        if hold.state not in IN_FORCE or hold.expires_at <= now:
            raise IllegalTransition(_("this preservation is no longer in force"), state=hold.state)
        if policy.max_extensions is not None and hold.extensions >= policy.max_extensions:
            raise DomainError(_("the policy allows no further extension"))
        days = hold_term(asked, default=policy.extension_days, most=policy.extension_days)
        hold.expires_at += dt.timedelta(days=days)
        hold.extensions += 1
        hold.state = PreservationHold.State.EXTENDED
        hold.warned_at = None
        hold.save(update_fields=["expires_at", "extensions", "state", "warned_at"])
        extension = HoldExtension.objects.create(
            hold=hold,
            request=request,
            requested_days=asked,
            days=days,
            expires_at=hold.expires_at,
            by=by,
            at=now,
        )
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
        payload = {
            "days": days,
            "requested_days": asked,
            "capped": extension.capped,
            "expires_at": hold.expires_at,
            "extensions": hold.extensions,
            "request": request.reference if request is not None else None,
        }
        audit_record(
            actor=by,
            action="preservation.extended",
            obj=hold,
            case_ref=case.reference,
            payload=payload,
        )
        if request is not None:
            # The extension request's own history says what it did.
            audit_record(
                actor=by,
                action="preservation.extension_granted",
                obj=request,
                case_ref=request.reference,
                payload={**payload, "hold": hold.pk, "extends": case.reference},
            )
        notify_officers(
            request or case,
            gettext_lazy("The preservation has been extended"),
            [line for line in (_until(hold), term_note(extension)) if line],
        )
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

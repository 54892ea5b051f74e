"""Productions (X-08, JU-15, JU-18): build from the approved scope, release by a second person,
download by the agency within the window, expire.

The build is a job: it reads the exchange's records for the approved accounts, categories and
period, keeps the fields the policy discloses, replaces other users' identifiers with aliases,
renders the package, and encrypts it. Progress is written as it goes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
import tempfile
import time
from pathlib import Path
from typing import IO

from Crypto.Cipher import AES
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.accounts.models import User
from lers.actions.services.notices import notices_owed_before_disclosure
from lers.audit.checkpoints import case_proof
from lers.audit.checkpoints import signer as checkpoint_signer
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case
from lers.cases.notifications import case_url, notify_officers, reachable_officers
from lers.cases.permissions import Step, require, require_second_person
from lers.cases.scope import Reach, approved_reach
from lers.cases.services.access import lock_case, require_officer_on_case
from lers.cases.services.verification import callback_before, callback_verified
from lers.cases.timeline import AGENCY_MILESTONES
from lers.core.errors import GuardFailed, IllegalTransition, NotFound
from lers.core.mail import mail_render, mail_send
from lers.core.policy import active_policy
from lers.exchange.active import active_source
from lers.jobs.services import job_enqueue
from lers.productions.builder import Built, Scope, build_archive, count_rows, moment
from lers.productions.cover import Letter
from lers.productions.models import Production

logger = logging.getLogger("lers.productions")
PROOF_FILE = "audit-proof.json"
BUILD_JOB = "productions.build"
PASSPHRASE_JOB = "productions.passphrase"
DELETE_JOB = "productions.delete"
PRODUCING_STATES = frozenset({State.APPROVED, State.IN_PROGRESS})
PROGRESS_EVERY_SECONDS = 1.0
CERTIFICATE = (
    "The undersigned certifies, for {exchange}, that the files listed below are true and "
    "complete copies of the records that {exchange} keeps in the ordinary course of its "
    "business for the accounts, categories of records and period stated above, extracted by "
    "its systems on {date} UTC without alteration other than the withholding of fields and the "
    "replacement of other users' identifiers with aliases, as data minimisation requires."
)


# -- the passphrase, sealed until the release ---------------------------------------------------


def _key() -> bytes:
    return hashlib.sha256(b"lers-production-passphrase:" + settings.SECRET_KEY.encode()).digest()


def _seal(value: str) -> str:
    cipher = AES.new(_key(), AES.MODE_GCM)
    body, tag = cipher.encrypt_and_digest(value.encode())
    return base64.b64encode(cipher.nonce + tag + body).decode()


def _unseal(value: str) -> str:
    raw = base64.b64decode(value)
    cipher = AES.new(_key(), AES.MODE_GCM, nonce=raw[:16])
    return cipher.decrypt_and_verify(raw[32:], raw[16:32]).decode()


def new_passphrase() -> str:
    """Six groups of four characters without look-alikes (about 119 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(6))


# -- request and build --------------------------------------------------------------------------


def production_request(*, case: Case, by: User) -> Production:
    """Ask the worker to build the package of the approved scope."""
    with transaction.atomic():
        locked = lock_case(case)
        require(by, Step.PRODUCE, locked)
        if locked.state not in PRODUCING_STATES:
            raise IllegalTransition(_("a production follows the approval"), state=locked.state)
        reach = approved_reach(locked, "disclosure")
        if not reach.uids or not reach.categories:
            raise GuardFailed(_("the approved scope names no accounts or categories to disclose"))
        if locked.productions.filter(state=Production.State.BUILDING).exists():
            raise GuardFailed(_("a production of this case is already being built"))
        # To the agency's own key if it registered one, else a passphrase sent apart.
        key = locked.agency.age_recipient
        production = Production.objects.create(
            case=locked,
            created_by=by,
            age_recipient=key,
            passphrase_sealed="" if key else _seal(new_passphrase()),
            stage="queued",
        )
        job_enqueue(
            name=BUILD_JOB, payload={"production": production.pk}, key=f"build-{production.pk}"
        )
        audit_record(
            actor=by,
            action="production.requested",
            obj=production,
            case_ref=locked.reference,
            payload={
                "subjects": reach.uids,
                "categories": reach.categories,
                "encryption": "age" if key else "aes-zip",
                "age_recipient": key,
            },
        )
    return production


class _Progress:
    def __init__(self, production: Production, total: int) -> None:
        self.pk = production.pk
        self.last = 0.0
        Production.objects.filter(pk=self.pk).update(stage="records", rows_total=total)

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            Production.objects.filter(pk=self.pk).update(rows_done=done)


def production_build(production_pk: int) -> None:
    """The job: builds the package once; a production not in 'building' is left alone."""
    production = Production.objects.select_related("case__agency", "case__entity").get(
        pk=production_pk
    )
    if production.state != Production.State.BUILDING:
        return
    case = production.case
    try:
        _build(production, case)
    except Exception as exc:
        logger.exception("production %s failed", production.pk)
        failed = Production.objects.filter(
            pk=production.pk, state=Production.State.BUILDING
        ).update(
            state=Production.State.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            passphrase_sealed="",
        )
        if not failed:  # withdrawn meanwhile: nothing more to record
            return
        audit_record(
            actor=None,
            action="production.failed",
            obj=production,
            case_ref=case.reference,
            payload={"error": type(exc).__name__},
        )


def _build(production: Production, case: Case) -> None:
    reach = approved_reach(case, "disclosure")
    scope = Scope(reach.uids, reach.categories, reach.start, reach.end)
    source = active_source()
    policy = active_policy()
    total = count_rows(source, scope)
    progress = _Progress(production, total)
    now = timezone.now()
    exchange = case.entity.name if case.entity else policy.profile.name
    letter = Letter(
        reference=case.reference,
        agency=case.agency.name,
        agency_case_number=case.agency_case_number,
        officers=[str(o.user) for o in case.officers.select_related("user")],
        exchange=exchange,
        subjects=reach.uids,
        categories=reach.categories,
        period=f"{moment(reach.start)} – {moment(reach.end)}",
        created_at=now,
        certificate=CERTIFICATE.format(exchange=exchange, date=f"{now:%Y-%m-%d %H:%M}"),
        prepared_by=str(production.created_by),
    )
    disclosure = policy.disclosure
    # Where checkpoints are signed, the package proves its case's audit trail (issue 19): the
    # milestones the agency is told of, not the exchange's internal events (its lookups name
    # other accounts).
    extra = (
        [(PROOF_FILE, case_proof(case.reference, actions=AGENCY_MILESTONES))]
        if checkpoint_signer()
        else []
    )
    with tempfile.TemporaryDirectory(prefix="lers-production-") as work:
        built = build_archive(
            source,
            scope,
            Path(work),
            letter=letter,
            about={
                "case": case.reference,
                "agency": case.agency.name,
                "created_at": now.isoformat(),
            },
            passphrase=_unseal(production.passphrase_sealed)
            if not production.age_recipient
            else None,
            age_recipient=production.age_recipient or None,
            allowed=disclosure.fields if disclosure.minimise_fields else None,
            deidentify=disclosure.deidentify_third_parties,
            progress=progress,
            stage=lambda name: _stage(production, name, total),
            extra=extra,
        )
        token = secrets.token_hex(8)
        name = f"productions/{case.reference}/{production.pk}-{token}{production.archive_suffix}"
        with built.archive.open("rb") as handle:
            stored = default_storage.save(name, File(handle))
    try:
        _ready(production, case, reach, built, stored)
    except BaseException:
        default_storage.delete(stored)  # no production row points at it
        raise


def _ready(production: Production, case: Case, reach: Reach, built: Built, stored: str) -> None:
    manifest = {
        "case": case.reference,
        "subjects": reach.uids,
        "categories": reach.categories,
        "period": [moment(reach.start), moment(reach.end)],
        "third_parties_aliased": built.aliases,
        "files": [
            {"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
            for f in built.files
        ],
    }
    with transaction.atomic():
        updated = Production.objects.filter(
            pk=production.pk, state=Production.State.BUILDING
        ).update(
            state=Production.State.READY,
            stage="ready",
            manifest=manifest,
            archive=stored,
            archive_sha256=built.sha256,
            archive_bytes=built.bytes,
            built_at=timezone.now(),
        )
        if not updated:  # withdrawn meanwhile
            transaction.on_commit(lambda: default_storage.delete(stored))
            return
        audit_record(
            actor=None,
            action="production.built",
            obj=production,
            case_ref=case.reference,
            payload={"sha256": built.sha256, "bytes": built.bytes, "rows": built.rows},
        )


def _stage(production: Production, name: str, total: int) -> None:
    Production.objects.filter(pk=production.pk).update(stage=name, rows_done=total)


# -- release, download, expiry ------------------------------------------------------------------


def production_release(*, production: Production, by: User) -> Production:
    """A second person releases the package (four eyes); the officers get the link, and the
    passphrase in a separate email. An emergency, and a profile that calls back before any
    disclosure, release only after a confirmed call-back (X-04, JU-04)."""
    with transaction.atomic():
        case = lock_case(production.case)
        locked = Production.objects.select_for_update().get(pk=production.pk)
        require(by, Step.PRODUCTION_RELEASE, case)
        require_second_person(locked.created_by, by, _("production"))
        if locked.state != Production.State.READY:
            raise IllegalTransition(
                _("this production is not ready for release"), state=locked.state
            )
        if case.state not in PRODUCING_STATES:
            raise IllegalTransition(_("the case is not being worked on"), state=case.state)
        if case.urgency == Case.Urgency.EMERGENCY and not callback_verified(case):
            raise GuardFailed(
                _("Record a confirmed call-back to the agency's directory number before release.")
            )
        callback_before(case, "disclosure")  # JU-04
        _require_within_scope(case, locked)
        owed = notices_owed_before_disclosure(case, locked.manifest.get("subjects", []))
        if owed:
            # BN-08: "we may notify the relevant user of the request before disclosure of any
            # personal data", unless a court order or warrant says otherwise.
            raise GuardFailed(
                _(
                    "%(exchange)s tells the user before disclosure: send or decide the user "
                    "notice of %(uids)s first (a non-disclosure order defers it)."
                )
                % {"exchange": active_policy().profile.name, "uids": ", ".join(owed)}
            )
        now = timezone.now()
        locked.state = Production.State.RELEASED
        locked.released_by = by
        locked.released_at = now
        locked.expires_at = now + dt.timedelta(days=active_policy().disclosure.download_days)
        locked.save(update_fields=["state", "released_by", "released_at", "expires_at"])
        audit_record(
            actor=by,
            action="production.released",
            obj=locked,
            case_ref=case.reference,
            payload={"sha256": locked.archive_sha256, "expires_at": locked.expires_at.isoformat()},
        )
        how = (
            gettext_lazy(
                "It is encrypted to your agency's age key %(key)s: open it with the agency's "
                "private key (age -d), then unzip it."
            )
            % {"key": locked.age_recipient}
            if locked.age_recipient
            else gettext_lazy("Its passphrase comes in a separate email.")
        )
        notify_officers(
            case,
            gettext_lazy("The exchange's response is ready to download."),
            [
                gettext_lazy("Download it from the case page before %(date)s UTC.")
                % {"date": f"{locked.expires_at:%Y-%m-%d %H:%M}"},
                how,
                f"SHA-256 {locked.archive_sha256}",
            ],
        )
        if not locked.age_recipient:
            # The passphrase stays sealed until the job sends it: no queued message holds it.
            job_enqueue(
                name=PASSPHRASE_JOB,
                payload={"production": locked.pk},
                key=f"passphrase-{locked.pk}",
            )
    return locked


def _require_within_scope(case: Case, production: Production) -> None:
    """A package goes out only if the approved scope still covers it: an account rejected or
    a scope narrowed since the build stops the release."""
    reach = approved_reach(case, "disclosure")
    built = production.manifest
    start, end = built.get("period", ["…", "…"])
    narrower = (
        not set(built.get("subjects", [])) <= set(reach.uids)
        or not set(built.get("categories", [])) <= set(reach.categories)
        or (reach.start is not None and (start == "…" or start < moment(reach.start)))
        or (reach.end is not None and (end == "…" or end > moment(reach.end)))
    )
    if narrower:
        raise GuardFailed(
            _("The approved scope changed since this package was built: build it again.")
        )


def production_send_passphrase(production_pk: int) -> None:
    """The job: each officer who may hear of the case gets the passphrase, rendered and sent
    now; then it is erased."""
    production = Production.objects.select_related("case").get(pk=production_pk)
    if not production.passphrase_sealed or production.state not in (
        Production.State.RELEASED,
        Production.State.DOWNLOADED,
    ):
        return
    case = production.case
    passphrase = _unseal(production.passphrase_sealed)
    sent = []
    for officer in reachable_officers(case):  # a suspended officer gets no passphrase
        message = mail_render(
            to=[officer.user.email],
            template="production_passphrase",
            language=officer.user.preferred_language,
            context={"case": case, "passphrase": passphrase, "url": case_url(case, staff=False)},
        )
        if message is not None:
            mail_send(message)
            sent.append(officer.pk)
    with transaction.atomic():
        Production.objects.filter(pk=production.pk).update(passphrase_sealed="")
        audit_record(
            actor=None,
            action="production.passphrase_sent",
            obj=production,
            case_ref=case.reference,
            payload={"officers": sent},
        )


def production_download(*, production: Production, by: User) -> IO[bytes]:
    """An officer on the case downloads the archive within the window; each download is on
    the record."""
    with transaction.atomic():
        case = lock_case(production.case)
        require_officer_on_case(case, by)
        locked = Production.objects.select_for_update().get(pk=production.pk)
        if locked.state not in (Production.State.RELEASED, Production.State.DOWNLOADED):
            raise NotFound("no such production")
        now = timezone.now()
        if locked.expires_at is None or now >= locked.expires_at:
            raise GuardFailed(
                _("the download window has closed; ask the exchange to send it again")
            )
        locked.downloads += 1
        locked.first_downloaded_at = locked.first_downloaded_at or now
        locked.state = Production.State.DOWNLOADED
        locked.save(update_fields=["downloads", "first_downloaded_at", "state"])
        audit_record(
            actor=by,
            action="production.downloaded",
            obj=locked,
            case_ref=case.reference,
            payload={"download": locked.downloads, "sha256": locked.archive_sha256},
        )
    return default_storage.open(locked.archive, "rb")


def production_withdraw(*, production: Production, by: User) -> Production:
    """Staff withdraw a package not yet downloaded (a mistake, a changed scope)."""
    with transaction.atomic():
        case = lock_case(production.case)
        require(by, Step.PRODUCE, case)
        locked = Production.objects.select_for_update().get(pk=production.pk)
        if locked.state not in (
            Production.State.BUILDING,
            Production.State.READY,
            Production.State.RELEASED,
            Production.State.FAILED,
        ):
            # Once downloaded, the data has left: the record of it stays as it is.
            raise IllegalTransition(
                _("this production can no longer be withdrawn"), state=locked.state
            )
        locked.state = Production.State.WITHDRAWN
        locked.passphrase_sealed = ""
        locked.save(update_fields=["state", "passphrase_sealed"])
        _delete_archive_after_commit(locked)
        audit_record(actor=by, action="production.withdrawn", obj=locked, case_ref=case.reference)
    return locked


def _delete_archive_after_commit(production: Production) -> None:
    if production.archive:
        job_enqueue(
            name=DELETE_JOB, payload={"production": production.pk}, key=f"delete-{production.pk}"
        )


def production_delete_archive(production_pk: int) -> None:
    production = Production.objects.get(pk=production_pk)
    if production.state not in (Production.State.EXPIRED, Production.State.WITHDRAWN):
        return
    if production.archive:
        default_storage.delete(production.archive)
        with transaction.atomic():
            Production.objects.filter(pk=production.pk).update(archive="")
            audit_record(
                actor=None,
                action="production.archive_deleted",
                obj=production,
                case_ref=production.case.reference,
                payload={"sha256": production.archive_sha256},
            )


def productions_sweep() -> int:
    """Released packages past their window expire and their archive is deleted, once."""
    expired = 0
    due = Production.objects.filter(
        state__in=[Production.State.RELEASED, Production.State.DOWNLOADED],
        expires_at__lte=timezone.now(),
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            locked = Production.objects.select_for_update().select_related("case").get(pk=pk)
            if locked.state not in (Production.State.RELEASED, Production.State.DOWNLOADED):
                continue
            locked.state = Production.State.EXPIRED
            locked.save(update_fields=["state"])
            _delete_archive_after_commit(locked)
            audit_record(
                actor=None,
                action="production.expired",
                obj=locked,
                case_ref=locked.case.reference,
                payload={"downloads": locked.downloads},
            )
            expired += 1
    return expired

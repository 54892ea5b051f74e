"""What the analyst checks on a case's documents: the seal or signature of each official
document (JU-18, HX-05), and whose ID an officer's ID is (JU-07) where it came without a name
(an email, a message). Each check is on the record; verification waits for the seals where the
profile requires them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.lifecycle import State
from lers.cases.models import Case, Document
from lers.cases.permissions import Step, require
from lers.cases.services.access import lock_case
from lers.cases.services.documents import officer_named
from lers.core.errors import DomainError, GuardFailed, IllegalTransition
from lers.core.policy import active_policy
from lers.core.text import clean_text

# While the exchange reviews the request: before the decision, not while the agency answers.
CHECKING = frozenset({State.TRIAGE, State.VERIFICATION, State.LEGAL_REVIEW})


def _locked_document(document: Document, by: User) -> tuple[Case, Document]:
    case = lock_case(document.case)
    require(by, Step.DOCUMENT_CHECK, case)
    if case.state not in CHECKING:
        raise IllegalTransition(
            _("documents are checked while the request is reviewed"), state=case.state
        )
    return case, Document.objects.select_for_update().get(pk=document.pk, case=case)


def document_seal_check(*, document: Document, by: User, present: bool, note: str = "") -> Document:
    """The analyst records whether an official document bears its seal or signature."""
    policy = active_policy()
    note = clean_text(note).strip()
    with transaction.atomic():
        case, locked = _locked_document(document, by)
        if locked.doc_type not in policy.sealed_documents():
            raise DomainError(
                _("%(profile)s does not check the seal or signature of this kind of document")
                % {"profile": policy.profile.name}
            )
        if not present and not note:
            raise GuardFailed(_("say what is wrong with the seal or signature"))
        previous = locked.seal
        locked.seal = Document.Seal.PRESENT if present else Document.Seal.MISSING
        locked.seal_checked_by = by
        locked.seal_checked_at = timezone.now()
        locked.seal_note = note
        locked.save(update_fields=["seal", "seal_checked_by", "seal_checked_at", "seal_note"])
        audit_record(
            actor=by,
            action="case.document_seal_checked",
            obj=locked,
            case_ref=case.reference,
            payload={
                "document_id": locked.pk,
                "doc_type": locked.doc_type,
                "sha256": locked.sha256,
                "from": previous,
                "to": locked.seal,
                "reason": note,
            },
        )
    return locked


def document_officer_set(*, document: Document, by: User, officer_name: str) -> Document:
    """Staff name the officer of an ID that came without one (an email, a message)."""
    with transaction.atomic():
        case, locked = _locked_document(document, by)
        if locked.doc_type not in active_policy().officer_id_documents():
            raise DomainError(_("this document is not an officer's ID"))
        name = officer_named(locked.doc_type, officer_name)
        if not name:
            raise DomainError(_("Say whose ID this is: the officer's full name."))
        previous = locked.officer_name
        locked.officer_name = name
        locked.save(update_fields=["officer_name"])
        audit_record(
            actor=by,
            action="case.document_officer_named",
            obj=locked,
            case_ref=case.reference,
            payload={"document_id": locked.pk, "from": previous, "to": name},
        )
    return locked


def document_retype(*, document: Document, by: User, doc_type: str, reason: str = "") -> Document:
    """The analyst corrects what a document is (JU-03: an emailed attachment is typed by its
    name and first page, which can be wrong). A seal check made for the old type is void."""
    policy = active_policy()
    reason = clean_text(reason).strip()
    if doc_type not in policy.document_types:
        raise DomainError(
            _("%(type)r is not a document type of %(profile)s")
            % {"type": doc_type, "profile": policy.profile.name}
        )
    with transaction.atomic():
        case, locked = _locked_document(document, by)
        previous = locked.doc_type
        if previous == doc_type:
            raise DomainError(_("the document already has this type"))
        locked.doc_type = doc_type
        fields = ["doc_type"]
        if locked.seal != Document.Seal.UNCHECKED:
            locked.seal, locked.seal_checked_by, locked.seal_checked_at = (
                Document.Seal.UNCHECKED,
                None,
                None,
            )
            locked.seal_note = ""
            fields += ["seal", "seal_checked_by", "seal_checked_at", "seal_note"]
        if doc_type not in policy.officer_id_documents() and locked.officer_name:
            locked.officer_name = ""
            fields.append("officer_name")
        locked.save(update_fields=fields)
        audit_record(
            actor=by,
            action="case.document_retyped",
            obj=locked,
            case_ref=case.reference,
            payload={
                "document_id": locked.pk,
                "sha256": locked.sha256,
                "from": previous,
                "to": doc_type,
                "reason": reason,
            },
        )
    return locked


def seal_guard(case: Case) -> None:
    """Verification waits while an official document is unchecked, or while no document of an
    official type present bears its seal or signature ("required" profiles: JU-18, HX-05)."""
    policy = active_policy()
    if policy.formats.seal_or_signature != "required":
        return
    documents = list(case.documents.filter(doc_type__in=policy.sealed_documents()).order_by("pk"))
    unchecked = [d.original_name for d in documents if d.seal == Document.Seal.UNCHECKED]
    if unchecked:
        raise GuardFailed(
            _("Confirm the seal or signature of each official document first: %(names)s.")
            % {"names": ", ".join(unchecked)},
            unchecked=unchecked,
        )
    confirmed = {d.doc_type for d in documents if d.seal == Document.Seal.PRESENT}
    unsealed = sorted({d.doc_type for d in documents} - confirmed)
    if unsealed:
        labels = [policy.document_types[code].label for code in unsealed]
        raise GuardFailed(
            _(
                "No seal or signature on: %(types)s. Ask the agency for a sealed or signed copy, "
                "or decline."
            )
            % {"types": "; ".join(labels)},
            unsealed=unsealed,
        )

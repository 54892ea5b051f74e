"""Finding the accounts behind a case's targets, and a person's decision on each (X-10).

The search reads the exchange through its data source (``lers.exchange``); every search is an
audit event, and so is every decision. Nothing is confirmed automatically, not even an exact
match: a person looks at the evidence first.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.accounts.models import User
from lers.audit.services import audit_record
from lers.cases.lifecycle import WORKING
from lers.cases.models import Case, SubjectMatch, Target
from lers.cases.services.access import lock_case, require_case_worker
from lers.core.errors import DomainError, IllegalTransition
from lers.core.text import clean_text
from lers.exchange.active import active_name_finder, active_source
from lers.exchange.resolution import Query, resolve

# Target kinds the exchange's records can answer (the same names as lers.exchange's queries).
RESOLVABLE = frozenset({"uid", "email", "phone", "address", "txid", "ip", "device", "name"})


def _query(target: Target) -> Query | None:
    kind = target.kind
    if kind not in RESOLVABLE or target.valid is False:
        return None  # a kind the records do not hold, or an identifier that failed its check
    value = target.normalised or target.value
    if kind == "email":
        value = value.casefold()
    return Query(kind=kind, value=value, chain=target.chain, memo=target.memo)


def case_resolve_targets(*, case: Case, by: User) -> dict[int, int]:
    """Searches the exchange for every resolvable target not yet searched; returns, per
    target id, how many candidate accounts were found (0 is "no account found")."""
    case = Case.objects.get(pk=case.pk)
    require_case_worker(case, by)
    if case.state not in WORKING:
        raise IllegalTransition(_("subjects are resolved once triage has begun"), state=case.state)
    pending = [t for t in case.targets.filter(resolved_at__isnull=True) if _query(t) is not None]
    if not pending:
        return {}
    queries = {target.pk: _query(target) for target in pending}
    # The read happens outside any transaction of lers's: it is another database.
    finder = active_name_finder()
    result = resolve(active_source(), [q for q in queries.values() if q is not None], names=finder)
    counts: dict[int, int] = {}
    with transaction.atomic():
        lock_case(case)
        now = timezone.now()
        for target in pending:
            query = queries[target.pk]
            assert query is not None
            matches = result.matches.get(query, [])
            for match in matches:
                SubjectMatch.objects.get_or_create(
                    target=target,
                    uid=match.uid,
                    record=match.record,
                    defaults={
                        "score": match.score,
                        "exact": match.exact,
                        "evidence": match.evidence[:500],
                    },
                )
            Target.objects.filter(pk=target.pk).update(resolved_at=now)
            counts[target.pk] = len(matches)
            audit_record(
                actor=by,
                action="exchange.lookup",
                obj=target,
                case_ref=case.reference,
                payload={
                    "kind": query.kind,
                    "value": query.value,
                    "memo": query.memo,
                    "candidates": [m.uid for m in matches],
                    "none_found": not matches,
                    **(
                        {"names_by": "index" if finder is not None else "scan"}
                        if query.kind == "name"
                        else {}
                    ),
                },
            )
    return counts


def subject_decide(*, match: SubjectMatch, by: User, confirm: bool, note: str = "") -> SubjectMatch:
    """A person confirms that the account is the one the target names, or rejects it."""
    note = clean_text(note)
    with transaction.atomic():
        case = lock_case(match.target.case)
        require_case_worker(case, by)
        if case.state not in WORKING:
            raise IllegalTransition(_("the case is not being worked on"), state=case.state)
        match = SubjectMatch.objects.select_for_update().get(pk=match.pk)
        if not confirm and not note:
            raise DomainError(_("say why the account is not the one named"))
        match.status = SubjectMatch.Status.CONFIRMED if confirm else SubjectMatch.Status.REJECTED
        match.decided_by = by
        match.decided_at = timezone.now()
        match.note = note
        match.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit_record(
            actor=by,
            action="subject.confirmed" if confirm else "subject.rejected",
            obj=match,
            case_ref=case.reference,
            payload={"uid": match.uid, "target_id": match.target_id, "note": note},
        )
    return match

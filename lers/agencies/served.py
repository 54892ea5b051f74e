"""Whom the exchange serves, decided at each door (JU-02, HX-01, HX-03, BN-01).

Three doors lead in: an officer's access request, a message to the law-enforcement mailbox, and
the submission of a request (portal and API). At each, the profile's ``served`` table decides
what becomes of a requester or a request it does not serve: refused, with the reason shown to
the person, or held for a member of staff, with the reason recorded (staff clear the hold with a
note, or decline). An address outside the government-domain registry is refused, held or
accepted as ``served.non_government_email`` says, unless the profile takes a personal address
with written authorisation (``personal_email_with_written_authorisation``): then it goes on only
with that document, held until staff have checked it. An agency that lists no email domains
never passes the domain check silently: what comes from it is held, with the reason. Every
decision is an audit row: ``served.accepted``, ``served.held`` or ``served.refused``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lers.agencies.registry import DomainCheck, domain_covers
from lers.audit.services import audit_record
from lers.core.i18n import localised
from lers.core.policy import active_policy
from lers.policy.schema import MATTER_TYPES, REQUESTER_KINDS

Door = Literal["access", "email", "submission"]
Outcome = Literal["accept", "hold", "refuse"]

# What an access request offers to choose from: who is asking, in which capacity.
REQUESTER_LABELS: dict[str, Promise] = {
    "law_enforcement": gettext_lazy("A law-enforcement officer"),
    "government_official": gettext_lazy("A government official"),
    "private_party": gettext_lazy("A private person or company (e.g. a private investigation)"),
    "civil_litigant": gettext_lazy("A party, or a party's lawyer, in civil proceedings"),
}
_REQUESTERS: dict[str, Promise] = {
    "law_enforcement": gettext_lazy("law-enforcement officers"),
    "government_official": gettext_lazy("government officials"),
    "private_party": gettext_lazy("private persons or companies"),
    "civil_litigant": gettext_lazy("parties or lawyers in civil proceedings"),
}
MATTER_LABELS: dict[str, Promise] = {
    "criminal": gettext_lazy("A criminal investigation"),
    "civil": gettext_lazy("A civil matter (litigation, a dispute)"),
    "administrative": gettext_lazy("An administrative or regulatory matter"),
    "other": gettext_lazy("Something else"),
}
assert set(REQUESTER_LABELS) == set(REQUESTER_KINDS) and set(MATTER_LABELS) == set(MATTER_TYPES)


@dataclass(frozen=True)
class Finding:
    """One reason a door does not simply let a requester or a request through."""

    code: str  # requester_kind, matter_type, non_government_email, personal_email, agency_domain
    outcome: Literal["hold", "refuse"]
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class Verdict:
    findings: tuple[Finding, ...] = field(default=())

    @property
    def outcome(self) -> Outcome:
        outcomes = {f.outcome for f in self.findings}
        return "refuse" if "refuse" in outcomes else "hold" if "hold" in outcomes else "accept"

    @property
    def refusal(self) -> str:
        """What the refused person reads."""
        return " ".join(f.reason for f in self.findings if f.outcome == "refuse")

    @property
    def holds(self) -> list[dict[str, str]]:
        """What staff read on a held request."""
        return [f.as_dict() for f in self.findings if f.outcome == "hold"]


def verdict(*findings: Finding | None) -> Verdict:
    return Verdict(tuple(f for f in findings if f is not None))


def _exchange() -> str:
    return active_policy().profile.name


def requester_finding(kind: str) -> Finding | None:
    """The capacity an access request names, against ``served.requester_kinds``."""
    served = active_policy().served
    if kind in served.requester_kinds:
        return None
    return Finding(
        "requester_kind",
        served.not_served,
        _("%(exchange)s serves %(served)s only; it does not take requests from %(kind)s.")
        % {
            "exchange": _exchange(),
            "served": _(" and ").join(str(_REQUESTERS[k]) for k in served.requester_kinds),
            "kind": _REQUESTERS[kind],
        },
    )


def matter_finding(matter_type: str) -> Finding | None:
    """A request's matter type, where the profile serves criminal matters only."""
    served = active_policy().served
    if not served.criminal_matters_only or matter_type == "criminal":
        return None
    if not matter_type:
        # The checklist asks for it; a request the profile lets in incomplete waits for staff.
        return Finding(
            "matter_type",
            "hold",
            _(
                "The request does not say what it is about; %(exchange)s serves criminal "
                "investigations only: check that it is one."
            )
            % {"exchange": _exchange()},
        )
    return Finding(
        "matter_type",
        served.not_served,
        _("%(exchange)s serves criminal investigations only; this request is about: %(matter)s.")
        % {"exchange": _exchange(), "matter": str(MATTER_LABELS[matter_type]).lower()},
    )


def email_finding(check: DomainCheck, *, authorisation: bool | None = None) -> Finding | None:
    """An address (the registry's ``check`` of it) against ``served.non_government_email``.

    ``authorisation``: whether the written authorisation the profile may accept a personal
    address with is there (False: it is not, and the door refuses; None: a person will look)."""
    policy = active_policy()
    served = policy.served
    if check.status == "registry":
        return None
    written = served.personal_email_with_written_authorisation
    if written is not None:
        document = localised(policy.document_types[written])
        if authorisation is False:
            return Finding(
                "personal_email",
                "refuse",
                _(
                    "%(exchange)s takes a request from an address that is not a government one "
                    "only with written authorisation from your agency's government mailbox "
                    "(%(document)s): attach it."
                )
                % {"exchange": _exchange(), "document": document},
            )
        return Finding(
            "personal_email",
            "hold",
            _(
                "%(domain)s is not a government domain (%(why)s): %(exchange)s takes such an "
                "address with written authorisation from the agency's government mailbox "
                "(%(document)s). Check that document before going on."
            )
            % {
                "domain": check.domain,
                "why": check.reason,
                "exchange": _exchange(),
                "document": document,
            },
        )
    if served.non_government_email == "accept":
        return None
    if served.non_government_email == "refuse":
        # The person reads this: it names no registry detail (a look-alike is not told so).
        return Finding(
            "non_government_email",
            "refuse",
            _(
                "%(exchange)s takes requests only from an official government email address; "
                "%(domain)s is not a government domain it knows. Write from your agency's "
                "official address."
            )
            % {"exchange": _exchange(), "domain": check.domain},
        )
    return Finding(
        "non_government_email",
        "hold",
        _(
            "%(domain)s is not a government domain in the registry (%(why)s): check that the "
            "address is the agency's before going on."
        )
        % {"domain": check.domain, "why": check.reason},
    )


def agency_domain_finding(agency: Any, email: str, *, mismatch: bool = False) -> Finding | None:
    """The agency's own listed domains: an agency that lists none cannot vouch for an address,
    and (``mismatch``) an address outside the ones it lists is not the agency's."""
    domains = [d.lower() for d in agency.email_domains or []]
    domain = email.rpartition("@")[2].lower()
    if not domains:
        return Finding(
            "agency_domain",
            "hold",
            _(
                "%(agency)s lists no email domains: %(email)s cannot be checked against the "
                "agency's. Confirm it with the agency (and record its domains) before going on."
            )
            % {"agency": agency.name, "email": email},
        )
    if mismatch and not any(domain_covers(domain, d) for d in domains):
        return Finding(
            "agency_domain",
            "hold",
            _("%(email)s is not under the domains %(agency)s lists (%(domains)s).")
            % {"email": email, "agency": agency.name, "domains": ", ".join(domains)},
        )
    return None


def written_authorisation_missing(access_request: Any) -> str | None:
    """The document a request held for its personal address still lacks (its label, in the
    reader's language), for the officer's status page; None when nothing is missing."""
    written = active_policy().served.personal_email_with_written_authorisation
    held = any(h.get("code") == "personal_email" for h in access_request.served_holds)
    if written is None or not held or access_request.proofs.filter(doc_type=written).exists():
        return None
    return localised(active_policy().document_types[written])


_ACTIONS: dict[Outcome, str] = {
    "accept": "served.accepted",
    "hold": "served.held",
    "refuse": "served.refused",
}


def served_record(
    decided: Verdict,
    *,
    door: Door,
    actor: Any,
    obj: models.Model | None = None,
    case_ref: str = "",
    **details: Any,
) -> None:
    """The door's decision on the record (a refusal outside any transaction that rolls back)."""
    audit_record(
        actor=actor,
        action=_ACTIONS[decided.outcome],
        obj=obj,
        case_ref=case_ref,
        payload={
            "door": door,
            "profile": active_policy().profile.id,
            "findings": [{**f.as_dict(), "outcome": f.outcome} for f in decided.findings],
            **details,
        },
    )

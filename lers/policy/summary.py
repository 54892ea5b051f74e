"""A profile as a readable summary (``lers policy show NAME``)."""

from __future__ import annotations

from lers.policy.schema import REQUESTER_KINDS, Policy


def _refs(refs: list[str]) -> str:
    return f"  [{', '.join(refs)}]" if refs else ""


def render_summary(policy: Policy) -> str:
    p = policy
    sla = p.sla
    proofs = [p.document_types[c].label for c in p.officer_verification.proof_of_authority_any_of]
    lines = [
        f"{p.profile.name} ({p.profile.id}) — {p.profile.guideline}"
        + (f" ({p.profile.guideline_date:%Y-%m-%d})" if p.profile.guideline_date else ""),
        *([f"  encodes: {', '.join(p.profile.refs)}"] if p.profile.refs else []),
        f"  {p.profile.summary}",
        "",
        "Who is served" + _refs(p.served.ref),
        *_served(p),
        "Terms" + _refs(p.terms.ref if p.terms else []),
        *_terms(p),
        *(
            line
            for a in p.advice
            for line in (
                "Advice to officers" + _refs(a.ref),
                f"  on the request form: {a.text['en']}",
            )
        ),
        "Languages" + _refs(p.languages.ref),
        f"  accepted: {', '.join(p.languages.accepted)}; portal: {', '.join(p.languages.portal)}",
        "Intake" + _refs(p.intake.ref),
        f"  channels: {', '.join(p.intake.channels)}"
        + (f"; mailbox {p.intake.email_address}" if p.intake.email_address else ""),
        "  access approval first: "
        + (
            "yes, by a person"
            if p.intake.access_approval_required
            else "no: lers approves a registry address that one known agency's domains cover, "
            "once its mailbox and a proof are in (anything else waits for a person)"
        )
        + "; "
        f"incomplete requests: {p.intake.incomplete_submission}",
        f"  a known officer's email: {'submitted' if p.intake.email_submits else 'a draft'}; "
        f"an unknown sender: {p.intake.unknown_sender.replace('_', ' ')}",
        "Request types",
        *(f"  {code:24} {t.label} / {t.label_zh}" for code, t in p.request_types.items()),
        "Legal instruments accepted",
        *(f"  {p.document_types[c].label}" for c in p.legal.instruments_accepted),
        "Checklist",
        *(
            f"  {'must ' if r.blocking else 'should'} [{r.id}] {r.message}{_refs(r.ref)}"
            for r in p.requirements
        ),
        "Documents" + _refs(p.formats.ref),
        *_documents(p),
        "Officer verification" + _refs(p.officer_verification.ref),
        f"  proof of authority: {' or '.join(proofs)}; " + _officer_ids(p),
        f"  telephone call-back: {p.officer_verification.telephone_callback}; "
        f"contacts: {', '.join(p.officer_verification.official_contacts)}",
        "Clocks" + _refs(sla.ref),
        f"  access review: {_days(sla.access_review_business_days)}",
        f"  review: {_range(sla.review_business_days_min, sla.review_business_days_max)}"
        f"{' (published)' if sla.review_target_published else ' (internal target)'}"
        + (
            "; officers are told it on the case page and on submitting"
            if sla.review_target_published
            else ""
        ),
        "  complex cases: "
        + (
            f"staff mark one (with a reason): its review clock runs "
            f"{sla.complex_extra_business_days} business days longer"
            if sla.complex_cases_may_take_longer
            else "no longer time (marking one complex is refused)"
        ),
        f"  urgent: {sla.urgent_hours} h; emergency: {sla.emergency_hours} h; "
        f"agency answer: {sla.information_response_business_days} business days",
        f"  working week: {', '.join(p.calendar.working_days)}"
        + "".join(f"; {e.code}: {', '.join(e.working_days)}" for e in p.entities if e.working_days),
        "Preservation" + _refs(p.preservation.ref),
        f"  as asked, at most {p.preservation.max_days} days ({p.preservation.days} when the "
        f"request asks none); extension: {p.preservation.extension} "
        f"(as asked, at most {p.preservation.extension_days} days); on expiry: the hold is "
        "released and the copy deleted",
        "Freezes" + _refs(p.freeze.ref),
        f"  on-platform: {'yes' if p.freeze.on_platform_assets else 'no'}; on-chain: never "
        "frozen (addresses of a case can be watched); "
        + (
            "without consent to disclose: "
            + (
                f"at most {p.freeze.without_consent_max_days} days"
                + ("" if p.freeze.without_consent_limit_published else " (internal limit)")
                if p.freeze.without_consent_max_days
                else "no limit"
            )
            if p.freeze.consent_to_disclose_asked
            else "consent to disclose not asked"
        )
        + "; agency contact shared "
        + (
            "only with its consent"
            if p.freeze.share_agency_contact_requires_consent
            else "with every notice"
        ),
        "User notification" + _refs(p.notification.ref),
        f"  default: {p.notification.default}; "
        + (
            "told before disclosure: a production waits for its users' notices"
            if p.notification.timing == "before_disclosure"
            else "told after the action: a notice waits while the account's freeze is on its way"
        )
        + f"; withheld when: {', '.join(p.notification.withhold_when) or '—'}",
        "Cross-border" + _refs(p.cross_border.ref),
        (
            "  derived: the agency's country is not the handling entity's jurisdiction (staff "
            "may correct it, with a reason)"
            if p.cross_border.without_channel != "no_rule"
            else "  no cross-border rule: the pages do not raise the question"
        ),
        f"  channel documents: "
        f"{', '.join(p.cross_border.channel_documents_any_of) or '—'}; "
        f"without them: {p.cross_border.without_channel.replace('_', ' ')}",
        "Decline reasons",
        *(f"  {code:30} {r.label}{_refs(r.ref)}" for code, r in p.decline_reasons.items()),
        "Fees" + _refs(p.fees.ref),
        f"  may charge: {'yes' if p.fees.may_charge else 'no'}; prior notice: "
        f"{'yes' if p.fees.prior_notice else 'no'}",
        "Email subject" + _refs(p.email_subject.ref),
        f"  {' | '.join(p.email_subject.fields)}   e.g. {p.email_subject.example}",
        "Entities",
        *(
            f"  {e.code:14} {e.name} ({e.jurisdiction}, {e.timezone}); services: "
            f"{', '.join(s.name for s in e.services) or '—'}"
            for e in p.entities
        ),
    ]
    return "\n".join(lines) + "\n"


def _documents(p: Policy) -> list[str]:
    sealed = sorted(p.sealed_documents())
    labels = ", ".join(p.document_types[c].label for c in sealed)
    seal = {
        "required": f"the analyst confirms the seal or signature of each of: {labels}; "
        "verification waits until every one is confirmed",
        "recommended": f"the analyst may record the seal or signature of each of: {labels}; "
        "verification does not wait for it",
        "not_required": "seals and signatures are not checked",
    }[p.formats.seal_or_signature]
    preferred = p.formats.preferred_document_format
    return [
        f"  {seal}",
        (
            f"  {preferred.upper()} preferred: officers are told where they attach files; staff "
            "see which documents come in another format"
            if preferred
            else "  no preferred format"
        ),
        "  times: always UTC; productions: always encrypted (lers does both whatever the profile)",
    ]


def _officer_ids(p: Policy) -> str:
    n = p.officer_verification.min_officer_ids
    if not n or not p.officer_id_documents():
        return "no officers' IDs counted on a request"
    types = " or ".join(p.document_types[c].label for c in sorted(p.officer_id_documents()))
    return f"IDs of {n} distinct officers ({types}; each upload names its officer)"


_DOING = {
    "refuse": "refused, the reason shown to the person",
    "hold": "held for staff, the reason recorded (they clear it with a note, or decline)",
    "accept": "accepted (staff see the registry's verdict)",
}


def _served(p: Policy) -> list[str]:
    """What each door does (access request, email intake, submission): the real behaviour."""
    served = p.served
    others = [k for k in REQUESTER_KINDS if k not in served.requester_kinds]
    refused = f"; {', '.join(others)}: {_DOING[served.not_served]} (access request)"
    lines = [
        f"  serves: {', '.join(served.requester_kinds)}" + (refused if others else ""),
        (
            "  criminal matters only: a request names its matter type; another matter is "
            f"{_DOING[served.not_served]} (submission)"
            if served.criminal_matters_only
            else "  any matter: the matter type is not asked"
        ),
        "  an address outside the government-domain registry: "
        f"{_DOING[served.non_government_email]} (access request, email, submission)",
    ]
    written = served.personal_email_with_written_authorisation
    if written is not None:
        lines.append(
            f"  except a personal address with written authorisation "
            f"({p.document_types[written].label}): held for staff to check it; approved only "
            "with it among the proofs; a submission without it is refused"
        )
    lines.append(
        "  an agency that lists no email domains (or, at approval, not the address's): held "
        "for staff, the reason recorded"
    )
    return lines


def _terms(p: Policy) -> list[str]:
    if p.terms is None:
        return ["  none: nothing is shown or asked"]
    return [
        f"  shown at access request and submission ({', '.join(p.terms.text)}; English for any "
        "other language); "
        + (
            f"acknowledged by the officer, recorded with version {p.terms.version[:12]}…"
            if p.terms.acknowledge
            else "not acknowledged"
        )
    ]


def _days(n: int | None) -> str:
    return "—" if n is None else f"{n} business days"


def _range(low: int | None, high: int) -> str:
    return f"{high} business days" if low is None else f"{low}–{high} business days"

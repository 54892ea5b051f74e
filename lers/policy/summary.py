"""A profile as a readable summary (``lers policy show NAME``)."""

from __future__ import annotations

from lers.policy.schema import Policy


def _refs(refs: list[str]) -> str:
    return f"  [{', '.join(refs)}]" if refs else ""


def render_summary(policy: Policy) -> str:
    p = policy
    sla = p.sla
    proofs = [p.document_types[c].label for c in p.officer_verification.proof_of_authority_any_of]
    lines = [
        f"{p.profile.name} ({p.profile.id}) — {p.profile.guideline}",
        f"  {p.profile.summary}",
        "",
        "Who is served" + _refs(p.served.ref),
        f"  {', '.join(p.served.requester_kinds)}; criminal matters only: "
        f"{'yes' if p.served.criminal_matters_only else 'no'}; private parties refused: "
        f"{'yes' if p.served.private_parties_refused else 'no'}",
        "Languages" + _refs(p.languages.ref),
        f"  accepted: {', '.join(p.languages.accepted)}; others need a certified translation: "
        f"{'yes' if p.languages.other_requires_certified_translation else 'no'}; "
        f"portal: {', '.join(p.languages.portal)}",
        "Intake" + _refs(p.intake.ref),
        f"  channels: {', '.join(p.intake.channels)}"
        + (f"; mailbox {p.intake.email_address}" if p.intake.email_address else ""),
        f"  access approval first: {'yes' if p.intake.access_approval_required else 'no'}; "
        f"government email: {p.intake.government_email}; "
        f"incomplete requests: {p.intake.incomplete_submission}",
        "Request types",
        *(
            f"  {code:24} {t.label} / {t.label_zh}"
            + (" (duration required)" if t.needs_duration else "")
            for code, t in p.request_types.items()
        ),
        "Legal instruments accepted",
        *(f"  {p.document_types[c].label}" for c in p.legal.instruments_accepted),
        "Checklist",
        *(
            f"  {'must ' if r.blocking else 'should'} [{r.id}] {r.message}{_refs(r.ref)}"
            for r in p.requirements
        ),
        "Officer verification" + _refs(p.officer_verification.ref),
        f"  proof of authority: {' or '.join(proofs)}"
        f"; officer IDs needed: {p.officer_verification.min_officer_ids}",
        f"  telephone call-back: {p.officer_verification.telephone_callback}; "
        f"contacts: {', '.join(p.officer_verification.official_contacts)}",
        "Clocks" + _refs(sla.ref),
        f"  access review: {_days(sla.access_review_business_days)}",
        f"  review: {_range(sla.review_business_days_min, sla.review_business_days_max)}"
        f"{' (published)' if sla.review_target_published else ' (internal target)'}",
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
        f"  on-platform: {'yes' if p.freeze.on_platform_assets else 'no'}; on-chain: "
        f"{p.freeze.on_chain_assets}; "
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
        f"  default: {p.notification.default}, {p.notification.timing.replace('_', ' ')}; "
        f"withheld when: {', '.join(p.notification.withhold_when) or '—'}",
        "Cross-border" + _refs(p.cross_border.ref),
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


def _days(n: int | None) -> str:
    return "—" if n is None else f"{n} business days"


def _range(low: int | None, high: int) -> str:
    return f"{high} business days" if low is None else f"{low}–{high} business days"

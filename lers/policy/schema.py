"""The typed shape of a policy profile.

A profile is data: every number, list and wording that an exchange's published guidelines
impose lives in its TOML file, validated into these frozen models at start-up. Code asks the
profile; it never repeats a guideline's value as a literal. This module imports nothing of
Django so the profile can be checked anywhere (``lers policy check FILE``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Code = str  # a slug naming a request type, document type, decline reason, ...
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

# What a request form holds; a requirement may name any of these as a field to fill.
REQUEST_FIELDS: frozenset[str] = frozenset(
    {
        "legal_basis",
        "legal_clauses",
        "case_number",
        "summary",
        "findings",
        "amount",
        "timeframe",
        "duration",
        "targets",
        "fund_flow",
        "services",
        "urgency_circumstances",
        "callback_slots",
        "officer_contacts",
        "data_categories",
    }
)
Urgency = Literal["standard", "urgent", "emergency"]
# Days of the week as a profile names them, Monday first (``datetime.date.weekday()`` order).
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY_TO_FRIDAY: tuple[Weekday, ...] = WEEKDAYS[:5]
Condition = Literal[
    "always", "cross_border", "urgent", "emergency", "not_form_language", "non_accepted_language"
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Label(Strict):
    """A name shown to people, in English and Chinese."""

    label: str = Field(min_length=1)
    label_zh: str = Field(min_length=1)
    ref: list[str] = []


class ProfileMeta(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    guideline: str
    guideline_date: dt.date | None = None
    summary: str
    refs: list[str] = []


class Served(Strict):
    """Who may use the system at all (JU-02, HX-01, BN-01)."""

    requester_kinds: list[Code] = Field(min_length=1)
    criminal_matters_only: bool
    private_parties_refused: bool
    ref: list[str] = []


class Languages(Strict):
    accepted: list[str] = Field(min_length=1)
    other_requires_certified_translation: bool
    form_language: str | None = None
    portal: list[Literal["en", "zh-hans", "zh-hant"]] = Field(min_length=1)
    ref: list[str] = []


class Formats(Strict):
    preferred_document_format: str | None
    seal_or_signature: Literal["required", "recommended", "not_required"]
    sensitive_content_encryption: Literal["required", "recommended", "not_required"]
    times_in_utc: bool
    ref: list[str] = []


class Intake(Strict):
    channels: list[Literal["portal", "email", "api"]] = Field(min_length=1)
    email_address: str | None = None
    access_approval_required: bool
    structured_form_required: bool
    government_email: Literal["required", "recommended", "not_required"]
    official_documents_required: bool
    incomplete_submission: Literal["flagged", "refused"]
    ref: list[str] = []


class RequestType(Label):
    # What approving this type lets the exchange do: disclose records, freeze or restrict
    # accounts, preserve records, or nothing the system carries out ("other").
    effect: Literal["disclosure", "freeze", "preservation", "other"]
    needs_duration: bool = False
    is_action: bool = False


class DocumentType(Label):
    legal_instrument: bool = False
    proves_authority: bool = False


class Legal(Strict):
    instruments_accepted: list[Code] = Field(min_length=1)


class Requirement(Strict):
    """One completeness rule: what a request of some types must carry before review."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    request_types: list[Code] = Field(min_length=1)  # "*" for every type
    when: Condition = "always"
    documents_any_of: list[Code] = []
    min_count: int = Field(default=1, ge=1)
    fields: list[str] = []
    blocking: bool = True
    message: str = Field(min_length=1)
    message_zh: str = Field(min_length=1)
    ref: list[str] = []  # empty: a deployment choice, not a guideline's rule

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - REQUEST_FIELDS)
        if unknown:
            raise ValueError(
                f"unknown request field(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(REQUEST_FIELDS))}"
            )
        return value


class EmergencyBroad(Strict):
    """When an emergency request's scope counts as broad, a fraud signal on the case page
    (X-05: a forged emergency asks for much, fast). An emergency naming more targets, more
    categories of records or a longer period than these is broad; one without a period too.
    A deployment's choice, not a guideline's rule."""

    targets: int = Field(ge=1)
    categories: int = Field(ge=1)
    days: int = Field(ge=1)


class OfficerVerification(Strict):
    proof_of_authority_any_of: list[Code]
    min_officer_ids: int = Field(ge=0)
    official_contacts: list[Literal["agency_email", "office_landline", "work_mobile"]]
    telephone_callback: Literal["required", "when_needed", "not_required"]
    callback_time_slots: bool
    callback_before: list[Literal["disclosure", "freeze", "preservation"]] = []
    supervisor_contact: bool
    personal_email_with_written_authorisation: bool = False
    emergency_broad: EmergencyBroad
    ref: list[str] = []


class Sla(Strict):
    """Clocks, in business days of the handling entity's calendar unless named in hours."""

    access_review_business_days: int | None = Field(ge=1)
    review_business_days_min: int | None = Field(ge=1)
    review_business_days_max: int = Field(ge=1)
    review_target_published: bool
    information_response_business_days: int = Field(ge=1)
    urgent_hours: int = Field(ge=1)
    emergency_hours: int = Field(ge=1)
    due_soon_business_days: int = Field(ge=0)
    due_soon_hours: int = Field(ge=0)
    complex_cases_may_take_longer: bool
    ref: list[str] = []


class Preservation(Strict):
    """How long records are held (JU-13, BN-05). A hold lasts what the request asked, at most
    ``max_days``; ``days`` when it asked nothing. An extension likewise: what its request
    asked, at most ``extension_days``. ``extension`` says who extends: ``new_request`` only the
    agency's extension request through lers (BN-05), ``where_law_allows`` staff as well."""

    days: int = Field(ge=1)
    max_days: int = Field(ge=1)
    extension: Literal["new_request", "where_law_allows"]
    extension_days: int = Field(ge=1)
    max_extensions: int | None = Field(default=None, ge=0)
    expiry_warning_days: int = Field(ge=0)
    ref: list[str] = []


class Freeze(Strict):
    """Freezes and the agency's consent to tell the user (HX-10, HX-11, HX-12).

    ``consent_to_disclose_asked``: the request form and the case page ask the agency whether
    the user may be told; where it is not asked, consent is no notion of the profile (a freeze
    is never "without consent"). ``without_consent_max_days``: a freeze held without that
    consent lasts at most this long (absent: no such cap); ``without_consent_limit_published``:
    the officer is shown the number. ``share_agency_contact_requires_consent``: the agency's
    contact goes with a user notice only with its consent to share it (and, where consent to
    disclose is asked, that consent too)."""

    on_platform_assets: bool
    on_chain_assets: Literal["tag_and_track", "not_supported"]
    duration_required: bool
    without_consent_max_days: int | None = Field(default=None, ge=1)
    without_consent_limit_published: bool = False
    expiry_warning_days: int = Field(ge=0)
    consent_to_disclose_asked: bool
    share_agency_contact_requires_consent: bool
    ref: list[str] = []


class Notification(Strict):
    default: Literal["notify", "withhold"]
    timing: Literal["before_disclosure", "after_action", "case_closure"]
    withhold_when: list[
        Literal[
            "legal_prohibition",
            "court_order_or_warrant_forbids",
            "hinders_investigation",
            "freeze_without_consent",
        ]
    ]
    ref: list[str] = []


class Disclosure(Strict):
    """What leaves the exchange: the approved scope only, minimised (JU-09, JU-15)."""

    approved_scope_may_be_narrower: bool
    minimise_fields: bool
    deidentify_third_parties: bool
    # How long the agency may download a released production.
    download_days: int = Field(ge=1, le=90)
    # With minimise_fields: the fields of each category that leave the exchange; a category
    # not named here leaves with every field the exchange maps.
    fields: dict[str, list[str]] = {}
    ref: list[str] = []


class CrossBorder(Strict):
    channel_documents_any_of: list[Code]
    without_channel: Literal["general_information_only", "decline", "no_rule"]
    ref: list[str] = []


class Fees(Strict):
    may_charge: bool
    prior_notice: bool
    ref: list[str] = []


class EmailSubject(Strict):
    """Grammar of an email intake subject (JU-03): fields in order, split by a separator."""

    fields: list[Literal["urgency", "organisation", "case_number", "request_type"]]
    separators: list[str] = Field(min_length=1)
    urgency: dict[Urgency, list[str]]
    request_types: dict[Code, list[str]]
    example: str
    ref: list[str] = []


class Service(Strict):
    code: Code
    name: str


def _distinct_days(value: list[Weekday] | None) -> list[Weekday] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("a day is named twice")
    return value


class Calendar(Strict):
    """The working week business-day clocks count (X-06, HX-14); public holidays come from
    the jurisdiction's calendar. An entity may name its own week."""

    working_days: list[Weekday] = Field(default=list(MONDAY_TO_FRIDAY), min_length=1)
    ref: list[str] = []

    _distinct = field_validator("working_days")(_distinct_days)


class Entity(Strict):
    code: Code
    name: str
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    subdivision: str | None = None
    timezone: str
    # The entity's working week, where it differs from the profile's ``calendar``.
    working_days: list[Weekday] | None = Field(default=None, min_length=1)
    services: list[Service] = []

    _distinct = field_validator("working_days")(_distinct_days)


class Identifiers(Strict):
    uid_pattern: str
    uid_label: str = "UID"

    @field_validator("uid_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value


class Policy(Strict):
    profile: ProfileMeta
    served: Served
    languages: Languages
    formats: Formats
    intake: Intake
    request_types: dict[Code, RequestType] = Field(min_length=1)
    document_types: dict[Code, DocumentType] = Field(min_length=1)
    legal: Legal
    requirements: list[Requirement]
    officer_verification: OfficerVerification
    sla: Sla
    calendar: Calendar = Calendar()
    preservation: Preservation
    freeze: Freeze
    notification: Notification
    disclosure: Disclosure
    cross_border: CrossBorder
    decline_reasons: dict[Code, Label] = Field(min_length=1)
    fees: Fees
    email_subject: EmailSubject
    entities: list[Entity] = Field(min_length=1)
    identifiers: Identifiers
    terms: dict[Literal["en", "zh-hans", "zh-hant"], str] = {}

    def working_days_of(self, entity_code: str | None) -> tuple[Weekday, ...]:
        """The working week of the profile's entity ``entity_code``, else the profile's."""
        for entity in self.entities:
            if entity.code == entity_code and entity.working_days is not None:
                return tuple(entity.working_days)
        return tuple(self.calendar.working_days)

    def request_type_label(self, code: str) -> str:
        return self.request_types[code].label

    def requirements_for(self, request_types: set[str]) -> list[Requirement]:
        return [
            r
            for r in self.requirements
            if "*" in r.request_types or request_types.intersection(r.request_types)
        ]


def is_code(value: str) -> bool:
    return bool(_CODE.match(value))

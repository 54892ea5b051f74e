"""The typed shape of a policy profile.

A profile is data: every number, list and wording that an exchange's published guidelines
impose lives in its TOML file, validated into these frozen models at start-up. Code asks the
profile; it never repeats a guideline's value as a literal. This module imports nothing of
Django so the profile can be checked anywhere (``lers policy check FILE``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
        "matter_type",
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
    # The same in traditional characters, as the profile writes it (zh-Hant readers); the
    # simplified text where the profile has none.
    label_zh_hant: str | None = Field(default=None, min_length=1)
    ref: list[str] = []


class ProfileMeta(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    guideline: str
    guideline_date: dt.date | None = None
    summary: str
    refs: list[str] = []


# The capacities an officer's access request names (JU-02, HX-01, BN-01); a profile serves some.
RequesterKind = Literal["law_enforcement", "government_official", "private_party", "civil_litigant"]
REQUESTER_KINDS: tuple[RequesterKind, ...] = (
    "law_enforcement",
    "government_official",
    "private_party",
    "civil_litigant",
)
# What a request is about, where the profile serves criminal matters only (HX-01, BN-01).
MatterType = Literal["criminal", "civil", "administrative", "other"]
MATTER_TYPES: tuple[MatterType, ...] = ("criminal", "civil", "administrative", "other")
PortalLanguage = Literal["en", "zh-hans", "zh-hant"]


def _distinct_kinds(value: list[RequesterKind]) -> list[RequesterKind]:
    if len(set(value)) != len(value):
        raise ValueError("a kind is named twice")
    return value


class Served(Strict):
    """Who is served, and what each door (the access request, email intake, the submission of
    a request) does with a requester or a request the profile does not serve (JU-02, HX-01,
    HX-03, BN-01).

    ``requester_kinds``: the capacities served; an access request names its own.
    ``criminal_matters_only``: a request names its matter type and only a criminal one is served.
    ``not_served``: a requester or a matter not served is refused (the reason shown to the
    person) or held for staff (the reason recorded; staff clear the hold with a note, or decline).
    ``non_government_email``: an address outside the government-domain registry is refused,
    held for staff, or accepted (staff still see the registry's verdict, X-05).
    ``personal_email_with_written_authorisation``: the document type by which a personal address
    is accepted with written authorisation from the agency's government mailbox; such an address
    is held until staff have checked that document. Absent: no such exception."""

    requester_kinds: list[RequesterKind] = Field(min_length=1)
    criminal_matters_only: bool
    not_served: Literal["refuse", "hold"]
    non_government_email: Literal["refuse", "hold", "accept"]
    personal_email_with_written_authorisation: Code | None = None
    ref: list[str] = []

    _distinct = field_validator("requester_kinds")(_distinct_kinds)


class Languages(Strict):
    accepted: list[str] = Field(min_length=1)
    form_language: str | None = None
    portal: list[Literal["en", "zh-hans", "zh-hant"]] = Field(min_length=1)
    # The language the exchange works in first: a reader of another one is told so, in that
    # language (``works_in_note``), with a button to switch (HX-16).
    works_in: Literal["en", "zh-hans", "zh-hant"] | None = None
    works_in_note: str | None = None
    ref: list[str] = []

    @model_validator(mode="after")
    def _note_with_language(self) -> Languages:
        if (self.works_in is None) != (self.works_in_note is None):
            raise ValueError("works_in and works_in_note go together")
        if self.works_in is not None and self.works_in not in self.portal:
            raise ValueError("works_in must be one of the portal's languages")
        return self


class Formats(Strict):
    """How documents come (JU-18, HX-05).

    ``seal_or_signature``: the analyst confirms, per document of a type that ``bears_seal``,
    that it bears an official seal or a valid signature (who and when on the record);
    "required": verification cannot complete while such a document is unconfirmed or none of
    its type bears one; "recommended": the check is offered, nothing waits for it;
    "not_required": no check. ``preferred_document_format``: officers are told where they
    attach files, and staff see which documents come in another format.

    Not keys, because lers does them whatever the profile: every time is written and read in
    UTC (pages, forms, productions), and every production is encrypted (X-08)."""

    preferred_document_format: Literal["pdf"] | None = None
    seal_or_signature: Literal["required", "recommended", "not_required"]
    ref: list[str] = []


class Intake(Strict):
    channels: list[Literal["portal", "email", "api"]] = Field(min_length=1)
    email_address: str | None = None
    access_approval_required: bool
    incomplete_submission: Literal["flagged", "refused"]
    # JU-03: where email is the channel, a sound message from a known officer of a known agency
    # is submitted as it arrives (the officer need not sign in); otherwise it is a draft.
    email_submits: bool = False
    # What a message from a sender who is not a registered officer waits for: an invitation to
    # request portal access, or the exchange's telephone verification of the sender (JU-04).
    unknown_sender: Literal["portal_access", "telephone_verification"] = "portal_access"
    ref: list[str] = []


class RequestType(Label):
    # What approving this type lets the exchange do: disclose records, freeze or restrict
    # accounts, preserve records, or nothing the system carries out ("other").
    effect: Literal["disclosure", "freeze", "preservation", "other"]


class DocumentType(Label):
    legal_instrument: bool = False
    # An official document that bears a seal or a signature: the analyst checks it where
    # ``formats.seal_or_signature`` asks for it (JU-18, HX-05).
    bears_seal: bool = False
    # Words that name this document in its file name or on its first page (JU-03: an emailed
    # attachment is typed by what it is; the analyst may retype it).
    keywords: list[str] = []


class Legal(Strict):
    instruments_accepted: list[Code] = Field(min_length=1)
    ref: list[str] = []


class Requirement(Strict):
    """One completeness rule: what a request of some types must carry before review."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    request_types: list[Code] = Field(min_length=1)  # "*" for every type
    when: Condition = "always"
    documents_any_of: list[Code] = []
    min_count: int = Field(default=1, ge=1)
    # What is counted: documents of the types, or (for officers' IDs, JU-07) the distinct
    # officers those documents name, ``officer_verification.min_officer_ids`` of them.
    count: Literal["documents", "distinct_officers"] = "documents"
    fields: list[str] = []
    blocking: bool = True
    message: str = Field(min_length=1)
    message_zh: str = Field(min_length=1)
    message_zh_hant: str | None = Field(default=None, min_length=1)
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
    callback_before: list[Literal["disclosure", "freeze", "preservation"]] = []
    # The access request asks for the officer's supervisor (required) or leaves it optional.
    supervisor_contact: bool
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
    # Staff may mark a case complex (with a reason): its review clock runs this many business
    # days longer (HX-14). Without the permission the marking is refused.
    complex_cases_may_take_longer: bool
    complex_extra_business_days: int | None = Field(default=None, ge=1)
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
    duration_required: bool
    without_consent_max_days: int | None = Field(default=None, ge=1)
    without_consent_limit_published: bool = False
    expiry_warning_days: int = Field(ge=0)
    consent_to_disclose_asked: bool
    share_agency_contact_requires_consent: bool
    ref: list[str] = []


class Notification(Strict):
    default: Literal["notify", "withhold"]
    # When the user is told (BN-08, JU-16): ``before_disclosure``, a production is released
    # only once each of its accounts' users was told (or the notice deferred by an order, or
    # withheld on the record); ``after_action``, a notice waits while the account's freeze is
    # on its way to the exchange.
    timing: Literal["before_disclosure", "after_action"]
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
    # A fee notice holds the work until the agency accepts it (JU-19: "with prior notice").
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


def text_in_language(
    texts: dict[PortalLanguage, str], language: str | None
) -> tuple[PortalLanguage, str]:
    """The text of ``texts`` for a reader of ``language``, and the language it is in (English
    where there is none in it; zh-HK, zh-TW and zh-MO read traditional characters)."""
    wanted = (language or "en").lower()
    if wanted.startswith(("zh-hk", "zh-tw", "zh-mo")):
        wanted = "zh-hant"
    for code in ("zh-hant", "zh-hans"):
        if wanted.startswith(code) and code in texts:
            return code, texts[code]
    if wanted.startswith("zh") and "zh-hans" in texts:
        return "zh-hans", texts["zh-hans"]
    return "en", texts["en"]


def _english_text(value: dict[PortalLanguage, str]) -> dict[PortalLanguage, str]:
    if not value.get("en", "").strip():
        raise ValueError("an English text (en) is needed, the fallback of every language")
    return value


class Advice(Strict):
    """A recommendation of the guideline to the officer, shown on the request form (JU-22:
    "Simultaneously contact relevant blockchain analytics companies, security firms, and other
    exchanges for coordinated action")."""

    text: dict[PortalLanguage, str] = Field(min_length=1)
    ref: list[str] = []

    _english = field_validator("text")(_english_text)

    def in_language(self, language: str | None) -> tuple[PortalLanguage, str]:
        return text_in_language(self.text, language)


class Terms(Strict):
    """The exchange's reservations, shown to officers where they request access and where they
    submit a request (HX-15), in their language (English where the profile has no text in it).
    ``acknowledge``: the officer ticks that they have read them, and the acknowledgement is
    recorded with the version (the SHA-256 of the texts)."""

    acknowledge: bool
    text: dict[PortalLanguage, str] = Field(min_length=1)
    ref: list[str] = []

    _english = field_validator("text")(_english_text)

    def in_language(self, language: str | None) -> tuple[PortalLanguage, str]:
        """The text for a reader of ``language``, and the language it is in."""
        return text_in_language(self.text, language)

    @property
    def version(self) -> str:
        """The SHA-256 of every text: it changes when any wording does."""
        canonical = json.dumps(self.text, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    terms: Terms | None = None
    advice: list[Advice] = []

    def working_days_of(self, entity_code: str | None) -> tuple[Weekday, ...]:
        """The working week of the profile's entity ``entity_code``, else the profile's."""
        for entity in self.entities:
            if entity.code == entity_code and entity.working_days is not None:
                return tuple(entity.working_days)
        return tuple(self.calendar.working_days)

    def officer_id_documents(self) -> frozenset[str]:
        """The document types that are an officer's ID, each naming its officer: those the
        checklist counts by distinct officers (JU-07)."""
        return frozenset(
            code
            for rule in self.requirements
            if rule.count == "distinct_officers"
            for code in rule.documents_any_of
        )

    def sealed_documents(self) -> frozenset[str]:
        """The document types whose seal or signature the analyst checks (JU-18, HX-05); none
        where ``formats.seal_or_signature`` is "not_required"."""
        if self.formats.seal_or_signature == "not_required":
            return frozenset()
        return frozenset(code for code, t in self.document_types.items() if t.bears_seal)

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

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lers.agencies.models import Agency, Officer
from lers.cases.lifecycle import State


class Entity(models.Model):
    """A legal entity of the exchange; a case goes to the one holding the data (JU-01)."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, for holidays")
    subdivision = models.CharField(max_length=10, blank=True)
    timezone = models.CharField(max_length=64)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A brand or service of an entity that a request can name (BN-06)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="services")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "code"], name="service_entity_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A request from an agency, from draft to closed."""

    class Urgency(models.TextChoices):
        STANDARD = "standard", _("Standard")
        URGENT = "urgent", _("Urgent")
        EMERGENCY = "emergency", _("Emergency")

    class MatterType(models.TextChoices):
        """What a request is about (``lers.policy.schema.MATTER_TYPES``; HX-01, BN-01)."""

        CRIMINAL = "criminal", _("A criminal investigation")
        CIVIL = "civil", _("A civil matter (litigation, a dispute)")
        ADMINISTRATIVE = "administrative", _("An administrative or regulatory matter")
        OTHER = "other", _("Something else")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        EMAIL = "email", _("Email intake")
        API = "api", _("API")

    reference = models.CharField(max_length=40, unique=True)
    policy_profile = models.CharField(max_length=50)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    created_by = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="created_cases"
    )
    # The officers on the case: they see it, get its alerts and downloads.
    officers = models.ManyToManyField(Officer, related_name="cases", blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    state = models.CharField(max_length=30, choices=State.choices, default=State.DRAFT)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    urgency_circumstances = models.TextField(blank=True)
    request_types = models.JSONField(default=list)
    agency_case_number = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=300, blank=True)
    # The instrument the request rests on (a document type of the policy marked legal_instrument).
    legal_instrument = models.CharField(max_length=50, blank=True)
    legal_basis = models.TextField(blank=True)
    legal_clauses = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    amount_tokens = models.TextField(blank=True)
    amount_usd = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    amount_breakdown = models.TextField(blank=True)
    # What a freeze asks to hold (a request type whose effect is "freeze"): the assets by their
    # symbol (USDT, ETH) and how much; the amount above is what the matter involves.
    freeze_assets = models.JSONField(default=list, blank=True)
    freeze_amount = models.TextField(blank=True)
    timeframe_start = models.DateTimeField(null=True, blank=True)
    timeframe_end = models.DateTimeField(null=True, blank=True)
    data_categories = models.JSONField(default=list, blank=True)
    duration_days = models.PositiveIntegerField(null=True, blank=True)
    non_disclosure_until = models.DateField(null=True, blank=True)
    consent_to_disclose = models.BooleanField(default=False)
    consent_to_share_contact = models.BooleanField(default=False)
    # Cross-border is derived from the agency's country and the entity's jurisdiction (JU-12,
    # ``lers.cases.jurisdiction``); staff may correct it, with a reason. None: as derived.
    cross_border_corrected = models.BooleanField(null=True, blank=True)
    cross_border_reason = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    callback_slots = models.TextField(blank=True)
    services = models.ManyToManyField(Service, related_name="cases", blank=True)
    # A follow-up request (a preservation extension) points at the case it continues.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    # Submitted although the policy's checklist was not met (where the profile allows it).
    incomplete = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    decline_reasons = models.JSONField(default=list, blank=True)
    # What the request is about (criminal, civil, ...), where the profile serves criminal
    # matters only (HX-01, BN-01; ``lers.policy.schema.MATTER_TYPES``).
    matter_type = models.CharField(max_length=20, blank=True, choices=MatterType.choices)
    # Why the profile held the request for a person at submission (``lers.agencies.served``),
    # each {"code", "reason"}; it goes to verification once staff clear it with a note.
    served_holds = models.JSONField(default=list, blank=True)
    served_hold_note = models.TextField(blank=True)
    served_hold_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    served_hold_cleared_at = models.DateTimeField(null=True, blank=True)
    # The version (SHA-256) of the exchange's terms the officer acknowledged at submission (HX-15).
    terms_version = models.CharField(max_length=64, blank=True)
    terms_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Marked complex by staff, with a reason (HX-14): the review clock runs longer.
    complex_at = models.DateTimeField(null=True, blank=True)
    complex_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    complex_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # staff queues: open cases by state, most urgent first
            models.Index(fields=["state", "urgency"], name="case_queue"),
            # officer list: an agency's cases, newest first
            models.Index(fields=["agency", "-created_at"], name="case_agency_recent"),
        ]

    def __str__(self) -> str:
        return self.reference


class Target(models.Model):
    """An identifier the request names: a UID, an email, a phone, an address, a TXID..."""

    class Kind(models.TextChoices):
        UID = "uid", _("User ID")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        NAME = "name", _("Name")
        USERNAME = "username", _("Username")
        ADDRESS = "address", _("Wallet address")
        TXID = "txid", _("Transaction ID (TXID)")
        IP = "ip", _("IP address")
        DEVICE = "device", _("Device")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    value = models.CharField(max_length=500)
    normalised = models.CharField(max_length=500, blank=True)
    chain = models.CharField(max_length=40, blank=True)
    memo = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    # What lers.identifiers said of it (None: a kind it does not check, such as a name).
    valid = models.BooleanField(null=True)
    check_reason = models.CharField(max_length=300, blank=True)
    # When the exchange's records were last searched for it (its matches are the result).
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


def _document_path(instance: Document, filename: str) -> str:
    return f"cases/{instance.case.reference}/{instance.sha256}"


class Document(models.Model):
    """A file attached to a case: a court order, an officer's ID, a fund-flow sheet..."""

    class Seal(models.TextChoices):
        """The analyst's check of an official document (JU-18, HX-05)."""

        UNCHECKED = "unchecked", _("Not checked")
        PRESENT = "present", _("Seal or signature confirmed")
        MISSING = "missing", _("No seal or signature")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    # Set when the file came attached to a message of the thread.
    message = models.ForeignKey(
        "Message", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    doc_type = models.CharField(max_length=50)
    file = models.FileField(upload_to=_document_path, max_length=300)
    original_name = models.CharField(max_length=300)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Whose ID this is, for an officer's ID (JU-07): the checklist counts distinct officers.
    officer_name = models.CharField(max_length=200, blank=True)
    seal = models.CharField(max_length=10, choices=Seal.choices, default=Seal.UNCHECKED)
    seal_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seal_checked_at = models.DateTimeField(null=True, blank=True)
    seal_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.original_name}"


class Message(models.Model):
    """A note in the thread between the agency and the exchange, or internal to staff."""

    class Visibility(models.TextChoices):
        SHARED = "shared", _("Shared with the agency")
        INTERNAL = "internal", _("Staff only")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    body = models.TextField()
    is_question = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} message {self.pk}"


class Deadline(models.Model):
    """One clock on a case (X-06): business days or hours, pausable, due soon, overdue."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review and decision")
        AGENCY_ANSWER = "agency_answer", _("Agency's answer to our questions")

    class Unit(models.TextChoices):
        BUSINESS_DAYS = "business_days", _("Business days")
        HOURS = "hours", _("Hours")

    class Status(models.TextChoices):
        RUNNING = "running", _("On time")
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        STOPPED = "stopped", _("Stopped")

    LIVE = (Status.RUNNING, Status.DUE_SOON, Status.OVERDUE)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    length = models.PositiveIntegerField()
    # What pauses gave back, in the clock's unit; the due instant is recomputed from these.
    extra_business_days = models.PositiveIntegerField(default=0)
    extra_seconds = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Each warning goes out once per clock, even if a pause sends it back to "running".
    due_soon_notified = models.BooleanField(default=False)
    overdue_notified = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # the sweep: live clocks by due time
            models.Index(fields=["status", "due_at"], name="deadline_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}Z"


class SubjectMatch(models.Model):
    """An account of the exchange that a target may name, with why (X-10). Exact matches and
    fuzzy ones alike wait for a person to confirm or reject them; "no account found" is a
    target with ``resolved_at`` set and no match."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("To review")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="matches")
    uid = models.CharField(max_length=64)
    score = models.DecimalField(max_digits=5, decimal_places=1)
    exact = models.BooleanField()
    evidence = models.CharField(max_length=500)
    record = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "-score", "uid"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "uid", "record"], name="subject_match_target_uid_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} → {self.uid} ({self.get_status_display()})"


class CaseMember(models.Model):
    """A member of the exchange's staff assigned to a case. Staff read a case's user data only
    through a case they are on (DESIGN.md, "Trust"); auditors read every case without being on
    it. The case's holder (``Case.assignee``) is always a member."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="staff_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.case}"


class ApprovedScope(models.Model):
    """What the exchange decided to do for a case (JU-09): the subjects, categories, period and
    actions it approved, which may be narrower than the request. Every later step (freezes,
    preservation, productions, notices) reads this, never the request."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="scope")
    subjects = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    # Request types of the policy the exchange will act on.
    actions = models.JSONField(default=list)
    # A cross-border request without its channel documents gets only general information (JU-12).
    general_information_only = models.BooleanField(default=False)
    partial = models.BooleanField(default=False)
    narrowed = models.JSONField(default=list)  # which parts are narrower than the request
    note = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.case} scope"


class FeeNotice(models.Model):
    """Reasonable costs the exchange will charge, notified before the work (JU-19). Work on the
    case waits until the agency accepts."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Waiting for the agency")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fee_notices")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    description = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} fee {self.amount} {self.currency} ({self.status})"


class CallBack(models.Model):
    """A verification call to the agency (JU-04, JU-07, X-04): the number must come from the
    agency directory, never from the request itself."""

    class Source(models.TextChoices):
        DIRECTORY = "directory", _("Agency directory")
        REQUEST = "request", _("Only from the request or the officer")
        OTHER = "other", _("Elsewhere")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed the officer and the request")
        NOT_CONFIRMED = "not_confirmed", _("Did not confirm")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callbacks")
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks"
    )
    number = models.CharField(max_length=32)
    source = models.CharField(max_length=10, choices=Source.choices)
    warning = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    called_at = models.DateTimeField()

    class Meta:
        ordering = ["called_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} call to {self.number}: {self.outcome}"

"""What lers asks the exchange to do for a case, and each request's small lifecycle.

- ``Delivery``: the outbox. One row per action sent to the exchange, written in the same
  transaction as the decision that needs it; a job delivers it, retried until the exchange
  confirms. Its key is the action's idempotency key, so a retry is never a second action.
- ``Freeze``: requested → approved (sent) → active → expiring → releasing → released; or
  refused by the second person, or failed when the exchange refuses it (JU-11, HX-04, HX-10,
  HX-11).
- ``PreservationHold``: active → extended → expired | converted; the evidence copy is deleted
  once on expiry (JU-13, BN-05). Each ``HoldExtension`` names the request that asked for it.
- ``UserNotice``: withheld | deferred → due → sending → sent (JU-16, BN-08, HX-10, HX-12).
- ``AddressTag`` and ``WatchlistAlert``: on-chain addresses of a case, watched in deposits
  (X-12, JU-11).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lers.cases.models import Case


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Refused by the exchange")
        # Every attempt timed out or went unanswered: the exchange may or may not have acted.
        UNCONFIRMED = "unconfirmed", _("No answer: the exchange may have acted")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200, unique=True)
    uid = models.CharField(max_length=64)
    details = models.JSONField(default=dict)
    # What the delivery completes: ("freeze", 12) → Freeze 12 becomes active when confirmed.
    owner = models.CharField(max_length=20)
    owner_id = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "owner_id"], name="delivery_owner")]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid} ({self.status})"


class Freeze(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting a second approval")
        APPROVED = "approved", _("Approved, sent to the exchange")
        ACTIVE = "active", _("Active")
        EXPIRING = "expiring", _("Expiring soon")
        RELEASING = "releasing", _("Release sent to the exchange")
        RELEASED = "released", _("Released")
        REFUSED = "refused", _("Refused by the second approver")
        FAILED = "failed", _("Refused by the exchange")
        # The exchange never answered the freeze or its release: ask it, then release again.
        UNCONFIRMED = "unconfirmed", _("Not confirmed by the exchange")

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("Whole account")
        WITHDRAWALS = "withdrawals", _("Withdrawals")
        ASSETS = "assets", _("Specific assets")

    class Release(models.TextChoices):
        EXPIRY = "expiry", _("Released on expiry")
        AGENCY = "agency_request", _("Released at the agency's request")
        STAFF = "staff_decision", _("Released by the exchange's decision")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="freezes")
    uid = models.CharField(max_length=64)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    assets = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    requested_days = models.PositiveIntegerField(null=True, blank=True)
    approved_days = models.PositiveIntegerField(null=True, blank=True)
    # Held without the agency's consent to disclose: its life is bounded by the policy.
    without_consent = models.BooleanField(default=False)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    exchange_reference = models.CharField(max_length=100, blank=True)
    active_from = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=20, choices=Release.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "expires_at"], name="freeze_sweep")]

    def __str__(self) -> str:
        return f"freeze of {self.uid} ({self.scope}, {self.state})"


class PreservationHold(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXTENDED = "extended", _("Extended")
        EXPIRED = "expired", _("Expired")
        CONVERTED = "converted", _("Converted by a production order")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="holds")
    uids = models.JSONField()
    categories = models.JSONField()
    timeframe_start = models.DateTimeField(null=True, blank=True)
    timeframe_end = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # The term (JU-13): what the request asked (none: the policy's default applied) and what
    # was held, the policy's maximum where the ask was longer.
    requested_days = models.PositiveIntegerField(null=True, blank=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    extensions = models.PositiveIntegerField(default=0)
    warned_at = models.DateTimeField(null=True, blank=True)
    # The evidence copy: files under ``storage_prefix``; the manifest lists each with its
    # SHA-256 and row count, and is itself hashed.
    storage_prefix = models.CharField(max_length=300)
    manifest = models.JSONField(default=dict)
    manifest_sha256 = models.CharField(max_length=64)
    copy_deleted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "expires_at"], name="hold_sweep")]

    def __str__(self) -> str:
        return f"preservation hold {self.pk} of {self.case_id} ({self.state})"

    @property
    def capped(self) -> bool:
        return capped(self.requested_days, self.days)


class HoldExtension(models.Model):
    """One extension of a hold: by the agency's extension request (BN-05) or, where the policy
    lets staff extend, by a staff member alone (``request`` empty)."""

    hold = models.ForeignKey(PreservationHold, on_delete=models.PROTECT, related_name="extended")
    request = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hold_extension",
    )
    requested_days = models.PositiveIntegerField(null=True, blank=True)
    days = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"extension of hold {self.hold_id} by {self.days} days"

    @property
    def capped(self) -> bool:
        return capped(self.requested_days, self.days)


def capped(requested: int | None, held: int | None) -> bool:
    """The request asked for longer than the policy lets a hold (or an extension) last."""
    return requested is not None and held is not None and requested > held


class UserNotice(models.Model):
    class State(models.TextChoices):
        WITHHELD = "withheld", _("Withheld")
        DEFERRED = "deferred", _("Deferred by a non-disclosure order")
        DUE = "due", _("Due")
        SENDING = "sending", _("Sent to the exchange")
        SENT = "sent", _("Sent")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    uid = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=State.choices)
    reason = models.CharField(max_length=300)
    deferred_until = models.DateField(null=True, blank=True)
    share_agency_contact = models.BooleanField(default=False)
    decided_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "uid"], name="notice_case_uid"),
        ]
        indexes = [models.Index(fields=["state", "deferred_until"], name="notice_sweep")]

    def __str__(self) -> str:
        return f"notice to {self.uid} ({self.state})"


class AddressTag(models.Model):
    """An on-chain address a case names: it cannot be frozen, so it is watched (X-12, JU-11)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="address_tags")
    chain = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200)
    # The form deposits are compared in: EVM addresses in lower case, others as written.
    match_key = models.CharField(max_length=200, db_index=True)
    reason = models.TextField()
    active = models.BooleanField(default=True)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tagged_at = models.DateTimeField(auto_now_add=True)
    untagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "match_key"], name="tag_case_address"),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.chain or 'any chain'})"


class WatchlistAlert(models.Model):
    """A deposit that touched a tagged address; raised once per tag and transaction."""

    tag = models.ForeignKey(AddressTag, on_delete=models.PROTECT, related_name="alerts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="watchlist_alerts")
    txid = models.CharField(max_length=200)
    uid = models.CharField(max_length=64)
    chain = models.CharField(max_length=40)
    asset = models.CharField(max_length=40)
    amount = models.CharField(max_length=60)
    side = models.CharField(max_length=10)  # "from" or "to": which end of the deposit matched
    seen_at = models.DateTimeField(null=True, blank=True)  # when the deposit was confirmed
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # one transaction may pay several accounts: each is its own deposit
            models.UniqueConstraint(fields=["tag", "txid", "uid", "side"], name="alert_once"),
        ]

    def __str__(self) -> str:
        return f"deposit {self.txid} touched {self.tag}"

"""The categories of records a request can ask for: what the exchange holds about an account.

They name the logical records of the exchange's data source (``lers.exchange``): a production or
a preservation hold reads exactly the categories the approved scope names, nothing else.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATA_CATEGORIES: dict[str, Promise] = {
    "account": _("Account details (UID, registered email, phone, registration date, status)"),
    "kyc": _("Identity verification (KYC name, date of birth, documents)"),
    "deposit_addresses": _("Deposit addresses (with memo or tag)"),
    "deposits": _("Deposits (with TXIDs and sending addresses)"),
    "withdrawals": _("Withdrawals (with TXIDs and destination addresses)"),
    "internal_transfers": _("Internal transfers between accounts"),
    "balances": _("Balances"),
    "logins": _("Logins (IP address, time, user agent)"),
    "devices": _("Devices"),
}


def record_of(category: str) -> str:
    """The exchange's logical record a category reads: itself, except "account" (users)."""
    return "users" if category == "account" else category


def category_choices() -> list[tuple[str, Promise]]:
    return list(DATA_CATEGORIES.items())

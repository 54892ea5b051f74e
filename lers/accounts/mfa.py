"""Second factors (X-01): who has one, and provisioning for set-up commands and tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import decrypt, encrypt

from lers.accounts.models import PendingTotpSecret, User

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: User) -> bool:
    cached = getattr(user, "_lers_has_second_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
        user._lers_has_second_factor = cached  # type: ignore[attr-defined]
    return bool(cached)


def totp_provision(user: User, secret: str) -> None:
    """Give ``user`` a TOTP authenticator with ``secret`` (base32) and recovery codes."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


def totp_code(secret: str, at: float | None = None, *, period: int = 30, digits: int = 6) -> str:
    """RFC 6238 code of ``secret`` at ``at`` (now by default)."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def pending_totp_secret(user: User) -> str:
    """The secret ``user`` is setting up (made on first ask, the same on every later one)."""
    pending, _ = PendingTotpSecret.objects.get_or_create(
        user=user, defaults={"secret": encrypt(generate_totp_secret())}
    )
    return str(decrypt(pending.secret))


def pending_totp_clear(user: User) -> None:
    """The factor is active: the set-up secret has served its purpose."""
    PendingTotpSecret.objects.filter(user=user).delete()

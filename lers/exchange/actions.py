"""The actions port: the only way lers asks the exchange to act.

Five actions cross it: restrict an account (whole account, withdrawals, or named assets),
release a restriction, place a legal hold on categories of records, release a hold, and send a
user notice. Each carries an idempotency key: the same key is the same action, and an adapter
(or the exchange behind it) does it at most once however often it is asked, which is what lets
lers retry after a failure or a crash without acting twice.

Two adapters ship: ``demo`` (``lers.demo.exchange.actions``, acting on the demo exchange's
tables) and ``webhook`` (below: a signed JSON POST to the exchange's back office).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

RESTRICT = "restrict"
RELEASE_RESTRICTION = "release_restriction"
HOLD = "hold"
RELEASE_HOLD = "release_hold"
NOTICE = "notice"
KINDS = (RESTRICT, RELEASE_RESTRICTION, HOLD, RELEASE_HOLD, NOTICE)
# What a restriction covers.
SCOPES = ("account", "withdrawals", "assets")

SIGNATURE_HEADER = "X-Lers-Signature"
TIMESTAMP_HEADER = "X-Lers-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A signed request older (or newer) than this is refused by verify_signature: replay guard.
SIGNATURE_TOLERANCE_SECONDS = 300
# Answers that mean "try again later"; every other 4xx means the request itself is wrong.
_RETRYABLE_STATUS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Action:
    kind: str
    key: str
    uid: str
    case: str  # the case reference, so the exchange's own records name the request
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown action {self.kind!r}; known: {', '.join(KINDS)}")
        if not self.key:
            raise ValueError("an action needs an idempotency key")
        if self.kind == RESTRICT and self.details.get("scope") not in SCOPES:
            raise ValueError(f"a restriction's scope is one of {', '.join(SCOPES)}")
        scope = self.details.get("scope")
        if self.kind == RESTRICT and scope == "assets" and not self.details.get("assets"):
            raise ValueError("a restriction of assets names the assets")

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.kind,
            "key": self.key,
            "uid": self.uid,
            "case": self.case,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Outcome:
    """What the exchange says it did: its own reference for it, and any detail."""

    reference: str
    detail: str = ""
    repeated: bool = False  # the exchange had already done this action (same key)


class ActionError(Exception):
    """The exchange did not act. ``retryable``: a later attempt may succeed (timeouts, 5xx);
    otherwise the request itself was refused and retrying cannot help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class ActionsAdapter(Protocol):
    name: str

    def perform(self, action: Action) -> Outcome:
        """Do the action (once per key), or raise ActionError."""
        ...


# --- Signatures -----------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body``: the timestamp is signed too, so a
    captured request cannot be replayed later with a fresh one."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET elsewhere, headers and all: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """True if ``signature`` is ours over this body and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    if not isinstance(signature, str) or not signature.isascii():
        return False
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode())


# --- The webhook adapter --------------------------------------------------------------------------


class WebhookAdapter:
    """POSTs each action as JSON to the exchange's back office.

    Headers: ``Idempotency-Key`` (the action's key; the back office must do a key once, and
    must take the key from the signed body, refusing a header that differs from it),
    ``X-Lers-Timestamp`` and ``X-Lers-Signature`` (see ``sign``). A 2xx answer means done; its
    JSON may give ``reference`` and ``detail``. Timeouts, connection errors, 5xx, 408, 425 and
    429 are retryable; any other answer is a refusal.
    """

    name = "webhook"

    def __init__(self, url: str, secret: str, *, timeout: float = 10.0) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"webhook URL must be http(s): {url!r}")
        if not secret:
            raise ValueError("webhook secret must not be empty")
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def perform(self, action: Action) -> Outcome:
        body = json.dumps(action.as_json(), sort_keys=True, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "lers-actions/1",
                IDEMPOTENCY_HEADER: action.key,
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(self.secret, timestamp, body),
            },
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            text = exc.read(500).decode("utf-8", "replace").strip()
            if 300 <= exc.code < 400:
                text = f"a redirect to {exc.headers.get('Location', '?')} (not followed)"
            retryable = exc.code >= 500 or exc.code in _RETRYABLE_STATUS
            raise ActionError(
                f"the exchange answered HTTP {exc.code}: {text or exc.reason}", retryable=retryable
            ) from None
        except TimeoutError:
            raise ActionError(
                f"the exchange did not answer within {self.timeout:g} s", retryable=True
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                message = f"the exchange did not answer within {self.timeout:g} s"
            else:
                message = f"the exchange could not be reached: {exc.reason}"
            raise ActionError(message, retryable=True) from None
        except OSError as exc:  # connection reset mid-answer
            raise ActionError(f"the connection failed: {exc}", retryable=True) from None
        return _outcome(raw)


def _outcome(raw: bytes) -> Outcome:
    if not raw.strip():
        return Outcome(reference="")
    try:
        data = json.loads(raw)
    except ValueError:
        return Outcome(reference="", detail=raw[:200].decode("utf-8", "replace"))
    if not isinstance(data, dict):
        return Outcome(reference="")
    return Outcome(
        reference=str(data.get("reference", ""))[:100],
        detail=str(data.get("detail", ""))[:500],
        repeated=bool(data.get("repeated", False)),
    )

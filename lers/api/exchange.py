"""Callbacks from the exchange's back office (X-11): what became of an action lers asked for,
reported when the exchange acts later than its answer, or after an answer was lost.

Signed as lers signs its own requests to the back office (README, "The exchange's back
office"): ``X-Lers-Timestamp`` and ``X-Lers-Signature`` (HMAC-SHA256 of ``timestamp.body``
under ``EXCHANGE_WEBHOOK_SECRET``), a timestamp more than five minutes off is refused. The
body names the action's key as the address does, so the signature binds the report to it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from lers.actions.services.deliveries import delivery_callback
from lers.api.officer import ERRORS
from lers.api.schemas import ActionCallbackIn, ActionOut
from lers.core.errors import NotPermitted
from lers.exchange.actions import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature

router = Router(tags=["exchange"])


def _signed(request: HttpRequest) -> None:
    secret = settings.LERS_EXCHANGE_WEBHOOK_SECRET
    if not secret:
        raise NotPermitted(_("this deployment takes no callbacks (no EXCHANGE_WEBHOOK_SECRET)"))
    if not verify_signature(
        secret,
        request.headers.get(TIMESTAMP_HEADER, ""),
        request.body,
        request.headers.get(SIGNATURE_HEADER, ""),
    ):
        raise NotPermitted(_("the callback's signature or timestamp is not valid"))


@router.post("/exchange/actions/{key}", auth=None, response={200: ActionOut, **ERRORS})
def action_callback(request: HttpRequest, key: str, data: ActionCallbackIn) -> ActionOut:
    """The exchange reports an action done (with its reference) or refused (with the reason);
    a callback repeated changes nothing."""
    _signed(request)
    if data.key != key:
        raise NotPermitted(_("the signed body names another action than the address"))
    delivery = delivery_callback(
        key=key, done=data.status == "done", reference=data.reference, error=data.reason
    )
    return ActionOut(
        key=delivery.key, kind=delivery.kind, status=delivery.status, reference=delivery.reference
    )

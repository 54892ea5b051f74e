"""``Idempotency-Key`` on creating requests (X-11): a client that lost the answer sends the
same request with the same key and gets the first answer again, with nothing created twice.

The key is held, with a fingerprint of the request, in the same transaction as what the
request creates: an answer is kept only if its work committed, and a request that failed
left nothing, so sending it again is safe. The same key with another request is refused.
Keys are kept ``LERS_API_IDEMPOTENCY_HOURS`` hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Status

from lers.accounts.models import User
from lers.api.models import IdempotentRequest
from lers.core.errors import DomainError

HEADER = "Idempotency-Key"


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        fields = sorted((k, v) for k in request.POST for v in request.POST.getlist(k))
        digest.update(json.dumps(fields).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"\n{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


# The header as an operation's parameter (so the OpenAPI document shows it).
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        max_length=255,
        description="Send the request again with the same key: it is done once, answered alike.",
    ),
]


def idempotent(
    request: HttpRequest,
    user: User,
    key: str | None,
    create: Callable[[], Status[Any]],
) -> Status[Any]:
    """Runs ``create`` once per key (when the request carries one) and answers as it did."""
    key = (key or "").strip()
    if not key:
        return create()
    if not key.isprintable():
        raise DomainError(_("an Idempotency-Key is 1 to 255 printable characters"))
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
            if earlier is not None:
                return _replay(request, earlier, fingerprint)
            # Claim the key first: a second request with it waits here for this one's end.
            claim = IdempotentRequest.objects.create(
                user=user, key=key, fingerprint=fingerprint, status=0, body={}
            )
            answer = create()
            claim.status = answer.status_code
            claim.body = answer.value.model_dump(mode="json")
            claim.save(update_fields=["status", "body"])
    except IntegrityError:
        earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
        if earlier is None:
            raise
        return _replay(request, earlier, fingerprint)
    return answer


def _replay(request: HttpRequest, earlier: IdempotentRequest, fingerprint: str) -> Status[Any]:
    if earlier.fingerprint != fingerprint:
        raise DomainError(_("this Idempotency-Key was used for another request"), key=earlier.key)
    return Status(earlier.status, earlier.body)


def idempotency_prune(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.LERS_API_IDEMPOTENCY_HOURS)
    deleted, _kinds = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted

"""Polling the law-enforcement mailbox over IMAP (JU-03): each message is taken exactly once.

The mailbox is read by UID. lers keeps, per mailbox, the UIDVALIDITY it read under and the last
UID it took (``MailboxCursor``); a poll fetches only the UIDs above it, in order, and moves the
cursor past a message only once ``intake_message`` has stored it. A poll that dies half-way
fetches the rest next time; a message fetched twice (the crash fell between storing it and
moving the cursor, or the server renumbered the mailbox) is known by its Message-ID and its
hash and is not taken again. Messages are fetched with ``BODY.PEEK[]`` and flagged ``\\Seen``
after they are stored, so a person reading the mailbox sees what lers took; nothing is deleted.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from lers.audit.services import audit_record
from lers.intake.dkimcheck import DnsLookup
from lers.intake.models import IntakeMessage, MailboxCursor
from lers.intake.services import intake_message

log = logging.getLogger(__name__)


class MailboxError(Exception):
    """The mailbox could not be read (connection, login, or a refused command)."""


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    user: str
    password: str
    mailbox: str

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.mailbox}"

    @classmethod
    def from_settings(cls) -> MailboxConfig:
        if not settings.LERS_IMAP_HOST:
            raise MailboxError("LERS_IMAP_HOST is not set: no mailbox to poll")
        return cls(
            host=settings.LERS_IMAP_HOST,
            port=settings.LERS_IMAP_PORT,
            security=settings.LERS_IMAP_SECURITY,
            user=settings.LERS_IMAP_USER,
            password=settings.LERS_IMAP_PASSWORD,
            mailbox=settings.LERS_IMAP_MAILBOX,
        )


@dataclass
class PollResult:
    taken: list[IntakeMessage] = field(default_factory=list)  # new messages
    known: int = 0  # fetched again but taken before
    last_uid: int = 0


def _connect(config: MailboxConfig) -> imaplib.IMAP4:
    try:
        client: imaplib.IMAP4
        if config.security == "ssl":
            client = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(), timeout=60
            )
        else:
            client = imaplib.IMAP4(config.host, config.port, timeout=60)
            if config.security == "starttls":
                client.starttls(ssl.create_default_context())
        client.login(config.user, config.password)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"{config.host}:{config.port}: {exc}") from exc
    return client


def _ok(answer: tuple[str, list[object]], what: str) -> list[object]:
    status, data = answer
    if status != "OK":
        raise MailboxError(f"{what}: {status} {data!r}")
    return data


_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


def _select(client: imaplib.IMAP4, mailbox: str) -> int:
    _ok(client.select(_quoted(mailbox)), f"SELECT {mailbox}")
    _name, data = client.response("UIDVALIDITY")
    for item in data:
        if isinstance(item, bytes) and item.isdigit():
            return int(item)
    # Not in the SELECT answer: ask for it.
    for item in _ok(client.status(_quoted(mailbox), "(UIDVALIDITY)"), "STATUS"):
        found = _UIDVALIDITY.search(item) if isinstance(item, bytes) else None
        if found:
            return int(found.group(1))
    raise MailboxError(f"{mailbox}: the server gave no UIDVALIDITY")


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uids_after(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    data = _ok(client.uid("SEARCH", "UID", f"{last_uid + 1}:*"), "UID SEARCH")
    found = {int(n) for chunk in data if isinstance(chunk, bytes) for n in chunk.split()}
    # "n:*" always names the highest UID, even when it is below n (RFC 3501 6.4.8).
    return sorted(uid for uid in found if uid > last_uid)


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes | None:
    data = _ok(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"UID FETCH {uid}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None  # expunged since the search


def imap_poll(
    config: MailboxConfig | None = None,
    *,
    dnsfunc: DnsLookup | None = None,
    connect: Callable[[MailboxConfig], imaplib.IMAP4] = _connect,
) -> PollResult:
    """One poll of the mailbox: takes every message after the cursor, exactly once."""
    config = config or MailboxConfig.from_settings()
    client = connect(config)
    result = PollResult()
    try:
        uidvalidity = _select(client, config.mailbox)
        with transaction.atomic():
            cursor, created = MailboxCursor.objects.select_for_update().get_or_create(
                mailbox=config.key, defaults={"uidvalidity": uidvalidity}
            )
            if not created and cursor.uidvalidity != uidvalidity:
                # The server renumbered the mailbox: read it again from the start; what was
                # taken before is known by its Message-ID and hash.
                audit_record(
                    actor=None,
                    action="intake.mailbox_renumbered",
                    obj=cursor,
                    payload={"was": cursor.uidvalidity, "now": uidvalidity},
                )
                cursor.uidvalidity, cursor.last_uid = uidvalidity, 0
                cursor.save(update_fields=["uidvalidity", "last_uid", "polled_at"])
        for uid in _uids_after(client, cursor.last_uid):
            raw = _fetch(client, uid)
            if raw is not None:
                intake, new = intake_message(raw, source="imap", dnsfunc=dnsfunc)
                if new:
                    result.taken.append(intake)
                else:
                    result.known += 1
            # Stored: move past it (only forward, should two polls overlap).
            # Under this numbering only: a poll that overlapped a renumbering moves nothing.
            MailboxCursor.objects.filter(
                pk=cursor.pk, uidvalidity=uidvalidity, last_uid__lt=uid
            ).update(last_uid=uid)
            result.last_uid = uid
            if raw is not None:
                try:
                    client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
                except imaplib.IMAP4.error as exc:  # the flag is a courtesy to readers
                    log.warning("mailbox %s: could not flag UID %s: %s", config.key, uid, exc)
    except imaplib.IMAP4.error as exc:
        raise MailboxError(f"{config.key}: {exc}") from exc
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return result

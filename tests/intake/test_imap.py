"""``lers intake imap`` against a real IMAP server run here (pymap, an IMAP4rev1 server in
Python, in its own process): each message of the mailbox is taken exactly once across polls,
after a crash between storing a message and moving the cursor, and after the server renumbers
the mailbox (JU-03)."""

from __future__ import annotations

import imaplib
import io
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from lers.audit.models import AuditEvent
from lers.cases.models import Case
from lers.intake.imap import MailboxConfig, MailboxError, imap_poll
from lers.intake.models import IntakeMessage, MailboxCursor
from tests.conftest import run_jobs
from tests.intake.messages import dns, message

pytestmark = [pytest.mark.django_db, pytest.mark.req("JU-03")]

USER, PASSWORD, MAILBOX = "lawenforcement", "correct horse", "Law Enforcement"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    """A fresh pymap server (in-memory mailboxes) with the law-enforcement mailbox."""
    port = _free_port()
    pymap = Path(sys.executable).with_name("pymap")
    log = (tmp_path / "pymap.log").open("wb")
    process = subprocess.Popen(
        [str(pymap), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict",
         "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = (tmp_path / "pymap.log").read_text(errors="replace")
                    raise RuntimeError(f"pymap did not start: {output}") from exc
                time.sleep(0.1)
        with _client(port) as client:
            assert client.create(f'"{MAILBOX}"')[0] == "OK"
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class _client:
    def __init__(self, port: int) -> None:
        self.imap = imaplib.IMAP4("127.0.0.1", port, timeout=10)
        self.imap.login(USER, PASSWORD)

    def __enter__(self) -> imaplib.IMAP4:
        return self.imap

    def __exit__(self, *exc: object) -> None:
        self.imap.logout()


def deliver(port: int, *raws: bytes) -> None:
    with _client(port) as client:
        for raw in raws:
            assert client.append(f'"{MAILBOX}"', None, None, raw)[0] == "OK"


def config(port: int, password: str = PASSWORD) -> MailboxConfig:
    return MailboxConfig("127.0.0.1", port, "none", USER, password, MAILBOX)


def unseen(port: int) -> list[bytes]:
    with _client(port) as client:
        client.select(f'"{MAILBOX}"', readonly=True)
        return client.uid("SEARCH", "UNSEEN")[1][0].split()


def test_each_message_is_taken_exactly_once_across_two_polls(server):
    signed = message()
    deliver(server, signed, message(subject="records please"))
    first = imap_poll(config(server), dnsfunc=dns)
    assert len(first.taken) == 2 and first.known == 0
    assert unseen(server) == []  # flagged \Seen once stored

    deliver(server, message(subject="[Standard] | MPS | MPS-2026-0200 | Evidence Collection"))
    second = imap_poll(config(server), dnsfunc=dns)
    assert len(second.taken) == 1 and second.known == 0
    assert second.last_uid > first.last_uid

    assert IntakeMessage.objects.filter(source="imap").count() == 3
    assert {m.status for m in IntakeMessage.objects.all()} == {
        IntakeMessage.Status.DONE,
        IntakeMessage.Status.QUEUED,
    }
    assert Case.objects.filter(channel=Case.Channel.EMAIL).count() == 2
    run_jobs()
    acknowledgements = [m for m in mail.outbox if "detective.li@met.police.uk" in m.to]
    assert len(acknowledgements) == 2  # one per case, none for the unreadable subject
    third = imap_poll(config(server), dnsfunc=dns)
    assert (third.taken, third.known) == ([], 0)


def test_a_poll_that_died_before_moving_the_cursor_takes_nothing_twice(server):
    deliver(server, message(), message(subject="no grammar here"))
    imap_poll(config(server), dnsfunc=dns)
    # The crash: both messages stored, the cursor never moved past them.
    MailboxCursor.objects.update(last_uid=0)
    again = imap_poll(config(server), dnsfunc=dns)
    assert again.taken == [] and again.known == 2
    assert IntakeMessage.objects.count() == 2 and Case.objects.count() == 1


def test_a_renumbered_mailbox_is_read_again_without_taking_anything_twice(server):
    deliver(server, message())
    imap_poll(config(server), dnsfunc=dns)
    MailboxCursor.objects.update(uidvalidity=1)  # the server's UIDVALIDITY is not 1 any more
    deliver(server, message(subject="[Urgent] | MPS | MPS-2026-0300 | Evidence Collection"))
    after = imap_poll(config(server), dnsfunc=dns)
    assert len(after.taken) == 1 and after.known == 1
    assert AuditEvent.objects.filter(action="intake.mailbox_renumbered").count() == 1
    assert MailboxCursor.objects.get().uidvalidity != 1


def test_wrong_credentials_are_a_clear_error_and_move_nothing(server):
    deliver(server, message())
    with pytest.raises(MailboxError, match=f"127.0.0.1:{server}"):
        imap_poll(config(server, password="wrong"), dnsfunc=dns)
    assert not MailboxCursor.objects.exists() and not IntakeMessage.objects.exists()


def test_the_command_polls_the_mailbox_of_the_settings(server, settings):
    settings.LERS_IMAP_HOST, settings.LERS_IMAP_PORT = "127.0.0.1", server
    settings.LERS_IMAP_SECURITY, settings.LERS_IMAP_MAILBOX = "none", MAILBOX
    settings.LERS_IMAP_USER, settings.LERS_IMAP_PASSWORD = USER, PASSWORD
    deliver(server, message(sign_domain=None))  # unsigned: it waits for a person
    out = io.StringIO()
    call_command("intake", "imap", stdout=out)
    assert "1 new, 0 taken before" in out.getvalue() and "DKIM none" in out.getvalue()
    out = io.StringIO()
    call_command("intake", "imap", stdout=out)
    assert "0 new, 0 taken before" in out.getvalue()
    settings.LERS_IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match=r"127\.0\.0\.1"):
        call_command("intake", "imap")
    settings.LERS_IMAP_HOST = None
    with pytest.raises(CommandError, match="LERS_IMAP_HOST is not set"):
        call_command("intake", "imap")


def test_a_poll_overtaken_by_a_renumbering_moves_the_cursor_no_further(server):
    """Another poll saw the mailbox renumbered and reset the cursor while this one was still
    reading under the old numbering: this one's UIDs must not move the new cursor."""
    deliver(server, message(), message(subject="no grammar here"))
    imap_poll(config(server), dnsfunc=dns)
    deliver(server, message(subject="[Urgent] | MPS | MPS-2026-0400 | Evidence Collection"))

    class Overtaken:
        def __init__(self, client):
            self.client = client

        def __getattr__(self, name):
            return getattr(self.client, name)

        def uid(self, command, *args):
            if command == "FETCH":
                MailboxCursor.objects.update(uidvalidity=999, last_uid=0)
            return self.client.uid(command, *args)

    from lers.intake.imap import _connect

    stale = imap_poll(config(server), dnsfunc=dns, connect=lambda c: Overtaken(_connect(c)))
    assert len(stale.taken) == 1
    cursor = MailboxCursor.objects.get()
    assert (cursor.uidvalidity, cursor.last_uid) == (999, 0)

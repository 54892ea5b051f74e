"""Law-enforcement emails for the intake tests: built with the standard library's ``email``
package and signed with a test DKIM key whose DNS lookup ``dns`` answers."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.utils import make_msgid

import dkim
from Crypto.PublicKey import RSA

SELECTOR = b"lers2026"
KEY = RSA.generate(2048)
PRIVATE = KEY.export_key()
PUBLIC_RECORD = b"v=DKIM1; k=rsa; p=" + base64.b64encode(KEY.publickey().export_key("DER"))


def dns(name, timeout=5):
    """The DKIM key lookup, answered here for every signing domain of the tests."""
    if name.startswith(SELECTOR + b"._domainkey."):
        return PUBLIC_RECORD
    return None


def message(
    *,
    sender: str = "detective.li@met.police.uk",
    subject: str = "[Urgent] | Metropolitan Police Service | MPS-2026-0142 | Evidence Collection",
    body: str = "Please provide the records of 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.",
    attachments: list[tuple[str, str, bytes]] = (),
    sign_domain: str | None = "met.police.uk",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Detective Li <{sender}>"
    msg["To"] = "lawenforcement@exchange.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="met.police.uk")
    msg.set_content(body)
    for name, kind, data in attachments:
        maintype, subtype = kind.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    raw = msg.as_bytes()
    if sign_domain is None:
        return raw
    signature = dkim.sign(
        raw,
        SELECTOR,
        sign_domain.encode(),
        PRIVATE,
        include_headers=[b"from", b"to", b"subject", b"message-id"],
    )
    return signature + raw

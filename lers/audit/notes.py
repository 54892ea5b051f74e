"""Signed checkpoints of the audit tree, as C2SP signed notes (the format of Go's checksum
database and Sigstore's transparency log, so their tools read them).

A checkpoint (c2sp.org/tlog-checkpoint) is the note body

    <origin>
    <tree size>
    <base64 root hash>
    time <RFC 3339, UTC>

followed by a blank line and one signature line (c2sp.org/signed-note): an em dash, the key's
name, and base64 of the key's 4-byte hash and the Ed25519 signature of the body. Keys are
written as that format writes them: the signer ``PRIVATE+KEY+<name>+<hash>+<base64(0x01 ||
seed)>``, the verifier ``<name>+<hash>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import struct
from dataclasses import dataclass

from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa

ED25519 = 0x01
DASH = "\u2014 "


class NoteError(ValueError):
    """A key or a note that is malformed, or a signature that does not hold."""


def _key_hash(name: str, public: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()
    return int(struct.unpack(">I", digest[:4])[0])


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError("a key name has no spaces and no '+'")
    return name


def _key_parts(name: str, hash_hex: str, encoded: str, what: str) -> tuple[str, int, bytes]:
    """The name, key hash and 32 key bytes of a key's text (``what``: signer or verifier)."""
    try:
        raw = base64.b64decode(encoded, validate=True)
        key_hash = int(hash_hex, 16)
    except ValueError:
        raise NoteError(f"the {what} key's hash or key is not hex / base64") from None
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError(f"the {what} key is not an Ed25519 key")
    return _check_name(name), key_hash, raw[1:]


@dataclass(frozen=True)
class Verifier:
    name: str
    key_hash: int
    public: bytes

    @classmethod
    def parse(cls, text: str) -> Verifier:
        parts = text.strip().split("+", 2)  # base64 may hold a "+" itself
        if len(parts) != 3:
            raise NoteError("a verifier key is <name>+<hash>+<key>")
        name, key_hash, public = _key_parts(parts[0], parts[1], parts[2], "verifier")
        if _key_hash(name, public) != key_hash:
            raise NoteError("the verifier key's hash does not match its name and key")
        return cls(name, key_hash, public)

    def __str__(self) -> str:
        key = base64.b64encode(bytes([ED25519]) + self.public).decode()
        return f"{self.name}+{self.key_hash:08x}+{key}"

    def verify(self, body: bytes, signature: bytes) -> bool:
        key = eddsa.import_public_key(self.public)
        try:
            eddsa.new(key, "rfc8032").verify(body, signature)
        except ValueError:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(_check_name(name), secrets.token_bytes(32))

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is PRIVATE+KEY+<name>+<hash>+<key>")
        name, key_hash, seed = _key_parts(parts[2], parts[3], parts[4], "signer")
        signer = cls(name, seed)
        if signer.verifier.key_hash != key_hash:
            raise NoteError("the signer key's hash does not match its name and key")
        return signer

    @property
    def _key(self) -> ECC.EccKey:
        return eddsa.import_private_key(self.seed)

    @property
    def verifier(self) -> Verifier:
        public = self._key.public_key().export_key(format="raw")
        return Verifier(self.name, _key_hash(self.name, public), public)

    def __str__(self) -> str:
        key = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_hash:08x}+{key}"

    def sign(self, body: str) -> str:
        """The signed note of ``body`` (which ends with a newline)."""
        if not body.endswith("\n") or "\n\n" in body:
            raise NoteError("a note body ends with one newline and has no blank line")
        signature = eddsa.new(self._key, "rfc8032").sign(body.encode())
        blob = struct.pack(">I", self.verifier.key_hash) + signature
        return f"{body}\n{DASH}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: dt.datetime

    def body(self) -> str:
        at = self.time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\ntime {at}\n"


def checkpoint_open(note: str, verifier: Verifier) -> Checkpoint:
    """The checkpoint in ``note``, once a signature by ``verifier`` holds on it."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("not a signed note: no blank line before the signatures")
    body += "\n"
    signed = False
    named = False
    for line in signatures.splitlines():
        if not line.startswith(DASH):
            raise NoteError("a signature line starts with an em dash")
        name, _, encoded = line[len(DASH) :].rpartition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise NoteError("a signature is not base64") from None
        if name != verifier.name or len(blob) != 68:
            continue
        named = True
        if struct.unpack(">I", blob[:4])[0] == verifier.key_hash and verifier.verify(
            body.encode(), blob[4:]
        ):
            signed = True
    if not signed:
        raise NoteError(
            "the checkpoint's signature does not hold for the key "
            f"{verifier.name}+{verifier.key_hash:08x}"
            if named
            else f"the checkpoint is not signed by {verifier.name}"
        )
    lines = body.splitlines()
    if len(lines) < 3:
        raise NoteError("a checkpoint has an origin, a size and a root hash")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except ValueError:
        raise NoteError("a checkpoint's size is decimal, its root base64") from None
    if size < 0 or len(root) != 32:
        raise NoteError("a checkpoint's root is 32 bytes")
    when = dt.datetime.fromtimestamp(0, dt.UTC)
    for extra in lines[3:]:
        if extra.startswith("time "):
            when = dt.datetime.fromisoformat(extra[5:].replace("Z", "+00:00"))
    return Checkpoint(lines[0], size, root, when)

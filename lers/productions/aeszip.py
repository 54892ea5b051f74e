"""A streaming writer of encrypted zip archives, in one of two forms:

- an AES-256 encrypted zip (WinZip AE-2, the format 7-Zip, WinZip and pyzipper read), opened
  with a passphrase the agency receives apart;
- a plain zip encrypted as a whole to the agency's age key (age-encryption.org/v1, through
  pyrage), opened with the agency's private key and nothing else.

Each member is compressed and encrypted by a thread of its own as its text is written, so the
plaintext never reaches the disk and the work runs beside the rendering (zlib, AES and HMAC
release the interpreter's lock). The encrypted members wait in spool files until ``close``
writes the archive: headers, data, central directory (ZIP64 where a size needs it). For age,
the spools are sealed under keys that live only in this process's memory, and ``close``
streams the zip, unsealed member by member, straight into the age encryption.

Members are deflated by zlib-ng (level 2: standard deflate, read by every unzip, about twice
zlib's speed at a smaller size than zlib's fastest level).

AE-2 in short: PBKDF2-HMAC-SHA1 (1,000 rounds, a 16-byte salt per member) gives the AES-256
key, the HMAC key and a 2-byte password check; the data is deflated, then AES-CTR encrypted
with a little-endian counter from 1, then authenticated by HMAC-SHA1 (10 bytes); the CRC field
is zero and the method is 99 with an extra field naming the real one.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import queue
import secrets
import shutil
import struct
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyrage
from Crypto.Cipher import AES
from Crypto.Util import Counter
from zlib_ng import zlib_ng as deflate

BLOCK = 1 << 20
SALT_BYTES = 16  # AES-256
ROUNDS = 1000
STORED, DEFLATED, AES_METHOD = 0, 8, 99
ZIP64_LIMIT = 0xFFFFFFFF


@dataclass
class Member:
    name: str
    method: int  # the real compression method
    plain_bytes: int
    sha256: str
    stored_bytes: int  # salt + check + ciphertext + MAC
    spool: Path
    dos_time: int
    dos_date: int
    offset: int = 0
    crc32: int = 0
    # Set for a member of a plain zip: the in-memory key its spool is sealed under.
    spool_key: bytes | None = field(default=None, repr=False)

    @property
    def aes(self) -> bool:
        return self.spool_key is None


def _spool_cipher(key: bytes) -> Any:
    return AES.new(key, AES.MODE_CTR, counter=Counter.new(128, initial_value=0))


def _dos_stamp() -> tuple[int, int]:
    t = time.gmtime()
    return (
        (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
        ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday,
    )


class MemberWriter:
    """One member: ``write`` hands plaintext to the member's thread; ``close`` returns it."""

    def __init__(self, name: str, spool: Path, password: bytes | None, *, compress: bool) -> None:
        """``password``: an AE-2 member; None: a plain member, its spool sealed in memory."""
        self.name = name
        self.method = DEFLATED if compress else STORED
        self._spool = spool
        self._out = spool.open("wb")
        self._mac: hmac.HMAC | None = None
        self._spool_key: bytes | None = None
        if password is not None:
            salt = secrets.token_bytes(SALT_BYTES)
            keys = hashlib.pbkdf2_hmac("sha1", password, salt, ROUNDS, dklen=66)
            self._cipher = AES.new(
                keys[:32],
                AES.MODE_CTR,
                counter=Counter.new(128, initial_value=1, little_endian=True),
            )
            self._mac = hmac.new(keys[32:64], digestmod="sha1")
            self._out.write(salt + keys[64:66])
            self._stored = SALT_BYTES + 2
        else:
            self._spool_key = secrets.token_bytes(32)
            self._cipher = _spool_cipher(self._spool_key)
            self._stored = 0
        self._deflate = deflate.compressobj(2, deflate.DEFLATED, -15) if compress else None
        self._digest = hashlib.sha256()
        self._crc = 0
        self._plain = 0
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"aeszip-{name}", daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        if data:
            self._queue.put(data)

    def _emit(self, data: bytes) -> None:
        if data:
            encrypted = self._cipher.encrypt(data)
            if self._mac is not None:
                self._mac.update(encrypted)
            self._out.write(encrypted)
            self._stored += len(encrypted)

    def _run(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                self._digest.update(data)
                if self._spool_key is not None:  # a plain zip member carries its CRC
                    self._crc = zlib.crc32(data, self._crc)
                self._plain += len(data)
                self._emit(self._deflate.compress(data) if self._deflate else data)
        except BaseException as exc:  # reported to the writer at its next call
            self._error = exc
            while self._queue.get() is not None:
                pass

    def close(self) -> Member:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            self._out.close()
            raise self._error
        if self._deflate is not None:
            self._emit(self._deflate.flush())
        if self._mac is not None:
            self._out.write(self._mac.digest()[:10])
            self._stored += 10
        self._out.close()
        dos_time, dos_date = _dos_stamp()
        return Member(
            name=self.name,
            method=self.method,
            plain_bytes=self._plain,
            sha256=self._digest.hexdigest(),
            stored_bytes=self._stored,
            spool=self._spool,
            dos_time=dos_time,
            dos_date=dos_date,
            crc32=self._crc,
            spool_key=self._spool_key,
        )


class _Counted:
    """A write-only stream that counts what passes (a pipe cannot tell its position)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.count = 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.count += len(data)
        return len(data)

    def tell(self) -> int:
        return self.count


class MemberFile(io.RawIOBase):
    """A member as a write-only, unseekable file (for zipfile, fpdf2 and the like)."""

    def __init__(self, member: MemberWriter) -> None:
        self.member = member

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.member.write(chunk)
        return len(chunk)


class AesZipWriter:
    """``member(name)`` opens a member to write, ``finish`` closes it; ``close()`` writes the
    archive. Members are closed in the order they were opened.

    With ``passphrase`` the archive is an AES-256 zip; with ``age_recipient`` (``age1…``) a
    plain zip encrypted as a whole to that key."""

    def __init__(
        self, path: Path, passphrase: str | None = None, *, age_recipient: str | None = None
    ) -> None:
        if (passphrase is None) == (age_recipient is None):
            raise ValueError("encrypt with a passphrase or to an age recipient, one of them")
        self.path = path
        self._password = passphrase.encode("utf-8") if passphrase is not None else None
        self._recipient = pyrage.x25519.Recipient.from_str(age_recipient) if age_recipient else None
        self._spool = Path(tempfile.mkdtemp(prefix="lers-aeszip-", dir=path.parent))
        self._open: list[MemberWriter] = []
        self.members: list[Member] = []

    def member(self, name: str, *, compress: bool = True) -> MemberWriter:
        writer = MemberWriter(
            name, self._spool / f"{len(self._open)}.part", self._password, compress=compress
        )
        self._open.append(writer)
        return writer

    def finish(self, writer: MemberWriter) -> Member:
        member = writer.close()
        self.members.append(member)
        return member

    def close(self) -> str:
        """Writes the archive; returns its SHA-256."""
        try:
            with self.path.open("wb") as out:
                if self._recipient is None:
                    self._write_zip(out)
                else:
                    self._write_age(out)
        finally:
            shutil.rmtree(self._spool, ignore_errors=True)
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(BLOCK), b""):
                digest.update(block)
        return digest.hexdigest()

    def _write_zip(self, out: Any) -> None:
        for member in self.members:
            member.offset = out.tell()
            out.write(self._local_header(member))
            with member.spool.open("rb") as data:
                if member.spool_key is None:
                    shutil.copyfileobj(data, out, BLOCK)
                else:
                    cipher = _spool_cipher(member.spool_key)
                    for block in iter(lambda: data.read(BLOCK), b""):
                        out.write(cipher.decrypt(block))
        directory = out.tell()
        for member in self.members:
            out.write(self._central_header(member))
        self._end(out, directory, out.tell() - directory)

    def _write_age(self, out: BinaryIO) -> None:
        """The zip goes through a pipe into age's encryption, which writes ``out``: the zip
        itself exists only in flight."""
        read_fd, write_fd = os.pipe()
        failure: list[BaseException] = []

        def encrypt() -> None:
            with os.fdopen(read_fd, "rb") as source:
                try:
                    pyrage.encrypt_io(source, out, [self._recipient])
                except BaseException as exc:
                    failure.append(exc)
                    while source.read(BLOCK):  # let the writer finish, then report
                        pass

        thread = threading.Thread(target=encrypt, name="aeszip-age", daemon=True)
        thread.start()
        try:
            with os.fdopen(write_fd, "wb") as sink:
                self._write_zip(_Counted(sink))  # type: ignore[arg-type]
        finally:
            thread.join()
        if failure:
            raise failure[0]

    def abort(self) -> None:
        for writer in self._open:
            with contextlib.suppress(BaseException):  # the spool goes anyway
                writer.close()
        shutil.rmtree(self._spool, ignore_errors=True)

    @staticmethod
    def _aes_extra(member: Member) -> bytes:
        # vendor version 2 (AE-2), vendor "AE", strength 3 (AES-256), the real method
        return struct.pack("<HHH2sBH", 0x9901, 7, 2, b"AE", 3, member.method)

    @staticmethod
    def _zip64(*values: int) -> bytes:
        if not values:
            return b""
        return struct.pack("<HH", 0x0001, 8 * len(values)) + b"".join(
            struct.pack("<Q", v) for v in values
        )

    @staticmethod
    def _form(member: Member) -> tuple[int, int, int, bytes]:
        """Version needed, flags, method and extra field: AE-2, or a plain member."""
        if member.aes:  # encrypted, UTF-8 name; AE-2 has no CRC
            return 51, 0x0801, AES_METHOD, AesZipWriter._aes_extra(member)
        return 20, 0x0800, member.method, b""

    def _local_header(self, member: Member) -> bytes:
        name = member.name.encode("utf-8")
        big = member.plain_bytes >= ZIP64_LIMIT or member.stored_bytes >= ZIP64_LIMIT
        version, flags, method, form_extra = self._form(member)
        extra = (self._zip64(member.plain_bytes, member.stored_bytes) if big else b"") + (
            form_extra
        )
        return (
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                45 if big else version,
                flags,
                method,
                member.dos_time,
                member.dos_date,
                0 if member.aes else member.crc32,
                ZIP64_LIMIT if big else member.stored_bytes,
                ZIP64_LIMIT if big else member.plain_bytes,
                len(name),
                len(extra),
            )
            + name
            + extra
        )

    def _central_header(self, member: Member) -> bytes:
        name = member.name.encode("utf-8")
        wide = []
        plain = member.plain_bytes
        stored = member.stored_bytes
        offset = member.offset
        if plain >= ZIP64_LIMIT:
            wide.append(plain)
            plain = ZIP64_LIMIT
        if stored >= ZIP64_LIMIT:
            wide.append(stored)
            stored = ZIP64_LIMIT
        if offset >= ZIP64_LIMIT:
            wide.append(offset)
            offset = ZIP64_LIMIT
        version, flags, method, form_extra = self._form(member)
        extra = self._zip64(*wide) + form_extra
        return (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | 51,  # made by Unix, spec 5.1
                max(version, 45) if wide else version,
                flags,
                method,
                member.dos_time,
                member.dos_date,
                0 if member.aes else member.crc32,
                stored,
                plain,
                len(name),
                len(extra),
                0,
                0,
                0,
                0o100644 << 16,
                offset,
            )
            + name
            + extra
        )

    def _end(self, out: BinaryIO, directory: int, size: int) -> None:
        count = len(self.members)
        if directory >= ZIP64_LIMIT or count >= 0xFFFF:
            record = out.tell()
            out.write(
                struct.pack(
                    "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, directory
                )
            )
            out.write(struct.pack("<IIQI", 0x07064B50, 0, record, 1))
            count, size, directory = 0xFFFF, min(size, ZIP64_LIMIT), ZIP64_LIMIT
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, directory, 0))

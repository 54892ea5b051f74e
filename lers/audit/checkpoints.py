"""Signed checkpoints of the audit trail, kept outside the database (issue 19).

The hash chain (``chain.py``) proves that no event was edited, dropped or swapped — unless the
person who did it also rewound the head or recomputed every later link (they can, with
write access and without the chain key, or with a key that leaked). What they cannot do is
change what was already signed elsewhere: every checkpoint is the size and the Merkle root
(``merkle.py``) of the events at a moment, signed with an Ed25519 key the database never
sees, written to a directory the database's owner cannot rewrite (a different machine, a
bucket with object lock), beside the leaf hashes it covers (so that a later difference is
named by its event, not only noticed). ``checkpoint_check`` tells whether today's trail
extends the latest checkpoint: by a consistency proof, as Certificate Transparency does.

The leaf of event n is SHA-256(0x00 || its canonical JSON): the content, whatever the chain's
key, so recomputing the links changes nothing the checkpoints hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lers.audit.chain import ROW_FIELDS, canonical_row
from lers.audit.merkle import (
    ProofError,
    Tree,
    consistency_proof,
    leaf_hash,
    root,
    verify_consistency,
)
from lers.audit.models import AuditEvent, AuditHead
from lers.audit.notes import Checkpoint, NoteError, Signer, Verifier, checkpoint_open
from lers.audit.proofs import proof_bundle
from lers.audit.verify import Verdict, verify_chain

LEAVES = "leaves.bin"  # the leaf hashes of every event checkpointed, 32 bytes each


class CheckpointError(RuntimeError):
    """A checkpoint cannot be made (no key, or a trail that no longer matches the signed)."""


def signer() -> Signer | None:
    text = settings.LERS_AUDIT_SIGNING_KEY
    return Signer.parse(text) if text else None


def verifier() -> Verifier | None:
    """The key checkpoints are checked with: the configured one, else the signing key's."""
    text = settings.LERS_AUDIT_VERIFIER_KEY
    if text:
        return Verifier.parse(text)
    own = signer()
    return own.verifier if own is not None else None


def origin() -> str:
    return settings.LERS_AUDIT_ORIGIN or f"{urlsplit(settings.LERS_BASE_URL).netloc}/audit"


def _directory() -> Path:
    return Path(settings.LERS_AUDIT_CHECKPOINT_DIR)


def _bodies(rows: QuerySet[AuditEvent]) -> Iterator[tuple[int, bytes]]:
    """(seq, canonical JSON) of the events, in sequence order, streamed."""
    for row in rows.order_by("seq").values_list(*ROW_FIELDS).iterator(chunk_size=5000):
        yield row[0], canonical_row(row)


def event_leaves(up_to: int | None = None) -> list[bytes]:
    """The leaf hashes of the events #1..up_to (all by default), in sequence order."""
    rows = AuditEvent.objects.all()
    if up_to is not None:
        rows = rows.filter(seq__lte=up_to)
    return [leaf_hash(body) for _seq, body in _bodies(rows)]


def _stored_leaves(directory: Path) -> list[bytes]:
    path = directory / LEAVES
    if not path.exists():
        return []
    data = path.read_bytes()
    return [data[i : i + 32] for i in range(0, len(data) - len(data) % 32, 32)]


def _first_difference(old: list[bytes], new: list[bytes]) -> int | None:
    for index, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            return index
    return None


def checkpoint_make(*, now: dt.datetime | None = None) -> Path:
    """Sign the current tree and write the checkpoint (and the new leaves) to the directory.
    Refused when the trail no longer matches what earlier checkpoints signed: that is a
    tamper to report (``lers audit verify``), not a history to sign again."""
    key = signer()
    if key is None:
        raise CheckpointError(
            "no signing key: set LERS_AUDIT_SIGNING_KEY (lers audit keygen makes one)"
        )
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    leaves = event_leaves(head)
    stored = _stored_leaves(directory)
    if len(stored) > len(leaves):
        raise CheckpointError(
            f"the trail holds {len(leaves)} events but {len(stored)} were checkpointed: "
            "run lers audit verify"
        )
    changed = _first_difference(stored, leaves)
    if changed is not None:
        raise CheckpointError(
            f"event #{changed + 1} is not the one checkpointed: run lers audit verify"
        )
    with (directory / LEAVES).open("ab") as out:
        out.write(b"".join(leaves[len(stored) :]))
    point = Checkpoint(origin(), len(leaves), root(leaves), now or timezone.now())
    path = directory / f"checkpoint-{point.size:012d}-{point.time:%Y%m%dT%H%M%S}.txt"
    path.write_text(key.sign(point.body()), encoding="utf-8")
    return path


@dataclass(frozen=True)
class CheckpointCheck:
    ok: bool
    message: str
    checkpoint: Checkpoint | None = None
    path: Path | None = None
    first_bad_seq: int | None = None


def latest_checkpoint_path(directory: Path | None = None) -> Path | None:
    found = sorted((directory or _directory()).glob("checkpoint-*.txt"))
    return found[-1] if found else None


def checkpoint_check() -> CheckpointCheck | None:
    """Whether today's trail extends the latest checkpoint (None: no key or no checkpoint
    to check against)."""
    key = verifier()
    path = latest_checkpoint_path()
    if key is None or path is None:
        return None
    try:
        point = checkpoint_open(path.read_text(encoding="utf-8"), key)
    except (NoteError, OSError, UnicodeDecodeError) as exc:
        return CheckpointCheck(
            False,
            _("checkpoint %(file)s: %(error)s") % {"file": path.name, "error": exc},
            path=path,
        )
    trusted = _("checkpoint of %(size)d events signed %(at)s UTC by %(key)s") % {
        "size": point.size,
        "at": f"{point.time:%Y-%m-%d %H:%M}",
        "key": f"{key.name}+{key.key_hash:08x}",
    }
    if point.origin != origin():
        message = _("the %(checkpoint)s is of another trail (%(origin)s)")
        return CheckpointCheck(
            False, message % {"checkpoint": trusted, "origin": point.origin}, point, path
        )
    leaves = event_leaves()
    if len(leaves) < point.size:
        message = _(
            "the trail holds %(held)d events but the %(checkpoint)s covers %(size)d: events "
            "#%(first)d to #%(size)d are gone (the head was rewound)"
        )
        held = {"held": len(leaves), "checkpoint": trusted, "size": point.size}
        return CheckpointCheck(
            False, message % {**held, "first": len(leaves) + 1}, point, path, len(leaves) + 1
        )
    consistent = _("consistent with the %(checkpoint)s") % {"checkpoint": trusted}
    if point.size == 0:
        return CheckpointCheck(True, consistent, point, path)
    current = root(leaves)
    try:
        verify_consistency(
            point.size, len(leaves), point.root, current, consistency_proof(point.size, leaves)
        )
    except ProofError:
        stored = _stored_leaves(path.parent)[: point.size]
        changed = (
            _first_difference(stored, leaves)
            if len(stored) == point.size and root(stored) == point.root
            else None
        )
        where = (
            _("event #%(seq)d is not the event it signed") % {"seq": changed + 1}
            if changed is not None
            else _("an event it signed was changed (its leaf file cannot say which)")
        )
        message = _("the trail does not extend the %(checkpoint)s: %(where)s")
        return CheckpointCheck(
            False,
            message % {"checkpoint": trusted, "where": where},
            point,
            path,
            changed + 1 if changed is not None else None,
        )
    return CheckpointCheck(True, consistent, point, path)


def case_proof(case_ref: str, *, actions: Collection[str] | None = None) -> bytes:
    """The audit events of a case (those of ``actions`` only, when given) with their
    inclusion proofs against a checkpoint signed now (what a production carries, and ``lers
    audit prove`` prints)."""
    path = checkpoint_make()
    note = path.read_text(encoding="utf-8")
    key = signer()
    assert key is not None  # checkpoint_make refused otherwise
    point = checkpoint_open(note, key.verifier)
    leaves = event_leaves(point.size)
    tree = Tree(leaves)
    rows = AuditEvent.objects.filter(case_ref=case_ref, seq__lte=point.size)
    if actions is not None:
        rows = rows.filter(action__in=list(actions))
    events = [(seq, body, tree.proof(seq - 1)) for seq, body in _bodies(rows)]
    return proof_bundle(note, events)


@dataclass(frozen=True)
class TrailStatus:
    """What the auditor's page shows: the trail's size, the latest checkpoint (its signature
    checked), and, when asked, the whole verification."""

    events: int
    verifier: str  # the key checkpoints are checked with ("" when none is set)
    latest: Checkpoint | None
    latest_error: str
    age: dt.timedelta | None
    chain: Verdict | None  # None: not run
    check: CheckpointCheck | None


def trail_status(*, verify: bool = False) -> TrailStatus:
    key = verifier()
    path = latest_checkpoint_path()
    latest: Checkpoint | None = None
    error = ""
    if key is not None and path is not None:
        try:
            latest = checkpoint_open(path.read_text(encoding="utf-8"), key)
        except (NoteError, OSError, UnicodeDecodeError) as exc:
            error = str(exc)
    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    return TrailStatus(
        events=head,
        verifier=str(key) if key is not None else "",
        latest=latest,
        latest_error=error,
        age=timezone.now() - latest.time if latest is not None else None,
        chain=verify_chain() if verify else None,
        check=checkpoint_check() if verify else None,
    )

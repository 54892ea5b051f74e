"""Proofs an agency can check offline: the audit events of its case, each with its inclusion
proof against a signed checkpoint of the whole trail (issue 19).

A bundle is JSON::

    {"format": "lers-audit-proof/1",
     "checkpoint": "<the signed note, as lers wrote it>",
     "events": [{"seq": 12, "event": "<the event's canonical JSON>",
                 "proof": ["<base64 hash>", ...]}, ...]}

To check it (``proof_check``; docs/audit-proofs.md has it in ten lines for any language):
verify the note's Ed25519 signature with the exchange's published verifier key, read the
tree size N and root R from it; for each event, h = SHA-256(0x00 || event bytes), then for
each hash p of its proof go up the path of leaf seq-1 in a tree of N leaves (RFC 9162
section 2.1.3.2) and compare the result with R.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from lers.audit.merkle import ProofError, leaf_hash, verify_inclusion
from lers.audit.notes import Checkpoint, NoteError, Verifier, checkpoint_open

FORMAT = "lers-audit-proof/1"


@dataclass(frozen=True)
class CheckedProof:
    checkpoint: Checkpoint
    events: list[dict[str, Any]]  # the events, as their canonical JSON says


def proof_bundle(note: str, events: list[tuple[int, bytes, list[bytes]]]) -> bytes:
    """The bundle of (seq, canonical JSON, inclusion proof) under the signed ``note``."""
    document = {
        "format": FORMAT,
        "checkpoint": note,
        "events": [
            {
                "seq": seq,
                "event": body.decode("utf-8"),
                "proof": [base64.b64encode(p).decode() for p in proof],
            }
            for seq, body, proof in events
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def proof_check(data: bytes, verifier: Verifier) -> CheckedProof:
    """Every event of the bundle, once its proof holds against the checkpoint signed by
    ``verifier``; raises ProofError or NoteError on the first that does not."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ProofError("not a proof bundle (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProofError(f"not a proof bundle ({FORMAT})")
    point = checkpoint_open(str(document.get("checkpoint", "")), verifier)
    events = []
    for item in document.get("events", []):
        try:
            seq = int(item["seq"])
            body = str(item["event"]).encode("utf-8")
            proof = [base64.b64decode(p, validate=True) for p in item["proof"]]
        except (KeyError, TypeError, ValueError):
            raise ProofError("an event of the bundle is malformed") from None
        # Only the one spelling of each hash: a base64 string whose unused bits differ
        # decodes alike, and a changed character must never pass.
        if [base64.b64encode(p).decode() for p in proof] != list(item["proof"]):
            raise ProofError(f"event #{seq}: a hash of its proof is not in canonical base64")
        try:
            verify_inclusion(seq - 1, point.size, leaf_hash(body), proof, point.root)
        except ProofError as exc:
            raise ProofError(f"event #{seq}: {exc}") from None
        event = json.loads(body)
        if event.get("seq") != seq:
            raise ProofError(f"event #{seq} says it is #{event.get('seq')}")
        events.append(event)
    return CheckedProof(point, events)


__all__ = ["CheckedProof", "NoteError", "ProofError", "proof_bundle", "proof_check"]

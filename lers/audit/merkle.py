"""A Merkle tree over the audit events, as Certificate Transparency hashes one (RFC 6962 §2.1,
RFC 9162 §2.1): leaves SHA-256(0x00 || data), nodes SHA-256(0x01 || left || right), the tree
of n leaves split at the largest power of two below n. With a signed checkpoint of its size
and root kept outside the database, an inclusion proof shows that an event is in the tree
and a consistency proof that today's tree extends the one that was signed.

Pure Python, no Django: an agency can check a proof with this file alone (or with the ten
lines of ``verify_inclusion`` written in any language).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not prove what it claims."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH of the leaf hashes (already ``leaf_hash``ed), without recursion: subtrees of the
    sizes of n's binary digits, largest first, folded from the right."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    # Perfect subtrees of 2^k leaves, in order: e.g. 13 = 8 + 4 + 1.
    peaks: list[bytes] = []
    start = 0
    for bit in reversed(range(n.bit_length())):
        size = 1 << bit
        if n & size:
            level = list(leaves[start : start + size])
            while len(level) > 1:
                level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
            peaks.append(level[0])
            start += size
    result = peaks[-1]
    for peak in reversed(peaks[:-1]):
        result = node_hash(peak, result)
    return result


class Tree:
    """Every level of the tree of ``leaves``, kept for many proofs: RFC 6962's tree is the
    one where a level's last node, when it has no pair, goes up unchanged. A proof (RFC 9162
    section 2.1.3.1) is then a walk up the levels: log n steps, no subtree recomputed."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.levels: list[list[bytes]] = [list(leaves)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            if len(below) % 2:
                above.append(below[-1])
            self.levels.append(above)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    @property
    def root(self) -> bytes:
        return self.levels[-1][0] if self.size else EMPTY_ROOT

    def proof(self, index: int) -> list[bytes]:
        if not 0 <= index < self.size:
            raise ValueError(f"leaf {index} is not in a tree of {self.size}")
        path = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            index >>= 1
        return path


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raises ProofError unless ``leaf`` (a leaf hash) is leaf ``index``
    of the tree of ``size`` leaves whose root is ``expected_root``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} cannot be in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    if r != expected_root:
        raise ProofError("the path does not lead to the signed root")


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``old_size`` leaves is a prefix of the tree of
    all ``leaves`` (RFC 9162 §2.1.4.1)."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError(f"no consistency proof from {old_size} to {n}")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: raises ProofError unless the tree of ``new_size`` leaves with root
    ``new_root`` extends the tree of ``old_size`` leaves with root ``old_root``."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency from {old_size} to {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("a proof between equal sizes is empty")
        if old_root != new_root:
            raise ProofError("the same size with another root")
        return
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    if not path:
        raise ProofError("an empty proof")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    if fr != old_root:
        raise ProofError("the proof does not lead to the signed (older) root")
    if sr != new_root:
        raise ProofError("the proof does not lead to the current root")

"""Signed checkpoints of the audit trail (issue 19): a Merkle tree over the events as RFC 6962
hashes it, Ed25519 signed notes kept outside the database, and a verify that catches what the
hash chain alone cannot — a tail cut off with its head rewound, every link recomputed after an
edit (with or without the chain key) — and a forged checkpoint or a replaced key."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from lers.audit.chain import GENESIS, ROW_FIELDS, canonical_row, chain_key, link
from lers.audit.checkpoints import (
    CheckpointError,
    case_proof,
    checkpoint_check,
    checkpoint_make,
    latest_checkpoint_path,
)
from lers.audit.merkle import (
    ProofError,
    Tree,
    consistency_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from lers.audit.models import AuditEvent
from lers.audit.notes import Checkpoint, NoteError, Signer, Verifier, checkpoint_open
from lers.audit.proofs import proof_check
from lers.audit.services import audit_record
from lers.audit.verify import verify_chain
from tests.audit.test_chain import HEAD, TABLE, _tamper

pytestmark = [pytest.mark.req("X-07")]

# RFC 6962's test inputs and the roots of their first n leaves (as Certificate Transparency's
# reference implementations test them).
INPUTS = [
    b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70)),
]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_the_tree_hashes_as_rfc_6962_does():
    leaves = [leaf_hash(d) for d in INPUTS]
    assert [root(leaves[:n]).hex() for n in range(1, 9)] == ROOTS


LEAVES = [leaf_hash(bytes([n])) for n in range(33)]


def test_every_inclusion_proof_verifies_and_no_altered_one_does():
    for size in range(1, len(LEAVES) + 1):
        tree = Tree(LEAVES[:size])
        top = tree.root
        assert top == root(LEAVES[:size])
        for index in range(size):
            proof = tree.proof(index)
            verify_inclusion(index, size, LEAVES[index], proof, top)
            with pytest.raises(ProofError):
                verify_inclusion(index, size, leaf_hash(b"another"), proof, top)
            if proof:
                bent = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, LEAVES[index], bent, top)
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, LEAVES[index], proof[:-1], top)


def test_every_consistency_proof_verifies_and_a_rewritten_history_does_not():
    for new in range(1, len(LEAVES) + 1):
        new_root = root(LEAVES[:new])
        for old in range(1, new + 1):
            old_root = root(LEAVES[:old])
            proof = consistency_proof(old, LEAVES[:new])
            verify_consistency(old, new, old_root, new_root, proof)
            rewritten = [leaf_hash(b"edited"), *LEAVES[1:new]]
            if old < new:
                with pytest.raises(ProofError):
                    verify_consistency(
                        old, new, old_root, root(rewritten), consistency_proof(old, rewritten)
                    )


def test_keys_and_notes_are_c2sp_signed_notes():
    key = Signer.generate("lers.example/audit")
    assert str(key).startswith("PRIVATE+KEY+lers.example/audit+")
    assert Signer.parse(str(key)).seed == key.seed
    for _ in range(50):  # base64 holds "+" and "/" as often as not: they parse all the same
        other = Signer.generate("lers.example/audit")
        assert Signer.parse(str(other)) == other
        assert Verifier.parse(str(other.verifier)) == other.verifier
    verifier = Verifier.parse(str(key.verifier))
    point = Checkpoint(
        "lers.example/audit", 7, b"\x01" * 32, dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
    )
    note = key.sign(point.body())
    assert note.startswith("lers.example/audit\n7\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n")
    assert "\n\n\u2014 lers.example/audit " in note
    assert checkpoint_open(note, verifier) == point
    with pytest.raises(NoteError, match="does not hold"):
        checkpoint_open(note.replace("\n7\n", "\n8\n"), verifier)
    with pytest.raises(NoteError, match="not signed by"):
        checkpoint_open(note, Signer.generate("someone.else").verifier)
    impostor = Signer.generate("lers.example/audit")  # same name, another key
    with pytest.raises(NoteError, match="does not hold"):
        checkpoint_open(impostor.sign(point.body()), verifier)
    with pytest.raises(NoteError):
        name, _hash, public = str(key.verifier).split("+", 2)
        Verifier.parse(f"{name}+00000000+{public}")  # a hash that is not the key's


# -- the trail against its checkpoints --------------------------------------------------------


@pytest.fixture
def signing(settings, tmp_path):
    key = Signer.generate("lers.test/audit")
    settings.LERS_AUDIT_SIGNING_KEY = str(key)
    settings.LERS_AUDIT_VERIFIER_KEY = str(key.verifier)
    settings.LERS_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return key


@pytest.fixture
def trail(db, outsider, signing):
    for number in range(5):
        audit_record(actor=outsider, action="test.event", payload={"n": number, "名": "王伟"})
    return outsider


def _more(actor, count: int = 2) -> None:
    for number in range(count):
        audit_record(actor=actor, action="test.later", payload={"n": number})


def _recompute_from(seq: int) -> None:
    """What someone with the database (and the chain key, if it leaked) does after editing
    event ``seq``: recompute every later link, and the head, so the chain verifies."""
    key = chain_key()
    rows = list(AuditEvent.objects.order_by("seq").values_list(*ROW_FIELDS))
    prev = GENESIS
    for row in rows:
        seq_, body = row[0], canonical_row(row)
        digest = link(prev, body, key)
        if seq_ >= seq:
            _tamper(
                f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, seq_]
            )
        prev = digest
    _tamper(f"UPDATE {HEAD} SET hash = %s WHERE id = 1", [prev])


def test_an_intact_trail_extends_its_checkpoint(trail):
    checkpoint_make()
    _more(trail)
    check = checkpoint_check()
    assert check is not None and check.ok and check.checkpoint.size == 5
    assert "consistent with the checkpoint of 5 events" in check.message
    assert "lers.test/audit+" in check.message  # which key it trusted
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK: 7 events, chain intact, consistent with the checkpoint of 5 events" in (
        out.getvalue()
    )


def test_a_tail_cut_off_with_its_head_rewound_is_caught(trail):
    checkpoint_make()
    third = AuditEvent.objects.get(seq=3)
    _tamper(f"DELETE FROM {TABLE} WHERE seq > 3")
    _tamper(f"UPDATE {HEAD} SET seq = 3, hash = %s WHERE id = 1", [third.hash])
    assert verify_chain().ok  # the chain alone is fooled
    check = checkpoint_check()
    assert not check.ok and check.first_bad_seq == 4
    assert "events #4 to #5 are gone" in check.message
    with pytest.raises(CommandError, match=r"BROKEN at event #4"):
        call_command("audit", "verify")
    with pytest.raises(CheckpointError):
        checkpoint_make()  # a cut trail is not signed again


@pytest.mark.parametrize("with_key", [False, True])
def test_an_edit_with_every_link_recomputed_is_caught_and_named(trail, settings, with_key):
    if with_key:
        settings.LERS_AUDIT_KEY = "a-chain-key-that-leaked-" + "k" * 20
        _recompute_from(1)  # the trail as it would be under that key
    checkpoint_make()
    _more(trail)
    _tamper(f"UPDATE {TABLE} SET payload = %s WHERE seq = 2", ['{"n": 999}'])
    _recompute_from(2)
    assert verify_chain().ok  # the chain alone is fooled
    check = checkpoint_check()
    assert not check.ok and check.first_bad_seq == 2
    assert "event #2 is not the event it signed" in check.message


def test_a_forged_checkpoint_is_caught(trail):
    path = checkpoint_make()
    path.write_text(path.read_text().replace("\n5\n", "\n4\n"))
    check = checkpoint_check()
    assert not check.ok and "does not hold" in check.message


def test_a_checkpoint_signed_with_another_key_is_not_trusted(trail, signing):
    path = checkpoint_make()
    _tamper(f"DELETE FROM {TABLE} WHERE seq > 3")
    third = AuditEvent.objects.get(seq=3)
    _tamper(f"UPDATE {HEAD} SET seq = 3, hash = %s WHERE id = 1", [third.hash])
    # The tamperer replaces the checkpoint with one of their own, of the cut trail.
    theirs = Signer.generate(signing.name)
    body = checkpoint_open(path.read_text(), signing.verifier)
    forged = Checkpoint(body.origin, 3, root([leaf_hash(b"x")] * 3), body.time)
    path.write_text(theirs.sign(forged.body()))
    check = checkpoint_check()
    assert not check.ok and "does not hold" in check.message


def test_without_a_key_verify_says_what_it_could_not_check(db, outsider, settings):
    settings.LERS_AUDIT_SIGNING_KEY = None
    settings.LERS_AUDIT_VERIFIER_KEY = None
    audit_record(actor=outsider, action="test.event", payload={})
    assert checkpoint_check() is None
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "chain intact (no verifier key to check)" in out.getvalue()
    with pytest.raises(CommandError, match="LERS_AUDIT_SIGNING_KEY"):
        call_command("audit", "checkpoint")


def test_the_commands_make_keys_and_checkpoints(trail, settings):
    out = io.StringIO()
    call_command("audit", "keygen", "lers.example/audit", stdout=out, stderr=io.StringIO())
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert Signer.parse(lines["LERS_AUDIT_SIGNING_KEY"]).verifier == Verifier.parse(
        lines["LERS_AUDIT_VERIFIER_KEY"]
    )
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    path = latest_checkpoint_path()
    assert path is not None and str(path) in out.getvalue()
    assert (path.parent / "leaves.bin").stat().st_size == 5 * 32


# -- proofs an agency checks offline ----------------------------------------------------------


def _case_trail(actor) -> None:
    for number in range(4):
        audit_record(
            actor=actor, action="test.case", case_ref="LE-2026-000042", payload={"n": number}
        )
        audit_record(actor=actor, action="test.other", case_ref="LE-2026-000043", payload={})


def test_a_cases_events_prove_their_place_in_the_signed_trail(trail, signing, tmp_path):
    _case_trail(trail)
    bundle = case_proof("LE-2026-000042")
    checked = proof_check(bundle, signing.verifier)
    assert [e["action"] for e in checked.events] == ["test.case"] * 4
    assert checked.checkpoint.size == 13
    out = io.StringIO()
    (tmp_path / "proof.json").write_bytes(bundle)
    call_command(
        "audit", "check-proof", str(tmp_path / "proof.json"), "--key", str(signing.verifier),
        stdout=out,
    )  # fmt: skip
    assert "OK: 4 events, each in the trail of 13 events" in out.getvalue()


def test_a_proof_fails_once_any_character_of_it_changes(trail, signing):
    _case_trail(trail)
    document = json.loads(case_proof("LE-2026-000042"))

    def fails(changed: dict) -> bool:
        try:
            proof_check(json.dumps(changed).encode(), signing.verifier)
        except (ProofError, NoteError):
            return True
        return False

    def other(char: str) -> str:
        return "B" if char != "B" else "C"

    event = document["events"][1]
    for i in range(len(event["event"])):
        text = event["event"]
        changed = json.loads(json.dumps(document))
        changed["events"][1]["event"] = text[:i] + other(text[i]) + text[i + 1 :]
        assert fails(changed), f"event byte {i}"
    for j, path in enumerate(event["proof"]):
        for i in range(0, 43):  # every character but base64's padding
            changed = json.loads(json.dumps(document))
            changed["events"][1]["proof"][j] = path[:i] + other(path[i]) + path[i + 1 :]
            assert fails(changed), f"proof {j} byte {i}"
    note = document["checkpoint"]
    for i in range(len(note.split("\n\n")[0])):
        changed = dict(document, checkpoint=note[:i] + other(note[i]) + note[i + 1 :])
        assert fails(changed), f"checkpoint byte {i}"
    changed = json.loads(json.dumps(document))
    changed["events"][1]["seq"] += 1
    assert fails(changed)
    with pytest.raises(NoteError):
        proof_check(json.dumps(document).encode(), Signer.generate(signing.name).verifier)


def test_the_auditors_page_shows_the_latest_checkpoint_and_verifies_on_request(
    client, trail, auditor, analyst, signing
):
    from django.urls import reverse

    client.force_login(analyst)
    assert client.get(reverse("workbench-audit")).status_code == 404  # not an auditor
    client.force_login(auditor)
    page = client.get(reverse("workbench-audit")).content.decode()
    assert "No checkpoint has been signed yet." in page
    checkpoint_make()
    _more(trail)
    page = client.get(reverse("workbench-audit")).content.decode()
    signed = AuditEvent.objects.count() - 2  # the checkpoint's, before the two later events
    assert f"Latest checkpoint: {signed} events, signed" in page
    assert str(signing.verifier) in page
    assert 'href="/audit/"' in client.get(reverse("home")).content.decode()  # in the menu
    page = client.get(reverse("workbench-audit") + "?verify=1").content.decode()
    assert "Hash chain intact" in page
    assert f"consistent with the checkpoint of {signed} events" in page
    _tamper(f"DELETE FROM {TABLE} WHERE seq > 3")
    third = AuditEvent.objects.get(seq=3)
    _tamper(f"UPDATE {HEAD} SET seq = 3, hash = %s WHERE id = 1", [third.hash])
    page = client.get(reverse("workbench-audit") + "?verify=1").content.decode()
    assert f"events #4 to #{signed} are gone" in page


def test_the_worker_signs_a_checkpoint_and_mails_it_to_the_auditors(trail, signing, settings):
    """issue 19.2: beside the directory, the auditors' mailbox keeps every checkpoint."""
    from django.core import mail

    from lers.jobs.registry import ensure_discovered, get_handler
    from tests.conftest import run_jobs

    settings.LERS_AUDIT_CHECKPOINT_EMAIL = ["auditors@exchange.example"]
    ensure_discovered()
    mail.outbox.clear()
    get_handler("audit.checkpoint").fn({})
    run_jobs()
    (message,) = mail.outbox
    assert message.to == ["auditors@exchange.example"]
    note = latest_checkpoint_path().read_text()
    assert note in message.body
    assert checkpoint_open(note, signing.verifier).size >= 5

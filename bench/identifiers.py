"""Benchmark lers.identifiers against coinaddrvalidator (the baseline named in issue 4).

Prints, for both, in the same run and on the same inputs:
- accuracy on the official vectors in ../shared/corpora/vectors (only chains the baseline knows,
  so it is not penalised for what it does not claim; ours is also shown on every chain),
- validate throughput in addresses/s,
- extract throughput in MB/s on a generated mixed corpus (letters in Chinese and English with
  addresses, emails, phones and noise). The baseline has no extractor, so it is given the
  obvious one: split into tokens and try each plausible token on every ticker it supports.

Usage: pip install -e '.[bench]' && python bench/identifiers.py [--mb 1.0]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from lers.identifiers import extract, validate

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
VECTORS = CORPORA / "vectors"
OFAC = CORPORA / "ofac"
BASELINE_TICKERS = {
    "BTC": "btc",
    "BCH": "bch",
    "LTC": "ltc",
    "DOGE": "doge",
    "DASH": "dash",
    "ZEC": "zec",
    "ETH": "eth",
    "TRX": "trx",
    "XRP": "xrp",
}

Case = tuple[str, str, bool]  # value, chain, expected well-formed


def _load(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def official_cases() -> list[Case]:
    cases: list[Case] = []
    for value, _script, meta in _load("bitcoin_key_io_valid.json")["vectors"]:
        if not meta["isPrivkey"]:
            cases.append((value, "BTC", True))
    cases += [(v[0], "BTC", False) for v in _load("bitcoin_key_io_invalid.json")["vectors"]]
    bips = _load("bip173_bip350.json")
    cases += [(v, "BTC", True) for v in bips["valid"]]
    cases += [(v, "BTC", False) for v in bips["invalid"]]
    eip = _load("eip55.json")
    cases += [(e["address"], "ETH", True) for e in eip["valid"]]
    cases += [(e["address"], "ETH", False) for e in eip["invalid"]]
    cash = _load("cashaddr.json")
    cases += [(v, "BCH", True) for v in cash["valid"]]
    cases += [(v, "BCH", False) for v in cash["draft_pr259"]["checksum_valid_payload_invalid"]]
    xrp = _load("xrp.json")
    cases += [(v, "XRP", True) for v in xrp["valid"]]
    cases += [(e["string"], "XRP", False) for e in xrp["invalid"]]
    tron = _load("tron.json")
    cases += [(e["base58"], "TRX", True) for e in tron["valid"]]
    cases += [(e["string"], "TRX", False) for e in tron["invalid"]]
    other = _load("other_chains.json")
    names = {"litecoin": "LTC", "dogecoin": "DOGE", "solana": "SOL", "ton": "TON", "monero": "XMR"}
    for section, chain in names.items():
        cases += [(e["address"], chain, True) for e in other[section]["valid"]]
        cases += [(e["string"], chain, False) for e in other[section].get("invalid", [])]
    return cases


def ours_accepts(value: str, chain: str) -> bool:
    """Well formed on the chain, any network: the vectors mix mainnet and test networks."""
    verdict = validate(value, chain=chain)
    return verdict.well_formed and chain in verdict.chains


def ours_accepts_mainnet(value: str, chain: str) -> bool:
    return validate(value, chain=chain).valid


def baseline_accepts(value: str, chain: str) -> bool:
    import coinaddrvalidator

    try:
        return bool(coinaddrvalidator.validate(BASELINE_TICKERS[chain], value.encode()).valid)
    except Exception:  # the baseline raises on many malformed inputs: count as rejected
        return False


def accuracy(
    accepts: Callable[[str, str], bool],
    cases: list[Case],
    rejects: Callable[[str, str], bool] | None = None,
) -> tuple[int, int]:
    """Valid vectors must be accepted; invalid ones rejected (``rejects`` when given: Monero's
    list has a testnet address as "invalid", meaning a mainnet wallet refuses it)."""
    rejects = rejects or (lambda v, c: not accepts(v, c))
    right = sum(
        accepts(value, chain) if expected else rejects(value, chain)
        for value, chain, expected in cases
    )
    return right, len(cases)


def per_second(fn: Callable[[], int], min_seconds: float = 1.0) -> float:
    done = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds:
        done += fn()
    return done / elapsed


def corpus(megabytes: float, addresses: list[str]) -> str:
    rng = random.Random(0)
    fillers = [
        "尊敬的交易所：我局正在侦办一起电信网络诈骗案件，请协助冻结以下账户并提供交易记录。",
        "The suspect moved funds through several wallets between 3 and 9 May 2024.",
        "Case ref ABCD-2024-000123, amount 12,000,000 USDT, see annex 2 of the letter.",
        "联系人邮箱：investigator@police.example，电话：+86 138 0013 8000。",
        "Login IP 203.0.113.5 at 10:30:15 UTC; device id 5f3c-22aa.",
    ]
    labels = ["钱包地址：", "USDT (TRC20): ", "ETH address ", "收款地址【", "wallet: ", "BTC "]
    parts: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        piece = rng.choice(fillers)
        if rng.random() < 0.6:
            piece += "\n" + rng.choice(labels) + rng.choice(addresses) + "\n"
        parts.append(piece)
        size += len(piece.encode())
    return "\n".join(parts)


_TOKEN = re.compile(r"[0-9A-Za-z:]{25,}")


def baseline_extract(text: str) -> int:
    found = 0
    for token in _TOKEN.findall(text):
        if any(baseline_accepts(token, chain) for chain in BASELINE_TICKERS):
            found += 1
    return found


def _addresses() -> list[str]:
    out: list[str] = []
    for path in sorted(OFAC.glob("sanctioned_addresses_*.json")):
        out += json.loads(path.read_text())
    return [a for a in out if validate(a).kind == "address"]


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=float, default=1.0, help="size of the extract corpus")
    args = parser.parse_args(None if argv is None else list(argv))
    try:
        import coinaddrvalidator  # noqa: F401
    except ImportError:
        raise SystemExit("the baseline is missing: pip install -e '.[bench]'") from None

    cases = official_cases()
    shared = [c for c in cases if c[1] in BASELINE_TICKERS]
    print(f"official vectors: {len(cases)} cases, {len(shared)} on chains the baseline supports")
    ours_rejects = lambda v, c: not ours_accepts_mainnet(v, c)  # noqa: E731
    for name, accepts, rejects in (
        ("lers", ours_accepts, ours_rejects),
        ("coinaddrvalidator", baseline_accepts, None),
    ):
        right, total = accuracy(accepts, shared, rejects)
        print(f"  accuracy {name:18s} {right}/{total} = {100 * right / total:.1f}%")
    right, total = accuracy(ours_accepts, cases, ours_rejects)
    print(f"  accuracy lers, all chains     {right}/{total} = {100 * right / total:.1f}%")

    addresses = _addresses()
    mainnet = [(v, c) for v, c, ok in shared if ok and validate(v, chain=c).valid]
    print(f"validate: {len(mainnet)} mainnet vector addresses, repeated for >= 1 s")
    for name, accepts in (("lers", ours_accepts), ("coinaddrvalidator", baseline_accepts)):
        rate = per_second(lambda a=accepts: sum(1 for v, c in mainnet if a(v, c) or True))
        print(f"  {name:18s} {rate:12,.0f} addresses/s")

    text = corpus(args.mb, addresses)
    megabytes = len(text.encode()) / 1_000_000
    print(f"extract: {megabytes:.2f} MB mixed corpus ({len(addresses)} OFAC addresses sprinkled)")
    for name, run in (
        ("lers", lambda: len(extract(text, default_region="CN"))),
        ("coinaddrvalidator", lambda: baseline_extract(text)),
    ):
        start = time.perf_counter()
        count = run()
        elapsed = time.perf_counter() - start
        print(f"  {name:18s} {megabytes / elapsed:8.2f} MB/s  ({count} identifiers found)")


if __name__ == "__main__":
    main()

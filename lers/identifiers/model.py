"""Result types and the chain vocabulary shared by validate() and extract()."""

from __future__ import annotations

from dataclasses import dataclass, replace

# Kinds of identifier.
ADDRESS = "address"
TX_HASH = "tx_hash"
PRIVATE_KEY = "private_key"
MEMO = "memo"
EMAIL = "email"
PHONE = "phone"
IP = "ip"
USER_ID = "user_id"
UNKNOWN = "unknown"
KINDS = (ADDRESS, TX_HASH, PRIVATE_KEY, MEMO, EMAIL, PHONE, IP, USER_ID)

MAINNET = "mainnet"
TESTNET = "testnet"
REGTEST = "regtest"
STAGENET = "stagenet"

# An EVM address is the same 20 bytes on every EVM chain, so it is valid on all of them.
EVM_CHAINS = ("ETH", "BSC", "POLYGON", "ARB", "OP", "BASE", "AVAX", "ETC", "FTM")

# Chains whose transaction ids are 32-byte hashes written as 64 hex digits.
TX_HASH_CHAINS = ("BTC", "BCH", "BSV", "LTC", "DOGE", "DASH", "ZEC", "BTG", "TRX", "XRP", "XMR")

CHAIN_ALIASES = {
    "XBT": "BTC",
    "TRON": "TRX",
    "TRC20": "TRX",
    "ERC20": "ETH",
    "BEP20": "BSC",
    "BNB": "BSC",
    "MATIC": "POLYGON",
    "ARBITRUM": "ARB",
    "OPTIMISM": "OP",
    "SOLANA": "SOL",
    "MONERO": "XMR",
    "RIPPLE": "XRP",
    "BITCOIN": "BTC",
    "LITECOIN": "LTC",
    "DOGECOIN": "DOGE",
    "ZCASH": "ZEC",
}


def canonical_chain(chain: str) -> str:
    upper = chain.strip().upper()
    return CHAIN_ALIASES.get(upper, upper)


@dataclass(frozen=True)
class Verdict:
    """What one string is: valid means well formed *and* usable on a main network."""

    kind: str
    value: str
    normalised: str
    chains: tuple[str, ...]
    valid: bool
    reason: str = ""
    network: str | None = None
    format: str = ""
    # Encoding and checksum are right, whatever the network (a testnet address is well formed).
    well_formed: bool = False
    # Destination tag, memo or payment id carried inside the identifier (X-address, Monero).
    tag: str | None = None
    notes: tuple[str, ...] = ()

    def narrowed_to(self, chain: str) -> Verdict:
        """The verdict as seen by a caller who expects ``chain``."""
        if chain in self.chains:
            return self if self.chains == (chain,) else replace(self, chains=(chain,))
        if self.well_formed and self.chains:
            on = ", ".join(self.chains)
            return replace(self, valid=False, reason=f"valid on {on}, not on {chain}")
        if self.well_formed:
            return replace(self, valid=False, reason=f"a valid {self.kind}, not a {chain} address")
        return self


def invalid(
    kind: str, value: str, reason: str, format_: str = "", chains: tuple[str, ...] = ()
) -> Verdict:
    return Verdict(kind, value, value, chains, False, reason, None, format_)


@dataclass(frozen=True)
class Found:
    """An identifier located in text; ``span`` indexes the original, unnormalised text."""

    kind: str
    text: str
    span: tuple[int, int]
    normalised: str
    chains: tuple[str, ...]
    valid: bool
    reason: str = ""
    network: str | None = None
    format: str = ""
    tag: str | None = None
    label: str | None = None

    @classmethod
    def from_verdict(cls, verdict: Verdict, text: str, span: tuple[int, int]) -> Found:
        return cls(
            kind=verdict.kind,
            text=text,
            span=span,
            normalised=verdict.normalised,
            chains=verdict.chains,
            valid=verdict.valid,
            reason=verdict.reason,
            network=verdict.network,
            format=verdict.format,
            tag=verdict.tag,
        )

    def labelled(self, label: str) -> Found:
        """The same identifier with the words that introduce it (dataclasses.replace, spelt
        out: extract labels thousands)."""
        return Found(
            self.kind, self.text, self.span, self.normalised, self.chains, self.valid,
            self.reason, self.network, self.format, self.tag, label,
        )  # fmt: skip


@dataclass(frozen=True)
class Hints:
    """What the caller knows about the text: the agency's country (phones written without a
    country code), the exchange's user-id pattern and the name it gives its user IDs (from its
    policy profile: "Ju.com UID")."""

    default_region: str | None = None
    uid_pattern: str | None = None
    uid_label: str | None = None

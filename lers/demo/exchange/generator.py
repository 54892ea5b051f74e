"""The users and everything they did, generated in parallel-safe batches."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from lers.demo.exchange.encodings import (
    _btc,
    _digest,
    _eip55,
    _external_address,
    _ltc,
    _mix,
    _solana,
    _tron,
    _txid,
    _xrp,
)
from lers.demo.exchange.people import (
    _CHAIN_ASSETS,
    _CHAIN_SHARE,
    _CHAIN_USE,
    _COUNTRY_CUM,
    _DAY,
    _HOUR,
    _INTERNAL_ASSETS,
    _MINUTE,
    _POOL,
    _REGISTRIES,
    _STYLES,
    _USER_AGENTS,
    CHAINS,
    COUNTRIES,
    END,
    SIGNUP_END,
    START,
    _amount,
    _date_text,
    _document,
    _email,
    _ipv4,
    _ipv6,
    _person,
)

# --- The users ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """What the rows depend on (size and seed), and how their values are rendered."""

    users: int
    seed: int
    transfers_per_user: int
    style: str = "core"


_UID_STRIDE = 53  # uids leave gaps, as a real exchange's do; 8 digits up to 1.7M users
_BLOCK = 16  # users whose transfer counts are drawn together, summing to exactly 16 x K
_ALL_CHAIN_CUM = tuple(itertools.accumulate(_CHAIN_USE[c] for c in CHAINS))


def _pick(rng: random.Random, options: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    return rng.choices(options[0], cum_weights=options[1])[0]


def _transfer_counts(seed: int, block: int, size: int, per_user: int) -> list[int]:
    """Transfers per user in one block: heavy-tailed (some users trade daily, some never),
    summing to exactly ``size * per_user`` so the totals are what was asked for."""
    rng = random.Random(_mix(seed, block, 11))
    weights = [0.0 if rng.random() < 0.15 else rng.lognormvariate(0.0, 1.0) for _ in range(size)]
    mass = sum(weights) or 1.0
    if not any(weights):
        weights = [1.0] * size
        mass = float(size)
    total = size * per_user
    shares = [total * weight / mass for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(size), key=lambda k: counts[k] - shares[k])
    for k in by_remainder[: total - sum(counts)]:
        counts[k] += 1
    return counts


class _World:
    """What any user's rows say about any other user (uid, deposit addresses, devices),
    computed from the seed and that user's index alone, without generating them."""

    def __init__(self, spec: _Spec) -> None:
        self.seed = seed = spec.seed
        self.users = spec.users
        self.offset = _mix(seed, 0, 31)  # where the bijections (tags, phones, emails) start
        self.xrp_deposit = _xrp(_digest("xrp-deposit", seed))  # shared: one tag per user
        self.hot = {
            "BTC": _btc("p2wpkh", _digest("hot", seed, "BTC")),
            "ETH": _eip55(_digest("hot", seed, "ETH")[:20]),
            "TRX": _tron(_digest("hot", seed, "TRX")),
            "XRP": _xrp(_digest("hot", seed, "XRP")),
            "LTC": _ltc("p2wpkh", _digest("hot", seed, "LTC")),
            "SOL": _solana(_digest("hot", seed, "SOL")),
        }
        self.pool = {
            chain: tuple(
                _external_address(chain, _digest("pool", seed, chain, k)) for k in range(_POOL)
            )
            for chain in CHAINS
        }
        rng = random.Random(_mix(seed, 0, 99))  # VPN and hosting exits many accounts share
        exits = max(100, spec.users // 200)
        self.vpn = tuple(_ipv4(rng, rng.choice(("arin", "ripe"))) for _ in range(exits))

    def uid(self, i: int) -> str:
        return str(10_000_000 + i * _UID_STRIDE + _mix(self.seed, i, 1) % _UID_STRIDE)

    def created(self, i: int) -> int:
        """Registration time: uids grow with it, as an exchange's sequence does."""
        return START + (SIGNUP_END - START) * i // max(self.users, 1) + _mix(self.seed, i, 2) % _DAY

    def chains(self, i: int) -> tuple[str, ...]:
        bits = _mix(self.seed, i, 3)
        chosen = tuple(
            chain
            for k, chain in enumerate(CHAINS)
            if (bits >> (10 * k)) & 1023 < _CHAIN_SHARE[chain] * 1024
        )
        return chosen or ("ETH",)

    def address_count(self, i: int, chain: str) -> int:
        """Some Bitcoin users kept the legacy address the exchange gave before it moved to
        bech32; every other chain has one address per user."""
        return 2 if chain == "BTC" and (_mix(self.seed, i, 4) >> 8) % 100 < 10 else 1

    def deposit_address(self, i: int, chain: str, k: int = 0) -> str:
        if chain == "XRP":
            return self.xrp_deposit
        digest = _digest("deposit", self.seed, i, chain, k)
        if chain == "ETH":
            return _eip55(digest[:20])
        if chain == "TRX":
            return _tron(digest)
        if chain == "SOL":
            return _solana(digest)
        formats = _mix(self.seed, i, 4)
        if chain == "BTC":
            pick = formats % 100
            kind = "p2pkh" if k or 70 <= pick < 85 else "p2sh" if pick >= 85 else "p2wpkh"
            return _btc(kind, digest)
        pick = (formats >> 16) % 100
        return _ltc("p2wpkh" if pick < 60 else "p2pkh" if pick < 85 else "p2sh", digest)

    def address_created(self, i: int, chain: str, k: int = 0) -> int:
        spread = 3 * _DAY if k else 60 * _DAY  # the legacy address came first
        return self.created(i) + _MINUTE + _mix(self.seed, i, 40 + CHAINS.index(chain)) % spread

    def memo(self, i: int) -> str:
        """The user's XRP destination tag: distinct for every user (a bijection of the index)."""
        return str(1_000_000 + (i * 2_654_435_761 + self.offset) % 3_000_000_000)

    def email_number(self, i: int) -> int:
        """The number in the user's email address; distinct for up to ten million users."""
        return (i * 2_718_281 + self.offset) % 10_000_000

    def phone_digits(self, i: int, digits: int, low: int) -> str:
        """The subscriber digits after a mobile prefix: distinct within a prefix (a bijection
        of the index) for as many users as the range has numbers."""
        return f"{low + (i * 6_180_339 + self.offset) % (10**digits - low):0{digits}d}"

    def device(self, i: int, k: int) -> tuple[str, str, str]:
        """(device id, kind, user agent) of a user's k-th device."""
        bits = _mix(self.seed, i, 20 + k)
        raw = _digest("device", self.seed, i, k)
        pick = bits % 100
        if pick < 42:
            hexa = raw[:16].hex().upper()  # iOS identifierForVendor, a UUID
            kind, ident = "ios", f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}"
        elif pick < 80:
            kind, ident = "android", raw[:8].hex()  # Android ID, 64 bits
        else:
            kind, ident = "web", raw[:16].hex()  # a browser fingerprint
        agents = _USER_AGENTS[kind]
        return ident, kind, agents[(bits >> 8) % len(agents)]

    def other(self, rng: random.Random, i: int) -> int:
        j = rng.randrange(self.users - 1)
        return j + (j >= i)

    def friend(self, i: int) -> int:
        """The one account a user keeps sending to (family, a business partner, a mule)."""
        return (i + 1 + _mix(self.seed, i, 6) % (self.users - 1)) % self.users


@cache
def _world(spec: _Spec) -> _World:
    return _World(spec)


Rows = dict[str, list[tuple[Any, ...]]]

# Column order of the generated tuples; ids are left to the database (assigned in load order).
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("uid", "email", "phone", "name", "name_local", "country", "status", "created_at"),
    "kyc": (
        "uid",
        "full_name",
        "full_name_local",
        "date_of_birth",
        "nationality",
        "document_type",
        "document_number",
        "verified_at",
    ),
    "deposit_addresses": ("uid", "chain", "address", "memo", "created_at"),
    "devices": ("device_id", "uid", "kind", "first_seen", "last_seen"),
    "logins": ("uid", "ip", "user_agent", "device_id", "at"),
    "balances": ("uid", "asset", "amount", "updated_at"),
    "deposits": (
        "uid",
        "chain",
        "asset",
        "amount",
        "txid",
        "from_address",
        "to_address",
        "memo",
        "confirmed_at",
    ),
    "withdrawals": (
        "uid",
        "chain",
        "asset",
        "amount",
        "txid",
        "to_address",
        "memo",
        "status",
        "completed_at",
    ),
    "internal_transfers": ("from_uid", "to_uid", "asset", "amount", "created_at"),
}
TRANSFER_TABLES = ("deposits", "withdrawals", "internal_transfers")


class _Generator:
    """Rows for a range of users. Each user is drawn from a random stream seeded by the build's
    seed and the user's index, so the rows do not depend on how the range is cut."""

    def __init__(self, spec: _Spec) -> None:
        self.spec = spec
        self.world = _world(_world_key(spec))
        style = _STYLES[spec.style]
        self.ts, self.date, self.amount = style.ts, style.date, style.amount
        self.rng = random.Random()
        self.rows: Rows = {name: [] for name in COLUMNS}
        self._counts: dict[int, list[int]] = {}

    def transfer_count(self, i: int) -> int:
        block, offset = divmod(i, _BLOCK)
        counts = self._counts.get(block)
        if counts is None:
            size = min(_BLOCK, self.spec.users - block * _BLOCK)
            counts = _transfer_counts(self.spec.seed, block, size, self.spec.transfers_per_user)
            self._counts[block] = counts
        return counts[offset]

    def user(self, i: int) -> None:
        world, rng, ts = self.world, self.rng, self.ts
        rng.seed(_mix(world.seed, i, 7))
        uid, created = world.uid(i), world.created(i)
        country = rng.choices(COUNTRIES, cum_weights=_COUNTRY_CUM)[0]
        name, local, given, family = _person(rng, country)
        email = _email(rng, world.email_number(i), given, family, country.mail)
        prefix, digits, low = rng.choice(country.phones)
        phone = prefix + world.phone_digits(i, digits, low)
        pick = rng.random()
        status = "active" if pick < 0.96 else "frozen" if pick < 0.97 else "closed"
        self.rows["users"].append(
            (uid, email, phone, name, local, country.code, status, ts(created))
        )
        nationality = country.code
        if rng.random() < 0.1:  # living abroad
            nationality = rng.choices(COUNTRIES, cum_weights=_COUNTRY_CUM)[0].code
        birthday = created // _DAY - 18 * 366 - rng.randrange(55 * 365)
        document_type, document_number = _document(rng, nationality, _date_text(birthday))
        verified = created + rng.randrange(10 * _MINUTE, 3 * _DAY)
        self.rows["kyc"].append(
            (uid, name, local, self.date(birthday), nationality, document_type, document_number,
             ts(verified))
        )  # fmt: skip
        addresses = self._addresses(i, uid)
        self._access(i, uid, created, country.registry)
        chains = world.chains(i)
        self._balances(uid, created, chains)
        self._transfers(i, uid, created, chains, addresses)

    def _addresses(self, i: int, uid: str) -> dict[tuple[str, int], tuple[str, int]]:
        world = self.world
        memo = world.memo(i)
        addresses = {}
        for chain in world.chains(i):
            for k in range(world.address_count(i, chain)):
                address = world.deposit_address(i, chain, k)
                created = world.address_created(i, chain, k)
                addresses[chain, k] = (address, created)
                row = (uid, chain, address, memo if chain == "XRP" else None, self.ts(created))
                self.rows["deposit_addresses"].append(row)
        return addresses

    def _access(self, i: int, uid: str, created: int, registry: str) -> None:
        world, rng, ts = self.world, self.rng, self.ts
        logins = min(1 + int(rng.expovariate(1 / 3)), 40)
        pick = rng.random()
        devices = [
            world.device(i, k)
            for k in range(min(1 if pick < 0.6 else 2 if pick < 0.9 else 3, logins))
        ]
        home = [_ipv4(rng, registry) for _ in range(2 if rng.random() < 0.3 else 1)]
        if rng.random() < 0.25:
            home.append(_ipv6(rng, registry))
        first = created + rng.randrange(_MINUTE, _HOUR)  # signed in right after registering
        times = [first, *(created + rng.randrange(_HOUR, END - created) for _ in range(logins - 1))]
        times.sort()
        seen: list[list[int]] = [[] for _ in devices]
        for n, at in enumerate(times):
            k = n if n < len(devices) else rng.randrange(len(devices))
            device_id, _kind, agent = devices[k]
            if n >= len(devices) and world.users > 1 and rng.random() < 0.01:
                # Someone else's phone: multi-accounting, or a shared family device.
                device_id, _kind, agent = world.device(world.other(rng, i), 0)
            else:
                seen[k].append(at)
            pick = rng.random()
            if pick < 0.7:
                ip = home[rng.randrange(len(home))]
            elif pick < 0.88:
                ip = _ipv4(rng, registry) if rng.random() < 0.8 else _ipv6(rng, registry)
            elif pick < 0.94:
                ip = world.vpn[int(len(world.vpn) * rng.random() ** 1.5)]
            else:  # travelling
                ip = _ipv4(rng, rng.choice(_REGISTRIES))
            self.rows["logins"].append((uid, ip, agent, device_id, ts(at)))
        for (device_id, kind, _agent), stamps in zip(devices, seen, strict=True):
            self.rows["devices"].append((device_id, uid, kind, ts(min(stamps)), ts(max(stamps))))

    def _balances(self, uid: str, created: int, chains: tuple[str, ...]) -> None:
        rng = self.rng
        assets = dict.fromkeys([a for chain in chains for a in _CHAIN_ASSETS[chain][0]] + ["USDT"])
        for asset in assets:
            amount = "0" if rng.random() < 0.3 else _amount(rng, asset, 3.0)
            updated = created + rng.randrange(END - created)
            self.rows["balances"].append((uid, asset, self.amount(amount), self.ts(updated)))

    def _transfers(
        self,
        i: int,
        uid: str,
        created: int,
        chains: tuple[str, ...],
        addresses: dict[tuple[str, int], tuple[str, int]],
    ) -> None:
        world, rng, ts, amount_of = self.world, self.rng, self.ts, self.amount
        deposits, withdrawals = self.rows["deposits"], self.rows["withdrawals"]
        memo = world.memo(i)
        use = tuple(itertools.accumulate(_CHAIN_USE[chain] for chain in chains))
        wallets: dict[tuple[str, int], str] = {}

        def wallet(chain: str) -> str:
            """The user's own wallet outside the exchange (one or two per chain)."""
            key = (chain, 0 if rng.random() < 0.7 else 1)
            if key not in wallets:
                wallets[key] = _external_address(chain, _digest("wallet", world.seed, i, *key))
            return wallets[key]

        def outside(chain: str) -> str:
            """Another exchange, an OTC desk, a service: a few addresses take most traffic."""
            return world.pool[chain][int(_POOL * rng.random() ** 2)]

        def fresh(chain: str) -> str:
            return _external_address(chain, rng.getrandbits(256).to_bytes(32, "big"))

        left = self.transfer_count(i)
        span = END - created - _HOUR
        while left > 0:
            pick = rng.random()
            at = created + _HOUR + rng.randrange(span)
            if pick < 0.15 and world.users > 1:
                other = world.friend(i) if rng.random() < 0.4 else world.other(rng, i)
                asset = _pick(rng, _INTERNAL_ASSETS)
                amount = amount_of(_amount(rng, asset))
                self.rows["internal_transfers"].append(
                    (uid, world.uid(other), asset, amount, ts(at))
                )
                left -= 1
            elif pick < 0.52:
                completed = rng.random() < 0.97
                status = "completed" if completed else "failed"
                if completed and left >= 2 and world.users > 1 and rng.random() < 0.12:
                    # To another user's deposit address, on chain: the exchange sees both legs.
                    other = world.other(rng, i)
                    chain = rng.choice(world.chains(other))
                    to, tag = world.deposit_address(other, chain), None
                    if chain == "XRP":
                        tag = world.memo(other)
                    at = max(at, world.address_created(other, chain) + _HOUR)
                    asset = _pick(rng, _CHAIN_ASSETS[chain])
                    amount = amount_of(_amount(rng, asset))
                    txid = _txid(rng, chain)
                    withdrawals.append((uid, chain, asset, amount, txid, to, tag, status, ts(at)))
                    arrived = at + rng.randrange(2 * _MINUTE, 40 * _MINUTE)
                    deposits.append(
                        (world.uid(other), chain, asset, amount, txid, world.hot[chain], to, tag,
                         ts(arrived))
                    )  # fmt: skip
                    left -= 2
                    continue
                if rng.random() < 0.85:
                    chain = rng.choices(chains, cum_weights=use)[0]
                else:
                    chain = rng.choices(CHAINS, cum_weights=_ALL_CHAIN_CUM)[0]
                asset = _pick(rng, _CHAIN_ASSETS[chain])
                pick = rng.random()
                tag = None
                if pick < 0.5:
                    to = wallet(chain)
                elif pick < 0.8:
                    to = outside(chain)
                    if chain == "XRP":  # exchanges on the XRP Ledger need the tag
                        tag = str(rng.randrange(100_000, 4_000_000_000))
                else:
                    to = fresh(chain)
                amount = amount_of(_amount(rng, asset))
                txid = _txid(rng, chain)
                withdrawals.append((uid, chain, asset, amount, txid, to, tag, status, ts(at)))
                left -= 1
            else:
                chain = rng.choices(chains, cum_weights=use)[0]
                asset = _pick(rng, _CHAIN_ASSETS[chain])
                k = 1 if (chain, 1) in addresses and rng.random() < 0.3 else 0
                to, since = addresses[chain, k]
                at = max(at, since + 10 * _MINUTE)
                pick = rng.random()
                source = (
                    wallet(chain) if pick < 0.5 else outside(chain) if pick < 0.85 else fresh(chain)
                )
                amount = amount_of(_amount(rng, asset))
                txid = _txid(rng, chain)
                deposits.append(
                    (uid, chain, asset, amount, txid, source, to, memo if chain == "XRP" else None,
                     ts(at))
                )  # fmt: skip
                left -= 1


def _world_key(spec: _Spec) -> _Spec:
    """The world does not depend on how values are rendered: one per size and seed."""
    return _Spec(spec.users, spec.seed, spec.transfers_per_user)


def _generate(spec: _Spec, first: int, last: int) -> Rows:
    generator = _Generator(spec)
    for i in range(first, last):
        generator.user(i)
    return generator.rows

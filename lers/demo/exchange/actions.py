"""The ``demo`` actions adapter: the demo exchange's back office, acting on its own tables.

A real exchange restricts accounts and keeps legal holds in its own systems; the demo exchange
keeps them in tables beside its data (created on first use, so an exchange built by an older
version gains them without a rebuild). Every action is done once per idempotency key: the key
is the primary key of ``action_log``, written in the same transaction as the effect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from lers.demo.exchange.schema import users
from lers.exchange.actions import (
    HOLD,
    NOTICE,
    RELEASE_HOLD,
    RELEASE_RESTRICTION,
    RESTRICT,
    Action,
    ActionError,
    Outcome,
)

actions_metadata = sa.MetaData()
action_log = sa.Table(
    "action_log",
    actions_metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("uid", sa.String(64), nullable=False),
    sa.Column("case_reference", sa.String(40), nullable=False),
    sa.Column("reference", sa.String(100), nullable=False),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
)
account_restrictions = sa.Table(
    "account_restrictions",
    actions_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(64), nullable=False, index=True),
    sa.Column("scope", sa.String(20), nullable=False),  # account, withdrawals, assets
    sa.Column("assets", sa.String(200), nullable=False, default=""),
    sa.Column("case_reference", sa.String(40), nullable=False),
    sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
)
legal_holds = sa.Table(
    "legal_holds",
    actions_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(64), nullable=False, index=True),
    sa.Column("categories", sa.String(300), nullable=False),
    sa.Column("case_reference", sa.String(40), nullable=False),
    sa.Column("until", sa.Date, nullable=True),
    sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
)
user_notices = sa.Table(
    "user_notices",
    actions_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(64), nullable=False, index=True),
    sa.Column("case_reference", sa.String(40), nullable=False),
    sa.Column("agency_contact", sa.String(300), nullable=False, default=""),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
)


class DemoActions:
    name = "demo"

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._ready = False

    def _ensure_tables(self) -> None:
        if not self._ready:
            actions_metadata.create_all(self.engine, checkfirst=True)
            self._ready = True

    def perform(self, action: Action) -> Outcome:
        self._ensure_tables()
        try:
            with self.engine.begin() as conn:
                done = conn.execute(
                    sa.select(action_log.c.reference).where(action_log.c.key == action.key)
                ).scalar()
                if done is not None:
                    return Outcome(reference=done, repeated=True)
                now = dt.datetime.now(dt.UTC)
                reference = self._act(conn, action, now)
                conn.execute(
                    action_log.insert().values(
                        key=action.key,
                        action=action.kind,
                        uid=action.uid,
                        case_reference=action.case,
                        reference=reference,
                        done_at=now,
                    )
                )
                return Outcome(reference=reference)
        except sa.exc.IntegrityError:
            # The same key done by a concurrent call between our read and our write.
            with self.engine.connect() as conn:
                done = conn.execute(
                    sa.select(action_log.c.reference).where(action_log.c.key == action.key)
                ).scalar()
            if done is None:
                raise
            return Outcome(reference=done, repeated=True)
        except sa.exc.OperationalError as exc:
            raise ActionError(
                f"the demo exchange is unavailable: {exc.orig}", retryable=True
            ) from None

    def _act(self, conn: sa.Connection, action: Action, now: dt.datetime) -> str:
        details = action.details
        if action.kind in (RESTRICT, HOLD, NOTICE):
            exists = conn.execute(sa.select(users.c.uid).where(users.c.uid == action.uid)).first()
            if exists is None:
                raise ActionError(f"the exchange has no account {action.uid}", retryable=False)
        if action.kind == RESTRICT:
            scope = str(details["scope"])
            row_id = _insert(
                conn,
                account_restrictions,
                uid=action.uid,
                scope=scope,
                assets=",".join(details.get("assets") or ()),
                case_reference=action.case,
                placed_at=now,
            )
            if scope == "account":
                conn.execute(
                    users.update().where(users.c.uid == action.uid).values(status="frozen")
                )
            return f"restriction-{row_id}"
        if action.kind == RELEASE_RESTRICTION:
            row_id = _released(conn, account_restrictions, details.get("reference"), action, now)
            still = conn.execute(
                sa.select(account_restrictions.c.id).where(
                    account_restrictions.c.uid == action.uid,
                    account_restrictions.c.scope == "account",
                    account_restrictions.c.released_at.is_(None),
                )
            ).first()
            if still is None:
                conn.execute(
                    users.update()
                    .where(users.c.uid == action.uid, users.c.status == "frozen")
                    .values(status="active")
                )
            return f"restriction-{row_id}"
        if action.kind == HOLD and details.get("extends"):
            # An extension moves the end of the hold already in force.
            row_id = _hold_id(details["extends"])
            changed = conn.execute(
                legal_holds.update()
                .where(
                    legal_holds.c.id == row_id,
                    legal_holds.c.uid == action.uid,
                    legal_holds.c.released_at.is_(None),
                )
                .values(until=dt.date.fromisoformat(details["until"]))
            ).rowcount
            if changed != 1:
                raise ActionError(
                    f"{details['extends']} is not in force for account {action.uid}",
                    retryable=False,
                )
            return f"hold-{row_id}"
        if action.kind == HOLD:
            until = details.get("until")
            row_id = _insert(
                conn,
                legal_holds,
                uid=action.uid,
                categories=",".join(details.get("categories") or ()),
                case_reference=action.case,
                until=dt.date.fromisoformat(until) if until else None,
                placed_at=now,
            )
            return f"hold-{row_id}"
        if action.kind == RELEASE_HOLD:
            return f"hold-{_released(conn, legal_holds, details.get('reference'), action, now)}"
        row_id = _insert(
            conn,
            user_notices,
            uid=action.uid,
            case_reference=action.case,
            agency_contact=str(details.get("agency_contact") or ""),
            sent_at=now,
        )
        return f"notice-{row_id}"


def _insert(conn: sa.Connection, table: sa.Table, **values: Any) -> int:
    result = conn.execute(table.insert().values(**values))
    (row_id,) = result.inserted_primary_key or (None,)
    return int(row_id)


def _hold_id(reference: object) -> int:
    try:
        return int(str(reference).rsplit("-", 1)[1])
    except (IndexError, ValueError):
        raise ActionError(f"no such reference {reference!r}", retryable=False) from None


def _released(
    conn: sa.Connection, table: sa.Table, reference: object, action: Action, now: dt.datetime
) -> int:
    """Marks the restriction or hold ``reference`` (``restriction-12``) released."""
    try:
        row_id = int(str(reference).rsplit("-", 1)[1])
    except (IndexError, ValueError):
        raise ActionError(f"no such reference {reference!r} to release", retryable=False) from None
    changed = conn.execute(
        table.update()
        .where(table.c.id == row_id, table.c.uid == action.uid, table.c.released_at.is_(None))
        .values(released_at=now)
    ).rowcount
    if changed != 1:
        raise ActionError(f"{reference} is not in force for account {action.uid}", retryable=False)
    return row_id

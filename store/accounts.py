"""Staff accounts in the database: users, their roles, sign-in failures and facilitators' groups.

Only hashes are stored here (`access.passwords` makes them); the rules for who may sign in,
lockout and roles live in `access/`. Every function is one short transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.db import StoreError, as_utc, write_transaction
from store.schema import groups, programs, staff_groups, staff_users


@dataclass(frozen=True)
class StaffRecord:
    """One staff user as stored."""

    id: int
    username: str
    password_hash: str
    role: str
    failed_logins: int
    locked_until: dt.datetime | None
    active: bool


_COLUMNS = (
    staff_users.c.id,
    staff_users.c.username,
    staff_users.c.password_hash,
    staff_users.c.role,
    staff_users.c.failed_logins,
    staff_users.c.locked_until,
    staff_users.c.active,
)


def _record(row) -> StaffRecord:
    values = dict(row._mapping)
    values["locked_until"] = as_utc(values["locked_until"])
    values["active"] = bool(values["active"])
    return StaffRecord(**values)


def _get(connection: Connection, username: str) -> StaffRecord | None:
    row = connection.execute(sa.select(*_COLUMNS).where(staff_users.c.username == username)).first()
    return _record(row) if row else None


def _require(connection: Connection, username: str) -> StaffRecord:
    found = _get(connection, username)
    if found is None:
        raise StoreError(f"there is no staff user {username!r}")
    return found


def count_staff(engine: Engine) -> int:
    """How many staff users exist (0 on a fresh installation: the app asks for an admin)."""
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(staff_users)).scalar_one()


def get_staff(engine: Engine, username: str) -> StaffRecord | None:
    """The staff user with this username, or None."""
    with engine.connect() as connection:
        return _get(connection, username)


def add_staff(
    engine: Engine,
    username: str,
    password_hash: str,
    role: str,
    *,
    only_if_none: bool = False,
) -> int:
    """Add a staff user; returns its id.

    With `only_if_none` the user is added only when no staff user exists yet, checked in the
    same write transaction (two browsers finishing first-run setup at once cannot both win).
    """

    def work(connection: Connection) -> int:
        if only_if_none:
            existing = connection.execute(
                sa.select(sa.func.count()).select_from(staff_users)
            ).scalar_one()
            if existing:
                raise StoreError("an administrator already exists; sign in instead")
        if _get(connection, username) is not None:
            raise StoreError(f"there is already a staff user {username!r}")
        return connection.execute(
            staff_users.insert()
            .values(
                username=username,
                password_hash=password_hash,
                role=role,
                failed_logins=0,
                active=True,
                created_at=dt.datetime.now(dt.UTC),
            )
            .returning(staff_users.c.id)
        ).scalar_one()

    return write_transaction(engine, work)


def set_password_hash(engine: Engine, username: str, password_hash: str) -> None:
    """Store a new password hash and clear failures and any lockout."""

    def work(connection: Connection) -> None:
        _require(connection, username)
        connection.execute(
            staff_users.update()
            .where(staff_users.c.username == username)
            .values(password_hash=password_hash, failed_logins=0, locked_until=None)
        )

    write_transaction(engine, work)


def set_active(engine: Engine, username: str, active: bool) -> None:
    """Enable or disable a staff user (a disabled one cannot sign in)."""

    def work(connection: Connection) -> None:
        _require(connection, username)
        connection.execute(
            staff_users.update()
            .where(staff_users.c.username == username)
            .values(active=bool(active))
        )

    write_transaction(engine, work)


def record_failed_sign_in(
    engine: Engine, username: str, now: dt.datetime, max_failures: int, lock_for: dt.timedelta
) -> StaffRecord:
    """Count a wrong password; at `max_failures` in a row lock the account until now+lock_for.

    The counter starts again after a lock is set, so the next lock needs as many failures.
    Returns the user as it is afterwards.
    """

    def work(connection: Connection) -> StaffRecord:
        user = _require(connection, username)
        failures = user.failed_logins + 1
        values: dict = {"failed_logins": failures}
        if failures >= max_failures:
            values = {"failed_logins": 0, "locked_until": now + lock_for}
        connection.execute(staff_users.update().where(staff_users.c.id == user.id).values(**values))
        return _get(connection, username)

    return write_transaction(engine, work)


def record_successful_sign_in(engine: Engine, username: str) -> None:
    """Clear the failure count and lock after a correct password."""

    def work(connection: Connection) -> None:
        connection.execute(
            staff_users.update()
            .where(staff_users.c.username == username)
            .values(failed_logins=0, locked_until=None)
        )

    write_transaction(engine, work)


def link_groups(engine: Engine, username: str, group_ids: list[int]) -> None:
    """Make `group_ids` exactly the groups this staff user is linked to."""

    def work(connection: Connection) -> None:
        user = _require(connection, username)
        known = set(
            connection.execute(
                sa.select(groups.c.id).where(groups.c.id.in_([int(g) for g in group_ids]))
            ).scalars()
        )
        missing = sorted(set(int(g) for g in group_ids) - known)
        if missing:
            raise StoreError(f"there is no group with id {missing[0]}")
        connection.execute(staff_groups.delete().where(staff_groups.c.staff_user_id == user.id))
        if known:
            connection.execute(
                staff_groups.insert(),
                [{"staff_user_id": user.id, "group_id": g} for g in sorted(known)],
            )

    write_transaction(engine, work)


def group_ids_by_name(engine: Engine, names: list[str]) -> list[int]:
    """Ids of groups named ``Group`` or ``Program/Group``; StoreError for an unknown name."""
    found = []
    with engine.connect() as connection:
        for name in names:
            program, _, group = name.rpartition("/")
            query = (
                sa.select(groups.c.id)
                .select_from(groups.outerjoin(programs))
                .where(groups.c.name == group.strip())
            )
            if program:
                query = query.where(programs.c.name == program.strip())
            ids = list(connection.execute(query).scalars())
            if not ids:
                raise StoreError(f"there is no group {name!r}")
            if len(ids) > 1:
                raise StoreError(
                    f"group {name!r} exists in {len(ids)} programs; write it as PROGRAM/GROUP"
                )
            found.append(ids[0])
    return found


def linked_group_ids(engine: Engine, username: str) -> set[int]:
    """Ids of the groups this staff user is linked to (empty for unknown users)."""
    query = (
        sa.select(staff_groups.c.group_id)
        .select_from(staff_groups.join(staff_users))
        .where(staff_users.c.username == username)
    )
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def list_staff(engine: Engine) -> pd.DataFrame:
    """Staff users: username, role, active, locked_until, groups (linked group names)."""
    with engine.connect() as connection:
        users = connection.execute(
            sa.select(
                staff_users.c.id,
                staff_users.c.username,
                staff_users.c.role,
                staff_users.c.active,
                staff_users.c.locked_until,
            ).order_by(staff_users.c.username)
        ).all()
        links = connection.execute(
            sa.select(staff_groups.c.staff_user_id, groups.c.name).select_from(
                staff_groups.join(groups)
            )
        ).all()
    names: dict[int, list[str]] = {}
    for user_id, group in links:
        names.setdefault(user_id, []).append(group)
    return pd.DataFrame(
        [
            {
                "username": u.username,
                "role": u.role,
                "active": bool(u.active),
                "locked_until": as_utc(u.locked_until),
                "groups": ", ".join(sorted(names.get(u.id, []))),
            }
            for u in users
        ],
        columns=["username", "role", "active", "locked_until", "groups"],
    )

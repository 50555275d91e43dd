"""Round-robin connection ratings and the names members are shown by (migration 0009).

At a session whose facilitator asked for it (`set_round_robin`), each member present may
rate how connected they felt with each other member present, by the display name that
member chose (`set_display_name`: never their member code; a member may decline to be
rated). Ratings are stored per session, perceiver and target (`save_ratings`), read back in
the round-robin long format (`session_ratings`), and deleted with a withdrawal.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.db import StoreError, frame_on, now, write_transaction
from store.schema import attendance, connection_ratings, groups, member_names, members, sessions


def set_round_robin(engine: Engine, session_id: int, asked: bool) -> None:
    """Whether members of this session rate their connection with each other."""

    def work(connection: Connection) -> None:
        connection.execute(
            sessions.update().where(sessions.c.id == int(session_id)).values(round_robin=asked)
        )

    write_transaction(engine, work)


def _member_id(connection: Connection, code: str) -> int:
    found = connection.execute(sa.select(members.c.id).where(members.c.code == code)).scalar()
    if found is None:
        raise StoreError(f"there is no member {code!r}")
    return found


def set_display_name(engine: Engine, code: str, name: str, may_be_rated: bool = True) -> None:
    """Set the name member `code` is shown by to their group, and whether they may be rated.

    StoreError for an empty name or one that is another member's code.
    """
    name = " ".join(str(name or "").split())
    if not name:
        raise StoreError("a display name cannot be empty")

    def work(connection: Connection) -> None:
        member_id = _member_id(connection, code)
        # Codes are typed ignoring case and spaces (services.sessions.roster_code): so are
        # they compared here, or a member could be shown to the others by someone's code.
        typed = sa.func.lower(sa.func.trim(members.c.code)) == name.lower()
        if connection.execute(sa.select(members.c.id).where(typed)).first():
            raise StoreError("a display name cannot be a member code")
        connection.execute(member_names.delete().where(member_names.c.member_id == member_id))
        connection.execute(
            member_names.insert().values(
                member_id=member_id, display_name=name, may_be_rated=may_be_rated, set_at=now()
            )
        )

    write_transaction(engine, work)


def display_name(engine: Engine, code: str) -> tuple[str, bool] | None:
    """Member `code`'s display name and whether they may be rated (None: not chosen yet)."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(member_names.c.display_name, member_names.c.may_be_rated)
            .select_from(member_names.join(members))
            .where(members.c.code == code)
        ).first()
    return (row.display_name, bool(row.may_be_rated)) if row else None


def people_to_rate(engine: Engine, session_id: int, code: str) -> list[tuple[str, str]]:
    """(member code, display name) of the others present at the session who may be rated.

    The codes are for storing the ratings; a screen shows only the display names.
    """
    query = (
        sa.select(members.c.code, member_names.c.display_name)
        .select_from(
            attendance.join(members, members.c.id == attendance.c.member_id).join(
                member_names, member_names.c.member_id == members.c.id
            )
        )
        .where(
            attendance.c.session_id == int(session_id),
            attendance.c.present.is_(True),
            member_names.c.may_be_rated.is_(True),
            members.c.code != code,
        )
        .order_by(member_names.c.display_name, members.c.code)
    )
    with engine.connect() as connection:
        return [(row.code, row.display_name) for row in connection.execute(query)]


def save_ratings(engine: Engine, session_id: int, code: str, ratings: Mapping[str, float]) -> int:
    """Store member `code`'s ratings of others (target code -> 1-5) at the session.

    A rating given again replaces the earlier one; a rating of oneself is refused. Returns
    how many were stored.
    """
    if code in ratings:
        raise StoreError("a member does not rate themselves")

    def work(connection: Connection) -> int:
        perceiver = _member_id(connection, code)
        targets = {t: _member_id(connection, t) for t in ratings}
        t = connection_ratings
        connection.execute(
            t.delete().where(
                t.c.session_id == int(session_id),
                t.c.perceiver_id == perceiver,
                t.c.target_id.in_(list(targets.values())),
            )
        )
        rows = [
            {
                "session_id": int(session_id),
                "perceiver_id": perceiver,
                "target_id": targets[target],
                "value": float(value),
                "created_at": now(),
            }
            for target, value in ratings.items()
        ]
        if rows:
            connection.execute(t.insert(), rows)
        return len(rows)

    return write_transaction(engine, work)


def rated_by(engine: Engine, session_id: int) -> set[str]:
    """The member codes who have rated someone at the session."""
    t = connection_ratings
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(members.c.code)
            .select_from(t.join(members, members.c.id == t.c.perceiver_id))
            .where(t.c.session_id == int(session_id))
            .distinct()
        ).scalars()
        return set(found)


def session_ratings(engine: Engine, group_ids: list[int] | None = None) -> pd.DataFrame:
    """Every stored rating in the round-robin long format.

    Columns: group, session (number), perceiver, target (member codes), connection; only
    the groups of `group_ids` when given.
    """
    t = connection_ratings
    perceiver, target = members.alias("perceiver"), members.alias("target")
    query = (
        sa.select(
            groups.c.name.label("group"),
            sessions.c.number.label("session"),
            perceiver.c.code.label("perceiver"),
            target.c.code.label("target"),
            t.c.value.label("connection"),
        )
        .select_from(
            t.join(sessions, sessions.c.id == t.c.session_id)
            .outerjoin(groups, groups.c.id == sessions.c.group_id)
            .join(perceiver, perceiver.c.id == t.c.perceiver_id)
            .join(target, target.c.id == t.c.target_id)
        )
        .order_by(sessions.c.number, perceiver.c.code, target.c.code)
    )
    if group_ids is not None:
        query = query.where(sessions.c.group_id.in_(sorted(group_ids)))
    with engine.connect() as connection:
        return frame_on(connection, query)


def forget_member(connection: Connection, member_id: int) -> int:
    """Delete every rating member `member_id` gave or received, and their display name."""
    t = connection_ratings
    gone = connection.execute(
        t.delete().where(sa.or_(t.c.perceiver_id == member_id, t.c.target_id == member_id))
    ).rowcount
    connection.execute(member_names.delete().where(member_names.c.member_id == member_id))
    return gone


def load_demo_ratings(engine: Engine, ratings: pd.DataFrame, names: Mapping[str, str]) -> int:
    """Store synthetic round-robin ratings (group, session, perceiver, target, connection).

    Each rated session gets its round robin switched on; `names` (member code -> display
    name) are the members' chosen names. One transaction; returns the ratings stored.
    """

    def work(connection: Connection) -> int:
        ids = dict(connection.execute(sa.select(members.c.code, members.c.id)).all())
        session_ids = {
            (row.group, row.number): row.id
            for row in connection.execute(
                sa.select(groups.c.name.label("group"), sessions.c.number, sessions.c.id).join(
                    groups, groups.c.id == sessions.c.group_id
                )
            )
        }
        moment = now()
        connection.execute(
            member_names.insert(),
            [
                {"member_id": ids[c], "display_name": n, "may_be_rated": True, "set_at": moment}
                for c, n in names.items()
                if c in ids
            ],
        )
        rated = {(str(r.group), int(r.session)) for r in ratings.itertuples(index=False)}
        for key in rated:
            connection.execute(
                sessions.update().where(sessions.c.id == session_ids[key]).values(round_robin=True)
            )
        rows = [
            {
                "session_id": session_ids[(str(r.group), int(r.session))],
                "perceiver_id": ids[r.perceiver],
                "target_id": ids[r.target],
                "value": float(r.connection),
                "created_at": moment,
            }
            for r in ratings.itertuples(index=False)
        ]
        if rows:
            connection.execute(connection_ratings.insert(), rows)
        return len(rows)

    return write_transaction(engine, work)

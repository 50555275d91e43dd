"""What a result is about: the database, the data version, the answers a user may see.

A `Scope` names the database, its data version, the instrument and the filters (program,
group, dates) and the signed-in user. Every use case of `services` starts from one. The
answers of a scope come from `access.scope` (a facilitator's own groups, an evaluator's
pseudonyms) or straight from the store for the command line.

Decisions:

- Session numbers of per-session answers come from the stored session, else from a
  numbered timepoint (``session-3``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from access.roles import SEE_ALL_GROUPS
from analysis.change import normalise_timepoint
from analysis.timepoints import PrePost, default_pre_post, ordered_timepoints
from analysis.trend import session_numbers_found
from ingest import long_to_wide
from measures import (
    CHECKIN,
    CONNECTION,
    Instrument,
    score,
)
from services import published
from services.catalog import available_instruments, instrument_by_id


@dataclass(frozen=True)
class Scope:
    """Which answers a result is about. ``version`` changes whenever stored data changes."""

    url: str
    version: str
    instrument: str
    program: str | None = None
    group: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: The signed-in staff member (access.accounts.StaffUser): a facilitator sees only their
    #: groups, an evaluator pseudonyms instead of member codes (access.scope). None: no
    #: restriction (the command line, tests of the layers).
    user: object | None = None

    def publishes(self) -> bool:
        """Whether results shown to this scope's user are fit to publish: small cells hidden.

        True for a user who may not see member codes (an evaluator): every aggregate table,
        chart and report they see or download hides cells resting on fewer than 5 members
        (privacy.suppression). Staff who see member codes hold the data and see everything.
        """
        return published.applies_to(self.user)

    def describe(self) -> str:
        """``group PR-A`` / ``the Prison re-entry program`` / ``all groups``, for readings."""
        return selection_words(self.program, self.group)


def selection_words(program: str | None, group: str | None) -> str:
    """``group PR-A``, ``the Prison re-entry program`` or ``all groups``."""
    if group:
        return f"group {group}"
    if program:
        return f"the {program} program"
    return "all groups"


def engine_for(url: str):
    """The engine of database `url` (store.db.connect: one per URL, migrated)."""
    from store.db import connect

    return connect(url)


def database_url(explicit: str | None = None) -> str:
    """The database to use: `explicit`, else ``$DATABASE_URL``, else the local SQLite file."""
    from store.engines import database_url as resolve

    return resolve(explicit)


# Data version and filter choices -----------------------------------------------------------


def data_version(url: str) -> str:
    """A fingerprint of the stored data: row counts of every table and the last audit event.

    Every batch save, replacement and program load writes an audit event, and every new
    administration, session, member or attendance mark changes a count, so a new value
    means cached results are stale. Events that change no data (signing in or out,
    exports) are left out: otherwise every sign-in would empty every user's caches.
    """
    from store.audit import last_data_event
    from store.bulk_load import count_rows

    engine = engine_for(url)
    counts = count_rows(engine)
    last = last_data_event(engine)
    stamp = "" if last is None else str(last)
    return ",".join(f"{k}={v}" for k, v in sorted(counts.items())) + f";{stamp}"


@dataclass
class FilterChoices:
    """What the filter widgets offer: programs, groups per program, instruments, dates."""

    programs: list[str]
    groups: pd.DataFrame  # columns program, name
    instruments: list[Instrument]
    first_date: dt.date | None
    last_date: dt.date | None

    def groups_of(self, program: str | None) -> list[str]:
        """The names of `program`'s groups (every group when `program` is None)."""
        rows = self.groups if program is None else self.groups[self.groups["program"] == program]
        return rows["name"].tolist()


def filter_choices(url: str, version: str, user=None) -> FilterChoices:
    """The programs, groups, instruments (Mutuality's own first), and the session dates.

    A user limited to some groups (a facilitator) gets only their groups and the dates of
    their groups' sessions.
    """
    from store.roster import list_programs
    from store.sessions import list_sessions

    del version  # part of the cache key only
    engine = engine_for(url)
    programs = list_programs(engine)["name"].tolist()
    groups = visible_groups(url, user)[["program", "name"]]
    programs = [p for p in programs if p in set(groups["program"])] if user else programs
    sessions = list_sessions(engine, group_ids=own_group_ids(user))
    dates = pd.to_datetime(sessions["date"]).dropna() if len(sessions) else pd.Series([])
    own = [CHECKIN, CONNECTION]
    instruments = sorted(
        available_instruments(),
        key=lambda i: (i.id not in own, own.index(i.id) if i.id in own else 0),
    )
    return FilterChoices(
        programs=programs,
        groups=groups,
        instruments=instruments,
        first_date=dates.min().date() if len(dates) else None,
        last_date=dates.max().date() if len(dates) else None,
    )


def own_group_ids(user) -> frozenset[int] | None:
    """The ids of the groups `user` is limited to; None when they may see every group.

    None for no user (the command line, tests of the layers) and for a role that may see
    all groups (administrator, evaluator); else the user's linked groups, empty when none.
    """
    if user is None or user.can(SEE_ALL_GROUPS):
        return None
    return frozenset(user.group_ids or ())


def visible_groups(url: str, user=None) -> pd.DataFrame:
    """Groups (id, program, name, facilitator_code, members) the user may see."""
    from store.roster import list_groups

    if user is None:
        return list_groups(engine_for(url))
    from access.scope import visible_groups as allowed

    return allowed(engine_for(url), user)


# Scored answers -----------------------------------------------------------------------------


def responses(scope: Scope, key: bytes | None = None) -> pd.DataFrame:
    """Stored item answers of the scope, in the long spreadsheet format.

    For a user who may not see member codes, `key` is the pseudonym key (a fresh one when
    None): pass the same key to pseudonymise anything else that must line up with them.
    """
    from store.responses import load_responses

    if scope.user is not None:
        from access.scope import responses_for

        return responses_for(
            engine_for(scope.url),
            scope.user,
            key=key,
            program=scope.program,
            group=scope.group,
            instrument=scope.instrument,
            date_from=scope.date_from,
            date_to=scope.date_to,
        )
    return load_responses(
        engine_for(scope.url),
        program=scope.program,
        group=scope.group,
        instrument=scope.instrument,
        date_from=scope.date_from,
        date_to=scope.date_to,
    )


def wide_answers(scope: Scope) -> pd.DataFrame:
    """One row per administration with one column per item (answers as given)."""
    return _wide_answers(scope).copy()


# Several results of one page read the same answers; the scope's data version keeps this
# small in-process cache from ever serving answers older than the database.
@lru_cache(maxsize=8)
def _wide_answers(scope: Scope) -> pd.DataFrame:
    instrument = instrument_by_id(scope.instrument)
    long = responses(scope)
    if long.empty:
        return pd.DataFrame(columns=["member", "timepoint", *instrument.item_ids])
    return long_to_wide(long, instrument)


def scored_answers(scope: Scope) -> pd.DataFrame:
    """`measures.score` of the scope's administrations: one row each, one column per scale."""
    wide = wide_answers(scope)
    if wide.empty:
        instrument = instrument_by_id(scope.instrument)
        return pd.DataFrame(columns=["member", "timepoint", *[s.id for s in instrument.scales]])
    scored = score(wide, instrument_by_id(scope.instrument))
    if "session" in scored:
        scored["session"] = scored["session"].astype("Float64")
    return scored


def timepoints(scope: Scope) -> list[str]:
    """The scope's timepoints in program order (`analysis.timepoints.ordered_timepoints`).

    Intake, baseline and ``pre`` first, numbered ones by number, ``post`` and discharge after
    them, follow-ups last; labels of the same place in the order they were first answered.
    """
    scored = scored_answers(scope)
    if "date" in scored:
        scored = scored.sort_values("date", kind="stable", na_position="last")
    return ordered_timepoints([str(t) for t in scored["timepoint"].dropna().unique()])


def pre_post(scope: Scope, scale: str | None = None) -> PrePost:
    """The scope's default pre and post (`analysis.timepoints.default_pre_post`), as listed.

    ``pre`` and ``post`` are spelt as `timepoints` lists them, so a page can find them.
    """
    choice = default_pre_post(scored_answers(scope), scale)
    listed = {normalise_timepoint(t): t for t in timepoints(scope)}
    choice = replace(
        choice, pre=listed.get(choice.pre, choice.pre), post=listed.get(choice.post, choice.post)
    )
    return published.pre_post(choice) if scope.publishes() else choice


def with_sessions(scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scored and wide answers that carry a session number (others are left out)."""
    wide = wide_answers(scope)
    if wide.empty:
        return wide, wide
    numbers = session_numbers_found(wide)
    wide = wide.assign(session=numbers)[numbers.notna()].reset_index(drop=True)
    wide["session"] = wide["session"].astype(int)
    return score(wide, instrument_by_id(scope.instrument)), wide

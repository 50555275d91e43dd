"""Home: programs, groups, recent and coming sessions, and open disconnection alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.alerts import disconnection_alerts
from analysis.reliable_change import (
    reliability_for_change,
)
from measures import CHECKIN
from services import published
from services.catalog import instrument_by_id
from services.readings import home_reading
from services.repairs import follow_up, may_read_records
from services.selection import (
    Scope,
    engine_for,
    own_group_ids,
    visible_groups,
    wide_answers,
    with_sessions,
)

# Home ---------------------------------------------------------------------------------------


@dataclass
class HomeView:
    """What Home shows: programs, groups, recent and coming sessions, open alerts."""

    programs: pd.DataFrame
    groups: pd.DataFrame
    recent: pd.DataFrame
    upcoming: pd.DataFrame
    alerts: pd.DataFrame  # level, group, member, session, score, members, what happened, ...
    reading: str
    #: What Home says when there is no open alert.
    no_alerts: str = "No member or group dropped reliably at their latest session."
    #: The members of all groups shown, which the reading prints (`services.readings`).
    n_members: int = 0
    #: The disconnection records (`services.repairs`) of the groups of staff who may read
    #: them; None for others (they see `alerts`, fit to publish).
    repairs: object | None = None


#: What a facilitator can do about an alert, by its level.
ALERT_ADVICE = {
    "member": (
        "Check in with the member privately before the next session; ask what the last "
        "session was like for them and whether something in the group hurt or left them out."
    ),
    "group": (
        "Name the change with the group at the start of the next session and invite members "
        "to say what happened; repairing a disconnection together can strengthen the group."
    ),
}


def home(url: str, version: str, today: dt.date, user=None, recent_days: int = 28) -> HomeView:
    """Programs and groups, sessions of the last weeks and the coming ones, open alerts.

    An alert is open when it is about a group's most recent session with check-ins: older
    drops have had a session since in which the facilitator could respond.
    """
    from store.roster import list_programs
    from store.sessions import list_sessions

    engine = engine_for(url)
    group_table = visible_groups(url, user)
    programs = list_programs(engine)
    programs = programs[programs["name"].isin(set(group_table["program"]))] if user else programs
    # By group id: a group's name is unique only within its program.
    own = own_group_ids(user)
    recent = list_sessions(
        engine,
        date_from=today - dt.timedelta(days=recent_days),
        date_to=today,
        newest_first=True,
        group_ids=own,
    )
    if recent.empty:
        recent = list_sessions(engine, date_to=today, newest_first=True, group_ids=own, limit=8)
    upcoming = list_sessions(engine, date_from=today + dt.timedelta(days=1), group_ids=own)
    upcoming = upcoming.head(10)
    n_members = int(group_table["members"].sum()) if len(group_table) else 0
    # Staff who read repair records see the records still followed; the others (evaluators)
    # the published group alerts. Each computes only what its reader is shown.
    if may_read_records(user):
        followed = follow_up(url, version, user=user)
        alerts = pd.DataFrame(columns=ALERT_COLUMNS)
        reading = home_reading(
            len(programs), len(group_table), n_members, followed.summary["open"], followed=True
        )
    else:
        followed = None
        alerts = open_alerts(url, version, user=user)
        reading = home_reading(len(programs), len(group_table), n_members, len(alerts))
    view = HomeView(
        programs,
        group_table,
        recent,
        upcoming,
        alerts,
        reading,
        n_members=n_members,
        repairs=followed,
    )
    return published.home(view) if published.applies_to(user) else view


#: The columns of `open_alerts`.
ALERT_COLUMNS = [
    "level",
    "group",
    "member",
    "session",
    "score",
    "members",
    "what happened",
    "what to do",
]


def open_alerts(url: str, version: str, scale: str = "total", user=None) -> pd.DataFrame:
    """Disconnection alerts at each group's latest check-in session, with what to do.

    ``members`` is how many members the score rests on (1 for a member's alert, those
    present for a group's mean): what is fit to publish is decided on it.
    """
    columns = ALERT_COLUMNS
    instrument = instrument_by_id(CHECKIN)
    scope = Scope(url=url, version=version, instrument=CHECKIN, user=user)
    scored, _ = with_sessions(scope)
    if scored.empty or scored[scale].notna().sum() < 3:
        return pd.DataFrame(columns=columns)
    reliability, _ = reliability_for_change(instrument, scale, wide_answers(scope))
    if reliability is None:
        return pd.DataFrame(columns=columns)
    found = disconnection_alerts(
        scored, reliability, scale=scale, higher_is_better=instrument.higher_is == "better"
    ).alerts
    if found.empty:
        return pd.DataFrame(columns=columns)
    latest = scored.groupby(scored["group"].fillna(""))["session"].max()
    is_latest = [
        float(s) == float(latest.get(g or "", np.nan))
        for g, s in zip(found["group"], found["session"], strict=True)
    ]
    found = found[is_latest]
    return pd.DataFrame(
        {
            "level": found["level"],
            "group": found["group"],
            "member": found["member"].fillna("(whole group)"),
            "session": found["session"],
            "score": found["score"].round(2),
            "members": found["members"],
            "what happened": found["reason"],
            "what to do": found["level"].map(ALERT_ADVICE),
        },
        columns=columns,
    ).reset_index(drop=True)

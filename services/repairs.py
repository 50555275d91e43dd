"""The repair loop as use cases: follow every disconnection, record a step, read the notes.

`follow_up` turns the check-ins of a selection into disconnection records with a status
(`analysis.repairs` holds the rules) and counts them. `record_step` saves what a
facilitator saw or tried. `notes_for` reads the notes of one member's records.

Privacy: repair notes are clinical notes. Only administrators and the group's own
facilitators (`access.roles.REPAIR_NOTES`) see records by member code, record steps and
read notes; every read of notes and every step is audited. An evaluator, a report and a
de-identified export get counts and rates only (`RepairsView.records` is empty for them),
and no export carries a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from access.roles import REPAIR_NOTES, PermissionDeniedError
from analysis.alerts import disconnection_alerts
from analysis.reliable_change import reliability_for_change
from analysis.repairs import (
    DEFAULT_ACTIONS,
    DEFAULT_WINDOW,
    RECORD_COLUMNS,
    STEPS,
    UNDECIDED,
    by_group,
    follow_disconnections,
    summary,
)
from measures import CHECKIN, FOLLOW_UP
from privacy.notice import PART2_SHORT  # noqa: F401 - the pages read it from here
from services.catalog import instrument_by_id
from services.selection import (
    Scope,
    engine_for,
    own_group_ids,
    wide_answers,
    with_sessions,
)

#: Status -> what a facilitator reads.
STATUS_WORDS = {
    "open": "Open",
    "acknowledged": "Acknowledged",
    "attempted": "Repair attempted",
    "reconnected": "Reconnected",
    "still_disconnected": "Still disconnected",
    "left": "Left the group",
    "not_seen": "Not seen since",
}

#: Kind -> what a facilitator can do next, grounded in Relational-Cultural Theory.
NEXT_STEP = {
    "acute": (
        "Check in with the member before the next session. Ask what the last session was "
        "like; if something you did hurt, say so plainly. Being heard, and seeing that it "
        "mattered to you, is what repairs a disconnection."
    ),
    "chronic": (
        "This looks like a long disconnection, not one bad session. Do not push: keep the "
        "door open, ask what would make the group feel safer, and look for one small way "
        "the member can take part on their own terms. Consider whether outside support is "
        "needed."
    ),
}


@dataclass
class RepairsView:
    """The disconnection records of a selection, their counts and the rules used.

    ``records`` is empty for a user who may not read repair records (an evaluator): they
    get ``summary`` only.
    """

    records: pd.DataFrame
    summary: dict
    rules: list[str]
    window: int
    notes: list[str] = field(default_factory=list)
    may_read: bool = True
    #: Per group counts (`analysis.repairs.by_group`), for every reader.
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)


def may_read_records(user) -> bool:
    """Whether `user` may see records by member code and their notes (None: the CLI)."""
    return user is None or user.can(REPAIR_NOTES)


def follow_up(
    url: str,
    version: str,
    user=None,
    program: str | None = None,
    group: str | None = None,
    window: int | None = None,
    scale: str = "total",
) -> RepairsView:
    """Every disconnection of the selection followed to its outcome, with counts.

    A facilitator gets their own groups' records; an administrator and the command line
    every group's; an evaluator the counts of every group, no record. Alerts and records
    are computed per program, on all of its check-ins, whoever asks: a group's records are
    the same on every page, in every report and in ``cli.py repairs``. `window` None: each
    program's own setting (`set_settings`), else `analysis.repairs.DEFAULT_WINDOW`.
    """
    from store.repairs import program_settings

    may_read = may_read_records(user)
    instrument = instrument_by_id(CHECKIN)
    scope = Scope(url=url, version=version, instrument=CHECKIN, program=program)
    scored, _ = with_sessions(scope)
    settings = program_settings(engine_for(url))
    from store.repairs import load_steps

    steps = load_steps(engine_for(url))  # read once, split by program below
    step_programs = steps["program"].map(_text)
    parts, rules, notes = [], [], []
    programs = scored["program"].map(_text) if len(scored) else pd.Series(dtype=object)
    for name in sorted(set(programs), key=lambda v: v or ""):
        own_window = window or (settings.get(name) and settings[name].window) or DEFAULT_WINDOW
        followed, said = _follow_program(
            url,
            version,
            instrument,
            name,
            scored[programs == name],
            steps[step_programs == name],
            scale,
            own_window,
        )
        if followed is not None:
            parts.append(followed.records.assign(program=name, window=own_window))
            rules = rules or followed.rules
        notes += said
    records = pd.concat(parts, ignore_index=True) if parts else _no_records()
    records = visible_records(records, url, user, group)
    counts = summary(records)
    groups = by_group(records)
    shown_window = window or (int(records["window"].max()) if len(records) else DEFAULT_WINDOW)
    if not may_read:
        records = records.iloc[0:0]
    if not rules:
        rules = _no_rules(window or DEFAULT_WINDOW)
    return RepairsView(records, counts, rules, shown_window, notes, may_read, groups)


def _follow_program(url, version, instrument, program, scored, steps, scale, window):
    """One program's records (from its check-ins and recorded `steps`), and what was said."""
    label = program or "answers without a program"
    if scored.empty or scored[scale].notna().sum() < 3:
        return None, [f"{label}: too few check-ins to follow disconnections yet."]
    scope = Scope(url=url, version=version, instrument=CHECKIN, program=program)
    reliability, _ = reliability_for_change(instrument, scale, wide_answers(scope))
    if reliability is None:
        return None, [
            f"{label}: the check-in's reliability cannot be estimated yet, so no alert is raised."
        ]
    higher_is_better = instrument.higher_is == "better"
    found = disconnection_alerts(
        scored, reliability, scale=scale, higher_is_better=higher_is_better
    )
    scores = scored.rename(columns={scale: "score"})[["member", "group", "session", "score"]]
    present, held = _attendance(url, program, scores)
    followed = follow_disconnections(
        scores,
        found.alerts,
        threshold=found.reliable_change_threshold,
        higher_is_better=higher_is_better,
        steps=steps,
        present=present,
        held=held,
        window=window,
    )
    followed.records = _with_member_reports(url, version, program, followed.records)
    return followed, [f"{label}: {note}" for note in found.notes]


def _with_member_reports(url, version, program, records: pd.DataFrame) -> pd.DataFrame:
    """Each record with the member's own follow-up answer since it began (`member_said`).

    The latest answer to the follow-up question after the record's session (up to the
    session that decided it): the member's own report, read beside the check-in's verdict,
    never instead of it. nan when they gave none.
    """
    records = records.assign(member_said=float("nan"))
    if records.empty:
        return records
    answers, _ = with_sessions(
        Scope(url=url, version=version, instrument=FOLLOW_UP, program=program)
    )
    if answers.empty:
        return records
    said = []
    for row in records.itertuples(index=False):
        later = answers[
            (answers["group"] == row.group)
            & (answers["member"].astype(str) == str(row.member))
            & (answers["session"].astype(float) > float(row.session))
        ]
        if not pd.isna(row.outcome_session):
            later = later[later["session"].astype(float) <= float(row.outcome_session)]
        values = later.sort_values("session")["said_mattered"].dropna()
        said.append(float(values.iloc[-1]) if len(values) else float("nan"))
    return records.assign(member_said=said)


def _no_records() -> pd.DataFrame:
    return pd.DataFrame(columns=[*RECORD_COLUMNS, "member_said", "program", "window"])


def _no_rules(window: int) -> list[str]:
    return follow_disconnections(
        pd.DataFrame(columns=["member", "group", "session", "score"]),
        pd.DataFrame(),
        threshold=float("nan"),
        window=window,
    ).rules


def visible_records(records: pd.DataFrame, url: str, user, group: str | None) -> pd.DataFrame:
    """The records of `group` (None: all) among the groups `user` may see."""
    if group is not None:
        records = records[records["group"] == group]
    own = own_group_ids(user)
    if own is not None and len(records):
        from services.selection import visible_groups

        table = visible_groups(url, user)
        table = table[table["id"].isin(own)]
        allowed = set(zip(table["program"].map(_text), table["name"], strict=True))
        keep = [
            (p, g) in allowed for p, g in zip(records["program"], records["group"], strict=True)
        ]
        records = records[keep]
    return records.reset_index(drop=True)


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def actions_for(url: str, program: str | None) -> list[str]:
    """What a program's facilitators can record having tried (its own list or the default)."""
    from store.repairs import program_settings

    own = program_settings(engine_for(url)).get(program) if program else None
    return list(own.actions) if own and own.actions else list(DEFAULT_ACTIONS)


def window_for(url: str, program: str | None) -> int:
    """How many check-ins after an alert decide a record in `program`."""
    from store.repairs import program_settings

    own = program_settings(engine_for(url)).get(program) if program else None
    return own.window if own and own.window else DEFAULT_WINDOW


def set_settings(
    url: str,
    user,
    program: str,
    *,
    actions: list[str] | None = None,
    window: int | None = None,
) -> None:
    """Set a program's repair actions and/or window (administrators; audited).

    Blank lines and repeats are dropped from `actions`; ValueError for an empty list or a
    window below 1.
    """
    from access.roles import CHANGE_SETTINGS
    from store.repairs import set_program_settings

    if user is not None and not user.can(CHANGE_SETTINGS):
        raise PermissionDeniedError("only an administrator can change a program's repair settings")
    cleaned = None
    if actions is not None:
        cleaned = list(dict.fromkeys(a.strip() for a in actions if a and a.strip()))
        if not cleaned:
            raise ValueError("give at least one repair action, one per line")
    if window is not None and int(window) < 1:
        raise ValueError(f"the window must be 1 or more check-ins, not {window}")
    set_program_settings(
        engine_for(url),
        program,
        _who(user),
        actions=cleaned,
        window=int(window) if window is not None else None,
    )


@dataclass(frozen=True)
class StepSaved:
    """What saving a step says, and how many steps others saved since the page was read."""

    message: str
    others_meanwhile: int


def record_step(
    url: str,
    user,
    *,
    group: str,
    program: str | None,
    member: str | None,
    session: int,
    kind: str,
    step: str,
    actions: list[str] | None = None,
    note: str | None = None,
    steps_seen: int | None = None,
) -> StepSaved:
    """Save one step about a disconnection record (the group's facilitators, administrators).

    `steps_seen` is how many steps the page showed: when others saved steps meanwhile the
    message says so (both are kept; nothing is overwritten).
    """
    from store.repairs import load_steps
    from store.repairs import record_step as save

    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}; choose one of {', '.join(STEPS)}")
    group_id = _group_id(url, user, program, group)
    engine = engine_for(url)
    before = _steps_of(load_steps(engine, [group_id]), member, session, kind)
    save(
        engine,
        group_id=group_id,
        member=member,
        session=int(session),
        kind=kind,
        step=step,
        actions=list(actions or []),
        note=(note or "").strip() or None,
        who=_who(user),
    )
    others = max(0, before - steps_seen) if steps_seen is not None else 0
    message = f"Saved: {STATUS_WORDS.get(step, step).lower()} for session {session}."
    if others:
        message += (
            f" Another facilitator saved {others} step(s) on this record while you had it "
            "open; theirs and yours are both kept below."
        )
    return StepSaved(message, others)


def notes_for(
    url: str, user, *, group: str, program: str | None, member: str | None, audit: bool = True
):
    """A member's (or a whole group's) recorded steps with their notes, oldest first.

    Only administrators and the group's facilitators; PermissionDeniedError otherwise. The
    read is audited (the group and how many steps, never the words) unless `audit` is False
    (a page that already recorded this reader's first look).
    """
    from store.audit import REPAIR_NOTES_READ, record
    from store.repairs import load_steps

    group_id = _group_id(url, user, program, group)
    engine = engine_for(url)
    steps = load_steps(engine, [group_id], with_notes=True)
    mine = steps[steps["member"].isna()] if member is None else steps[steps["member"] == member]
    mine = mine.reset_index(drop=True)
    if not audit:
        return mine
    record(
        engine,
        _who(user),
        REPAIR_NOTES_READ,
        {"group": group, "program": program, "steps": len(mine)},
    )
    return mine


def next_step(record) -> str:
    """What a facilitator can do next about one record (a row of `RepairsView.records`)."""
    if record["level"] == "group":
        advice = (
            "Name the change with the group at the start of the next session and invite "
            "members to say what happened; repairing a disconnection together can strengthen "
            "the group."
        )
    else:
        advice = NEXT_STEP[record["kind"]]
    if record["status"] == "open":
        return "Say that you have seen it (Disconnections page). " + advice
    if record["status"] == "attempted":
        tried = "; ".join(record["actions"] or []) or "a repair"
        return (
            f"You tried: {tried}. The next check-in(s) will show whether the member "
            "reconnected; keep the door open meanwhile."
        )
    return advice


def waiting_in_group(
    view: RepairsView, program: str | None, group: str, present: dict[str, bool]
) -> pd.DataFrame:
    """The group's members with a disconnection still followed, those present first.

    `present`: the session's attendance (code -> here); with none recorded, every such
    member is listed. Columns: member, session (where it began), kind, status, here.
    """
    records = view.records
    if records.empty:
        return pd.DataFrame(columns=["member", "session", "kind", "status", "here"])
    mine = records[
        (records["group"] == group)
        & (records["program"].map(_text) == program)
        & records["status"].isin(UNDECIDED)
        & records["member"].notna()
    ]
    if present:
        mine = mine.loc[mine["member"].map(lambda m: bool(present.get(m, False))).astype(bool)]
    return pd.DataFrame(
        {
            "member": mine["member"],
            "session": mine["session"].astype(int),
            "kind": mine["kind"],
            "status": mine["status"],
            "here": mine["member"].map(lambda m: present.get(m)),
        }
    ).reset_index(drop=True)


def groups_table(view: RepairsView, publishes: bool) -> pd.DataFrame:
    """Per group repair counts in words, for the Groups page and the reports.

    Published (`publishes`): a group whose disconnections rest on fewer than 5 members shows
    no number (`privacy.suppression`).
    """
    from privacy.suppression import Suppressor

    suppressor = Suppressor()
    rows = []
    for row in view.groups.itertuples(index=False):
        hidden = publishes and suppressor.hides(row.members)
        share = row.share_reconnected
        median = row.median_sessions_to_reconnect

        def shown(text: str, hidden=hidden) -> str:
            return suppressor.label if hidden else text

        rows.append(
            {
                "Group": row.group,
                "Members with a disconnection": shown(str(row.members)),
                "Disconnections": shown(str(row.disconnections)),
                "Reconnected": shown(
                    f"{row.reconnected} ({share:.0%} of those decided)"
                    if share == share
                    else str(row.reconnected)
                ),
                "Median check-ins to reconnect": shown(f"{median:g}" if median == median else "-"),
                "Left unrepaired": shown(str(row.unrepaired)),
                "Still followed": shown(str(row.open)),
            }
        )
    return pd.DataFrame(rows)


def follow_up_due(view: RepairsView, url: str, session, member: str) -> bool:
    """Whether `member` is asked the follow-up question in `session` (a `SessionInfo`).

    Yes while a disconnection of theirs that began at an earlier session of this group is
    still being followed (open, acknowledged or repair attempted) in `view` (`follow_up` of
    the session's program, read with full access), and they have not answered the follow-up
    in this session yet.
    """
    from store.sessions import answered_members

    if session is None or session.group is None or view.records.empty:
        return False
    records = view.records
    mine = records[
        (records["group"] == session.group)
        & (records["member"] == member)
        & records["status"].isin(UNDECIDED)
        & (records["session"].astype(float) < float(session.number))
    ]
    if mine.empty:
        return False
    return member not in answered_members(engine_for(url), session.id, FOLLOW_UP)


def records_table(records: pd.DataFrame) -> pd.DataFrame:
    """Records in the words a facilitator reads, one row each (for the page and its CSV)."""

    def whole(value) -> str:
        return "" if value is None or value != value else str(int(value))

    return pd.DataFrame(
        {
            "Group": records["group"],
            "Member": records["member"].map(lambda m: "(whole group)" if _text(m) is None else m),
            "Began at session": records["session"].astype(int),
            "Kind": records["kind"].map({"acute": "Acute drop", "chronic": "Chronic"}),
            "Status": records["status"].map(STATUS_WORDS),
            "Decided at session": records["outcome_session"].map(whole),
            "Sessions to reconnect": records["sessions_to_reconnect"].map(whole),
            "What was tried": records["actions"].map(lambda a: "; ".join(a or [])),
            "The member said it mattered (1-5)": records["member_said"].map(
                lambda v: "" if v != v else f"{v:g}"
            ),
        }
    )


def part2_notice(url: str, program: str | None) -> str | None:
    """The 42 CFR Part 2 notice when `program` is a substance-use program, else None."""
    from privacy.notice import notice_for
    from store.roster import list_programs

    if program is None:
        return None
    return notice_for(list_programs(engine_for(url)), [program])


# Helpers ------------------------------------------------------------------------------------


def _who(user) -> str | None:
    return getattr(user, "username", None) if user is not None else None


def _group_id(url: str, user, program: str | None, group: str) -> int:
    """The id of a group the user may keep repair records of; PermissionDeniedError if not."""
    from services.selection import visible_groups

    if not may_read_records(user):
        raise PermissionDeniedError(
            "repair records are clinical notes: only the group's facilitators and "
            "administrators can read or write them"
        )
    table = visible_groups(url, user)
    chosen = table[table["name"] == group]
    if program is not None:
        chosen = chosen[chosen["program"] == program]
    own = own_group_ids(user)
    if own is not None:
        chosen = chosen[chosen["id"].isin(own)]
    if chosen.empty:
        raise PermissionDeniedError(f"group {group!r} is not one of yours")
    return int(chosen["id"].iloc[0])


def _steps_of(steps: pd.DataFrame, member: str | None, session: int, kind: str) -> int:
    mine = steps["member"].isna() if member is None else steps["member"] == member
    return int((mine & (steps["session"] == int(session)) & (steps["kind"] == kind)).sum())


def _attendance(url: str, program: str | None, scores: pd.DataFrame):
    """Sessions each member was marked present at, and the sessions each group held."""
    from store.sessions import load_attendance

    marks = load_attendance(engine_for(url), program=program)
    held: dict = {}
    for name, rows in scores.groupby(scores["group"].astype(object), dropna=False):
        held.setdefault(_text(name), set()).update(float(s) for s in rows["session"])
    if marks.empty:
        return None, {g: sorted(s) for g, s in held.items()}
    long = marks.stack().reset_index()
    long.columns = ["group", "member", "session", "present"]
    long = long[long["present"].fillna(False).astype(bool)]
    for name, rows in long.groupby("group"):
        held.setdefault(str(name), set()).update(float(s) for s in rows["session"])
    return long[["group", "member", "session"]], {g: sorted(s) for g, s in held.items()}


def member_history(url: str, version: str, user, *, group: str, member: str | None) -> pd.DataFrame:
    """A member's check-in total by session (``session``, ``score``), for the repair page.

    `member` None: the group's mean per session. Only for users who may read repair records
    of the group; PermissionDeniedError else.
    """
    _group_id(url, user, None, group)
    scope = Scope(url=url, version=version, instrument=CHECKIN, group=group, user=user)
    scored, _ = with_sessions(scope)
    if member is None:
        means = scored.groupby("session")["total"].mean()
        return pd.DataFrame({"session": means.index.astype(int), "score": means.to_numpy()})
    mine = scored[scored["member"].astype(str) == member]
    return pd.DataFrame({"session": mine["session"].astype(int), "score": mine["total"]})

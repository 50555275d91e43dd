"""Round-robin ratings read from a file, and their Social Relations Model: `cli.py roundrobin`.

The long format: one row per rating, with columns for the perceiver (who rates), the target
(who is rated), the value (or two values: two indicators of one construct, for the latent
model), and optionally the group and the session. Each group at each session is one
round robin (analysis.srm). Checked before anything is computed, every problem named with
its row: a missing column, a value that is not a number, the same pair rated twice. Self
ratings are ignored (said how many). A member who rated nobody, or whom nobody rated, is
left out of their round robin and named; a round robin of fewer than 4 members is left out
and named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.srm import (
    MIN_MEMBERS,
    RoundRobinError,
    SrmResult,
    round_robin_matrix,
    srm_groups,
    srm_latent,
    usable_members,
)
from ingest import InputError
from ingest.reader import read_table

#: The one group or session of a file without a group or session column.
ALL = "all"


@dataclass(frozen=True)
class Columns:
    """Which of the file's columns hold what (`cli.py roundrobin`'s options)."""

    values: tuple[str, ...]
    perceiver: str = "perceiver"
    target: str = "target"
    group: str = "group"
    session: str | None = None


def read_ratings(path: str | Path, columns: Columns) -> tuple[pd.DataFrame, list[str]]:
    """The file's ratings (group, session, perceiver, target and the value columns), and notes.

    Raises
    ------
    ingest.InputError
        For a missing column, a value that is not a number, or a pair rated twice in one
        round robin (naming the rows, group, session, perceiver and target).
    """
    name = Path(path).name
    frame = read_table(path)
    wanted = [columns.perceiver, columns.target, *columns.values]
    missing = [c for c in wanted if c.lower() not in frame.columns]
    if columns.session and columns.session.lower() not in frame.columns:
        missing.append(columns.session)
    if missing:
        raise InputError(
            f"{name}: no column named {', '.join(repr(c) for c in missing)} (the columns are "
            + ", ".join(f"'{c}'" for c in frame.columns)
            + "). Name them with --perceiver, --target, --value, --group and --session."
        )
    out = pd.DataFrame(
        {
            "row": frame.index,  # read_table indexes rows by their spreadsheet row number
            "group": _text(frame, columns.group) if columns.group.lower() in frame.columns else ALL,
            "session": _text(frame, columns.session) if columns.session else ALL,
            "perceiver": _text(frame, columns.perceiver),
            "target": _text(frame, columns.target),
        }
    )
    for column in columns.values:
        raw = frame[column.lower()]
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & raw.astype(str).str.strip().ne("") & numbers.isna()
        if bad.any():
            first = bad.idxmax()
            raise InputError(
                f"{name}, row {first}, column '{column}': {raw[first]!r} is not a number "
                f"({int(bad.sum())} such cell(s)); write the rating as a number or leave it "
                "empty"
            )
        out[column] = numbers
    blank = out["perceiver"].isna() | out["target"].isna()
    if blank.any():
        row = int(out.loc[blank, "row"].iloc[0])
        raise InputError(f"{name}, row {row}: a rating needs both a perceiver and a target")
    notes = []
    self_rated = out["perceiver"] == out["target"]
    given = int((self_rated & out[list(columns.values)].notna().any(axis=1)).sum())
    if given:
        notes.append(f"{given} self rating(s) are ignored: the model uses only ratings of others.")
    out = out[~self_rated]
    keys = ["group", "session", "perceiver", "target"]
    twice = out[out.duplicated(keys, keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        rows = twice[(twice[keys] == first[keys]).all(axis=1)]["row"].tolist()
        raise InputError(
            f"{name}: {first['perceiver']} rated {first['target']} twice in group "
            f"{first['group']}, session {first['session']} (rows "
            + ", ".join(str(r) for r in rows)
            + "); keep one rating per pair."
        )
    return out.reset_index(drop=True), notes


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column.lower()]
    return values.map(lambda v: None if pd.isna(v) else str(v).strip() or None)


def roundrobin_of_file(path: str | Path, columns: Columns) -> dict:
    """The ``roundrobin --json`` object of a file (docs/cli.md)."""
    ratings, notes = read_ratings(path, columns)
    latent = len(columns.values) == 2
    matrices: dict[str, list[pd.DataFrame]] = {}
    excluded: list[dict] = []
    too_small: list[dict] = []
    for (group, session), part in ratings.groupby(["group", "session"], sort=True):
        first = round_robin_matrix(part, columns.values[0])
        kept, left_out = usable_members(first)
        if latent:
            second = round_robin_matrix(part, columns.values[1])
            kept_second, more = usable_members(second.loc[kept.index, kept.index])
            left_out += more
            kept = kept.loc[kept_second.index, kept_second.index]
            second = second.loc[kept.index, kept.index]
        for member in left_out:
            excluded.append(
                {
                    "group": group,
                    "session": session,
                    "member": member,
                    "reason": "rated nobody or was rated by nobody",
                }
            )
        if len(kept) < MIN_MEMBERS:
            too_small.append({"group": group, "session": session, "members": len(kept)})
            continue
        matrices[_label(group, session)] = [kept] + ([second] if latent else [])
    for small in too_small:
        notes.append(
            f"Group {small['group']}, session {small['session']} is left out: "
            f"{small['members']} member(s) rating each other, and the model needs at least "
            f"{MIN_MEMBERS}."
        )
    if not matrices:
        raise InputError(
            f"{Path(path).name}: no group has at least {MIN_MEMBERS} members rating each "
            "other; the Social Relations Model cannot be estimated."
        )
    try:
        if latent:
            if len(matrices) > 1:
                raise InputError(
                    "the latent model (two --value columns) is estimated for one round robin "
                    f"at a time; this file has {len(matrices)} (groups and sessions): "
                    "give a file of one group and session"
                )
            result = srm_latent(*next(iter(matrices.values())))
        else:
            result = srm_groups({k: v[0] for k, v in matrices.items()}, missing=True)
    except RoundRobinError as error:
        raise InputError(f"{Path(path).name}: {error}") from None
    data = _json(result, columns, excluded, notes, sorted(matrices))
    if columns.session and not latent:
        data["by_session"] = _by_session(matrices)
    return data


def _by_session(matrices: dict[str, list[pd.DataFrame]]) -> list[dict]:
    """Each session's round robins combined: how mutual the connections were that day."""
    sessions: dict[str, dict[str, pd.DataFrame]] = {}
    for label, (matrix, *_rest) in matrices.items():
        session = label.rsplit(" / session ", 1)[-1]
        sessions.setdefault(session, {})[label] = matrix
    out = []
    for session in sorted(sessions, key=_session_order):
        result = srm_groups(sessions[session], missing=True)
        out.append(
            {
                "session": session,
                "groups": result.groups,
                "members": result.members,
                "components": [c.to_dict() for c in result.components],
            }
        )
    return out


def _session_order(session: str):
    try:
        return (0, float(session), session)
    except ValueError:
        return (1, 0.0, session)


def _label(group: str, session: str) -> str:
    return group if session == ALL else f"{group} / session {session}"


def _round(value, digits: int = 6):
    return None if value is None else round(float(value), digits)


def _json(
    result: SrmResult, columns: Columns, excluded: list[dict], notes: list[str], groups
) -> dict:
    effects = result.effects
    if "group" not in effects:
        effects = effects.assign(group=groups[0])
    return {
        "variable": " / ".join(columns.values),
        "groups": result.groups,
        "round_robins": groups,
        "members": result.members,
        "latent": len(columns.values) == 2,
        "excluded": excluded,
        "components": [
            {k: _round(v) if isinstance(v, float) else v for k, v in c.to_dict().items()}
            for c in result.components
        ],
        "reliability": {k: _round(v) for k, v in result.reliability.items()},
        "effects": [
            {
                "round_robin": str(row.group),
                "member": str(row.member),
                "perceiver": _round(row.perceiver),
                "target": _round(row.target),
            }
            for row in effects.itertuples(index=False)
        ],
        "standard_errors": (
            "Lashley & Bond (1997) within each round robin; several are combined by their "
            "size - 1 (TripleR's RR with a group)"
        ),
        "notes": notes,
    }


def store_ratings_file(url: str | None, path: str | Path, columns: Columns, who: str | None):
    """Store a file's round-robin ratings (a typed-in paper grid, an upload), all or nothing.

    Each row's group and session must be a stored session of that group (`--session` names
    the column), perceiver and target members of that group, and the rating on the check-in's
    1-5 scale or empty (skipped). Every problem raises ingest.InputError naming the row.
    Stored ratings replace earlier ones of the same pair at the same session; each session's
    round robin is switched on. Returns ``{"file", "ratings", "sessions"}``.
    """
    from services.connections import SCALE
    from services.selection import engine_for
    from store import audit
    from store.connections import save_ratings, set_round_robin
    from store.roster import list_groups, list_members
    from store.sessions import group_sessions

    name = Path(path).name
    if len(columns.values) != 1:
        raise InputError("store one rating column at a time (--value connection)")
    if not columns.session:
        raise InputError(f"{name}: name the session column with --session to store ratings")
    ratings, _notes = read_ratings(path, columns)
    value = columns.values[0]
    engine = engine_for(url)
    group_ids = {row.name: int(row.id) for row in list_groups(engine).itertuples(index=False)}
    members = list_members(engine)
    member_group = dict(zip(members["code"].astype(str), members["group"], strict=True))
    sessions_of = {
        name_: {s.number: s.id for s in group_sessions(engine, gid)}
        for name_, gid in group_ids.items()
    }
    problems, plan = [], {}
    for row in ratings.itertuples(index=False):
        where = f"{name}, row {row.row}"
        rating = getattr(row, value)
        if rating != rating:  # skipped
            continue
        if rating not in SCALE:
            problems.append(f"{where}: {rating:g} is not on the 1-5 scale")
            continue
        if row.group not in group_ids:
            problems.append(f"{where}: there is no group {row.group!r}")
            continue
        try:
            session_id = sessions_of[row.group][int(float(row.session))]
        except (KeyError, ValueError):
            problems.append(f"{where}: group {row.group} has no session {row.session}")
            continue
        for who_, code in (("perceiver", row.perceiver), ("target", row.target)):
            if member_group.get(code) != row.group:
                problems.append(f"{where}: {who_} {code} is not a member of group {row.group}")
        plan.setdefault((session_id, row.perceiver), {})[row.target] = float(rating)
    if problems:
        raise InputError(f"{len(problems)} problem(s), nothing stored: " + "; ".join(problems[:10]))
    stored = 0
    for (session_id, perceiver), given in plan.items():
        stored += save_ratings(engine, session_id, perceiver, given)
    for session_id in {s for s, _ in plan}:
        set_round_robin(engine, session_id, True)
    audit.record(engine, who, audit.IMPORT, {"file": name, "round-robin ratings": stored})
    return {"file": name, "ratings": stored, "sessions": len({s for s, _ in plan})}

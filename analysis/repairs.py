"""The repair loop: each disconnection followed until the member reconnects, or does not.

Relational-Cultural Theory's clinical claim is about repair (Jordan, 2018): a disconnection
that the hurt person can name, and that visibly matters to the other (above all to the one
with more power, the facilitator), leaves the relationship stronger; one that is missed
moves the person toward isolation, and repeated unrepaired ones become chronic.

This module turns disconnection alerts (`analysis.alerts`) into records with a status, from
the check-in scores that followed and the steps a facilitator recorded. Whether a member
reconnected is decided by the data alone, by rules written here once:

* **Reconnected**: one of the next ``window`` sessions the member answered the check-in at
  (default 2) has a score back within the reliable-change threshold of the baseline the
  alert was measured against (for an alert on the facilitator's threshold without a
  baseline: back on the good side of that threshold).
* **Still disconnected**: the member answered ``window`` check-ins after the alert and none
  came back.
* **Not seen since**: the group held ``window`` or more sessions after the alert and the
  member was at none of them (no check-in, not marked present).
* **Left the group**: a facilitator recorded that the member left (scores that come later
  still decide: a member who returns and reconnects reads "reconnected").

Until one of those holds, a record is **open**, **acknowledged** (a facilitator saw it) or
**repair attempted** (a facilitator recorded what they tried), from the recorded steps.

A **chronic disconnection** is the other kind: a member whose check-in stays low and flat,
at or below their group's lower band (the group's mean at that session less the
reliable-change threshold) at ``chronic_sessions`` (default 3) check-ins in a row that
differ by no more than the threshold; or a member with two acute disconnections in a row
that ended still disconnected. It reconnects when a check-in within the window after it is
above the group's lower band again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

#: The statuses, in the order a record moves through them; the last four are outcomes.
STATUSES = (
    "open",
    "acknowledged",
    "attempted",
    "reconnected",
    "still_disconnected",
    "left",
    "not_seen",
)
#: Statuses that end a record's follow-up.
OUTCOMES = ("reconnected", "still_disconnected", "left", "not_seen")
#: Statuses of a record still being followed.
UNDECIDED = ("open", "acknowledged", "attempted")
#: The steps a facilitator records; "left" says the member left the group.
STEPS = ("acknowledged", "attempted", "left")
#: What a facilitator can record having tried, unless a program lists its own.
DEFAULT_ACTIONS = (
    "Checked in one-to-one",
    "Named it in the group",
    "Owned a misstep",
    "Invited the member to say more",
    "Changed something in the group",
    "Referred on",
)
#: How many answered sessions after an alert decide whether the member reconnected.
DEFAULT_WINDOW = 2
#: How many low, flat check-ins in a row make a chronic disconnection.
DEFAULT_CHRONIC_SESSIONS = 3

RECORD_COLUMNS = [
    "level",
    "kind",
    "group",
    "member",
    "session",
    "score",
    "baseline",
    "drop",
    "threshold",
    "status",
    "outcome_session",
    "sessions_to_reconnect",
    "actions",
    "steps",
    "reason",
    "note",
]


@dataclass
class RepairFollowUp:
    """Disconnection records (one row each) and the rules they were decided by.

    ``records`` columns: ``level`` ("member" or "group"), ``kind`` ("acute" or "chronic"),
    ``group``, ``member`` (None for a group), ``session`` (where it began), ``score``,
    ``baseline`` (nan for a chronic or threshold-only record), ``drop``, ``threshold`` (the
    reliable-change threshold it was judged with), ``status`` (one of `STATUSES`),
    ``outcome_session`` (the session that decided it, or None), ``sessions_to_reconnect``
    (answered sessions after it until the one that came back, or None), ``actions`` (what
    the facilitators recorded trying, a list), ``steps`` (how many steps were recorded),
    ``reason`` (what happened, in words), ``note`` (why it is still undecided, or "").
    """

    records: pd.DataFrame
    window: int
    rules: list[str] = field(default_factory=list)


def follow_disconnections(
    scores: pd.DataFrame,
    alerts: pd.DataFrame,
    *,
    threshold: float,
    higher_is_better: bool = True,
    facilitator_threshold: float | None = None,
    steps: pd.DataFrame | None = None,
    present: pd.DataFrame | None = None,
    held: dict[str, list[int]] | None = None,
    window: int = DEFAULT_WINDOW,
    chronic_sessions: int = DEFAULT_CHRONIC_SESSIONS,
) -> RepairFollowUp:
    """Each disconnection alert as a record, followed through the sessions after it.

    Parameters
    ----------
    scores
        Check-in scores, one row per member and session: ``member``, ``group``,
        ``session`` (a number) and ``score``.
    alerts
        ``DisconnectionAlerts.alerts`` for the same scores (member and group rows).
    threshold
        The reliable-change threshold for one member's score (``alerts``' own).
    higher_is_better
        Direction of the scale.
    facilitator_threshold
        The facilitator's threshold the alerts used, if any: a record that fired on it
        alone reconnects when the score is back on its good side.
    steps
        Recorded steps: ``group``, ``member`` (None for a group record), ``session`` (of the
        record), ``kind``, ``step`` (one of `STEPS`), ``actions`` (list of str). None: none.
    present
        Attendance marks: ``group``, ``member``, ``session`` of sessions the member was at
        (a check-in also counts as being there). None: check-ins only.
    held
        Session numbers each group held (with any record); default the sessions in `scores`.
    window
        How many answered sessions after an alert decide the outcome (1 or more).
    chronic_sessions
        How many low, flat check-ins in a row make a chronic disconnection (2 or more).

    Returns
    -------
    RepairFollowUp
        Records sorted by group, member and session.

    Raises
    ------
    ValueError
        When `window` is below 1 or `chronic_sessions` below 2.

    Examples
    --------
    A member at 4.0 twice drops to 2.0 (threshold 1.0), then answers 3.6: reconnected.

    >>> scores = pd.DataFrame({"member": ["A"] * 4, "group": ["G"] * 4,
    ...                        "session": [1, 2, 3, 4], "score": [4.0, 4.0, 2.0, 3.6]})
    >>> alerts = pd.DataFrame([{"level": "member", "group": "G", "member": "A", "session": 3,
    ...     "score": 2.0, "baseline": 4.0, "drop": 2.0, "reliable_change_threshold": 1.0,
    ...     "reliable_drop": True, "below_threshold": False, "reason": "dropped"}])
    >>> follow_disconnections(scores, alerts, threshold=1.0).records["status"].tolist()
    ['reconnected']
    """
    if window < 1:
        raise ValueError(f"window {window!r} must be 1 or more sessions.")
    if chronic_sessions < 2:
        raise ValueError(f"chronic_sessions {chronic_sessions!r} must be 2 or more.")
    sign = 1.0 if higher_is_better else -1.0
    data = _scores(scores)
    sessions_held = held if held is not None else _held(data)
    seen = _seen(data, present)
    rows: list[dict] = []
    # Each group's mean per session, once: the chronic rule's band is drawn from it.
    group_means = {
        None if _missing(g) else g: part.groupby("session")["score"].mean()
        for g, part in data.groupby("group", dropna=False)
    }
    for (group, member), history in data.groupby(["group", "member"], sort=True, dropna=False):
        member_alerts = _alerts_of(alerts, "member", group, member)
        acute = _follow_acute(
            history, member_alerts, threshold, sign, facilitator_threshold, window
        )
        means = group_means[None if _missing(group) else group]
        chronic = _follow_chronic(
            means, group, member, history, acute, threshold, sign, window, chronic_sessions
        )
        for record in acute + chronic:
            _decide_absence(record, seen.get((group, member), set()), sessions_held, window)
        rows += acute + chronic
    for group, in_group in data.groupby("group", sort=True, dropna=False):
        group_alerts = _alerts_of(alerts, "group", group, None)
        rows += _follow_group(in_group, group_alerts, sign, window)
    records = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    records = _apply_steps(records, steps)
    if len(records):
        records = records.sort_values(
            ["group", "member", "session", "kind"], na_position="first", key=_sort_key
        ).reset_index(drop=True)
    rules = [
        f"Reconnected: within the next {window} check-in(s) the member answered after the "
        f"alert, a score back within the reliable-change threshold ({threshold:.2f}) of the "
        "member's own baseline before it.",
        f"Still disconnected: {window} check-in(s) after the alert and none back.",
        f"Not seen since: the group held {window} or more sessions after the alert and the "
        "member was at none of them.",
        f"Chronic: {chronic_sessions} check-ins in a row at or below the group's lower band "
        "(the group's mean less the threshold) that differ by no more than the threshold, or "
        "two disconnections in a row that ended still disconnected.",
    ]
    return RepairFollowUp(records=records, window=window, rules=rules)


def summary(records: pd.DataFrame) -> dict:
    """Counts of a set of records by outcome, and the median sessions to reconnect.

    ``open`` counts records still followed (open, acknowledged or repair attempted);
    ``median_sessions_to_reconnect`` is None without a reconnected record.

    Examples
    --------
    >>> frame = pd.DataFrame({"status": ["reconnected", "open", "reconnected"],
    ...                       "sessions_to_reconnect": [1, None, 2]})
    >>> summary(frame)["median_sessions_to_reconnect"]
    1.5
    """
    status = records["status"] if len(records) else pd.Series(dtype=object)
    counts = {name: int((status == name).sum()) for name in STATUSES}
    to_reconnect = pd.to_numeric(
        records.loc[status == "reconnected", "sessions_to_reconnect"]
        if len(records)
        else pd.Series(dtype=float),
        errors="coerce",
    ).dropna()
    return {
        "total": len(records),
        "reconnected": counts["reconnected"],
        "still_disconnected": counts["still_disconnected"],
        "left": counts["left"],
        "not_seen": counts["not_seen"],
        "open": sum(counts[name] for name in UNDECIDED),
        "acknowledged": counts["acknowledged"],
        "attempted": counts["attempted"],
        "median_sessions_to_reconnect": (
            float(to_reconnect.median()) if len(to_reconnect) else None
        ),
    }


def by_group(records: pd.DataFrame) -> pd.DataFrame:
    """Per group: disconnections, share reconnected, check-ins to reconnect, unrepaired.

    Unrepaired are those still disconnected, not seen since, or left.

    Columns: ``group``, ``members``, ``disconnections``, ``reconnected``,
    ``share_reconnected`` (of those decided: reconnected, still disconnected, not seen or
    left; nan when none is), ``median_sessions_to_reconnect``, ``unrepaired``, ``open``.

    Examples
    --------
    >>> frame = pd.DataFrame({"group": ["G", "G", "G"], "member": ["A", "A", "B"],
    ...     "status": ["reconnected", "still_disconnected", "open"],
    ...     "sessions_to_reconnect": [2, None, None]})
    >>> row = by_group(frame).iloc[0]
    >>> int(row["members"]), int(row["disconnections"]), float(row["share_reconnected"])
    (2, 3, 0.5)
    """
    columns = [
        "group",
        "members",
        "disconnections",
        "reconnected",
        "share_reconnected",
        "median_sessions_to_reconnect",
        "unrepaired",
        "open",
    ]
    rows = []
    for group, part in records.groupby(records["group"].astype(object), dropna=False, sort=True):
        status = part["status"]
        decided = int(status.isin(OUTCOMES).sum())
        reconnected = int((status == "reconnected").sum())
        to_reconnect = pd.to_numeric(
            part.loc[status == "reconnected", "sessions_to_reconnect"], errors="coerce"
        ).dropna()
        rows.append(
            {
                "group": group,
                "members": int(part["member"].dropna().nunique()),
                "disconnections": len(part),
                "reconnected": reconnected,
                "share_reconnected": reconnected / decided if decided else math.nan,
                "median_sessions_to_reconnect": (
                    float(to_reconnect.median()) if len(to_reconnect) else math.nan
                ),
                "unrepaired": decided - reconnected,
                "open": int(status.isin(UNDECIDED).sum()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


# The acute records -------------------------------------------------------------------------


def _follow_acute(
    history: pd.DataFrame,
    alerts: pd.DataFrame,
    threshold: float,
    sign: float,
    facilitator_threshold: float | None,
    window: int,
) -> list[dict]:
    """One member's alerts as records: an alert while one is being followed joins it."""
    records: list[dict] = []
    decided_at = -math.inf  # a later alert starts a new record only after this session
    for alert in alerts.itertuples(index=False):
        session = float(alert.session)
        if records and session <= decided_at:
            continue  # the same disconnection, still being followed
        if records and records[-1]["status"] is None:
            continue  # undecided: later alerts belong to it
        baseline = _number(alert.baseline)
        rc = _number(getattr(alert, "reliable_change_threshold", threshold))
        rc = rc if math.isfinite(rc) else threshold

        def back(score: float, _session: float, baseline=baseline, rc=rc) -> bool:
            if math.isfinite(baseline):
                return sign * (baseline - score) <= rc
            return facilitator_threshold is not None and sign * (score - facilitator_threshold) >= 0

        record = _record("member", "acute", alert, baseline, rc)
        if not math.isfinite(baseline) and facilitator_threshold is None:
            record["note"] = (
                "No baseline (too few earlier check-ins) and no facilitator threshold: whether "
                "the member reconnected cannot be read from the scores; record what you see."
            )
        else:
            _decide(record, history, session, back, window)
        records.append(record)
        if record["outcome_session"] is not None:
            decided_at = float(record["outcome_session"])
    return records


def _decide(record: dict, history: pd.DataFrame, session: float, back, window: int) -> None:
    """Set the outcome from the check-ins answered after `session`.

    `back(score, session)` says whether a later check-in is back (the rule of the record's
    kind); the first of the next `window` that is decides "reconnected".
    """
    after = history[history["session"] > session].sort_values("session").head(window)
    for position, row in enumerate(after.itertuples(index=False), start=1):
        if back(float(row.score), float(row.session)):
            record.update(
                status="reconnected",
                outcome_session=_label(row.session),
                sessions_to_reconnect=position,
            )
            return
    if len(after) == window:
        record.update(status="still_disconnected", outcome_session=_label(after["session"].max()))
        return
    answered = len(after)
    record["note"] = (
        f"Waiting for the next check-in: {answered} of {window} answered since session "
        f"{_label(session)}."
        if answered
        else f"No check-in since session {_label(session)} yet."
    )


def _decide_absence(
    record: dict, seen: set[float], held: dict[str, list[int]], window: int
) -> None:
    """An undecided record whose member missed `window` sessions since reads "not seen"."""
    if record["status"] is not None:
        return
    start = float(record["session"])
    later = [s for s in held.get(record["group"], []) if float(s) > start]
    if len(later) >= window and not any(float(s) in seen for s in later):
        record.update(status="not_seen", outcome_session=_label(max(later)))
        record["note"] = (
            f"The group met {len(later)} time(s) since session {_label(start)}; the member "
            "was at none of them."
        )


# Chronic records ---------------------------------------------------------------------------


def _follow_chronic(
    means: pd.Series,
    group,
    member: str,
    history: pd.DataFrame,
    acute: list[dict],
    threshold: float,
    sign: float,
    window: int,
    chronic_sessions: int,
) -> list[dict]:
    """A member's chronic disconnections: low and flat, or twice not back."""
    if not math.isfinite(threshold):
        return []
    history = history.sort_values("session").reset_index(drop=True)
    bands = history["session"].map(means) - sign * threshold

    def low(position: int) -> bool:
        return sign * (bands.iloc[position] - history["score"].iloc[position]) >= 0

    def back(score: float, session: float) -> bool:
        band = float(means.get(session, math.nan)) - sign * threshold
        return math.isfinite(band) and sign * (score - band) > 0

    records: list[dict] = []
    blocked_until = -math.inf
    streak: list[int] = []
    for position in range(len(history)):
        session = float(history["session"].iloc[position])
        streak = [*streak, position] if low(position) else []
        if session <= blocked_until or len(streak) < chronic_sessions:
            continue
        window_scores = history["score"].iloc[streak[-chronic_sessions:]]
        if window_scores.max() - window_scores.min() > threshold:
            continue
        record = _chronic_record(
            group,
            member,
            session,
            float(history["score"].iloc[position]),
            threshold,
            f"{member}'s check-in was at or below the group's lower band at "
            f"{chronic_sessions} sessions in a row (to session {_label(session)}), and "
            "flat: no reliable rise between them.",
        )
        _decide(record, history, session, back, window)
        records.append(record)
        # Still low after it: the same chronic disconnection, not a new one, until the
        # member has been back above the band.
        blocked_until = (
            float(record["outcome_session"]) if record["status"] == "reconnected" else math.inf
        )
        streak = []
    repeated = _repeated_unrepaired(acute)
    if repeated is not None and not any(
        float(r["session"]) <= repeated <= _until(r) for r in records
    ):
        row = history[history["session"] == repeated]
        record = _chronic_record(
            group,
            member,
            repeated,
            float(row["score"].iloc[0]) if len(row) else math.nan,
            threshold,
            f"{member} had two disconnections in a row that ended still disconnected (the "
            f"second decided at session {_label(repeated)}).",
        )
        _decide(record, history, repeated, back, window)
        records.append(record)
    return records


def _repeated_unrepaired(acute: list[dict]) -> float | None:
    """The session deciding the second of two acute records in a row still disconnected."""
    for earlier, later in zip(acute, acute[1:], strict=False):
        if earlier["status"] == later["status"] == "still_disconnected":
            return float(later["outcome_session"])
    return None


def _until(record: dict) -> float:
    if record["status"] == "reconnected":
        return float(record["outcome_session"])
    return math.inf


def _chronic_record(group, member, session, score, threshold, reason) -> dict:
    return {
        "level": "member",
        "kind": "chronic",
        "group": group,
        "member": member,
        "session": _label(session),
        "score": score,
        "baseline": math.nan,
        "drop": math.nan,
        "threshold": threshold,
        "status": None,
        "outcome_session": None,
        "sessions_to_reconnect": None,
        "actions": [],
        "steps": 0,
        "reason": reason,
        "note": "",
    }


# Group records -----------------------------------------------------------------------------


def _follow_group(in_group: pd.DataFrame, alerts: pd.DataFrame, sign: float, window: int):
    means = in_group.groupby("session")["score"].mean().sort_index()
    history = pd.DataFrame({"session": means.index.astype(float), "score": means.to_numpy()})
    records: list[dict] = []
    decided_at = -math.inf
    for alert in alerts.itertuples(index=False):
        session = float(alert.session)
        if records and (session <= decided_at or records[-1]["status"] is None):
            continue
        baseline = _number(alert.baseline)
        rc = _number(alert.reliable_change_threshold)
        record = _record("group", "acute", alert, baseline, rc)
        _decide(
            record, history, session, lambda s, _, b=baseline, t=rc: sign * (b - s) <= t, window
        )
        records.append(record)
        if record["outcome_session"] is not None:
            decided_at = float(record["outcome_session"])
    return records


# Steps -------------------------------------------------------------------------------------


def _apply_steps(records: pd.DataFrame, steps: pd.DataFrame | None) -> pd.DataFrame:
    """Status from the recorded steps where the data has not decided; actions listed."""
    if records.empty:
        return records
    records = records.copy()
    records["actions"] = [[] for _ in range(len(records))]
    human: list[str] = ["open"] * len(records)
    if steps is not None and len(steps):
        keys = [_key(r.group, r.member, r.session, r.kind) for r in records.itertuples()]
        index = {key: position for position, key in enumerate(keys)}
        for step in steps.itertuples(index=False):
            position = index.get(_key(step.group, step.member, step.session, step.kind))
            if position is None:
                continue
            records.at[position, "steps"] = int(records.at[position, "steps"]) + 1
            for action in step.actions or []:
                if action not in records.at[position, "actions"]:
                    records.at[position, "actions"].append(action)
            rank = STATUSES.index
            wanted = step.step if step.step in STEPS else "acknowledged"
            if wanted == "left" or rank(wanted) > rank(human[position]):
                human[position] = wanted
    status = []
    for position, decided in enumerate(records["status"]):
        if decided in ("reconnected", "still_disconnected"):
            status.append(decided)
        elif human[position] == "left":
            status.append("left")
        else:
            status.append(human[position] if _missing(decided) else decided)
    records["status"] = status
    return records


def _key(group, member, session, kind) -> tuple:
    return (
        None if _missing(group) else str(group),
        None if _missing(member) else str(member),
        float(session),
        str(kind),
    )


# Small helpers -----------------------------------------------------------------------------


def _scores(scores: pd.DataFrame) -> pd.DataFrame:
    data = pd.DataFrame(
        {
            "member": scores["member"].astype(str),
            "group": scores["group"].map(lambda v: None if _missing(v) else str(v))
            if "group" in scores.columns
            else None,
            "session": pd.to_numeric(scores["session"], errors="coerce").astype(float),
            "score": pd.to_numeric(scores["score"], errors="coerce"),
        }
    )
    return data.dropna(subset=["session", "score"])


def _held(data: pd.DataFrame) -> dict:
    return {
        group: sorted(set(rows["session"]))
        for group, rows in data.groupby("group", dropna=False, sort=True)
    }


def _seen(data: pd.DataFrame, present: pd.DataFrame | None) -> dict[tuple, set[float]]:
    seen: dict[tuple, set[float]] = {}
    frames = [data[["group", "member", "session"]]]
    if present is not None and len(present):
        frames.append(_scores(present.assign(score=0.0))[["group", "member", "session"]])
    for frame in frames:
        for row in frame.itertuples(index=False):
            seen.setdefault((row.group, row.member), set()).add(float(row.session))
    return seen


def _alerts_of(alerts: pd.DataFrame, level: str, group, member) -> pd.DataFrame:
    if alerts is None or alerts.empty:
        return pd.DataFrame(columns=["session"])
    chosen = alerts[alerts["level"] == level]
    groups = chosen["group"].map(lambda v: None if _missing(v) else str(v))
    chosen = chosen[groups == group] if group is not None else chosen[groups.isna()]
    if member is not None:
        chosen = chosen[chosen["member"].astype(str) == member]
    return chosen.sort_values("session", key=lambda s: s.astype(float))


def _record(level: str, kind: str, alert, baseline: float, rc: float) -> dict:
    return {
        "level": level,
        "kind": kind,
        "group": None if _missing(alert.group) else str(alert.group),
        "member": None if level == "group" else str(alert.member),
        "session": _label(alert.session),
        "score": float(alert.score),
        "baseline": baseline,
        "drop": _number(alert.drop),
        "threshold": rc,
        "status": None,
        "outcome_session": None,
        "sessions_to_reconnect": None,
        "actions": [],
        "steps": 0,
        "reason": str(getattr(alert, "reason", "")),
        "note": "",
    }


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _label(value) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _sort_key(column: pd.Series) -> pd.Series:
    if column.name == "session":
        return column.astype(float)
    return column.map(lambda v: "" if _missing(v) else str(v))

"""Disconnection alerts for facilitators: a member or a group whose check-in drops.

In Relational-Cultural Theory an acute disconnection that is noticed and repaired can
strengthen a relationship; one that is missed drives isolation. These alerts point a
facilitator at the drops worth a conversation: a member whose check-in score falls further
below their own earlier sessions than measurement error explains, a member below a level the
facilitator chose, and a group whose mean falls reliably.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.trend import session_numbers

#: z for a two-sided 95% criterion, as in Jacobson & Truax (1991).
Z_RELIABLE = 1.96

ALERT_COLUMNS = [
    "level",
    "group",
    "member",
    "session",
    "score",
    "baseline",
    "baseline_sessions",
    "drop",
    "reliable_change_threshold",
    "reliable_drop",
    "below_threshold",
    "members",
    "reason",
]


@dataclass
class DisconnectionAlerts:
    """Alerts (one row per member or group and session that fired) and how they were set.

    ``alerts`` columns: ``level`` ("member" or "group"), ``group``, ``member`` (None for a
    group alert), ``session``, ``score`` (the member's score or the group mean), ``baseline``
    (mean of the earlier sessions, or nan), ``baseline_sessions``, ``drop`` (how far the
    score is on the worse side of the baseline, in scale points; nan without a baseline),
    ``reliable_change_threshold``, ``reliable_drop``, ``below_threshold``, ``members`` (how
    many members the score rests on: 1 for a member, those present for a group mean),
    ``reason`` (what happened, in plain words; what to do about it is the caller's to say,
    once).
    """

    alerts: pd.DataFrame
    reliable_change_threshold: float
    standard_error_of_measurement: float
    sd: float
    reliability: float
    notes: list[str] = field(default_factory=list)


def reliable_change_threshold(sd: float, reliability: float) -> float:
    """Smallest change of one person's score that measurement error is unlikely to explain.

    Parameters
    ----------
    sd
        Standard deviation of the scale's scores.
    reliability
        Reliability of the scale (for example Cronbach's alpha), between 0 and 1.

    Returns
    -------
    float
        ``1.96 · S_diff`` with ``SE = sd · sqrt(1 − reliability)`` and ``S_diff = sqrt(2) · SE``.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to
    defining meaningful change in psychotherapy research. *J Consult Clin Psychol*, 59, 12–19.

    Examples
    --------
    >>> round(reliable_change_threshold(0.8, 0.75), 3)  # 1.96 * sqrt(2) * 0.8 * 0.5
    1.109
    """
    return Z_RELIABLE * math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def disconnection_alerts(
    checkin_scores: pd.DataFrame,
    reliability: float,
    threshold: float | None = None,
    *,
    scale: str,
    sd: float | None = None,
    higher_is_better: bool = True,
    min_baseline_sessions: int = 2,
    member_col: str = "member",
    group_col: str = "group",
) -> DisconnectionAlerts:
    """Flag members and groups whose check-in score drops, with the reason in plain words.

    Parameters
    ----------
    checkin_scores
        Scored check-ins (output of ``measures.score``): one row per member and session,
        with `scale`, `member_col`, optionally `group_col`, and a ``session`` column or
        timepoints that carry a session number.
    reliability
        Reliability of the scale (the instrument's norm, or the sample's alpha).
    threshold
        A score the facilitator chose: a member at or beyond it on the worse side (below it
        when higher is better) is flagged whatever their history. ``None``: not used.
    scale
        Scale id (column of `checkin_scores`).
    sd
        SD used for the reliable-change threshold; default the SD of all check-in scores of
        this scale in `checkin_scores`. Pass a published SD when the group is small.
    higher_is_better
        Direction of the scale (from the instrument's ``higher_is``).
    min_baseline_sessions
        How many earlier sessions a running baseline needs (default 2).
    member_col, group_col
        Columns with the member code and the group.

    Returns
    -------
    DisconnectionAlerts
        Alerts in session order, then group and member.

    Raises
    ------
    ValueError
        When `reliability` is not between 0 and 1, `scale` is not a column, or a check-in has
        no session number.

    Notes
    -----
    Member alert, reliable drop: at session ``t`` with ``m ≥ min_baseline_sessions`` earlier
    scored sessions, the running baseline is the mean of those earlier scores,
    ``b_t = mean(y_1 … y_{t−1})``, and the drop is ``b_t − y_t`` (``y_t − b_t`` when higher
    is worse). It fires when ``drop > 1.96 · sqrt(2) · sd · sqrt(1 − reliability)``, the
    Jacobson–Truax reliable-change threshold. This treats the baseline as if it were one
    measurement, which is conservative: averaging ``m`` sessions makes the baseline more
    precise, but one threshold per scale is easier for facilitators to read and check.

    Member alert, facilitator threshold: fires when ``y_t < threshold`` (``>`` when higher
    is worse), without needing a baseline.

    Group alert: the group mean at session ``t`` (members present) against the mean of its
    earlier session means (at least ``min_baseline_sessions``). Its threshold is the member
    threshold divided by ``sqrt(n_t)`` (``n_t`` members present), because measurement error
    of a mean of ``n`` independent scores shrinks by ``sqrt(n)``. A change of who attends
    also moves a group mean; the reason says how many members the mean is based on. A
    session with a single member present gives no group alert (the member alert covers it).

    Two baseline sessions are the default because one earlier session is a single noisy
    reading, and a member who joined late should not be compared with nothing.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). *J Consult Clin Psychol*, 59, 12–19.

    Jordan, J. V. (2018). *Relational-cultural therapy* (2nd ed.). APA. (Acute disconnection
    and repair.)
    """
    if not 0 < reliability < 1:
        raise ValueError(
            f"reliability {reliability!r} must be between 0 and 1 (for example the scale's "
            "Cronbach's alpha, 0.85)."
        )
    if scale not in checkin_scores.columns:
        raise ValueError(
            f"no column named {scale!r}; the columns are {', '.join(map(str, checkin_scores))}."
        )
    if min_baseline_sessions < 1:
        raise ValueError("min_baseline_sessions must be 1 or more.")
    notes: list[str] = []
    data = pd.DataFrame(
        {
            "member": checkin_scores[member_col].astype(str),
            "group": (
                checkin_scores[group_col].map(lambda v: None if pd.isna(v) else str(v))
                if group_col in checkin_scores.columns
                else None
            ),
            "session": session_numbers(checkin_scores),
            "score": pd.to_numeric(checkin_scores[scale], errors="coerce"),
        }
    )
    unscored = int(data["score"].isna().sum())
    if unscored:
        notes.append(f"{unscored} check-in(s) have no {scale} score and are not used.")
    data = data.dropna(subset=["score"]).sort_values(["session", "member"]).reset_index(drop=True)
    if sd is None:
        sd = float(data["score"].std(ddof=1)) if len(data) > 1 else math.nan
        sd_source = "the SD of all check-in scores"
    else:
        sd_source = "the SD given"
    sem = sd * math.sqrt(1 - reliability) if math.isfinite(sd) else math.nan
    rc = reliable_change_threshold(sd, reliability) if math.isfinite(sd) else math.nan
    if not math.isfinite(rc) or rc == 0:
        notes.append(
            "The reliable-change threshold cannot be set: "
            + ("there are fewer than two scores" if not math.isfinite(sd) else "the SD is 0")
            + ". Only the facilitator's threshold can fire; pass a published SD to use "
            "reliable-change alerts."
        )
        rc = math.nan
    else:
        notes.append(
            f"Reliable drop for one member: more than {rc:.2f} points "
            f"(1.96 × √2 × SD {sd:.2f} × √(1 − {reliability:g}); SD from {sd_source})."
        )
    sign = 1.0 if higher_is_better else -1.0
    worse = "below" if higher_is_better else "above"
    rows: list[dict] = []

    def member_alerts(member: str, history: pd.DataFrame) -> None:
        history = history.sort_values("session")
        scores = history["score"].to_numpy(dtype=float)
        for i, row in enumerate(history.itertuples(index=False)):
            earlier = scores[:i]
            baseline = float(earlier.mean()) if len(earlier) >= min_baseline_sessions else math.nan
            drop = sign * (baseline - row.score) if math.isfinite(baseline) else math.nan
            reliable = bool(math.isfinite(rc) and math.isfinite(drop) and drop > rc)
            below = bool(threshold is not None and sign * (threshold - row.score) > 0)
            if not (reliable or below):
                continue
            session = _session_label(row.session)
            reasons = []
            if reliable:
                reasons.append(
                    f"Score {_fmt(row.score)} at session {session} is {drop:.1f} points "
                    f"{worse} {member}'s own average of the {len(earlier)} earlier sessions "
                    f"({_fmt(baseline)}); a change of more than {rc:.1f} is unlikely to be "
                    "chance."
                )
            if below:
                reasons.append(
                    f"Score {_fmt(row.score)} at session {session} is {worse} the "
                    f"facilitator's threshold of {threshold:g}."
                )
            rows.append(
                {
                    "level": "member",
                    "group": row.group,
                    "member": member,
                    "session": session,
                    "score": float(row.score),
                    "baseline": baseline,
                    "baseline_sessions": len(earlier),
                    "drop": drop,
                    "reliable_change_threshold": rc,
                    "reliable_drop": reliable,
                    "below_threshold": below,
                    "members": 1,
                    "reason": " ".join(reasons),
                }
            )

    for member, history in data.groupby("member", sort=True):
        member_alerts(str(member), history)

    grouped = data.dropna(subset=["group"])
    for group, in_group in grouped.groupby("group", sort=True):
        per_session = in_group.groupby("session")["score"].agg(["mean", "size"]).sort_index()
        means = per_session["mean"].to_numpy(dtype=float)
        for i, (session_value, summary) in enumerate(per_session.iterrows()):
            if i < min_baseline_sessions or not math.isfinite(rc):
                continue
            baseline = float(means[:i].mean())
            n_present = int(summary["size"])
            if n_present < 2:
                continue  # one member present: the member alert already says it
            group_rc = rc / math.sqrt(n_present)
            drop = sign * (baseline - float(summary["mean"]))
            if drop <= group_rc:
                continue
            session = _session_label(session_value)
            rows.append(
                {
                    "level": "group",
                    "group": str(group),
                    "member": None,
                    "session": session,
                    "score": float(summary["mean"]),
                    "baseline": baseline,
                    "baseline_sessions": i,
                    "drop": drop,
                    "reliable_change_threshold": group_rc,
                    "reliable_drop": True,
                    "below_threshold": False,
                    "members": n_present,
                    "reason": (
                        f"Group {group}'s mean at session {session} ({_fmt(summary['mean'])}, "
                        f"{n_present} members) is {drop:.1f} points {worse} the average of its "
                        f"{i} earlier sessions ({_fmt(baseline)}); for a mean of {n_present} "
                        f"members a change of more than {group_rc:.1f} is unlikely to be "
                        "chance."
                    ),
                }
            )
    alerts = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    if len(alerts):
        alerts = alerts.sort_values(
            ["session", "level", "group", "member"], key=_natural_key, na_position="first"
        ).reset_index(drop=True)
    return DisconnectionAlerts(
        alerts=alerts,
        reliable_change_threshold=rc,
        standard_error_of_measurement=sem,
        sd=sd,
        reliability=reliability,
        notes=notes,
    )


def _session_label(value: float) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _natural_key(column: pd.Series) -> pd.Series:
    if column.name == "session":
        return column.astype(float)
    return column.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else v)

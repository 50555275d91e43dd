"""Attendance: how many of a group's members came to each session.

Attendance is recorded as one mark per member and session (present or absent). A facilitator
asks "who came?"; an evaluator, who may not see members, asks "what share came, per group and
session, and which session was the emptiest?". These functions answer the second question
from the marks alone, without a database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["AttendanceDataError", "AttendanceSummary", "attendance_rates", "attendance_summary"]


class AttendanceDataError(ValueError):
    """Marks that cannot be counted (a column missing, a mark that is not present/absent)."""


def _present(marks: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """`marks` with a recorded mark only, ``present`` as 1.0 / 0.0; checks the columns."""
    missing = [c for c in [*by, "present"] if c not in marks.columns]
    if missing:
        raise AttendanceDataError(
            "attendance marks need the column(s) " + ", ".join(missing) + " (one row per "
            "member and session, present True or False)"
        )
    recorded = marks[marks["present"].notna()]
    values = pd.to_numeric(recorded["present"].astype(object), errors="coerce").astype(float)
    wrong = ~values.isin([0.0, 1.0])
    if wrong.any():
        bad = recorded.loc[wrong, "present"].iloc[0]
        raise AttendanceDataError(
            f"an attendance mark must be present (True, 1) or absent (False, 0), not '{bad}'"
        )
    return recorded.assign(present=values)


def attendance_rates(marks: pd.DataFrame, by: Sequence[str] = ("group", "session")) -> pd.DataFrame:
    """Share of members present, per group and session (or any other columns `by`).

    Parameters
    ----------
    marks
        One row per member and session: the `by` columns and ``present`` (True/False or
        1/0). A row whose ``present`` is missing was not recorded and is left out.
    by
        Columns to count within; ``("session",)`` pools the groups.

    Returns
    -------
    pandas.DataFrame
        The `by` columns, ``n`` (members with a mark) and ``present`` (share of them
        present, 0 to 1), one row per distinct value of `by` in sorted order. A missing
        group is a row of its own.

    Raises
    ------
    AttendanceDataError
        When a column is missing or a mark is neither present nor absent.

    Notes
    -----
    ``present = (members marked present) / n``.

    Examples
    --------
    >>> marks = pd.DataFrame(
    ...     {"group": ["A", "A", "A", "B"], "session": [1, 1, 1, 1],
    ...      "present": [True, True, False, True]}
    ... )
    >>> attendance_rates(marks).round(3).to_dict("records")
    [{'group': 'A', 'session': 1, 'n': 3, 'present': 0.667}, {'group': 'B', 'session': 1, 'n': 1, 'present': 1.0}]
    """  # noqa: E501
    by = list(by)
    data = _present(marks, by)
    if data.empty:
        return pd.DataFrame(columns=[*by, "n", "present"])
    return data.groupby(by, dropna=False)["present"].agg(n="size", present="mean").reset_index()


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance over all the marks given: the overall rate and the emptiest session.

    ``marks`` is the number of recorded marks, ``rate`` the share of them present;
    ``emptiest_session`` is the session number with the lowest share present (groups
    pooled; the earliest such session on a tie) and ``emptiest_rate`` that share. With no
    marks the rates are ``nan`` and the session is ``None``.
    """

    marks: int
    rate: float
    emptiest_session: object
    emptiest_rate: float


def attendance_summary(marks: pd.DataFrame) -> AttendanceSummary:
    """Overall share of marks present and the session with the lowest share present.

    Parameters
    ----------
    marks
        One row per member and session: ``session`` and ``present`` (True/False or 1/0);
        other columns (``group``, ``member``) are ignored. Unrecorded marks (missing) are
        left out.

    Returns
    -------
    AttendanceSummary

    Raises
    ------
    AttendanceDataError
        When a column is missing or a mark is neither present nor absent.

    Notes
    -----
    ``rate = (marks present) / (marks)``, every mark weighing the same. The share per
    session pools the groups' marks for that session number (``attendance_rates(marks,
    by=("session",))``); the emptiest session is the one where it is lowest.

    Examples
    --------
    >>> marks = pd.DataFrame(
    ...     {"session": [1, 1, 2, 2], "present": [True, True, True, False]}
    ... )
    >>> attendance_summary(marks)
    AttendanceSummary(marks=4, rate=0.75, emptiest_session=2, emptiest_rate=0.5)
    """
    data = _present(marks, ["session"])
    if data.empty:
        return AttendanceSummary(0, math.nan, None, math.nan)
    per_session = attendance_rates(data, by=("session",))
    # argmin: the first lowest share, so the earliest session on a tie.
    lowest = int(per_session["present"].to_numpy().argmin())
    session = per_session["session"].iloc[lowest]
    return AttendanceSummary(
        marks=len(data),
        rate=float(data["present"].mean()),
        emptiest_session=session.item() if hasattr(session, "item") else session,
        emptiest_rate=float(per_session["present"].iloc[lowest]),
    )

"""The one-line readings of the views, worded from their numbers.

Each function takes the typed fields a view carries (counts, means, sessions) and an optional
`privacy.suppression.Suppressor`. With a suppressor (a user who may not see member codes),
a count of 1 to 4 is hidden on the number, before the sentence is worded: the sentence never
has to be read again to find what to hide. Staff and evaluators get one wording.
`services.analyses` words its views with these, and `services.published` words them again
with a suppressor; both import this module, which imports neither of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.attendance import attendance_summary
from analysis.words import members_words
from analysis.words import p_words as p_words
from privacy.suppression import Suppressor


def _members(n: int, suppressor: Suppressor | None) -> str:
    """A count of members in words; "fewer than 5 members" where `suppressor` hides it."""
    if suppressor is not None:
        return suppressor.members(n)
    return members_words(n)


def few(suppressor: Suppressor, what: str) -> str:
    """The reading of a result resting on too few members: "Trend: fewer than 5: not shown ..."."""
    return f"{what}: {suppressor.label} (fewer than {suppressor.min_cell_size} members)."


# Mutuality over time ------------------------------------------------------------------------


@dataclass(frozen=True)
class OverTimeSummary:
    """The numbers the Over time reading is worded from.

    ``first_*`` and ``last_*`` are the first and the last session most members reached
    (`analysis.timepoints.default_pre_post` over sessions), their mean over all groups and
    how many answered (``n`` of `analysis.trend.session_means`); None without two such
    sessions. ``later`` holds (session, members who answered so far) for the sessions after
    the last one.
    """

    scale_name: str
    selection: str
    n_sessions: int
    n_members: int
    first_session: float | None = None
    first_mean: float = math.nan
    first_n: int = 0
    last_session: float | None = None
    last_mean: float = math.nan
    last_n: int = 0
    later: tuple[tuple[float, int], ...] = ()


def over_time_reading(summary: OverTimeSummary | None, suppressor: Suppressor | None = None) -> str:
    """The Mutuality over time reading.

    With `suppressor`, a first or last session of 1 to 4 answers gives no mean at all (the
    reading says so), and a later session's count of 1 to 4 reads "fewer than 5".
    """
    if summary is None:
        return "No answers with a session number here."
    name = summary.scale_name
    if summary.first_session is None or summary.last_session is None:
        members = _members(summary.n_members, suppressor)
        return f"{name}: {summary.n_sessions} sessions, {members}."
    if suppressor is not None and (
        suppressor.hides(summary.first_n) or suppressor.hides(summary.last_n)
    ):
        return few(suppressor, "Sessions")
    reading = (
        f"{name} went from {summary.first_mean:.2f} at session {summary.first_session:g} to "
        f"{summary.last_mean:.2f} at session {summary.last_session:g}, the last session most "
        f"members reached ({summary.selection}, {_members(summary.n_members, suppressor)})."
    )
    if summary.later:
        reading += " Later: " + ", ".join(
            f"session {session:g} ({_so_far(n, suppressor)} answered so far)"
            for session, n in summary.later
        )
        reading += "."
    return reading


def _so_far(n: int, suppressor: Suppressor | None) -> str:
    if suppressor is not None and suppressor.hides(n):
        suppressor.suppressed += 1
        return f"fewer than {suppressor.min_cell_size}"
    return str(n)


# Trend --------------------------------------------------------------------------------------


def trend_reading(scale_name: str, result, suppressor: Suppressor | None = None) -> str:
    """The trend reading of an `analysis.trend.TrendResult`.

    With `suppressor`, a trend of 1 to 4 members is not reported.
    """
    if suppressor is not None and suppressor.hides(result.n_members):
        return few(suppressor, "Trend")
    if not math.isfinite(result.slope):
        return "No trend could be estimated: " + ("; ".join(result.notes) or "too few data.")
    low, high = result.slope_ci
    direction = "rose" if result.slope > 0 else "fell"
    sure = (
        "more than chance would explain"
        if result.slope_p < 0.05
        else "not clearly more than chance"
    )
    return (
        f"{scale_name} {direction} {abs(result.slope):.2f} points per session "
        f"(95% CI {low:.2f} to {high:.2f}; {result.n_members} members, "
        f"{result.n_groups} group(s)): {sure}."
    )


# Groups -------------------------------------------------------------------------------------


def groups_reading(
    scale_name: str, timepoint: str, structure, suppressor: Suppressor | None = None
) -> str:
    """The Groups reading of an `analysis.groups.GroupStructure` at `timepoint`.

    With `suppressor`, fewer than 5 members in all give no statistic. Without an ICC the
    reading quotes the structure's notes, so a caller that hides a group's size passes the
    structure with its notes already fit to publish (`services.published.groups`).
    """
    if suppressor is not None and suppressor.hides(structure.n_members):
        return few(suppressor, "Groups")
    if not math.isfinite(structure.icc1_reml):
        return f"{scale_name} at {timepoint}: " + ("; ".join(structure.notes) or "no ICC.")
    share = structure.icc1_reml
    return (
        f"{scale_name} at {timepoint}: {share:.0%} of the differences between members lie "
        f"between groups (ICC(1) {share:.2f}, {structure.n_groups} groups, "
        f"{structure.n_members} members); design effect {structure.design_effect:.2f}."
    )


# Attendance ---------------------------------------------------------------------------------


def attendance_reading(marks: pd.DataFrame, suppressor: Suppressor | None = None) -> str:
    """The attendance in one sentence: overall share present and the emptiest session.

    Numbers from `analysis.attendance.attendance_summary` (groups pooled per session). With
    `suppressor`, a session of 1 to 4 members' marks gives no overall rate: the reading
    quotes shares present ("the emptiest was session 3, 33% present"), and of three
    members that is one.
    """
    summary = None if marks.empty else attendance_summary(marks)
    if summary is None or summary.marks == 0:
        return "No attendance recorded here."
    if suppressor is not None:
        sizes = marks.groupby("session").size()
        if any(suppressor.hides(int(n)) for n in sizes):
            return (
                "Attendance: some sessions have fewer than "
                f"{suppressor.min_cell_size} members' marks, so no overall rate is given; the "
                "table shows the sessions that can be shown."
            )
    return (
        f"Members came to {summary.rate:.0%} of the sessions recorded; the emptiest was "
        f"session {summary.emptiest_session} ({summary.emptiest_rate:.0%} present)."
    )


# Home ---------------------------------------------------------------------------------------


def home_reading(
    n_programs: int,
    n_groups: int,
    n_members: int,
    n_alerts: int,
    suppressor: Suppressor | None = None,
    followed: bool = False,
) -> str:
    """Home's reading: programs, groups, members and open alerts.

    `followed`: `n_alerts` counts the disconnections still being followed (the repair loop,
    `services.repairs`). With `suppressor`, `n_alerts` counts group alerts only (members'
    alerts go to their facilitators) and a total of 1 to 4 members reads "fewer than 5
    members".
    """
    counts = f"{n_programs} program(s), {n_groups} group(s), "
    if suppressor is None and followed:
        return counts + f"{n_members} members; {n_alerts} disconnection(s) still being followed."
    if suppressor is None:
        return counts + f"{n_members} members; {n_alerts} open disconnection alert(s)."
    return counts + (
        f"{_members(n_members, suppressor)}; {n_alerts} open group alert(s); alerts about "
        "single members go to their facilitators."
    )

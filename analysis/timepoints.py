"""Which timepoints a result is about by default: time order, and the default pre and post.

One rule for the whole program, used by the Change page, the Mutuality over time reading, the
reports and their reliability: a small late session (5 members at a new session 13 of a
program where 40 answered session 12) must not become "post" for everyone. So the default
"post" is the last timepoint that most members reached, not simply the last one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from analysis.change import normalise_timepoint
from analysis.trend import session_number
from analysis.words import members_words

__all__ = [
    "PrePost",
    "default_pre_post",
    "ordered_timepoints",
    "timepoint_place",
    "pre_post_rule",
    "timepoint_counts",
]

#: A timepoint counts as "reached by most members" when at least this share of the members
#: of the best-attended timepoint answered at it.
MIN_SHARE = 0.5


#: Words of the timepoints that come before a program's sessions, with their place among
#: themselves (a screening before an intake, a baseline before "pre"). Compared without
#: case, spaces, hyphens or underscores ("Pre-test" is "pretest").
BEFORE_WORDS: dict[str, int] = {
    "screening": 0,
    "referral": 0,
    "intake": 1,
    "admission": 1,
    "entry": 1,
    "enrollment": 1,
    "enrolment": 1,
    "start": 1,
    "baseline": 2,
    "pre": 3,
    "pretest": 3,
    "pretreatment": 3,
    "before": 3,
}
#: Words of the timepoints at a program's end, after its sessions.
END_WORDS: dict[str, int] = {
    "post": 0,
    "posttest": 0,
    "posttreatment": 0,
    "after": 0,
    "end": 0,
    "exit": 0,
    "completion": 0,
    "graduation": 0,
    "discharge": 0,
}
#: A follow-up comes after the end, earlier follow-ups first ("3-month follow-up", "FU2").
_FOLLOW_UP = re.compile(r"follow-?up|^fu\d*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def timepoint_place(label: object) -> tuple[int, float]:
    """Where a timepoint label falls in a program: (phase, place within the phase).

    Phases: 0 before the sessions (:data:`BEFORE_WORDS`: intake, baseline, pre, ...), 1 the
    sessions by number (``session-3``, ``3``, ``week 4``), 2 the end (:data:`END_WORDS`:
    post, discharge, exit, ...), 3 follow-ups by their number; a label of none of these
    (``mid``) is in phase 1 after the numbered ones (place ``inf``).

    >>> timepoint_place("Intake"), timepoint_place("session-3"), timepoint_place("Discharge")
    ((0, 1.0), (1, 3.0), (2, 0.0))
    >>> timepoint_place("6-month follow-up"), timepoint_place("mid")
    ((3, 6.0), (1, inf))
    """
    text = str(label).strip().lower()
    bare = re.sub(r"[\s_-]+", "", text)
    if bare in BEFORE_WORDS:
        return 0, float(BEFORE_WORDS[bare])
    if bare in END_WORDS:
        return 2, float(END_WORDS[bare])
    if _FOLLOW_UP.search(re.sub(r"[\s_]+", "-", text)) or _FOLLOW_UP.search(bare):
        number = _NUMBER.search(text)
        return 3, float(number.group()) if number else 0.0
    number = session_number(label)
    return 1, (math.inf if math.isnan(number) else number)


def ordered_timepoints(labels: list[str]) -> list[str]:
    """Timepoints in program order: the one rule for every list of timepoints.

    Intake, baseline and pre first; the sessions by number; post, discharge and exit after
    them; follow-ups last (:func:`timepoint_place`). Labels of the same place, and labels
    that carry no order (``mid``, after the numbered sessions), keep the order in which they
    are given, so a caller passes them in the order they were first answered.

    Parameters
    ----------
    labels
        Timepoint labels (duplicates are dropped).

    Returns
    -------
    list of str
        The labels in program order.

    Examples
    --------
    >>> ordered_timepoints(["session-10", "post", "session-2", "PRE"])
    ['PRE', 'session-2', 'session-10', 'post']
    >>> ordered_timepoints(["Discharge", "Follow-up", "Intake"])
    ['Intake', 'Discharge', 'Follow-up']
    """
    labels = list(dict.fromkeys(labels))
    return sorted(labels, key=timepoint_place)  # sorted is stable: ties keep their order


def timepoint_counts(
    scores: pd.DataFrame, scale: str | None = None, timepoint: str = "timepoint"
) -> pd.DataFrame:
    """How many members answered at each timepoint, in time order.

    Parameters
    ----------
    scores
        One row per administration with a ``member`` column and the `timepoint` column.
    scale
        When given, only administrations with a score on this scale count.
    timepoint
        The column holding the timepoint (``"session"`` for session numbers).

    Returns
    -------
    pandas.DataFrame
        Columns ``timepoint`` (label as text, see :func:`analysis.change.normalise_timepoint`)
        and ``n`` (distinct members), one row per timepoint, in time order
        (:func:`ordered_timepoints`).

    Examples
    --------
    >>> scores = pd.DataFrame({"member": ["a", "b", "a"], "timepoint": [1, 1, 2]})
    >>> timepoint_counts(scores).to_dict("list")
    {'timepoint': ['1', '2'], 'n': [2, 1]}
    """
    if "member" not in scores.columns or timepoint not in scores.columns:
        raise ValueError(
            f"counting members per timepoint needs 'member' and '{timepoint}' columns; "
            f"the table has {', '.join(map(str, scores.columns)) or 'none'}"
        )
    rows = (
        scores if scale is None else scores[pd.to_numeric(scores[scale], errors="coerce").notna()]
    )
    labels = rows[timepoint].map(normalise_timepoint)
    counts = rows["member"].groupby(labels.to_numpy(), dropna=True).nunique()
    order = ordered_timepoints([t for t in labels if t is not None])
    return pd.DataFrame({"timepoint": order, "n": [int(counts[t]) for t in order]})


@dataclass(frozen=True)
class PrePost:
    """The default pre and post timepoints and the rule that chose them, in plain words.

    ``pre``/``post`` are None when there is a single timepoint. ``counts`` is
    :func:`timepoint_counts` of the data (``timepoint``, ``n``). ``rule`` is a sentence for a
    page or a report ("change runs from ... to ...: ..."), worded by :func:`pre_post_rule`
    from ``basis`` (which step of the rule chose them: ``"labelled"``, ``"most"``,
    ``"first"`` or ``"single"``), ``counts`` and ``min_share``, so a report fit to publish
    words it again with its own count of members.
    """

    pre: str | None
    post: str | None
    rule: str
    counts: pd.DataFrame
    basis: str = "single"
    min_share: float = MIN_SHARE


def pre_post_rule(choice: PrePost, members: Callable[[int], str] = members_words) -> str:
    """The rule that chose `choice`'s pre and post, in plain words.

    `members` words a count of members ("3 members"); a caller that may not print small
    counts passes its own (``privacy.suppression.Suppressor.members``), so what is hidden
    is decided on the numbers before the sentence is worded.

    >>> counts = pd.DataFrame({"timepoint": ["pre", "post"], "n": [12, 1]})
    >>> pre_post_rule(PrePost("pre", "post", "", counts, "labelled"))
    'Change runs from the timepoint labelled pre (12 members) to the one labelled post (1 member).'
    """
    n = dict(zip(choice.counts["timepoint"], choice.counts["n"], strict=True))
    pre, post = choice.pre, choice.post
    if choice.basis == "labelled":
        return (
            f"Change runs from the timepoint labelled {pre} ({members(n[pre])}) to the one "
            f"labelled {post} ({members(n[post])})."
        )
    if pre is None or post is None:
        return "There is a single timepoint, so there is no change."
    order = list(n)
    largest = max(n.values())
    if choice.basis == "most":
        rule = (
            f"No timepoints are labelled pre and post, so change runs from the first to the "
            f"last timepoint that most members reached (at least half as many as the "
            f"best-attended, {members(largest)}): {pre} ({members(n[pre])}) to {post} "
            f"({members(n[post])})."
        )
    else:
        reached = [t for t in order if n[t] >= choice.min_share * largest]
        rule = (
            f"No timepoints are labelled pre and post and only {reached[0]} was reached by "
            f"most members, so change runs from the first timepoint, {pre} "
            f"({members(n[pre])}), to the best-attended later one, {post} "
            f"({members(n[post])})."
        )
    for which, skipped in (
        ("Earlier", order[: order.index(pre)]),
        ("Later", order[order.index(post) + 1 :]),
    ):
        if skipped:
            listed = ", ".join(f"{t} ({members(n[t])})" for t in skipped)
            rule += f" {which} timepoints with fewer members are not the default: {listed}."
    return rule


def default_pre_post(
    scores: pd.DataFrame,
    scale: str | None = None,
    *,
    timepoint: str = "timepoint",
    min_share: float = MIN_SHARE,
) -> PrePost:
    r"""The default pre and post timepoints of a program's answers.

    1. Timepoints labelled ``pre`` and ``post`` (any case) are pre and post.
    2. Otherwise pre is the first and post the last timepoint, in time order, that most
       members reached: at least ``min_share`` times as many members as the best-attended
       timepoint, :math:`n_t \ge s \cdot \max_u n_u` (:math:`s` = 0.5 by default). Later
       timepoints that few members reached (a session just begun) are named in the rule
       and can still be chosen by hand.
    3. When only one timepoint reaches that, pre is the first timepoint and post the
       best-attended later one (the latest of ties).

    Parameters
    ----------
    scores
        One row per administration with ``member`` and the `timepoint` column.
    scale
        When given, only administrations with a score on this scale count.
    timepoint
        The column holding the timepoint (``"session"`` for session numbers).
    min_share
        Share of the largest timepoint's members a timepoint needs to be "reached by most".

    Returns
    -------
    PrePost
        ``pre``, ``post`` (labels as text), the ``rule`` in plain words and the ``counts``.

    Notes
    -----
    Taking the last timepoint regardless of its size lets one small new session decide the
    change of a whole program; with few pairs the change is noisy and sample reliability at
    that timepoint meaningless (alpha can fall below 0 with 5 answers). Counting members
    per timepoint and requiring half of the largest count keeps the comparison on the
    timepoints the program's members actually share.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "member": list("abcdef") * 2 + list("ab"),
    ...     "timepoint": ["session-1"] * 6 + ["session-12"] * 6 + ["session-13"] * 2})
    >>> choice = default_pre_post(scores)
    >>> choice.pre, choice.post
    ('session-1', 'session-12')
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be above 0 and at most 1, not {min_share}")
    counts = timepoint_counts(scores, scale, timepoint)
    counts = counts[counts["n"] > 0].reset_index(drop=True)
    n = dict(zip(counts["timepoint"], counts["n"], strict=True))
    lowered = {t.strip().lower(): t for t in n}
    order = list(n)
    if "pre" in lowered and "post" in lowered:
        pre, post, basis = lowered["pre"], lowered["post"], "labelled"
    elif len(order) < 2:
        pre, post, basis = None, None, "single"
    else:
        largest = max(n.values())
        reached = [t for t in order if n[t] >= min_share * largest]
        if len(reached) >= 2:
            pre, post, basis = reached[0], reached[-1], "most"
        else:
            later = order[1:]
            pre, post, basis = order[0], max(reversed(later), key=lambda t: n[t]), "first"
    choice = PrePost(pre, post, "", counts, basis, min_share)
    return replace(choice, rule=pre_post_rule(choice))

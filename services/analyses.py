"""The analyses of answers: reliability, change, over time, trend, groups, attendance.

``reliability_of``, ``groups_of`` and ``trend_of`` compute over answers (a wide or scored
frame and the instrument), wherever they came from: the command line calls them on a
file's answers (`services.files`), the page functions (``reliability``, ``groups``,
``trend``) on a `services.selection.Scope`'s stored answers, so both doors give the same
numbers. Each returns a small dataclass of tidy frames plus a one-line ``reading`` in plain
words; for a user who may not see member codes the page functions' view is made fit to
publish (`services.published`) before it is returned. `ui.dashboard` wraps
the heavy ones in ``st.cache_data``.

Decisions:

- Change, reliable change and clinical significance come from the one pre/post pipeline
  (``analysis.pre_post``), as in ``cli.py change`` and the reports: the instrument's
  published reliability for the scale when there is one, else the sample's Cronbach's alpha
  at the pre timepoint, worded the same at every door.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.attendance import attendance_rates as rates_of_marks
from analysis.change import PairedChange, paired_change
from analysis.groups import GroupStructure, group_structure
from analysis.items import item_means_by_session, theme_profile
from analysis.pre_post import (
    CUTOFF_NAMES,
    PUBLISHED,
    PrePostChange,
    pre_post_change,
    published_cutoff,
)
from analysis.reliability import ScaleReliability as ScaleReliability
from analysis.reliability import reliability_frames, reliability_table

# Re-exported for the command line, which names them only through services/.
from analysis.reliable_change import METHOD_NAMES as METHOD_NAMES
from analysis.reliable_change import METHODS as METHODS
from analysis.reliable_change import ReliableChange as ReliableChange
from analysis.timepoints import default_pre_post, ordered_timepoints
from analysis.trend import TrendResult, session_means, session_trend
from measures import (
    Instrument,
    keyed_items,
    score,
    score_range,
)
from privacy.suppression import Suppressor
from services import published, readings
from services.catalog import instrument_by_id
from services.readings import (
    OverTimeSummary,
    groups_reading,
    over_time_reading,
    p_words,
    trend_reading,
)
from services.selection import (
    Scope,
    engine_for,
    own_group_ids,
    scored_answers,
    wide_answers,
    with_sessions,
)

#: The "five good things" of a growth-fostering relationship (Miller & Stiver, 1997), as the
#: item themes of an instrument name them (measures/instruments/mutuality-checkin.yaml).
FIVE_GOOD_THINGS = ("zest", "clarity", "sense of worth", "wanting to act", "more connection")


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


# Reliability --------------------------------------------------------------------------------


@dataclass
class ReliabilityView:
    """Reliability of each scale (and timepoint), its items, and a reading in words."""

    scales: pd.DataFrame
    items: pd.DataFrame
    reading: str
    #: The full result per scale and timepoint (`reliability --json` is built from it).
    #: Empty in a view fit to publish: its counts are not suppressed.
    results: list[ScaleReliability] = field(default_factory=list)


def reliability_of(
    wide: pd.DataFrame,
    instrument: Instrument,
    scale: str | None = None,
    timepoint: str | None = None,
    missing: str = "pairwise",
) -> ReliabilityView:
    """Alpha (Feldt CI), omega and item statistics of answers, per scale and timepoint.

    `wide` is one row per administration with one column per item (a file's
    `services.files.FileAnswers.wide`, or a scope's `wide_answers`); `scale` and
    `timepoint` narrow it to one of each, `missing` is ``pairwise`` (as psych::alpha) or
    ``listwise``. The Reliability page and ``cli.py reliability`` both compute here.
    """
    results = reliability_table(wide, instrument, scale=scale, timepoint=timepoint, missing=missing)
    scales, items = reliability_frames(results)
    reading = "No scale could be analysed."
    usable = scales.dropna(subset=["alpha"])
    if len(usable):
        first = usable.iloc[0]
        name = instrument.scale(first["scale"]).name
        level = (
            "good"
            if first["alpha"] >= 0.8
            else "acceptable"
            if first["alpha"] >= 0.7
            else "low: read scores of single members with care"
        )
        where = f" at {first['timepoint']}" if first["timepoint"] else ""
        reading = (
            f"{name}{where}: Cronbach's alpha {first['alpha']:.2f} "
            f"(95% CI {_fmt(first['alpha_ci_low'])} to {_fmt(first['alpha_ci_high'])}, "
            f"{int(first['n'])} answers), which is {level}."
        )
    return ReliabilityView(scales, items, reading, results)


def reliability(scope: Scope, scale: str | None, timepoint: str | None) -> ReliabilityView:
    """`reliability_of` the scope's answers (one timepoint, or each), fit to publish."""
    instrument = instrument_by_id(scope.instrument)
    wide = wide_answers(scope)
    if wide.empty:
        return ReliabilityView(pd.DataFrame(), pd.DataFrame(), "No answers in this selection.")
    view = reliability_of(wide, instrument, scale=scale, timepoint=timepoint)
    if not scope.publishes():
        return view
    return published.reliability(replace(view, results=[]))


# Change -------------------------------------------------------------------------------------


@dataclass
class ChangeView:
    """Pre/post change of one scale, reliable change by one method, and its readings."""

    change: PairedChange
    result: ReliableChange
    reliability: float | None
    reliability_source: str
    band: float | None  # half-width of the Jacobson plot's no-reliable-change band (points)
    members: pd.DataFrame
    counts: pd.DataFrame  # group, category, count
    effects: pd.DataFrame  # label, level, n, estimate, ci_low, ci_high
    reading: str
    notes: list[str] = field(default_factory=list)
    #: The reading's last sentence, on reliable change counts ("" without counts).
    counts_reading: str = ""
    #: The cutoff used, in the words of every door (analysis.pre_post.cutoff_words).
    cutoff_words: str = ""
    #: Why the chosen cutoff cannot be used (the change is then shown without recovered
    #: and harmed), else None.
    cutoff_problem: str | None = None
    #: The pipeline's whole result (every door's numbers come from it).
    pre_post: PrePostChange | None = None

    @property
    def used(self) -> list[str]:
        """The two sentences on the reliability and the cutoff used, as the reports print them."""
        return [] if self.pre_post is None else self.pre_post.used


def _effect_rows(scored: pd.DataFrame, scale: str, pre: str, post: str, column: str, level: str):
    rows = []
    if column not in scored:
        return rows
    for label, part in scored.groupby(column, sort=True):
        try:
            result = paired_change(part, scale, pre, post)
        except ValueError:
            continue
        if result.n_pairs >= 2 and math.isfinite(result.d_z):
            low, high = result.d_z_ci
            rows.append(
                {"label": f"{level} {label}", "level": level, "n": result.n_pairs}
                | {"estimate": result.d_z, "ci_low": low, "ci_high": high}
            )
    return rows


#: The page's name of each cutoff choice ("number" asks for the score itself).
CUTOFF_LABELS = {
    None: "No cutoff",
    "a": f"a: {CUTOFF_NAMES['a']}",
    "b": f"b: {CUTOFF_NAMES['b']}",
    "c": f"c: {CUTOFF_NAMES['c']}",
    "number": "A score of my choice",
}


def cutoff_options(instrument_id: str, scale: str) -> dict[object, str]:
    """The cutoff choices of the Change page, the first the default, with their labels.

    With a published cutoff for the scale (the instrument's norms) the first is
    ``"published"``, labelled "Published cutoff (10)"; else "No cutoff" comes first.
    """
    value = published_cutoff(instrument_by_id(instrument_id), scale)
    if value is None:
        return dict(CUTOFF_LABELS)
    return {PUBLISHED: f"Published cutoff ({value:g})", **CUTOFF_LABELS}


def change_of(
    scored: pd.DataFrame,
    wide: pd.DataFrame,
    instrument: Instrument,
    scale: str,
    pre: str,
    post: str,
    methods: list[str],
    cutoff: object = None,
    reliability: float | None = None,
    functional_mean: float | None = None,
    functional_sd: float | None = None,
) -> PrePostChange:
    """Pre/post change of answers (a file's, or a scope's): the one pipeline's result.

    ``analysis.pre_post.pre_post_change``, which the Change page (`change`), ``cli.py
    change`` and the reports all compute with, so the same answers and options give the same
    counts, cutoff and reliability at every door.
    """
    return pre_post_change(
        scored,
        wide,
        instrument,
        scale,
        pre,
        post,
        methods=methods,
        cutoff=cutoff,
        reliability=reliability,
        functional_mean=functional_mean,
        functional_sd=functional_sd,
    )


def change(
    scope: Scope, scale: str, pre: str, post: str, method: str = "jt", cutoff: object = None
) -> ChangeView:
    """Paired change, reliable change by `method`, counts per group and d_z per group/program.

    The numbers come from the one pre/post pipeline (``analysis.pre_post.pre_post_change``)
    that the CLI and the reports call. `cutoff` is ``"published"``, ``"a"``, ``"b"``, ``"c"``,
    a number or None; one that needs norms the instrument lacks leaves the change without
    recovered and harmed, and ``cutoff_problem`` says what is missing.

    Raises ValueError (ChangeInputError, ReliableChangeError) with a message for the user.
    """
    instrument = instrument_by_id(scope.instrument)
    wide = wide_answers(scope)
    scored = score(wide, instrument)
    pipeline = change_of(scored, wide, instrument, scale, pre, post, [method], cutoff)
    paired, result = pipeline.change, pipeline.methods[method]
    rel, source = pipeline.reliability, pipeline.reliability_words
    band = None
    if method == "jt" and "s_diff" in result.details:
        band = result.critical_value * result.details["s_diff"]
    members = result.members
    counts = pd.DataFrame(columns=["group", "category", "count"])
    if "category" in members and len(members):
        by = members["group"] if "group" in members else pd.Series("all", index=members.index)
        counts = (
            members.assign(group=by.fillna("no group"))
            .groupby(["group", "category"])
            .size()
            .rename("count")
            .reset_index()
        )
    effects = pd.DataFrame(
        _effect_rows(scored, scale, pre, post, "program", "program")
        + _effect_rows(scored, scale, pre, post, "group", "group"),
        columns=["label", "level", "n", "estimate", "ci_low", "ci_high"],
    )
    name = instrument.scale(scale).name
    direction = "rose" if paired.mean_change > 0 else "fell"
    reading = (
        f"{name} {direction} by {abs(paired.mean_change):.2f} points from {pre} to {post} "
        f"({paired.n_pairs} members with both; d_z {_fmt(paired.d_z)}, "
        f"95% CI {_fmt(paired.d_z_ci[0])} to {_fmt(paired.d_z_ci[1])})."
    )
    counts_reading = ""
    if result.counts:
        better = result.counts.get("improved", 0) + result.counts.get("recovered", 0)
        worse = result.counts.get("deteriorated", 0) + result.counts.get("harmed", 0)
        counts_reading = (
            f" {better} of {sum(result.counts.values())} members reliably improved"
            f" and {worse} reliably deteriorated ({method.upper()})."
        )
    notes = list(paired.problems) + ([result.problem] if result.problem else [])
    view = ChangeView(
        change=paired,
        result=result,
        reliability=rel,
        reliability_source=source,
        band=band,
        members=members,
        counts=counts,
        effects=effects,
        reading=reading + counts_reading,
        notes=notes,
        counts_reading=counts_reading,
        cutoff_words=pipeline.cutoff_words,
        cutoff_problem=pipeline.cutoff_problem,
        pre_post=pipeline,
    )
    return published.change(view) if scope.publishes() else view


# Mutuality over time ------------------------------------------------------------------------


@dataclass
class OverTimeView:
    """Means per group and session, members' lines, the five good things, item means."""

    means: pd.DataFrame  # group, session, n, mean, sd, ci_low, ci_high
    trajectories: pd.DataFrame  # member, session, score
    profile: pd.DataFrame  # session, theme, mean
    item_means: pd.DataFrame  # item, session, mean
    reading: str
    overall: pd.DataFrame | None = None  # session, n, mean, sd, ci_low, ci_high (all groups)
    #: Sessions after the last one most members reached (analysis.timepoints), with their
    #: members: the reading and the five good things stop before them.
    later: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["session", "n"]))
    score_range: tuple[float, float] | None = None  # the scale's lowest and highest score
    #: The numbers `reading` is worded from (`services.readings.over_time_reading`).
    summary: OverTimeSummary | None = None


def over_time(scope: Scope, scale: str) -> OverTimeView:
    """Mean per group and session (95% CI), members' lines, themes per session, item means."""
    instrument = instrument_by_id(scope.instrument)
    scored, wide = with_sessions(scope)
    empty = pd.DataFrame()
    if scored.empty:
        return OverTimeView(empty, empty, empty, empty, over_time_reading(None))
    by_group = scored.assign(group=scored["group"].fillna("no group"))
    # One pass over every group (a state-wide program has hundreds).
    means = session_means(by_group, scale, by="group")
    trajectories = scored[["member", "session", scale]].rename(columns={scale: "score"}).dropna()
    keyed = keyed_items(wide, instrument, instrument.item_ids)
    item_long = item_means_by_session(keyed, wide["session"].astype(int))
    themes = {i.id: i.theme for i in instrument.items if i.theme in FIVE_GOOD_THINGS}
    profile = theme_profile(item_long, themes)
    overall = session_means(scored, scale)
    summary = OverTimeSummary(
        scale_name=instrument.scale(scale).name,
        selection=scope.describe(),
        n_sessions=len(overall),
        n_members=int(scored["member"].nunique()),
    )
    # The same rule as the Change page's default: from the first to the last session most
    # members reached, so a session two members have answered so far is not "the latest".
    choice = default_pre_post(scored, scale, timepoint="session")
    later = pd.DataFrame(columns=["session", "n"])
    if choice.pre is not None:
        first_session, last_session = float(choice.pre), float(choice.post)
        counts = choice.counts.assign(session=choice.counts["timepoint"].astype(float))
        later = counts.loc[counts["session"] > last_session, ["session", "n"]]
        profile = profile[profile["session"].astype(float) <= last_session]
        first = overall[overall["session"] == first_session].iloc[0]
        last = overall[overall["session"] == last_session].iloc[0]
        summary = replace(
            summary,
            first_session=first_session,
            first_mean=float(first["mean"]),
            first_n=int(first["n"]),
            last_session=last_session,
            last_mean=float(last["mean"]),
            last_n=int(last["n"]),
            later=tuple((float(row.session), int(row.n)) for row in later.itertuples()),
        )
    # Rows of the heatmap: the item's number and theme ("9 holding back (reversed)").
    labels = {
        item.id: f"{position} {item.theme or item.id}" + (" (reversed)" if item.reverse else "")
        for position, item in enumerate(instrument.items, start=1)
    }
    item_long["item"] = item_long["item"].map(labels)
    view = OverTimeView(
        means,
        trajectories,
        profile,
        item_long,
        over_time_reading(summary),
        overall,
        later=later,
        score_range=score_range(instrument, scale),
        summary=summary,
    )
    return published.over_time(view) if scope.publishes() else view


@dataclass
class TrendView:
    """The mixed-model trend over sessions, slopes per group, and a reading."""

    result: TrendResult
    group_slopes: pd.DataFrame
    reading: str
    #: The scale's name, which the reading (`services.readings.trend_reading`) begins with.
    scale_name: str = ""


def trend_of(scored: pd.DataFrame, instrument: Instrument, scale: str) -> TrendView:
    """Mixed-model slope per session (random intercept and slope per member), in words too.

    `scored` is one row per administration (``measures.score``) with a ``session`` column or
    timepoints that carry a session number (`analysis.trend.session_trend`). The Over time
    page and ``cli.py trend`` both compute here. Raises `analysis.trend.TrendDataError` when
    an administration has no session number.
    """
    result = session_trend(scored, scale)
    name = instrument.scale(scale).name
    return TrendView(result, result.group_slopes, trend_reading(name, result), name)


def trend(scope: Scope, scale: str) -> TrendView:
    """`trend_of` the scope's answers that carry a session number, fit to publish."""
    scored, _ = with_sessions(scope)
    view = trend_of(scored, instrument_by_id(scope.instrument), scale)
    return published.trend(view) if scope.publishes() else view


def attendance(url: str, program: str | None, group: str | None, user=None) -> pd.DataFrame:
    """Attendance as group, member, session, present (one row per recorded mark).

    Only the user's groups; for a user who may not see member codes (an evaluator) the
    member column is empty, so only rates per group and session can be shown.
    """
    from store.sessions import load_attendance

    # By group id: a group's name is unique only within its program.
    wide = load_attendance(
        engine_for(url), group=group, program=program, group_ids=own_group_ids(user)
    )
    if wide.empty:
        return pd.DataFrame(columns=["group", "member", "session", "present"])
    long = wide.stack(future_stack=True).rename("present").reset_index()
    long.columns = ["group", "member", "session", "present"]
    if published.applies_to(user):
        long["member"] = None
    return long.dropna(subset=["present"]).reset_index(drop=True)


def attendance_rates(marks: pd.DataFrame, user=None) -> pd.DataFrame:
    """Share of members present per group and session: group, session, n, present, shown.

    `n` and `present` come from `analysis.attendance.attendance_rates`: `n` is the members
    with a mark for that session; `shown` is the share as text ("83%"). For a user who may
    not see member codes, a session of fewer than 5 members shows no rate (services.published).
    """
    if marks.empty:
        return pd.DataFrame(columns=["group", "session", "n", "present", "shown"])
    rates = rates_of_marks(marks)
    if published.applies_to(user):
        rates = published.attendance_rates(rates)
    rates["shown"] = [
        f"{share:.0%}" if isinstance(share, float) and math.isfinite(share) else str(n)
        for n, share in zip(rates["n"], rates["present"], strict=True)
    ]
    return rates


def attendance_reading(marks: pd.DataFrame, publishes: bool = False) -> str:
    """The attendance in one sentence: overall share present and the emptiest session.

    `services.readings.attendance_reading`; with `publishes` (a user who may not see member
    codes) a session of 1 to 4 members' marks gives no overall rate.
    """
    return readings.attendance_reading(marks, Suppressor() if publishes else None)


# Groups -------------------------------------------------------------------------------------


@dataclass
class GroupsView:
    """ICC, design effect and group means at one timepoint, and a reading."""

    structure: GroupStructure
    reading: str
    #: What the reading (`services.readings.groups_reading`) is about.
    scale_name: str = ""
    #: The timepoint the statistics are of.
    timepoint: str = ""


class GroupsInputError(ValueError):
    """Answers that cannot show groups: no ``group`` column (the message says what to add)."""


def groups_of(
    scored: pd.DataFrame, instrument: Instrument, scale: str, timepoint: str | None = None
) -> GroupsView:
    """ICC(1) (REML and ANOVA), ICC(2), design effect and group means at one timepoint.

    `scored` is one row per administration (``measures.score``) with a ``group`` column;
    `timepoint` None takes the first timepoint in program order (and says so in the notes).
    The Groups page and ``cli.py groups`` both compute here.

    Raises
    ------
    GroupsInputError
        When the answers have no ``group`` column.
    """
    if "group" not in scored.columns:
        raise GroupsInputError(
            "no `group` column. Add a column named group that names each member's group, "
            "then run again."
        )
    timepoints = ordered_timepoints(list(dict.fromkeys(scored["timepoint"].dropna().astype(str))))
    chosen = timepoint if timepoint is not None else (timepoints[0] if timepoints else "")
    at = scored[scored["timepoint"].astype(str) == str(chosen)]
    result = group_structure(at, scale)
    if timepoint is None and len(timepoints) > 1:
        result.notes.insert(0, f"Timepoint {chosen} used (the first of {len(timepoints)}).")
    name = instrument.scale(scale).name
    reading = groups_reading(name, chosen, result)
    return GroupsView(result, reading, name, str(chosen))


def groups(scope: Scope, scale: str, timepoint: str) -> GroupsView:
    """`groups_of` the scope's answers at one timepoint, fit to publish."""
    view = groups_of(scored_answers(scope), instrument_by_id(scope.instrument), scale, timepoint)
    return published.groups(view) if scope.publishes() else view


def groups_table(result: GroupStructure, publishes: bool = False) -> pd.DataFrame:
    """The Groups page's statistics as a two-column table (statistic, value).

    "–" stands for a statistic that is not available. With `publishes` (a user who may not
    see member codes) and fewer than 5 members in all, the members and the degrees of
    freedom (which give the count away) are not shown either.
    """

    def number(value: float, digits: int) -> str:
        return "–" if not math.isfinite(value) else f"{value:.{digits}f}"

    rows = [
        ("groups", f"{result.n_groups}"),
        ("members", f"{result.n_members}"),
        ("ICC(1), REML", number(result.icc1_reml, 3)),
        ("ICC(1), ANOVA", number(result.icc1_anova, 3)),
        ("ICC(2): reliability of a group mean", number(result.icc2, 3)),
        ("design effect", number(result.design_effect, 2)),
        (
            "F (df), p",
            f"{number(result.f, 2)} ({result.df_between}, {result.df_within}), {p_words(result.p)}",
        ),
    ]
    if publishes and published.hides_total(result.n_members):
        rows[1] = ("members", published.HIDDEN)
        rows[-1] = ("F (df), p", "–")
    return pd.DataFrame(rows, columns=["statistic", "value"])


def change_summary(view: ChangeView, publishes: bool = False) -> pd.DataFrame:
    """The paired change of a ChangeView as a two-column table (statistic, value).

    With `publishes` (a user who may not see member codes) the table is made fit to publish
    (`services.published.change_summary`), so a page cannot forget it.
    """
    c = view.change
    rows = [
        ("members with both timepoints", c.n_pairs),
        (f"mean at {c.pre} (SD)", f"{_fmt(c.mean_pre)} ({_fmt(c.sd_pre)})"),
        (f"mean at {c.post} (SD)", f"{_fmt(c.mean_post)} ({_fmt(c.sd_post)})"),
        ("mean change (SD)", f"{_fmt(c.mean_change)} ({_fmt(c.sd_change)})"),
        ("paired t (df), p", f"{_fmt(c.t)} ({_fmt(c.df, 0)}), {p_words(c.p)}"),
        ("Wilcoxon signed-rank p", p_words(c.wilcoxon_p)),
        ("Cohen's d_z (95% CI)", f"{_fmt(c.d_z)} ({_fmt(c.d_z_ci[0])} to {_fmt(c.d_z_ci[1])})"),
        (
            "Cohen's d_av / Hedges' g_av / Cohen's d_rm",
            f"{_fmt(c.d_av)} / {_fmt(c.g_av)} / {_fmt(c.d_rm)}",
        ),
    ]
    if view.result.counts:
        classified = sum(view.result.counts.values())
        if classified != c.n_pairs:
            # HLM classifies every member with 3+ sessions, not only those with both times.
            rows.append(("members classified (3+ sessions)", classified))
        rows += [(f"members {k}", v) for k, v in view.result.counts.items()]
    table = pd.DataFrame({"statistic": [r[0] for r in rows], "value": [str(r[1]) for r in rows]})
    return published.change_summary(table, view) if publishes else table

"""Results fit to publish: the app's views as a user who may not see member codes gets them.

An evaluator sees every page's aggregates, but no cell resting on fewer than 5 members
(privacy.suppression; docs/security.md) and no member-level rows: those come only through
the de-identified export, which is audited and carries its own safeguards. Each function
takes a view of services.analyses and returns a copy with small cells hidden; the pages show what
they get, so a page cannot forget the rule. Streamlit-free, so the rules are tested directly.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from access.roles import SEE_MEMBER_CODES
from analysis.groups import group_sizes_note
from analysis.timepoints import pre_post_rule
from privacy.suppression import Suppressor
from services.readings import few, groups_reading, home_reading, over_time_reading, trend_reading

#: What a page says under a chart some of whose bars or points are hidden.
HIDDEN_CELLS = (
    "Groups and cells of fewer than 5 members are not drawn (the table says "
    "\u201cfewer than 5: not shown\u201d, and \u201cnot shown\u201d beside them where a "
    "total would give them away), so no one's answers can be read from them."
)
#: The columns of the Jacobson plot's points an evaluator gets (services.published.change).
POINT_COLUMNS = ["category", "pre", "post", "change"]
#: What the Change page says in place of a Jacobson plot an evaluator may not see.
JACOBSON_NOT_DRAWN = (
    "Jacobson plot: not drawn. Each point is one member, so the points of a category with "
    "fewer than 5 members could be counted; the table above gives the categories."
)
#: What a page says where member-level rows would be.
MEMBER_ROWS_HIDDEN = (
    "Member-level results are not shown to evaluators: the de-identified export (Export "
    "page) gives each member's answers under a pseudonym."
)


def applies_to(user) -> bool:
    """Whether `user` gets results fit to publish: a user who may not see member codes.

    None (the command line, the layers' own tests) and staff who see member codes hold the
    data and get everything.
    """
    return user is not None and not user.can(SEE_MEMBER_CODES)


def drawn(frame: pd.DataFrame, count_column: str = "n") -> pd.DataFrame:
    """The rows of `frame` a chart may draw: those whose count is not hidden (as numbers).

    A no-op for a table nothing was hidden in, so pages call it for every role.
    """
    if frame is None or frame.empty or count_column not in frame:
        return frame
    counts = pd.to_numeric(frame[count_column], errors="coerce")
    shown = frame[counts.notna() | frame[count_column].isna()].copy()
    shown[count_column] = counts[shown.index]
    return shown


#: The text of a hidden count (privacy.suppression.Suppressor's label at the default size).
HIDDEN = Suppressor().label


def hides_total(n: int | None) -> bool:
    """Whether a total of `n` members is too small to show (1 to 4)."""
    return Suppressor().hides(n)


def pre_post(choice, suppressor: Suppressor | None = None):
    """An analysis.timepoints.PrePost whose rule quotes no count of 1 to 4 members.

    The rule is worded again from the choice's counts (`analysis.timepoints.pre_post_rule`)
    with the suppressor's count of members.
    """
    suppressor = suppressor or Suppressor()
    return dataclasses.replace(choice, rule=pre_post_rule(choice, suppressor.members))


#: A result resting on too few members, in words (`services.readings.few`).
_few = few


def reliability(view, suppressor: Suppressor | None = None):
    """A ReliabilityView with scales and items of fewer than 5 answers hidden."""
    suppressor = suppressor or Suppressor()
    if view.scales.empty:
        return view
    # A hidden row's flags and notes go too: they quote its count ("only 3 respondent(s)").
    scales = suppressor.rows(view.scales, "n", keep=["scale", "timepoint", "k"])
    items = view.items
    if not items.empty:
        items = suppressor.rows(items, "n", keep=["scale", "timepoint", "item"])
    reading = view.reading
    first = view.scales.dropna(subset=["alpha"])
    if len(first) and suppressor.hides(first.iloc[0]["n"]):
        reading = _few(suppressor, "Reliability")
    return dataclasses.replace(view, scales=scales, items=items, reading=reading)


def change(view, suppressor: Suppressor | None = None):
    """A ChangeView fit to publish.

    Fewer than 5 members with both timepoints: no statistics at all (the page says so).
    Otherwise the Jacobson plot keeps its points (`POINT_COLUMNS` only: no member code, no
    group, sorted by score so the order tells nothing either), category counts per
    group get complementary suppression within each group, and effect sizes of programs
    and groups of fewer than 5 members are hidden. The member table is emptied.
    """
    suppressor = suppressor or Suppressor()
    # The points are what the Jacobson plot draws (and its "Chart data (CSV)" holds): scores
    # and category only. A group column, or rows in group order, would count a small
    # group's members per category, which the counts table hides.
    drawn_columns = [c for c in POINT_COLUMNS if c in view.members]
    points = view.members[drawn_columns].sort_values(drawn_columns).reset_index(drop=True)
    if suppressor.hides(view.change.n_pairs) or (
        view.result.counts and not suppressor.allows_points(list(view.result.counts.values()))
    ):
        # One point per member: a category of 1 to 4 points could be counted off the plot.
        points = points.iloc[0:0]
    counts = view.counts
    if len(counts):
        # Every group x category, zeros included: a missing row would say "none", so a row
        # that is there (even hidden) would say "at least one".
        grid = pd.MultiIndex.from_product(
            [counts["group"].unique(), counts["category"].unique()], names=["group", "category"]
        )
        counts = (
            counts.set_index(["group", "category"])["count"]
            .reindex(grid, fill_value=0)
            .reset_index()
        )
        counts = suppressor.part_rows(counts, "count", within=["group"], keep=["category"])
    effects = view.effects
    if len(effects):
        effects = suppressor.rows(effects, "n", keep=["label", "level"])
    reading = view.reading
    if suppressor.hides(view.change.n_pairs):
        reading = _few(suppressor, "Change")
    elif view.result.counts and suppressor.hidden_parts(list(view.result.counts.values())):
        # "3 of 12 reliably improved" could name the few: the sentence is left out.
        reading = reading.removesuffix(view.counts_reading)
    # "2 member(s) had no pre score" and the like.
    notes = [suppressor.words(note) for note in view.notes]
    return dataclasses.replace(
        view, members=points, counts=counts, effects=effects, reading=reading, notes=notes
    )


def change_summary(summary: pd.DataFrame, view, suppressor: Suppressor | None = None):
    """`services.analyses.change_summary` fit to publish.

    The category counts get complementary suppression; with fewer than 5 members with both
    timepoints every value reads as the suppression label.
    """
    suppressor = suppressor or Suppressor()
    result = summary.copy()
    if suppressor.hides(view.change.n_pairs):
        result["value"] = suppressor.label
        return result
    classified = result["statistic"] == "members classified (3+ sessions)"
    if classified.any() and suppressor.hides(int(result.loc[classified, "value"].iloc[0])):
        result.loc[classified, "value"] = suppressor.label
    counts = view.result.counts or {}
    cells = suppressor.counts(list(counts.values()))
    for category, cell in zip(counts, cells, strict=True):
        result.loc[result["statistic"] == f"members {category}", "value"] = cell
    return result


def over_time(view, suppressor: Suppressor | None = None):
    """An OverTimeView fit to publish.

    Means per group and session, and over all groups, from fewer than 5 answers are hidden
    (so are that session's item means and five good things); members' own lines are left
    out.
    """
    suppressor = suppressor or Suppressor()
    if view.means.empty:
        return view
    means = suppressor.rows(view.means, "n", keep=["group", "session"])
    overall = view.overall
    item_means, profile = view.item_means, view.profile
    if overall is not None and len(overall):
        few = set(overall.loc[overall["n"].map(suppressor.hides), "session"])
        overall = suppressor.rows(overall, "n", keep=["session"])
        item_means = _blank_sessions(item_means, few)
        profile = _blank_sessions(profile, few)
    reading = over_time_reading(view.summary, suppressor)
    later = view.later
    if len(later):
        later = suppressor.rows(later, "n", keep=["session"])
    return dataclasses.replace(
        view,
        means=means,
        overall=overall,
        later=later,
        reading=reading,
        trajectories=view.trajectories.iloc[0:0],
        item_means=item_means,
        profile=profile,
    )


def _blank_sessions(frame: pd.DataFrame, sessions: set) -> pd.DataFrame:
    if frame.empty or not sessions:
        return frame
    result = frame.copy()
    hide = result["session"].isin(sessions)
    result["mean"] = result["mean"].astype(float).where(~hide)
    return result


def trend(view, suppressor: Suppressor | None = None):
    """A TrendView fit to publish: slopes of groups of fewer than 5 members hidden."""
    suppressor = suppressor or Suppressor()
    slopes = view.group_slopes
    if len(slopes):
        slopes = suppressor.rows(slopes, "n_members", keep=["group", "n_observations"])
    reading = trend_reading(view.scale_name, view.result, suppressor)
    return dataclasses.replace(view, group_slopes=slopes, reading=reading)


def groups(view, suppressor: Suppressor | None = None):
    """A GroupsView fit to publish.

    Group means get complementary suppression (the groups add up to the members shown);
    with fewer than 5 members in all, no statistic is shown.
    """
    suppressor = suppressor or Suppressor()
    structure = view.structure
    means = structure.groups
    if len(means):
        means = suppressor.part_rows(means, "n", within=[], keep=["group"])
    notes = structure.notes
    sizes = pd.to_numeric(structure.groups.get("n", pd.Series(dtype=float)), errors="coerce")
    if any(suppressor.hides(n) for n in sizes):
        # "Group sizes differ (3 to 8 members)" would give a hidden group's size: the note
        # is worded again without the sizes.
        sized = group_sizes_note(int(sizes.min()), int(sizes.max()))
        notes = [group_sizes_note() if note == sized else note for note in notes]
    if suppressor.hides(structure.n_members):
        nothing = float("nan")
        structure = dataclasses.replace(
            structure,
            **{
                name: nothing
                for name in ("icc1_reml", "icc1_anova", "icc2", "design_effect", "f", "p")
            },
        )
    structure = dataclasses.replace(structure, groups=means, notes=notes)
    reading = groups_reading(view.scale_name, view.timepoint, structure, suppressor)
    return dataclasses.replace(view, structure=structure, reading=reading)


def attendance_rates(rates: pd.DataFrame, suppressor: Suppressor | None = None):
    """`services.analyses.attendance_rates` fit to publish.

    A rate is a count of members present and a count absent: a group session shows no rate
    when either is 1 to 4 (2 of 3 present, or 7 of 9, would tell how few were missing).
    Such a row reads "not shown" if its roster is 5 or more, and the roster count is hidden
    too when it is 1 to 4.
    """
    suppressor = suppressor or Suppressor()
    if rates.empty:
        return rates
    result = suppressor.rows(rates, "n", keep=["group", "session"])
    n = pd.to_numeric(rates["n"], errors="coerce")
    present = (pd.to_numeric(rates["present"], errors="coerce") * n).round()
    few = [
        not suppressor.hides(total) and (suppressor.hides(here) or suppressor.hides(total - here))
        for total, here in zip(n, present, strict=True)
    ]
    few = pd.Series(few, index=rates.index)
    result["present"] = result["present"].astype(object).where(~few, None)
    result["n"] = result["n"].astype(object).where(~few, suppressor.complement_label)
    suppressor.suppressed += int(few.sum())
    return result


def home(view, suppressor: Suppressor | None = None):
    """A HomeView fit to publish.

    Only group alerts, and only of a mean of at least 5 members: a member's alert is a
    member-level row (repairing it is the facilitator's work), and a group alert quotes its
    mean and how many were present. Groups of fewer than 5 members show no member count,
    with complementary suppression (the reading prints the total), and sessions with
    answers from 1 to 4 members no count of answers.
    """
    suppressor = suppressor or Suppressor()
    alerts = view.alerts[view.alerts["level"] == "group"]
    # How many members each group mean rests on (analysis.alerts' `members`): an alert
    # without that count is dropped, since its sentence might quote a small one.
    present = pd.to_numeric(alerts.get("members", pd.Series(index=alerts.index)), errors="coerce")
    alerts = alerts[present.notna() & ~present.map(suppressor.hides).astype(bool)]
    alerts = alerts.reset_index(drop=True)
    groups = view.groups
    if len(groups):
        groups = suppressor.part_rows(groups, "members", within=[], keep=list(groups.columns))
    recent = view.recent
    if len(recent):
        recent = suppressor.rows(recent, "administrations", keep=list(recent.columns))
    reading = home_reading(
        len(view.programs), len(view.groups), view.n_members, len(alerts), suppressor
    )
    return dataclasses.replace(
        view,
        alerts=alerts,
        groups=groups,
        recent=recent,
        reading=reading,
        no_alerts=(
            "No group dropped reliably at its latest session. Alerts about single members "
            "are shown to their facilitators only."
        ),
    )

"""The analysis pages' only bridge to the layers below: store, ingest, measures, analysis.

No Streamlit here, so everything is testable with a plain database. Each function takes a
`Scope` (which database, which data version, which answers) and returns a small dataclass
of tidy frames plus a one-line ``reading`` in plain words. `ui.dashboard` wraps the heavy
ones in ``st.cache_data``; the data version in the scope makes those caches miss as soon
as anything is stored (see `data_version`).

Decisions:

- Users' own instrument definitions live as YAML files in ``<data dir>/instruments/``
  (next to the SQLite file), so stored answers of such an instrument can be scored later
  by its id, like a built-in one.
- Reliable change uses the instrument's published reliability for the scale when there is
  one, else the sample's Cronbach's alpha at the pre timepoint (as ``cli.py change``).
- Session numbers of per-session answers come from the stored session, else from a
  numbered timepoint (``session-3``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import tempfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from access.roles import SEE_ALL_GROUPS
from analysis.alerts import disconnection_alerts
from analysis.attendance import attendance_rates as rates_of_marks
from analysis.attendance import attendance_summary
from analysis.change import PairedChange, normalise_timepoint, paired_change
from analysis.groups import GroupStructure, group_structure
from analysis.items import item_means_by_session, theme_profile
from analysis.reliability import reliability_frames, reliability_table
from analysis.reliable_change import (
    CATEGORIES,
    METHODS,
    ReliableChange,
    hlm_input,
    reliability_for_change,
    reliable_change,
    reliable_change_hlm,
)
from analysis.timepoints import PrePost, default_pre_post
from analysis.trend import TrendResult, session_means, session_numbers, session_trend
from ingest import InputError, ResponseTable, long_to_wide, read_responses, read_table
from ingest import validate_responses as _validate
from measures import (
    Instrument,
    builtin_instruments,
    keyed_items,
    load_instrument,
    score,
    score_range,
)
from measures.library import InstrumentError, parse_instrument
from ui import published

#: Columns a spreadsheet column can be mapped to on the Upload page (besides item ids).
UPLOAD_TARGETS = (
    "member",
    "timepoint",
    "group",
    "program",
    "session",
    "date",
    "mode",
    "instrument",
    "item",
    "value",
)
CHECKIN = "mutuality-checkin"
#: The "five good things" of a growth-fostering relationship (Miller & Stiver, 1997), as the
#: item themes of an instrument name them (measures/instruments/mutuality-checkin.yaml).
FIVE_GOOD_THINGS = ("zest", "clarity", "sense of worth", "wanting to act", "more connection")


@dataclass(frozen=True)
class Scope:
    """Which answers a result is about. ``version`` changes whenever stored data changes."""

    url: str
    version: str
    instrument: str
    program: str | None = None
    group: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: The signed-in staff member (access.accounts.StaffUser): a facilitator sees only their
    #: groups, an evaluator pseudonyms instead of member codes (access.scope). None: no
    #: restriction (the command line, tests of the layers).
    user: object | None = None

    def publishes(self) -> bool:
        """Whether results shown to this scope's user are fit to publish: small cells hidden.

        True for a user who may not see member codes (an evaluator): every aggregate table,
        chart and report they see or download hides cells resting on fewer than 5 members
        (privacy.suppression). Staff who see member codes hold the data and see everything.
        """
        return published.applies_to(self.user)

    def describe(self) -> str:
        """``group PR-A`` / ``the Prison re-entry program`` / ``all groups``, for readings."""
        return selection_words(self.program, self.group)


def selection_words(program: str | None, group: str | None) -> str:
    """``group PR-A``, ``the Prison re-entry program`` or ``all groups``."""
    if group:
        return f"group {group}"
    if program:
        return f"the {program} program"
    return "all groups"


def _engine(url: str):
    from store.db import connect

    return connect(url)


# Data version and filter choices -----------------------------------------------------------


def data_version(url: str) -> str:
    """A fingerprint of the stored data: row counts of every table and the last audit event.

    Every batch save, replacement and program load writes an audit event, and every new
    administration, session, member or attendance mark changes a count, so a new value
    means cached results are stale. Events that change no data (signing in or out,
    exports) are left out: otherwise every sign-in would empty every user's caches.
    """
    from store.audit import last_data_event
    from store.bulk_load import count_rows

    engine = _engine(url)
    counts = count_rows(engine)
    last = last_data_event(engine)
    stamp = "" if last is None else str(last)
    return ",".join(f"{k}={v}" for k, v in sorted(counts.items())) + f";{stamp}"


@dataclass
class FilterChoices:
    """What the filter widgets offer: programs, groups per program, instruments, dates."""

    programs: list[str]
    groups: pd.DataFrame  # columns program, name
    instruments: list[Instrument]
    first_date: dt.date | None
    last_date: dt.date | None

    def groups_of(self, program: str | None) -> list[str]:
        rows = self.groups if program is None else self.groups[self.groups["program"] == program]
        return rows["name"].tolist()


def filter_choices(url: str, version: str, user=None) -> FilterChoices:
    """The programs, groups, instruments (Mutuality's own first), and the session dates.

    A user limited to some groups (a facilitator) gets only their groups and the dates of
    their groups' sessions.
    """
    from store.roster import list_programs
    from store.sessions import list_sessions

    del version  # part of the cache key only
    engine = _engine(url)
    programs = list_programs(engine)["name"].tolist()
    groups = visible_groups(url, user)[["program", "name"]]
    programs = [p for p in programs if p in set(groups["program"])] if user else programs
    sessions = list_sessions(engine, group_ids=_own_group_ids(user))
    dates = pd.to_datetime(sessions["date"]).dropna() if len(sessions) else pd.Series([])
    own = [CHECKIN, "relational-connection"]
    instruments = sorted(
        available_instruments(),
        key=lambda i: (i.id not in own, own.index(i.id) if i.id in own else 0),
    )
    return FilterChoices(
        programs=programs,
        groups=groups,
        instruments=instruments,
        first_date=dates.min().date() if len(dates) else None,
        last_date=dates.max().date() if len(dates) else None,
    )


def _own_group_ids(user) -> frozenset[int] | None:
    """The ids of the groups `user` is limited to; None when they may see every group.

    None for no user (the command line, tests of the layers) and for a role that may see
    all groups (administrator, evaluator); else the user's linked groups, empty when none.
    """
    if user is None or user.can(SEE_ALL_GROUPS):
        return None
    return frozenset(user.group_ids or ())


def visible_groups(url: str, user=None) -> pd.DataFrame:
    """Groups (id, program, name, facilitator_code, members) the user may see."""
    from store.roster import list_groups

    if user is None:
        return list_groups(_engine(url))
    from access.scope import visible_groups as allowed

    return allowed(_engine(url), user)


# Instruments --------------------------------------------------------------------------------


def user_instruments_dir() -> Path:
    """Folder of users' own instrument definitions (``<data dir>/instruments``)."""
    from store.engines import data_dir

    return data_dir() / "instruments"


def user_instruments() -> list[Instrument]:
    """Users' own instruments, by id; a file that no longer validates is left out."""
    found = []
    folder = user_instruments_dir()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            found.append(load_instrument(path))
        except InstrumentError:
            continue
    return found


def available_instruments() -> list[Instrument]:
    """Built-in instruments, then users' own."""
    builtin = builtin_instruments()
    known = {i.id for i in builtin}
    return builtin + [i for i in user_instruments() if i.id not in known]


def instrument_by_id(instrument_id: str) -> Instrument:
    """A built-in instrument, or a user's own one saved by `add_user_instrument`."""
    for instrument in available_instruments():
        if instrument.id == instrument_id:
            return instrument
    return load_instrument(instrument_id)  # raises InstrumentError with the list of ids


def add_user_instrument(text: str, filename: str) -> Instrument:
    """Validate a user's YAML definition and keep it in `user_instruments_dir`.

    Raises
    ------
    InstrumentError
        With one line per problem (field and what is wrong), or when the id is a built-in
        instrument's.
    """
    instrument = parse_instrument(text, source=filename)
    if instrument.id in {i.id for i in builtin_instruments()}:
        raise InstrumentError(
            f"{filename}: field 'id': '{instrument.id}' is a built-in instrument; give your "
            "definition its own id (e.g. '{instrument.id}-local')"
        )
    folder = user_instruments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{instrument.id}.yaml").write_text(text, encoding="utf-8")
    return instrument


# Scored answers -----------------------------------------------------------------------------


def responses(scope: Scope) -> pd.DataFrame:
    """Stored item answers of the scope, in the long spreadsheet format."""
    from store.responses import load_responses

    if scope.user is not None:
        from access.scope import responses_for

        return responses_for(
            _engine(scope.url),
            scope.user,
            program=scope.program,
            group=scope.group,
            instrument=scope.instrument,
            date_from=scope.date_from,
            date_to=scope.date_to,
        )
    return load_responses(
        _engine(scope.url),
        program=scope.program,
        group=scope.group,
        instrument=scope.instrument,
        date_from=scope.date_from,
        date_to=scope.date_to,
    )


def wide_answers(scope: Scope) -> pd.DataFrame:
    """One row per administration with one column per item (answers as given)."""
    return _wide_answers(scope).copy()


# Several results of one page read the same answers; the scope's data version keeps this
# small in-process cache from ever serving answers older than the database.
@lru_cache(maxsize=8)
def _wide_answers(scope: Scope) -> pd.DataFrame:
    instrument = instrument_by_id(scope.instrument)
    long = responses(scope)
    if long.empty:
        return pd.DataFrame(columns=["member", "timepoint", *instrument.item_ids])
    return long_to_wide(long, instrument)


def scored_answers(scope: Scope) -> pd.DataFrame:
    """`measures.score` of the scope's administrations: one row each, one column per scale."""
    wide = wide_answers(scope)
    if wide.empty:
        instrument = instrument_by_id(scope.instrument)
        return pd.DataFrame(columns=["member", "timepoint", *[s.id for s in instrument.scales]])
    scored = score(wide, instrument_by_id(scope.instrument))
    if "session" in scored:
        scored["session"] = scored["session"].astype("Float64")
    return scored


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _p(value: float) -> str:
    """A p value as written in a report: ``< .001`` or ``= .023``."""
    if value is None or not math.isfinite(value):
        return "–"
    return "< .001" if value < 0.001 else f"= {value:.3f}".replace("0.", ".")


def timepoints(scope: Scope) -> list[str]:
    """The scope's timepoints, pre first, post last, sessions in number order."""
    scored = scored_answers(scope)
    labels = [str(t) for t in scored["timepoint"].dropna().unique()]

    def order(label: str) -> tuple[int, float, str]:
        if label == "pre":
            return (0, 0.0, label)
        if label == "post":
            return (2, 0.0, label)
        try:
            return (1, session_numbers(pd.DataFrame({"timepoint": [label]})).iloc[0], label)
        except ValueError:
            return (1, math.inf, label)

    return sorted(labels, key=order)


def pre_post(scope: Scope, scale: str | None = None) -> PrePost:
    """The scope's default pre and post (`analysis.timepoints.default_pre_post`), as listed.

    ``pre`` and ``post`` are spelt as `timepoints` lists them, so a page can find them.
    """
    choice = default_pre_post(scored_answers(scope), scale)
    listed = {normalise_timepoint(t): t for t in timepoints(scope)}
    choice = replace(
        choice, pre=listed.get(choice.pre, choice.pre), post=listed.get(choice.post, choice.post)
    )
    return published.pre_post(choice) if scope.publishes() else choice


# Reliability --------------------------------------------------------------------------------


@dataclass
class ReliabilityView:
    scales: pd.DataFrame
    items: pd.DataFrame
    reading: str


def reliability(scope: Scope, scale: str | None, timepoint: str | None) -> ReliabilityView:
    """Alpha (Feldt CI), omega and item statistics per scale (one timepoint, or each)."""
    instrument = instrument_by_id(scope.instrument)
    wide = wide_answers(scope)
    if wide.empty:
        return ReliabilityView(pd.DataFrame(), pd.DataFrame(), "No answers in this selection.")
    results = reliability_table(wide, instrument, scale=scale, timepoint=timepoint)
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
    view = ReliabilityView(scales, items, reading)
    return published.reliability(view) if scope.publishes() else view


# Change -------------------------------------------------------------------------------------


@dataclass
class ChangeView:
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


def _reliability_for_change(
    instrument: Instrument, scale: str, wide: pd.DataFrame, pre: str
) -> tuple[float | None, str]:
    """`reliability_for_change`, its source in words for the page."""
    reliability, source = reliability_for_change(instrument, scale, wide, pre)
    if source == "norms":
        return reliability, f"published ({instrument.norms[scale].source})"
    if source == "sample_alpha_pre":
        return reliability, f"this sample's Cronbach's alpha at {pre}"
    return None, "none: no published reliability and the sample's alpha cannot be used"


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


def change(
    scope: Scope, scale: str, pre: str, post: str, method: str = "jt", cutoff: str | None = None
) -> ChangeView:
    """Paired change, reliable change by `method`, counts per group and d_z per group/program.

    Raises ValueError (ChangeInputError, ReliableChangeError) with a message for the user.
    """
    instrument = instrument_by_id(scope.instrument)
    wide = wide_answers(scope)
    scored = score(wide, instrument)
    paired = paired_change(scored, scale, pre, post)
    rel, source = _reliability_for_change(instrument, scale, wide, pre)
    norm = instrument.norms.get(scale)
    functional = norm.functional if norm is not None else None
    options = {
        "higher_is": instrument.higher_is,
        "cutoff": cutoff,
        "functional_mean": functional.mean if functional else None,
        "functional_sd": functional.sd if functional else None,
    }
    if method == "hlm":
        result = reliable_change_hlm(hlm_input(scored, scale), **options)
    else:
        result = reliable_change(paired.pairs, method=method, reliability=rel, **options)
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
    )
    return published.change(view) if scope.publishes() else view


# Mutuality over time ------------------------------------------------------------------------


@dataclass
class OverTimeView:
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


def _with_sessions(scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scored and wide answers that carry a session number (others are left out)."""
    wide = wide_answers(scope)
    if wide.empty:
        return wide, wide
    numbers = pd.Series(np.nan, index=wide.index)
    if "session" in wide:
        numbers = pd.to_numeric(wide["session"], errors="coerce").astype(float)
    missing = numbers.isna()
    if missing.any():
        from_timepoint = pd.to_numeric(
            wide.loc[missing, "timepoint"].astype(str).str.extract(r"(\d+)$")[0], errors="coerce"
        )
        numbers[missing] = from_timepoint
    wide = wide.assign(session=numbers)[numbers.notna()].reset_index(drop=True)
    wide["session"] = wide["session"].astype(int)
    return score(wide, instrument_by_id(scope.instrument)), wide


def over_time(scope: Scope, scale: str) -> OverTimeView:
    """Mean per group and session (95% CI), members' lines, themes per session, item means."""
    instrument = instrument_by_id(scope.instrument)
    scored, wide = _with_sessions(scope)
    empty = pd.DataFrame()
    if scored.empty:
        return OverTimeView(empty, empty, empty, empty, "No answers with a session number here.")
    by_group = scored.assign(group=scored["group"].fillna("no group"))
    # One pass over every group (a state-wide program has hundreds).
    means = session_means(by_group, scale, by="group")
    trajectories = scored[["member", "session", scale]].rename(columns={scale: "score"}).dropna()
    keyed = keyed_items(wide, instrument, instrument.item_ids)
    item_long = item_means_by_session(keyed, wide["session"].astype(int))
    themes = {i.id: i.theme for i in instrument.items if i.theme in FIVE_GOOD_THINGS}
    profile = theme_profile(item_long, themes)
    overall = session_means(scored, scale)
    name = instrument.scale(scale).name
    reading = f"{name}: {len(overall)} sessions, {scored['member'].nunique()} members."
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
        reading = (
            f"{name} went from {first['mean']:.2f} at session {first_session:g} to "
            f"{last['mean']:.2f} at session {last_session:g}, the last session most members "
            f"reached ({scope.describe()}, {scored['member'].nunique()} members)."
        )
        if len(later):
            reading += " Later: " + ", ".join(
                f"session {row.session:g} ({row.n} answered so far)" for row in later.itertuples()
            )
            reading += "."
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
        reading,
        overall,
        later=later,
        score_range=score_range(instrument, scale),
    )
    return published.over_time(view) if scope.publishes() else view


@dataclass
class TrendView:
    result: TrendResult
    group_slopes: pd.DataFrame
    reading: str


def trend(scope: Scope, scale: str) -> TrendView:
    """Mixed-model slope per session (random intercept and slope per member)."""
    scored, _ = _with_sessions(scope)
    result = session_trend(scored, scale)
    name = instrument_by_id(scope.instrument).scale(scale).name
    if math.isfinite(result.slope):
        low, high = result.slope_ci
        direction = "rose" if result.slope > 0 else "fell"
        sure = (
            "more than chance would explain"
            if result.slope_p < 0.05
            else "not clearly more than chance"
        )
        reading = (
            f"{name} {direction} {abs(result.slope):.2f} points per session "
            f"(95% CI {low:.2f} to {high:.2f}; {result.n_members} members, "
            f"{result.n_groups} group(s)): {sure}."
        )
    else:
        reading = "No trend could be estimated: " + ("; ".join(result.notes) or "too few data.")
    view = TrendView(result, result.group_slopes, reading)
    return published.trend(view) if scope.publishes() else view


def attendance(url: str, program: str | None, group: str | None, user=None) -> pd.DataFrame:
    """Attendance as group, member, session, present (one row per recorded mark).

    Only the user's groups; for a user who may not see member codes (an evaluator) the
    member column is empty, so only rates per group and session can be shown.
    """
    from store.sessions import load_attendance

    # By group id: a group's name is unique only within its program.
    wide = load_attendance(
        _engine(url), group=group, program=program, group_ids=_own_group_ids(user)
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
    not see member codes, a session of fewer than 5 members shows no rate (ui.published).
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


def attendance_reading(marks: pd.DataFrame) -> str:
    """The attendance in one sentence: overall share present and the emptiest session.

    Numbers from `analysis.attendance.attendance_summary` (groups pooled per session).
    """
    summary = None if marks.empty else attendance_summary(marks)
    if summary is None or summary.marks == 0:
        return "No attendance recorded here."
    return (
        f"Members came to {summary.rate:.0%} of the sessions recorded; the emptiest was "
        f"session {summary.emptiest_session} ({summary.emptiest_rate:.0%} present)."
    )


# Groups -------------------------------------------------------------------------------------


@dataclass
class GroupsView:
    structure: GroupStructure
    reading: str


def groups(scope: Scope, scale: str, timepoint: str) -> GroupsView:
    """ICC(1), ICC(2), design effect and group means at one timepoint."""
    scored = scored_answers(scope)
    at = scored[scored["timepoint"].astype(str) == str(timepoint)]
    result = group_structure(at, scale)
    name = instrument_by_id(scope.instrument).scale(scale).name
    if math.isfinite(result.icc1_reml):
        share = result.icc1_reml
        reading = (
            f"{name} at {timepoint}: {share:.0%} of the differences between members lie "
            f"between groups (ICC(1) {share:.2f}, {result.n_groups} groups, "
            f"{result.n_members} members); design effect {result.design_effect:.2f}."
        )
    else:
        reading = f"{name} at {timepoint}: " + ("; ".join(result.notes) or "no ICC.")
    view = GroupsView(result, reading)
    return published.groups(view) if scope.publishes() else view


def groups_table(result: GroupStructure, publishes: bool = False) -> pd.DataFrame:
    """The Groups page's statistics as a two-column table (statistic, value).

    "–" stands for a statistic that is not available. With `publishes` (a user who may not
    see member codes) and fewer than 5 members in all, the members and the degrees of
    freedom (which give the count away) are not shown either.
    """

    def number(value: float, digits: int) -> str:
        return "–" if not math.isfinite(value) else f"{value:.{digits}f}"

    p = (
        "–"
        if not math.isfinite(result.p)
        else ("< .001" if result.p < 0.001 else f"= {result.p:.3f}")
    )
    rows = [
        ("groups", f"{result.n_groups}"),
        ("members", f"{result.n_members}"),
        ("ICC(1), REML", number(result.icc1_reml, 3)),
        ("ICC(1), ANOVA", number(result.icc1_anova, 3)),
        ("ICC(2): reliability of a group mean", number(result.icc2, 3)),
        ("design effect", number(result.design_effect, 2)),
        ("F (df), p", f"{number(result.f, 2)} ({result.df_between}, {result.df_within}), p {p}"),
    ]
    if publishes and published.hides_total(result.n_members):
        rows[1] = ("members", published.HIDDEN)
        rows[-1] = ("F (df), p", "–")
    return pd.DataFrame(rows, columns=["statistic", "value"])


# Home ---------------------------------------------------------------------------------------


@dataclass
class HomeView:
    programs: pd.DataFrame
    groups: pd.DataFrame
    recent: pd.DataFrame
    upcoming: pd.DataFrame
    alerts: pd.DataFrame  # group, member, session, score, what happened, what to do
    reading: str
    #: What Home says when there is no open alert.
    no_alerts: str = "No member or group dropped reliably at their latest session."


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

    engine = _engine(url)
    group_table = visible_groups(url, user)
    programs = list_programs(engine)
    programs = programs[programs["name"].isin(set(group_table["program"]))] if user else programs
    # By group id: a group's name is unique only within its program.
    own = _own_group_ids(user)
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
    alerts = open_alerts(url, version, user=user)
    reading = (
        f"{len(programs)} program(s), {len(group_table)} group(s), "
        f"{int(group_table['members'].sum()) if len(group_table) else 0} members; "
        f"{len(alerts)} open disconnection alert(s)."
    )
    view = HomeView(programs, group_table, recent, upcoming, alerts, reading)
    return published.home(view) if published.applies_to(user) else view


def open_alerts(url: str, version: str, scale: str = "total", user=None) -> pd.DataFrame:
    """Disconnection alerts at each group's latest check-in session, with what to do."""
    columns = ["level", "group", "member", "session", "score", "what happened", "what to do"]
    instrument = instrument_by_id(CHECKIN)
    scope = Scope(url=url, version=version, instrument=CHECKIN, user=user)
    scored, _ = _with_sessions(scope)
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
            "what happened": found["reason"],
            "what to do": found["level"].map(ALERT_ADVICE),
        },
        columns=columns,
    ).reset_index(drop=True)


# Upload -------------------------------------------------------------------------------------


def upload_columns(data: bytes, filename: str, sheet: str | int | None = None) -> pd.DataFrame:
    """The first rows of an uploaded file as read (headers lower-cased), for the preview."""
    return read_table(io.BytesIO(data), filename=filename, sheet=sheet)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a person typed (whole numbers without ``.0``, blanks empty).

    A spreadsheet column may mix numbers and text (``3``, ``abc``); shown as text, the
    preview and the validation report never fail to convert it for display.
    """

    def shown(value: object) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return frame.astype(object).map(shown).astype(str)


def suggest_mapping(columns: list[str], instrument: Instrument | None) -> dict[str, str]:
    """A first guess for each column: itself when it is a known column or item id, else ''."""
    known = set(UPLOAD_TARGETS) | (set(instrument.item_ids) if instrument else set())
    return {c: (c if c in known else "") for c in columns}


@dataclass
class UploadCheck:
    """An uploaded file read with the user's column mapping, and its validation report."""

    table: ResponseTable | None
    report: object | None  # ingest.ValidationReport
    message: str | None  # when the file could not be read at all

    @property
    def ok(self) -> bool:
        return self.table is not None and self.report is not None and self.report.ok


def _names(column: pd.Series) -> list[str]:
    """Names for matching: a missing program or group (None or NaN) becomes ""."""
    return ["" if pd.isna(value) else str(value).strip() for value in column]


def _cell(frame: pd.DataFrame, column: str) -> list[str | None]:
    """The cells of `column` as trimmed text (None when blank or when there is no column)."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [
        None if value is None or pd.isna(value) else str(value).strip() or None
        for value in frame[column].astype(object)
    ]


def _outside_groups(table: ResponseTable, url: str, user) -> list:
    """Rows of `table` that would store answers outside the user's groups, as problems.

    For a user limited to some groups (a facilitator; see `_own_group_ids`): every row must
    name one of the user's groups (with its program when another program has a group of
    that name) or, without a group, be about a member already in one of them; and no row may
    be about a member code stored in another group, or in none. One `ingest.validate.Problem`
    per spreadsheet row and column, in the validation report's format. The messages name
    only the user's own groups: nothing of another group (its name, members or answers).
    """
    from ingest.validate import Problem
    from store.roster import list_groups, list_members

    own_ids = _own_group_ids(user)
    if own_ids is None:
        return []
    engine = _engine(url)
    every_group = list_groups(engine)
    mine = every_group[every_group["id"].isin(sorted(own_ids))]
    own_pairs = set(zip(_names(mine["program"]), _names(mine["name"]), strict=True))
    shown = [f"{name} ({program})" if program else name for program, name in sorted(own_pairs)]
    yours = ", ".join(shown) or "none: ask an administrator to link you to your groups"
    programs_of: dict[str, set[str]] = {}
    for program, name in zip(
        _names(every_group["program"]), _names(every_group["name"]), strict=True
    ):
        programs_of.setdefault(name, set()).add(program)
    members = list_members(engine)
    member_pairs = {
        str(code).strip(): None if pd.isna(group) else (program, str(group).strip())
        for code, group, program in zip(
            members["code"], members["group"], _names(members["program"]), strict=True
        )
    }
    long = table.long
    rows = table.row_numbers.reindex(long.index).tolist()
    problems: list = []
    seen: set[tuple] = set()
    ask = "ask an administrator to upload these answers"

    def add(row, column: str, value, message: str) -> None:
        if (row, column) in seen:
            return
        seen.add((row, column))
        problems.append(
            Problem(
                row=None if row is None or pd.isna(row) else int(row),
                column=table.columns.get(column, column),
                value=value,
                message=message,
                letter=table.column_letters.get(column),
            )
        )

    for row, code, group, program in zip(
        rows, _cell(long, "member"), _cell(long, "group"), _cell(long, "program"), strict=True
    ):
        if code is None:
            continue  # the validation report asks for the member's code
        if code in member_pairs and member_pairs[code] not in own_pairs:
            add(
                row,
                "member",
                code,
                f"member {code} is not a member of your groups, so their answers cannot be "
                f"uploaded by you; check the code for a typing error, or {ask}. Nothing of "
                "this file is stored until the row is corrected or deleted",
            )
            continue
        if group is None:
            if code not in member_pairs:
                add(
                    row,
                    "member",
                    code,
                    f"member {code} is new and the row names no group; add a group column "
                    f"with one of your groups ({yours}) so the member joins it",
                )
            continue
        if program is not None:
            allowed = (program, group) in own_pairs
        else:
            # Without a program, the store takes the one group of that name, if only one.
            named = programs_of.get(group, set())
            allowed = len(named) == 1 and (next(iter(named)), group) in own_pairs
            if not allowed and any(name == group for _, name in own_pairs):
                add(
                    row,
                    "group",
                    group,
                    f"more than one program has a group {group}; add a program column "
                    f"naming your group's program ({yours})",
                )
                continue
        if not allowed:
            add(
                row,
                "group",
                group,
                f"group {group} is not one of your groups ({yours}); correct the group, or {ask}",
            )
    return problems


def check_upload(
    data: bytes,
    filename: str,
    url: str,
    mapping: dict[str, str] | None = None,
    instrument: str | None = None,
    user=None,
) -> UploadCheck:
    """Read an uploaded file with the user's column mapping and validate it. Stores nothing.

    `mapping` is {their column: our column}; the report compares the answers with the
    stored ones, so a file that contradicts stored answers is refused before anything is
    written. For a `user` limited to some groups (a facilitator), the file is compared only
    with their groups' stored answers, and every row about another group or its members is
    an error (`_outside_groups`): the report never shows another group's stored answers.
    """
    from store.responses import load_responses

    chosen = instrument_by_id(instrument) if instrument else None
    renames = {k: v for k, v in (mapping or {}).items() if v and v != k}
    try:
        table = read_responses(
            io.BytesIO(data), instrument=chosen, filename=filename, mapping=renames or None
        )
    except (InputError, InstrumentError) as error:
        return UploadCheck(None, None, str(error))
    stored = load_responses(_engine(url), instrument=table.instrument.id)
    own_ids = _own_group_ids(user)
    if own_ids is None:
        return UploadCheck(table, _validate(table, stored=stored), None)
    groups = visible_groups(url)
    mine = groups[groups["id"].isin(sorted(own_ids))]
    pairs = set(zip(_names(mine["program"]), _names(mine["name"]), strict=True))
    keep = [
        pair in pairs
        for pair in zip(_names(stored["program"]), _names(stored["group"]), strict=True)
    ]
    report = _validate(table, stored=stored[keep].reset_index(drop=True))
    report.problems[:0] = _outside_groups(table, url, user)
    return UploadCheck(table, report, None)


def store_upload(check: UploadCheck, url: str, entered_by: str = "upload", user=None):
    """Store every administration of a checked file in one transaction (all or nothing).

    Each administration's `entered_by` is `entered_by` alone, not the file's name: a file
    named after a member ("R01-answers.csv") would leave that code on every other member's
    rows, past the member's withdrawal. The file's name goes to the audit trail, where
    member codes are replaced (store.audit). Returns the `store.BatchResult`. Raises
    ValueError when the check found errors, or when a `user` limited to some groups (a
    facilitator) would store answers outside them (checked again here, against the data
    stored now).
    """
    from ingest.administrations import administrations_from_table
    from store import save_administrations

    if not check.ok:
        raise ValueError("the file has errors; nothing was stored")
    table = check.table
    refused = _outside_groups(table, url, user)
    if refused:
        shown = "; ".join(str(problem) for problem in refused[:5])
        more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
        raise ValueError(
            f"{Path(table.source).name}: nothing was stored; some rows are outside your "
            f"groups: {shown}{more}"
        )
    name = Path(table.source).name
    batch = administrations_from_table(
        table.long,
        table.instrument,
        source=table.source,
        layout=table.layout,
        entered_by=entered_by[:100],
    )
    return save_administrations(_engine(url), batch, source=name)


def template_workbook(instrument_id: str) -> bytes:
    """The data-entry workbook of an instrument (reports.template), as bytes."""
    from reports.template import write_template

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{instrument_id}-template.xlsx"
        write_template(instrument_by_id(instrument_id), out)
        return out.read_bytes()


# Settings -----------------------------------------------------------------------------------


def roster(url: str) -> dict[str, pd.DataFrame]:
    """Programs, groups and member codes as stored."""
    from store.roster import list_groups, list_members, list_programs

    engine = _engine(url)
    return {
        "programs": list_programs(engine),
        "groups": list_groups(engine),
        "members": list_members(engine),
    }


def backup_bytes(url: str) -> bytes:
    """A backup of the database (store.backup), as the bytes of the backup file."""
    from store.backup import backup

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "mutuality-backup.sqlite"
        backup(out, url)
        return out.read_bytes()


def restore_bytes(data: bytes, url: str) -> str:
    """Replace the database with an uploaded backup (the current one is kept beside it)."""
    from store.backup import restore

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded-backup.sqlite"
        path.write_bytes(data)
        return restore(path, url)


__all__ = [
    "ALERT_ADVICE",
    "CATEGORIES",
    "METHODS",
    "Scope",
    "add_user_instrument",
    "available_instruments",
    "change",
    "check_upload",
    "data_version",
    "filter_choices",
    "groups",
    "home",
    "over_time",
    "reliability",
    "store_upload",
    "trend",
]


def change_summary(view: ChangeView) -> pd.DataFrame:
    """The paired change of a ChangeView as a two-column table (statistic, value)."""
    c = view.change
    rows = [
        ("members with both timepoints", c.n_pairs),
        (f"mean at {c.pre} (SD)", f"{_fmt(c.mean_pre)} ({_fmt(c.sd_pre)})"),
        (f"mean at {c.post} (SD)", f"{_fmt(c.mean_post)} ({_fmt(c.sd_post)})"),
        ("mean change (SD)", f"{_fmt(c.mean_change)} ({_fmt(c.sd_change)})"),
        ("paired t (df), p", f"{_fmt(c.t)} ({_fmt(c.df, 0)}), p {_p(c.p)}"),
        ("Wilcoxon signed-rank p", f"p {_p(c.wilcoxon_p)}"),
        ("d_z (95% CI)", f"{_fmt(c.d_z)} ({_fmt(c.d_z_ci[0])} to {_fmt(c.d_z_ci[1])})"),
        ("d_av / g_av / d_rm", f"{_fmt(c.d_av)} / {_fmt(c.g_av)} / {_fmt(c.d_rm)}"),
    ]
    if view.result.counts:
        classified = sum(view.result.counts.values())
        if classified != c.n_pairs:
            # HLM classifies every member with 3+ sessions, not only those with both times.
            rows.append(("members classified (3+ sessions)", classified))
        rows += [(f"members {k}", v) for k, v in view.result.counts.items()]
    return pd.DataFrame({"statistic": [r[0] for r in rows], "value": [str(r[1]) for r in rows]})


# Reports ------------------------------------------------------------------------------------


@dataclass
class ReportFiles:
    """The Excel and PDF reports of a scope, as bytes, with their key results in words."""

    excel: bytes
    pdf: bytes
    key_results: list[str]
    administrations: int
    #: The 42 CFR Part 2 notice both files carry (a substance-use program is in the scope).
    notice: str | None = None


def report_name(scope: Scope) -> str:
    """The report's file name without extension: ``mutuality-checkin-pr-a``.

    Starts with ``mutuality-`` once (instrument ids such as ``mutuality-checkin`` already
    do), then the instrument and the group, program or ``all``, in lower-case words joined
    by hyphens.
    """
    words = [scope.instrument, scope.group or scope.program or "all"]
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words)
    return slug if slug.startswith("mutuality-") else f"mutuality-{slug}"


def report_files(scope: Scope) -> ReportFiles:
    """Build the Excel workbook and the PDF report (reports/) of the scope's answers.

    Raises ValueError when the scope has no answers.
    """
    from privacy.notice import notice_for
    from privacy.suppression import Suppressor
    from reports.content import key_results, report_content
    from reports.excel import write_excel_report
    from reports.pdf import write_pdf_report
    from store.roster import list_programs

    # The scope's answers as its user may see them: a facilitator's own groups only, an
    # evaluator's with pseudonyms and shifted dates (access.scope via `responses`).
    wide = wide_answers(scope)
    if wide.empty:
        raise ValueError("there are no answers in this selection to report on")
    programs = wide["program"].dropna().unique() if "program" in wide else []
    notice = notice_for(list_programs(_engine(scope.url)), programs)
    content = report_content(
        wide,
        instrument_by_id(scope.instrument),
        source=f"Mutuality, {scope.describe()}",
        notice=notice,
    )
    published = Suppressor() if scope.publishes() else None
    with tempfile.TemporaryDirectory() as folder:
        excel = write_excel_report(content, Path(folder) / "report.xlsx", published).read_bytes()
        pdf = write_pdf_report(content, Path(folder) / "report.pdf").read_bytes()
    key = key_results(content, Suppressor() if published else None)
    return ReportFiles(excel, pdf, key, len(wide), notice)

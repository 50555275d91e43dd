"""Outcomes by members' own descriptions of themselves: the use case behind `cli.py context`.

A response file, a column of descriptions (`services.descriptions`), one scale: for each
grouping its members, the mean of its administrations' scores with a member-clustered 95% CI,
the pre/post change where the file has `pre` and `post`, the change per session where it has
session numbers, and each grouping's difference from the reference grouping (the one with the
most members, never "prefer not to say" or "(not given)"), said in neutral words.

Privacy: a grouping of fewer than `min_members` members (5) shows no count and no statistic,
and when exactly one grouping is hidden the next smallest is hidden with it, so that no hidden
count or mean can be worked out from the total (`privacy.suppression.Suppressor`). A pre/post
or trend figure resting on fewer than `min_members` members is hidden the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.context import (
    clustered_mean,
    mean_difference,
    paired_change,
    session_slopes,
)
from analysis.trend import session_numbers_found
from ingest import long_to_wide
from measures import Instrument, score
from measures.about_me import load_about_me
from privacy.suppression import MIN_CELL_SIZE, Suppressor
from services.catalog import instrument_by_id
from services.descriptions import (
    ANSWER_LANGUAGE,
    NOT_GIVEN,
    PREFER_NOT,
    descriptions_from_file,
    grouping_choices,
    stored_groupings,
)
from services.dif import DifView, dif_of
from services.files import answers_from_file
from services.selection import Scope, engine_for


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


_MODE_WORDS = {
    "self-completed": "self-completed answers",
    "read aloud": "answers read aloud to the member",
    "staff-entered": "answers entered by staff from paper",
    "imported": "imported answers",
}


def who(by: str, value: str) -> str:
    """The neutral noun phrase of a grouping: "members who describe themselves as …"."""
    column = by.strip().lower()
    if column in ("language", ANSWER_LANGUAGE):
        return f"members answering in {value}"
    if column == "mode":
        return _MODE_WORDS.get(value, f"answers given {value}")
    if value == PREFER_NOT:
        return "members who preferred not to say"
    if value == NOT_GIVEN:
        return "members who gave no description"
    return f"members who describe themselves as {value}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _points(value: float) -> str:
    return f"{abs(value):.2f} point{'s' if round(abs(value), 2) != 1 else ''}"


def _ci(low: float, high: float) -> str:
    return f"95% CI {low:.2f} to {high:.2f}"


def context_of(
    scored: pd.DataFrame,
    groupings: pd.DataFrame,
    *,
    instrument: Instrument,
    scale: str,
    by: str,
    min_members: int = MIN_CELL_SIZE,
) -> dict:
    """The ``context --json`` object for scored administrations and their groupings."""
    rows = scored.merge(groupings, on=["member", "timepoint"], how="left")
    rows["grouping"] = rows["grouping"].fillna(NOT_GIVEN)
    rows["score"] = pd.to_numeric(rows[scale], errors="coerce")
    notes: list[str] = []
    unscored = int(rows["score"].isna().sum())
    if unscored:
        notes.append(f"{unscored} administration(s) without a {scale} score are not counted.")
    rows = rows.dropna(subset=["score"])
    values = sorted(rows["grouping"].unique())
    member_counts = rows.groupby("grouping")["member"].nunique().reindex(values).tolist()
    suppressor = Suppressor(min_members)
    hidden = {values[i] for i in suppressor.hidden_parts(member_counts)}
    if hidden:
        notes.append(
            f"Groupings of fewer than {min_members} members show no count and no figures; "
            f"when one is hidden, the next smallest is hidden with it so that neither can be "
            f"worked out from the total."
        )
    candidates = [v for v in values if v not in hidden and v not in (PREFER_NOT, NOT_GIVEN)]
    counts = dict(zip(values, member_counts, strict=True))
    reference = max(candidates, key=lambda v: (counts[v], -values.index(v))) if candidates else None
    means = {v: clustered_mean(r["score"], r["member"]) for v, r in rows.groupby("grouping")}

    pre_post = _pre_post(rows, values)
    sessions = session_numbers_found(rows)
    has_sessions = sessions.notna().sum() > 0 and sessions.nunique() > 1
    slopes, slope_differences = ({}, {})
    if has_sessions and reference is not None:
        trend_rows = rows.assign(session=sessions).dropna(subset=["session"])
        # A trend resting on fewer than `min_members` members (with session numbers) is
        # hidden like any other figure.
        with_sessions = trend_rows.groupby("grouping")["member"].nunique()
        thin = {g for g, n in with_sessions.items() if n < min_members}
        trend_rows = trend_rows[~trend_rows["grouping"].isin(hidden | thin)]
        if reference not in thin:
            slopes, slope_differences = session_slopes(trend_rows, reference)

    out_groupings = []
    for value in values:
        entry: dict = {"value": value, "suppressed": value in hidden}
        if value in hidden:
            entry.update(members=None, administrations=None, mean=None, sd=None)
            entry.update(ci_low=None, ci_high=None, pre_post=None, slope=None)
            out_groupings.append(entry)
            continue
        m = means[value]
        entry.update(
            members=counts[value],
            administrations=m.n,
            mean=_r(m.mean),
            sd=_r(m.sd),
            ci_low=_r(m.ci_low),
            ci_high=_r(m.ci_high),
        )
        change = pre_post.get(value)
        if change is not None and change.n >= min_members:
            entry["pre_post"] = {
                "n": change.n,
                "mean_change": _r(change.mean_change),
                "ci_low": _r(change.ci_low),
                "ci_high": _r(change.ci_high),
            }
        else:
            entry["pre_post"] = None
        slope = slopes.get(value)
        entry["slope"] = (
            {
                "per_session": _r(slope.slope),
                "ci_low": _r(slope.ci_low),
                "ci_high": _r(slope.ci_high),
            }
            if slope is not None
            else None
        )
        if m.ci_low is None:
            notes.append(f"{value}: one member, so no confidence interval.")
        out_groupings.append(entry)

    differences = []
    for value in values:
        if value in hidden or value == reference or reference is None:
            continue
        diff = mean_difference(value, means[value], reference, means[reference])
        if diff is None:
            continue
        direction = "higher" if diff.difference >= 0 else "lower"
        record = {
            "value": value,
            "reference": reference,
            "difference": _r(diff.difference),
            "ci_low": _r(diff.ci_low),
            "ci_high": _r(diff.ci_high),
            "reading": (
                f"{_first_upper(who(by, value))} scored {_points(diff.difference)} {direction} "
                f"on average than {who(by, reference)} ({_ci(diff.ci_low, diff.ci_high)})."
            ),
        }
        slope = slope_differences.get(value)
        if slope is not None:
            more = "more" if slope.slope >= 0 else "less"
            record["slope_difference"] = {
                "per_session": _r(slope.slope),
                "ci_low": _r(slope.ci_low),
                "ci_high": _r(slope.ci_high),
                "reading": (
                    f"{_first_upper(who(by, value))} rose {_points(slope.slope)} {more} per "
                    f"session than {who(by, reference)} ({_ci(slope.ci_low, slope.ci_high)})."
                ),
            }
        differences.append(record)
    if reference is None:
        notes.append("No grouping can be compared: there is no grouping large enough to show.")
    elif len([v for v in values if v not in hidden]) == 1:
        notes.append(f"Every member shown is in one grouping ({reference}): nothing to compare.")
    return {
        "instrument": instrument.id,
        "scale": scale,
        "by": by,
        "reference": reference,
        "groupings": out_groupings,
        "differences": differences,
        "members_total": int(rows["member"].nunique()),
        "min_cell_size": min_members,
        "interval": (
            "95% t intervals with standard errors clustered by member (members - 1 df); a "
            "difference uses Welch-Satterthwaite df. Pre/post: paired t on members with both."
        ),
        "notes": notes,
    }


def _pre_post(rows: pd.DataFrame, values: list[str]) -> dict:
    """Paired post - pre change per grouping (the grouping at `pre` counts)."""
    labels = rows["timepoint"].astype(str).str.strip().str.lower()
    pre = rows[labels == "pre"].drop_duplicates("member").set_index("member")
    post = rows[labels == "post"].drop_duplicates("member").set_index("member")
    if pre.empty or post.empty:
        return {}
    joined = pre[["score", "grouping"]].join(
        post[["score"]].rename(columns={"score": "score_post"}), how="inner"
    )
    return {
        value: paired_change(part["score"], part["score_post"])
        for value, part in joined.groupby("grouping")
        if value in values
    }


def context_of_file(
    path: str | Path,
    *,
    instrument: str | Instrument | None,
    by: str,
    scale: str | None = None,
    min_members: int = MIN_CELL_SIZE,
) -> dict:
    """`context_of` for a response file whose column `by` holds each administration's grouping."""
    answers = answers_from_file(path, instrument=instrument)
    chosen = answers.scale(scale) if scale else answers.instrument.scales[0].id
    groupings = descriptions_from_file(path, by)
    return context_of(
        answers.scored(),
        groupings,
        instrument=answers.instrument,
        scale=chosen,
        by=by,
        min_members=min_members,
    )


# Outcomes by grouping from the database (the Context page) ----------------------------------


#: Groupings the DIF never compares: members in no grouping of the program's categories.
NO_DIF_GROUPINGS = (NOT_GIVEN, PREFER_NOT)


@dataclass(frozen=True)
class ContextView:
    """The Context page: outcomes by one grouping, and the items' DIF by the same grouping."""

    by: str
    label: str
    context: dict
    dif: DifView | None
    #: Attendance, dropout, alerts and reconnection per grouping (`rates_by_grouping`).
    rates: pd.DataFrame | None = None


def context_view(
    scope: Scope,
    by: str,
    scale: str,
    min_members: int | None = None,
    compare: tuple[str, ...] | None = None,
) -> ContextView:
    """Outcomes of `scope`'s stored answers by `by` (an about-me question, language, mode).

    The same numbers `context_of` gives a file. For a user who may not see member codes
    (an evaluator) groupings of fewer than 5 members are hidden, with complementary
    suppression; the DIF table beside it compares only the groupings the outcomes show, so
    no hidden grouping can be worked out from a second table on the page. `min_members`
    overrides the role's rule (a published report always hides below 5). `compare` narrows
    the DIF to those groupings (two, say, when several small ones leave items untestable).
    """
    instrument = instrument_by_id(scope.instrument)
    wide, groupings = stored_answers_and_groupings(scope, by)
    if min_members is None:
        min_members = MIN_CELL_SIZE if scope.publishes() else 1
    label = grouping_choices([by]).get(by, by)
    if wide.empty:
        return ContextView(by, label, {}, None)
    context = context_of(
        score(wide, instrument),
        groupings,
        instrument=instrument,
        scale=scale,
        by=by,
        min_members=min_members,
    )
    hidden = {g["value"] for g in context["groupings"] if g["suppressed"]}
    # DIF compares members who described themselves (or whose language is known): without
    # a description an answer set is in no grouping; hidden groupings stay hidden.
    shown = groupings[~groupings["grouping"].isin(hidden | set(NO_DIF_GROUPINGS))]
    if compare:
        shown = shown[shown["grouping"].isin(set(compare))]
    keys = pd.MultiIndex.from_frame(shown[["member", "timepoint"]])
    kept = wide[pd.MultiIndex.from_frame(wide[["member", "timepoint"]]).isin(keys)]
    dif = None
    if shown["grouping"].nunique() > 1 and not kept.empty:
        dif = dif_of(kept, instrument, shown, by=by, scale=scale, min_members=min_members)
        left_out = len(wide) - len(kept)
        if left_out:
            dif.notes.insert(
                0,
                f"{left_out} answer set(s) in no grouping compared here (no description, "
                "prefer not to say, or a hidden grouping) are left out of the item comparison.",
            )
    rates = rates_by_grouping(scope, by, hidden, min_members)
    return ContextView(by, label, context, dif, rates)


def stored_answers_and_groupings(scope: Scope, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`scope`'s administrations (wide) and their groupings, under the same pseudonyms."""
    from access.roles import SEE_MEMBER_CODES
    from privacy.deidentify import new_export_key, pseudonymise
    from services.selection import responses

    engine = engine_for(scope.url)
    instrument = instrument_by_id(scope.instrument)
    key = new_export_key()
    long = responses(scope, key=key)
    groupings = stored_groupings(engine, instrument.id, by)
    if scope.user is not None and not scope.user.can(SEE_MEMBER_CODES):
        groupings = pseudonymise(groupings, key)
    if long.empty:
        return pd.DataFrame(columns=["member", "timepoint", *instrument.item_ids]), groupings
    return long_to_wide(long, instrument), groupings


def questions_for(url: str, program: str | None) -> list[str]:
    """The about-me questions to group by: `program`'s, or every program's (form order)."""
    from store.descriptions import asked_questions, programs_asking

    engine = engine_for(url)
    asked = set(asked_questions(engine, program)) if program else programs_asking(engine)
    return [q for q in load_about_me().question_ids if q in asked]


def record_context_view(url: str, who: str | None, scope: Scope, by: str) -> None:
    """Audit that `who` looked at outcomes by grouping `by` (which selection; no cell)."""
    from store import audit

    audit.record(
        engine_for(url),
        who,
        audit.CONTEXT_VIEWED,
        {
            "by": by,
            "instrument": scope.instrument,
            "program": scope.program or "all programs",
            "group": scope.group or "all groups",
        },
    )


def rates_by_grouping(
    scope: Scope, by: str, hidden: set[str], min_members: int
) -> pd.DataFrame | None:
    """Attendance, dropout, alerts and reconnection per grouping of `scope`'s members.

    Counted per member (`services.descriptions.member_groupings`) over every session and
    questionnaire of the selected program and group (dates do not narrow it); alerts are
    the check-in's member disconnection records (services.repairs). A grouping hidden on the
    page is hidden here too; smaller ones are hidden with complementary suppression, and a
    share resting on fewer than `min_members` members or alerts shows no figure. None for
    `MODE`, a property of an answer set rather than of a member.
    """
    from analysis.context import grouping_rates
    from services import repairs
    from services.descriptions import MODE, member_groupings
    from services.selection import own_group_ids
    from store.descriptions import member_timepoints
    from store.sessions import load_attendance

    if by == MODE:
        return None
    engine = engine_for(scope.url)
    own = own_group_ids(scope.user)
    wide = load_attendance(engine, group=scope.group, program=scope.program, group_ids=own)
    marks = (
        wide.stack(future_stack=True).rename("present").reset_index().dropna(subset=["present"])
        if not wide.empty
        else pd.DataFrame(columns=["group", "member", "session", "present"])
    )
    marks.columns = ["group", "member", "session", "present"]
    points = member_timepoints(engine, scope.program, scope.group)
    if own is not None:
        points = points[points["group_id"].isin(own)]
    codes = sorted(set(marks["member"].astype(str)) | set(points["member"].astype(str)))
    if not codes:
        return None
    records = repairs.follow_up(scope.url, scope.version, None, scope.program, scope.group)
    alerts = repairs.visible_records(records.records, scope.url, scope.user, scope.group)
    alerts = (
        alerts[alerts["member"].notna()]
        if len(alerts)
        else pd.DataFrame(columns=["member", "status"])
    )
    rates = grouping_rates(member_groupings(engine, by, codes), marks, points, alerts)
    counts = rates["members"].tolist()
    hidden_here = {rates["grouping"][i] for i in Suppressor(min_members).hidden_parts(counts)}
    rates["suppressed"] = rates["grouping"].isin(hidden_here | set(hidden))
    # A share (and its base) resting on fewer than `min_members`, or counting 1 to
    # min_members - 1 of them, shows no figure: a small count could be worked out from it.
    for share, base in [
        ("attendance", "marks"),
        ("dropout", "started"),
        ("alerted", "members"),
        ("reconnected", "decided"),
    ]:
        counted = (rates[share] * rates[base]).round()
        thin = rates[base] < min_members
        if min_members > 1:
            thin |= (counted > 0) & (counted < min_members)
        rates[f"{share}_hidden"] = thin & (rates[base] > 0)
        rates.loc[thin, share] = float("nan")
    return rates

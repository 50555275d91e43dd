"""The Context page's and the reports' tables and readings of outcomes by grouping, in words.

Everything here turns `services.context` results (already suppressed for the user who
asks) into what a person reads: worded columns, intervals as "low to high", hidden
groupings said so, shares as "83% of 240 marks", and the report section of both files.
"""

from __future__ import annotations

import pandas as pd

from measures import Instrument
from privacy.suppression import MIN_CELL_SIZE
from services.context import ContextView
from services.dif import DifView


def _interval(low: float | None, high: float | None) -> str | None:
    return None if low is None or high is None else f"{low:.2f} to {high:.2f}"


def groupings_table(context: dict) -> pd.DataFrame:
    """The Context page's (and report's) table: one row per grouping, hidden ones said so."""
    rows = []
    hidden_words = f"hidden (fewer than {context.get('min_cell_size', MIN_CELL_SIZE)} members)"
    for entry in context.get("groupings", []):
        if entry["suppressed"]:
            rows.append({"Grouping": entry["value"], "Members": hidden_words})
            continue
        change = entry.get("pre_post") or {}
        slope = entry.get("slope") or {}
        rows.append(
            {
                "Grouping": entry["value"],
                "Members": str(entry["members"]),
                "Answer sets": entry["administrations"],
                "Mean": entry["mean"],
                "Mean 95% CI": _interval(entry["ci_low"], entry["ci_high"]),
                "Pre to post change": change.get("mean_change"),
                "Change 95% CI": _interval(change.get("ci_low"), change.get("ci_high")),
                "Change per session": slope.get("per_session"),
                "Per session 95% CI": _interval(slope.get("ci_low"), slope.get("ci_high")),
            }
        )
    # A column with no figure in any row (no pre/post in the selection, say) is left out.
    return pd.DataFrame(rows).dropna(axis="columns", how="all")


def dif_reading(dif: DifView) -> list[str]:
    """The item comparison in plain words: each flagged item, else how many were tested."""
    items = dif.result.items
    flagged = [item.reading for item in items if item.flagged]
    if flagged:
        return flagged
    untested = sum(item.p_overall is None for item in items)
    if untested == len(items):
        return [
            "No item could be tested: in some grouping too few members gave each answer "
            f"(at least {dif.result.min_cell} per answer in every grouping are needed)."
        ]
    words = f"No item is flagged: the {len(items) - untested} item(s) tested are answered alike"
    words += " in each grouping by members with the same total."
    if untested:
        words += f" {untested} item(s) could not be tested (too few answers in some grouping)."
    return [words]


def difference_readings(context: dict) -> list[str]:
    """Each grouping's difference from the reference in words, mean and trend together."""
    out = []
    for difference in context.get("differences", []):
        slope = difference.get("slope_difference")
        out.append(difference["reading"] + (f" {slope['reading']}" if slope else ""))
    return out


def dif_table(dif: DifView, instrument: Instrument) -> pd.DataFrame:
    """The items' DIF in words: wording, the two tests, the pseudo-R² change, the reading."""
    wording = {item.id: (item.text or {}).get("en", item.id) for item in instrument.items}
    rows = []
    for item in dif.result.items:
        rows.append(
            {
                "Item": item.item,
                "Item wording": wording.get(item.item, item.item),
                "Uniform χ²": item.chi2_uniform,
                "Uniform p": item.p_uniform,
                "Non-uniform χ²": item.chi2_nonuniform,
                "Non-uniform p": item.p_nonuniform,
                "Δ McFadden R²": item.delta_r2,
                "Flagged": "yes" if item.flagged else "no",
                "Reading": item.reading,
            }
        )
    return pd.DataFrame(rows)


def reliability_table(dif: DifView) -> pd.DataFrame:
    """Cronbach's alpha and omega of the scale in each grouping the DIF compares."""
    return pd.DataFrame(
        [
            {
                "Grouping": r.grouping,
                "Members": r.members,
                "Answer sets": r.answer_sets,
                "Cronbach's α": r.alpha,
                "McDonald's ω": r.omega_total,
            }
            for r in dif.reliability
        ]
    )


def _percent(share: float, of: int, what: str, hidden: bool, min_members: int) -> str:
    if hidden:  # too few to show: neither the share nor its count
        return f"hidden (fewer than {min_members})"
    if share != share:  # NaN: nothing to divide
        return "-"
    return f"{share:.0%} of {of} {what}"


def rates_table(rates: pd.DataFrame, min_members: int = MIN_CELL_SIZE) -> pd.DataFrame:
    """`rates_by_grouping` in words, hidden groupings said so (no count, no share)."""
    hidden_words = f"hidden (fewer than {min_members} members)"
    rows = []
    for r in rates.itertuples(index=False):
        if r.suppressed:
            rows.append({"Grouping": r.grouping, "Members": hidden_words})
            continue
        rows.append(
            {
                "Grouping": r.grouping,
                "Members": str(r.members),
                "Attendance": _percent(
                    r.attendance, r.marks, "marks", r.attendance_hidden, min_members
                ),
                "Dropped out before post": _percent(
                    r.dropout, r.started, "who started", r.dropout_hidden, min_members
                ),
                "Members with a disconnection alert": _percent(
                    r.alerted, r.members, "members", r.alerted_hidden, min_members
                ),
                "Alerts that reconnected": _percent(
                    r.reconnected, r.decided, "decided", r.reconnected_hidden, min_members
                ),
            }
        )
    return pd.DataFrame(rows)


def _shown(value: object, column: str) -> object:
    """A figure as a report prints it: p values to 3 decimals ("<0.001"), others to 2."""
    if not isinstance(value, float) or value != value:
        return value
    if column.endswith(" p"):
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    return f"{value:.2f}"


def _printed(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: [_shown(v, c) for v in frame[c]] for c in frame.columns})


def report_section(view: ContextView, instrument: Instrument):
    """`view` as a report section (reports.content.ContextSection), tables in words."""
    from reports.content import ContextSection

    context = view.context
    scale = instrument.scale(context["scale"]).name
    tables = [(f"{scale} by grouping", _printed(groupings_table(context)))]
    if view.rates is not None:
        tables.append(
            (
                "Attendance, dropout and disconnections",
                rates_table(view.rates, context["min_cell_size"]),
            )
        )
    readings = difference_readings(context)
    notes = [context["interval"], *context["notes"]]
    if view.dif is not None:
        dif = dif_table(view.dif, instrument).drop(columns=["Item wording", "Reading"])
        tables.append(("Do the items measure the same in each grouping?", _printed(dif)))
        if view.dif.reliability:
            tables.append(("Reliability in each grouping", _printed(reliability_table(view.dif))))
        readings += dif_reading(view.dif)
        notes += [view.dif.result.criterion, *view.dif.to_dict()["notes"]]
    return ContextSection(
        title=f"Outcomes by {view.label[0].lower()}{view.label[1:]}",
        tables=tables,
        readings=readings,
        notes=notes,
    )


def members_in_all(context: dict) -> str:
    """The total in words: "83 members in all", or "Fewer than 5 members in all" when small."""
    least = context.get("min_cell_size", MIN_CELL_SIZE)
    total = context.get("members_total", 0)
    if least > 1 and total < least:
        return f"Fewer than {least} members in all"
    return f"{total} members in all"

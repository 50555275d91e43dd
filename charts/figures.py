"""Plotly figure builders: a tidy DataFrame in, a plotly Figure out. No Streamlit here.

Every chart carries its meaning in shape and text as well as colour (markers, dash styles,
labels), so it reads in greyscale print and for colour-blind viewers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]

#: Reliable-change categories, best first, each with a colour and a marker symbol.
CATEGORY_STYLE = {
    "recovered": ("#009E73", "star"),
    "improved": ("#56B4E9", "triangle-up"),
    "unchanged": ("#999999", "circle"),
    "deteriorated": ("#E69F00", "triangle-down"),
    "harmed": ("#D55E00", "x"),
}


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        font={"size": 15},
        # Below the plot, so a legend of two rows never covers the title.
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        margin={"l": 60, "r": 20, "t": 70, "b": 130},
    )
    return figure


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _gapped_lines(frame: pd.DataFrame, key: str, x: str, y: str) -> tuple[list, list]:
    """The x and y of one line per `key`, with gaps (None) between them, for one trace."""
    frame = frame.sort_values([key, x], kind="stable")
    keys = frame[key].to_numpy()
    # A gap after each line: before every change of key, and at the end.
    ends = np.append(np.flatnonzero(keys[1:] != keys[:-1]) + 1, len(keys))
    xs = np.insert(frame[x].to_numpy(dtype=object), ends, None)
    ys = np.insert(frame[y].to_numpy(dtype=object), ends, None)
    return xs.tolist(), ys.tolist()


#: Sessions with fewer answers than this get an open marker and an "n=2" label: their mean
#: and band rest on too few members to read as the group's.
FEW_ANSWERS = 5


def _band_and_line(
    figure: go.Figure,
    rows: pd.DataFrame,
    label: str,
    index: int,
    *,
    colour: str | None = None,
    few: int = FEW_ANSWERS,
    cell: dict | None = None,
    name: str | None = None,
    showlegend: bool = True,
    marker_size: int = 9,
) -> None:
    """A group's 95% CI band and its mean line with a marker per session.

    `cell` is the panel (``{"row": 1, "col": 2}``) of a figure of small multiples; `name`
    the legend entry when it is not `label` (which the hover names).
    """
    rows = rows.sort_values("session")
    colour = colour or PALETTE[index % len(PALETTE)]
    symbol = SYMBOLS[index % len(SYMBOLS)]
    n = rows["n"] if "n" in rows else pd.Series(np.nan, index=rows.index)
    small = (n < few).to_numpy()
    cell = cell or {}
    figure.add_trace(
        go.Scatter(
            x=pd.concat([rows["session"], rows["session"][::-1]]),
            y=pd.concat([rows["ci_high"], rows["ci_low"][::-1]]),
            fill="toself",
            fillcolor=_rgba(colour, 0.15),
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            name=f"{label} 95% CI",
        ),
        **cell,
    )
    figure.add_trace(
        go.Scatter(
            x=rows["session"],
            y=rows["mean"],
            mode="lines+markers+text" if small.any() else "lines+markers",
            line={"color": colour, "width": 3, "dash": DASHES[index % len(DASHES)]},
            # Open markers and an "n=2" label where few answered: not colour alone.
            marker={
                "symbol": [f"{symbol}-open" if s else symbol for s in small],
                "size": marker_size,
                "line": {"color": colour, "width": 2},
            },
            text=[f"n={v:g}" if s else "" for v, s in zip(n, small, strict=True)],
            textposition="top center",
            customdata=np.column_stack([n, rows["ci_low"], rows["ci_high"]]),
            hovertemplate=(
                f"{label}<br>session %{{x}}: mean %{{y:.2f}}<br>"
                "n = %{customdata[0]}<br>95% CI %{customdata[1]:.2f} to %{customdata[2]:.2f}"
                "<extra></extra>"
            ),
            name=name or label,
            legendgroup=name,
            showlegend=showlegend,
        ),
        **cell,
    )


#: The most groups drawn as one panel each (small multiples); with more, one chart of the
#: groups' means (`session_means_chart`).
MAX_PANELS = 12
#: Panels per row of the small multiples, and the pixels of height each row adds.
PANEL_COLUMNS = 4
PANEL_HEIGHT = 240


def session_means_layout(n_groups: int, max_groups: int = MAX_PANELS) -> str:
    """How `session_means_chart` draws `n_groups` groups.

    ``"one"``: one group (or none named), its mean and band over its members' own lines;
    ``"panels"``: one panel per group on a shared axis; ``"means"``: more groups than
    `max_groups`, each group's mean a faint line under all groups' mean with its band.
    """
    if n_groups <= 1:
        return "one"
    return "panels" if n_groups <= max_groups else "means"


def session_means_words(
    n_groups: int, *, members: bool, max_groups: int = MAX_PANELS, overall: bool = True
) -> str:
    """A sentence saying what `session_means_chart` draws, for the caption beside it.

    Parameters
    ----------
    n_groups
        Groups in the chart's ``means``.
    members
        Whether members' own lines are given (staff see them; a chart fit to publish
        has none).
    overall
        Whether all groups' mean per session is given (``overall``).
    """
    layout = session_means_layout(n_groups, max_groups)
    if layout == "one":
        lines = " over each member's own line (faint)" if members else ""
        return f"The chart draws the group's mean per session with its 95% confidence band{lines}."
    if layout == "panels":
        reference = (
            ", and all groups together as a grey dotted line to compare with" if overall else ""
        )
        return (
            f"The chart draws one panel per group ({n_groups} groups), each with the group's "
            f"mean per session and its 95% confidence band on one shared axis{reference}. "
            "Choose one group in the sidebar to see its members' own lines."
        )
    return (
        f"With more than {max_groups} groups ({n_groups} here) the chart draws each group's "
        "mean as a faint line under all groups' mean with its 95% confidence band. Choose a "
        "program or a group in the sidebar to see one panel per group or members' own lines."
    )


def _panels(
    figure_means: pd.DataFrame,
    groups: list,
    overall: pd.DataFrame | None,
    *,
    few: int,
) -> go.Figure:
    """One panel per group, on shared axes: the group's band and mean, all groups dotted."""
    columns = min(PANEL_COLUMNS, len(groups))
    rows = -(-len(groups) // columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[str(g) for g in groups],
        shared_xaxes="all",
        shared_yaxes="all",
        horizontal_spacing=0.03,
        # Room between rows for the sessions under a panel and the title over the next.
        vertical_spacing=90 / (PANEL_HEIGHT * rows - 10),
    )
    for index, group in enumerate(groups):
        cell = {"row": index // columns + 1, "col": index % columns + 1}
        if overall is not None and not overall.empty:
            reference = overall.sort_values("session")
            figure.add_trace(
                go.Scatter(
                    x=reference["session"],
                    y=reference["mean"],
                    mode="lines",
                    line={"color": "#777777", "width": 1.5, "dash": "dot"},
                    name="all groups' mean",
                    legendgroup="all groups' mean",
                    showlegend=index == 0,
                    hoverinfo="skip",
                ),
                **cell,
            )
        _band_and_line(
            figure,
            figure_means[figure_means["group"] == group],
            str(group),
            0,
            few=few,
            cell=cell,
            name="group's mean (band: 95% CI)",
            showlegend=index == 0,
            marker_size=6,
        )
    # Every panel shows its sessions, on the same range: a reader of the top row need not
    # look down a column, and session 5 sits at the same place in every panel.
    sessions = pd.to_numeric(figure_means["session"])
    first, last = float(sessions.min()), float(sessions.max())
    figure.update_xaxes(
        showticklabels=True,
        tickfont={"size": 12},
        range=[first - 0.5, last + 0.5],
        tick0=first,
        dtick=max(1, math.ceil((last - first + 1) / 6)),
    )
    figure.update_yaxes(tickfont={"size": 12})
    figure.update_annotations(font={"size": 14})  # the panels' titles
    figure.update_layout(height=PANEL_HEIGHT * rows + 190)
    return figure


def session_means_chart(
    means: pd.DataFrame,
    trajectories: pd.DataFrame | None = None,
    *,
    scale_name: str = "Score",
    max_trajectories: int = 200,
    overall: pd.DataFrame | None = None,
    max_groups: int = MAX_PANELS,
    y_range: tuple[float, float] | None = None,
    few: int = FEW_ANSWERS,
) -> go.Figure:
    """Group mean per session with a 95% CI band: one group, a panel per group, or many.

    One group (or ``means`` without ``group``): its mean and band over its members' faint
    lines. Two to `max_groups` groups: one small panel per group on a shared y-axis, with
    all groups' mean (`overall`) dotted in each, and no members' lines (a hundred of them
    and eight bands in one chart were a tangle). More groups: one chart, each group's mean
    a faint line under `overall` with its band. `session_means_words` says which, in words.

    Parameters
    ----------
    means
        Columns ``session``, ``mean``, ``ci_low``, ``ci_high`` and optionally ``group``
        and ``n``.
    trajectories
        Optional columns ``member``, ``session``, ``score``: one faint line per member, drawn
        for one group only. At most `max_trajectories` members are drawn, so the browser gets
        a bounded number of points.
    overall
        Optional mean per session of all groups together (same columns, no ``group``).
    max_groups
        The most groups drawn as panels (`MAX_PANELS`).
    y_range
        The scale's lowest and highest possible score (``measures.score_range``): the y-axis
        (of every panel) stays on it, so a wide band of a session with two answers is drawn
        as it is but cannot stretch the axis beyond the scale.
    few
        Sessions with fewer answers (``n`` column of `means`) than this get an open marker
        and an ``n=2`` label; every point's hover shows its n and CI.
    """
    groups = means["group"].drop_duplicates().tolist() if "group" in means else [None]
    layout = session_means_layout(len(groups), max_groups)
    title = f"{scale_name}: mean per session (95% CI)"
    if layout == "panels":
        figure = _panels(means, groups, overall, few=few)
        title = f"{scale_name}: mean per session in each group (95% CI)"
    else:
        figure = go.Figure()
    if layout == "one" and trajectories is not None and not trajectories.empty:
        members = trajectories["member"].drop_duplicates()
        if len(members) > max_trajectories:
            members = members.sample(max_trajectories, random_state=1)
        shown = trajectories[trajectories["member"].isin(members)]
        # One trace with gaps between members keeps the figure light.
        x, y = _gapped_lines(shown, "member", "session", "score")
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"color": "rgba(120,120,120,0.18)", "width": 1},
                name="individual members",
                hoverinfo="skip",
            )
        )
    if layout == "means":
        x, y = _gapped_lines(means, "group", "session", "mean")
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"color": _rgba(PALETTE[0], 0.35), "width": 1},
                name=f"each group's mean ({len(groups)} groups)",
                hoverinfo="skip",
            )
        )
        if overall is not None and not overall.empty:
            _band_and_line(figure, overall, "all groups", 0, colour=PALETTE[5], few=few)
    elif layout == "one":
        group = groups[0]
        rows = means if group is None else means[means["group"] == group]
        _band_and_line(figure, rows, "all members" if group is None else str(group), 0, few=few)
    if layout != "panels":
        figure.update_xaxes(dtick=1)
    if y_range is not None:
        low, high = y_range
        margin = (high - low) * 0.04  # room for a marker on the scale's edge
        figure.update_yaxes(range=[low - margin, high + margin])
    _layout(figure, title, "Session", scale_name)
    if layout == "panels":
        # Axis titles once for the grid, not under and beside every panel.
        figure.update_layout(xaxis_title=None, yaxis_title=None)
        figure.add_annotation(
            text="Session", showarrow=False, xref="paper", yref="paper", x=0.5, y=0,
            yanchor="top", yshift=-26, font={"size": 15},
        )  # fmt: skip
        figure.add_annotation(
            text=scale_name, showarrow=False, xref="paper", yref="paper", x=0, y=0.5,
            xshift=-50, textangle=-90, font={"size": 15},
        )  # fmt: skip
        # The legend under the "Session" title, at the same distance whatever the rows.
        plot_height = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
        figure.update_layout(legend={"y": -70 / plot_height})
    return figure


def good_things_profile(profile: pd.DataFrame) -> go.Figure:
    """The five good things (or any item themes) per session: one line per theme.

    Parameters
    ----------
    profile
        Columns ``session``, ``theme``, ``mean``.
    """
    figure = go.Figure()
    for index, (theme, rows) in enumerate(profile.groupby("theme", sort=False)):
        rows = rows.sort_values("session")
        figure.add_trace(
            go.Scatter(
                x=rows["session"],
                y=rows["mean"],
                mode="lines+markers",
                name=str(theme),
                line={"color": PALETTE[index % len(PALETTE)], "dash": DASHES[index % len(DASHES)]},
                marker={"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 8},
            )
        )
    figure.update_xaxes(dtick=1)
    return _layout(figure, "The five good things, session by session", "Session", "Mean answer")


def heatmap(
    frame: pd.DataFrame, *, row: str, column: str, value: str, title: str, colorbar: str
) -> go.Figure:
    """A heatmap of `value` by `row` and `column`, with each cell's number written in it."""
    table = frame.pivot_table(index=row, columns=column, values=value, aggfunc="mean", sort=False)
    text = table.map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[str(c) for c in table.columns],
            y=[str(i) for i in table.index],
            text=text.to_numpy(),
            texttemplate="%{text}",
            colorscale="Viridis",
            colorbar={"title": colorbar},
            hoverongaps=False,
        )
    )
    return _layout(figure, title, column.capitalize(), row.capitalize())


def item_heatmap(item_means: pd.DataFrame) -> go.Figure:
    """Mean answer per item and session. Columns ``item``, ``session``, ``mean``."""
    return heatmap(
        item_means, row="item", column="session", value="mean",
        title="Mean answer per item and session", colorbar="mean",
    )  # fmt: skip


def attendance_heatmap(attendance: pd.DataFrame) -> go.Figure:
    """Who came to which session. Columns ``member``, ``session``, ``present`` (bool).

    Present cells read "✓" and absent ones "–", so the chart does not rely on colour.
    """
    table = attendance.pivot_table(
        index="member", columns="session", values="present", aggfunc="max", sort=True
    ).astype(float)
    marks = table.map(lambda v: "" if pd.isna(v) else ("✓" if v else "–"))
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[str(c) for c in table.columns],
            y=[str(i) for i in table.index],
            text=marks.to_numpy(),
            texttemplate="%{text}",
            colorscale=[[0, "#F2F2F2"], [1, "#0072B2"]],
            showscale=False,
            zmin=0,
            zmax=1,
        )
    )
    members = [str(i) for i in table.index]
    # Every member's code on the y-axis (Plotly thins crowded category labels to every
    # other one), each row tall enough for its label, over the title and legend margins.
    figure.update_yaxes(tickmode="array", tickvals=members, ticktext=members, autorange="reversed")
    figure.update_xaxes(dtick=1)
    figure.update_layout(height=max(300, ROW_HEIGHT * len(table) + 170))
    _layout(figure, "Attendance (✓ present, – absent)", "Session", "Member")
    figure.update_layout(margin={"b": 70})  # no legend under a heatmap
    return figure


#: Pixels per row of a heatmap that labels every row.
ROW_HEIGHT = 26


def jacobson_plot(
    members: pd.DataFrame,
    *,
    reliable_change: float,
    cutoff: float | None = None,
    scale_name: str = "Score",
    axis_range: tuple[float, float] | None = None,
    counts_in_legend: bool = True,
) -> go.Figure:
    """Pre against post per member, with reliable-change band and cutoff (Jacobson & Truax 1991).

    The dashed diagonal is no change; the grey band around it is change too small to be
    reliable.

    Parameters
    ----------
    members
        Columns ``member``, ``pre``, ``post``, ``category`` (recovered, improved, unchanged,
        deteriorated, harmed).
    reliable_change
        Half-width of the band, in score points: the smallest change that is reliable
        (e.g. 1.96 x S_diff for Jacobson-Truax).
    cutoff
        The clinical cutoff, drawn as a dotted line on both axes.
    axis_range
        The scale's lowest and highest possible score (``measures.score_range``): both axes
        then show that range plus a small margin, whatever the band's width. Without it the
        axes span the members' scores padded by the band.
    counts_in_legend
        Each category's legend entry says how many members it has ("improved (9)"). False
        for a chart fit to publish (privacy.suppression): the legend names the category only.
        Without a ``member`` column the points' hover shows their scores only.
    """
    figure = go.Figure()
    if axis_range is not None:
        low, high = axis_range
        pad = (high - low) * 0.05
    else:
        low = float(np.nanmin(members[["pre", "post"]].to_numpy())) if len(members) else 0.0
        high = float(np.nanmax(members[["pre", "post"]].to_numpy())) if len(members) else 1.0
        pad = (high - low) * 0.08 + reliable_change
    low, high = low - pad, high + pad
    edge = [low, high]
    figure.add_trace(
        go.Scatter(
            x=edge + edge[::-1],
            y=[low + reliable_change, high + reliable_change]
            + [high - reliable_change, low - reliable_change],
            fill="toself",
            fillcolor="rgba(150,150,150,0.18)",
            mode="lines",
            line={"width": 0},
            name="no reliable change (band)",
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(x=edge, y=edge, mode="lines", line={"color": "#555", "dash": "dash"},
                   name="no change (post = pre)")
    )  # fmt: skip
    for category, (colour, symbol) in CATEGORY_STYLE.items():
        rows = members[members["category"] == category]
        if rows.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=rows["pre"],
                y=rows["post"],
                mode="markers",
                marker={"color": colour, "symbol": symbol, "size": 11,
                        "line": {"width": 1, "color": "#333"}},
                name=f"{category} ({len(rows)})" if counts_in_legend else category,
                # Without member codes (a chart fit to publish) a point shows only its scores.
                text=rows.get("member"),
                hovertemplate=("%{text}: " if "member" in rows else "")
                + "pre %{x:.2f}, post %{y:.2f}<extra></extra>",
            )
        )  # fmt: skip
    if cutoff is not None:
        figure.add_hline(y=cutoff, line={"dash": "dot", "color": "#D55E00"},
                         annotation_text=f"cutoff {cutoff:g}")  # fmt: skip
        figure.add_vline(x=cutoff, line={"dash": "dot", "color": "#D55E00"})
    # Square and equal units on both axes; constrain="domain" narrows the plot area instead
    # of widening the x range beyond the scale (a wide chart showed -2 to 8 on a 1-5 scale).
    figure.update_xaxes(range=edge, constrain="domain")
    figure.update_yaxes(range=edge, scaleanchor="x", scaleratio=1, constrain="domain")
    return _layout(figure, f"{scale_name}: before and after", f"Before ({scale_name})",
                   f"After ({scale_name})")  # fmt: skip


def category_bars(counts: pd.DataFrame) -> go.Figure:
    """Members per reliable-change category, per group: stacked bars with counts written in.

    Parameters
    ----------
    counts
        Columns ``group``, ``category``, ``count``.
    """
    figure = go.Figure()
    for category, (colour, _symbol) in CATEGORY_STYLE.items():
        rows = counts[counts["category"] == category]
        if rows.empty:
            continue
        figure.add_trace(
            go.Bar(
                x=rows["group"].astype(str),
                y=rows["count"],
                name=category,
                # A faint pattern still tells the categories apart in greyscale, and leaves
                # the number written over it legible.
                marker={
                    "color": colour,
                    "pattern": {
                        "shape": _PATTERNS.get(category, ""),
                        "fgopacity": 0.4,
                        "solidity": 0.15,
                    },
                },
                text=rows["count"],
                textposition="inside",
                textfont={"color": "#111111"},
                # Level numbers; a segment too thin for its number shows none (hover has it)
                # instead of a number turned on its side.
                textangle=0,
                insidetextanchor="middle",
            )
        )
    figure.update_layout(barmode="stack", uniformtext={"minsize": 12, "mode": "hide"})
    return _layout(figure, "Reliable change by group", "Group", "Members")


_PATTERNS = {"recovered": "", "improved": "/", "unchanged": ".", "deteriorated": "x", "harmed": "+"}


def forest_plot(effects: pd.DataFrame, *, effect_name: str = "Effect size (d_z)") -> go.Figure:
    """Effect sizes with 95% CIs, one row per group or program.

    Parameters
    ----------
    effects
        Columns ``label``, ``estimate``, ``ci_low``, ``ci_high`` and optionally ``n``.
    """
    rows = effects.iloc[::-1]
    labels = (
        rows["label"].astype(str) + "  (n=" + rows["n"].astype(str) + ")"
        if "n" in rows
        else rows["label"].astype(str)
    )
    figure = go.Figure(
        go.Scatter(
            x=rows["estimate"],
            y=labels,
            mode="markers",
            marker={"symbol": "square", "size": 12, "color": PALETTE[0]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": rows["ci_high"] - rows["estimate"],
                "arrayminus": rows["estimate"] - rows["ci_low"],
                "thickness": 2,
            },
            name=effect_name,
        )
    )
    figure.add_vline(x=0, line={"color": "#555", "dash": "dash"})
    figure.update_layout(height=max(300, 45 * len(rows) + 140))
    return _layout(figure, f"{effect_name} with 95% CI", effect_name, "")

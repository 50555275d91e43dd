"""The repair loop on one member's check-in line: where a disconnection began and ended."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import PALETTE, _layout

#: Outcome -> (colour, marker symbol, legend words): shape and words as well as colour.
OUTCOME_STYLE = {
    "reconnected": ("#009E73", "star", "reconnected"),
    "still_disconnected": ("#D55E00", "x", "still disconnected"),
    "not_seen": ("#999999", "circle-open", "not seen since"),
    "left": ("#999999", "square-open", "left the group"),
}


def member_repair_line(
    history: pd.DataFrame,
    records: pd.DataFrame,
    *,
    member: str,
    scale_name: str = "Check-in total",
    y_range: tuple[float, float] | None = None,
) -> go.Figure:
    """A member's check-in by session, with each disconnection and its outcome marked.

    Parameters
    ----------
    history
        The member's check-ins: ``session`` and ``score``.
    records
        The member's disconnection records (`analysis.repairs` columns).
    member
        The member's code, for the title.
    scale_name
        Axis title.
    y_range
        The scale's whole range, so a drop reads at its true size.
    """
    history = history.sort_values("session")
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=history["session"],
            y=history["score"],
            mode="lines+markers",
            line={"color": PALETTE[0], "width": 3},
            marker={"size": 9},
            name="check-in",
            hovertemplate="session %{x}: %{y:.2f}<extra></extra>",
        )
    )
    scores = dict(zip(history["session"].astype(float), history["score"], strict=True))
    if len(records):
        began = records.assign(y=[scores.get(float(s)) for s in records["session"]])
        for kind, symbol in (("acute", "triangle-down"), ("chronic", "square")):
            rows = began[began["kind"] == kind]
            if rows.empty:
                continue
            figure.add_trace(
                go.Scatter(
                    x=rows["session"],
                    y=rows["y"],
                    mode="markers",
                    marker={"symbol": symbol, "size": 16, "color": "#E69F00"},
                    name=f"{kind} disconnection began",
                    hovertemplate=f"session %{{x}}: {kind} disconnection began<extra></extra>",
                )
            )
        for status, (colour, symbol, words) in OUTCOME_STYLE.items():
            ended = records[(records["status"] == status) & records["outcome_session"].notna()]
            if ended.empty:
                continue
            figure.add_trace(
                go.Scatter(
                    x=ended["outcome_session"],
                    y=[scores.get(float(s)) for s in ended["outcome_session"]],
                    mode="markers",
                    marker={"symbol": symbol, "size": 16, "color": colour},
                    name=words,
                    hovertemplate=f"session %{{x}}: {words}<extra></extra>",
                )
            )
    _layout(figure, f"{member}: check-in by session", "Session", scale_name)
    figure.update_xaxes(dtick=1)
    if y_range is not None:
        low, high = y_range
        figure.update_yaxes(range=[low - 0.3, high + 0.3])
    return figure

"""The connection map of one session, and reciprocity over sessions (issue 15). No Streamlit.

Members sit on a circle; a line joins two members when one felt connected with the other
(a rating of 4 or 5). A mutual tie (both felt it) is a thick solid line; a one-way tie is a
thin dashed line with an arrowhead at the member who was felt connected with. Members who
feel connected to few and are felt connected to by few are drawn as open diamonds, so the
map reads in greyscale and without colour.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.figures import PALETTE, _layout


def connection_map(members: list[str], ties: pd.DataFrame, isolated: list[str]) -> go.Figure:
    """The map: `members` (labels), `ties` (from, to, kind: mutual/one-way), `isolated`."""
    n = max(len(members), 1)
    place = {
        m: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n))
        for i, m in enumerate(members)
    }
    figure = go.Figure()
    for kind, width, dash, colour in (
        ("mutual", 4, "solid", PALETTE[2]),
        ("one-way", 1.5, "dash", PALETTE[1]),
    ):
        xs, ys = [], []
        for row in ties[ties["kind"] == kind].itertuples(index=False):
            (x0, y0), (x1, y1) = place[row[0]], place[row[1]]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            if kind == "one-way":
                figure.add_annotation(
                    x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                    showarrow=True, arrowhead=3, arrowwidth=1.5, arrowcolor=colour, text="",
                    standoff=12,
                )  # fmt: skip
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"width": width, "dash": dash, "color": colour},
                name="both felt connected" if kind == "mutual" else "one felt connected",
                hoverinfo="skip",
            )
        )
    for group, symbol, name in (
        ([m for m in members if m not in isolated], "circle", "member"),
        (isolated, "diamond-open", "connected to few, and few connected to them"),
    ):
        if not group:
            continue
        figure.add_trace(
            go.Scatter(
                x=[place[m][0] for m in group],
                y=[place[m][1] for m in group],
                mode="markers+text",
                text=group,
                textposition="top center",
                marker={"size": 18, "symbol": symbol, "color": PALETTE[0], "line": {"width": 2}},
                name=name,
            )
        )
    _layout(figure, "Who felt connected with whom today", "", "")
    figure.update_xaxes(visible=False, range=[-1.35, 1.35])
    figure.update_yaxes(visible=False, range=[-1.35, 1.35], scaleanchor="x")
    return figure


def reciprocity_chart(reciprocity: pd.DataFrame) -> go.Figure:
    """Dyadic reciprocity (the relationship covariance as a correlation) at each session."""
    figure = go.Figure(
        go.Scatter(
            x=reciprocity["session"],
            y=reciprocity["reciprocity"],
            mode="lines+markers+text",
            text=[f"{v:.2f}" for v in reciprocity["reciprocity"]],
            textposition="top center",
            marker={"size": 10, "color": PALETTE[0]},
            line={"color": PALETTE[0]},
            name="dyadic reciprocity",
        )
    )
    _layout(figure, "How mutual the connections were", "Session", "Dyadic reciprocity")
    figure.update_yaxes(range=[-1, 1])
    return figure

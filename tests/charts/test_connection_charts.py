"""The connection map draws mutual and one-way ties differently, not by colour alone."""

from __future__ import annotations

import pandas as pd

from charts.connections import connection_map, reciprocity_chart


def test_mutual_ties_are_solid_and_thick_one_way_ties_dashed_with_arrows():
    ties = pd.DataFrame(
        [{"from": "A", "to": "B", "kind": "mutual"}, {"from": "C", "to": "A", "kind": "one-way"}]
    )
    figure = connection_map(["A", "B", "C", "D"], ties, ["D"])
    lines = {t.name: t for t in figure.data if t.mode == "lines"}
    assert lines["both felt connected"].line.dash == "solid"
    assert lines["one felt connected"].line.dash == "dash"
    assert lines["both felt connected"].line.width > lines["one felt connected"].line.width
    assert len(figure.layout.annotations) == 1  # the one-way tie's arrowhead
    markers = {t.name: t for t in figure.data if "markers" in t.mode}
    assert list(markers["connected to few, and few connected to them"].text) == ["D"]
    assert markers["connected to few, and few connected to them"].marker.symbol == "diamond-open"


def test_reciprocity_is_drawn_on_the_whole_correlation_scale():
    chart = reciprocity_chart(pd.DataFrame({"session": [2, 5], "reciprocity": [0.05, 0.6]}))
    assert tuple(chart.layout.yaxis.range) == (-1, 1)
    assert list(chart.data[0].text) == ["0.05", "0.60"]

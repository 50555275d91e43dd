"""The chart builders show what the data says, in shapes and words as well as colour."""

import pandas as pd
import pytest

from charts import (
    attendance_heatmap,
    category_bars,
    forest_plot,
    good_things_profile,
    item_heatmap,
    jacobson_plot,
    session_means_chart,
)
from charts.figures import MAX_PANELS, session_means_layout, session_means_words

TWO_GROUPS = pd.DataFrame(
    {
        "group": ["A", "A", "B", "B"],
        "session": [1, 2, 1, 2],
        "mean": [3.0, 3.2, 2.8, 3.1],
        "ci_low": [2.7, 2.9, 2.5, 2.8],
        "ci_high": [3.3, 3.5, 3.1, 3.4],
    }
)
TRAJECTORIES = pd.DataFrame(
    {"member": ["m1", "m1", "m2", "m2"], "session": [1, 2, 1, 2], "score": [3, 4, 2, 3]}
)


def test_session_means_chart_draws_one_groups_band_and_line_over_its_members():
    # Issue 12 item 7 changed this test: members' lines are drawn for one group only (with
    # two groups the chart is now one panel per group, below), so it has one group.
    one = TWO_GROUPS[TWO_GROUPS["group"] == "A"]
    figure = session_means_chart(one, TRAJECTORIES, scale_name="Mutuality")
    names = [trace.name for trace in figure.data]
    assert names == ["individual members", "A 95% CI", "A"]
    # the band goes up along ci_high and back along ci_low
    assert list(figure.data[1].y) == [3.3, 3.5, 2.9, 2.7]
    assert "Mutuality" in figure.layout.title.text


def test_groups_are_one_panel_each_on_the_whole_scale_without_members_lines():
    overall = pd.DataFrame(
        {"session": [1, 2], "mean": [2.9, 3.15], "ci_low": [2.7, 2.9], "ci_high": [3.1, 3.4]}
    )
    figure = session_means_chart(
        TWO_GROUPS, TRAJECTORIES, overall=overall, y_range=(1.0, 5.0), scale_name="Mutuality"
    )
    assert [a.text for a in figure.layout.annotations][:2] == ["A", "B"]  # panel titles
    assert figure.layout.xaxis2.domain[0] > figure.layout.xaxis.domain[1]  # side by side
    assert "individual members" not in [t.name for t in figure.data]
    assert {t.xaxis for t in figure.data} == {"x", "x2"}
    # One shared y-axis over the whole 1-5 scale (plus room for a marker on its edge).
    assert figure.layout.yaxis2.matches == "y"
    assert list(figure.layout.yaxis.range) == pytest.approx([0.84, 5.16])
    # Each panel: all groups' mean (dotted), the group's band and its mean with markers.
    panel_a = [t for t in figure.data if t.xaxis == "x"]
    assert [t.line.dash for t in panel_a] == ["dot", None, "solid"]
    assert panel_a[2].mode == "lines+markers" and list(panel_a[2].y) == [3.0, 3.2]
    # One legend entry per kind of line, not one per panel.
    assert [t.name for t in figure.data if t.showlegend is not False] == [
        "all groups' mean",
        "group's mean (band: 95% CI)",
    ]


def test_eight_groups_are_a_four_by_two_grid_and_thirteen_fall_back_to_one_chart():
    def groups(count: int) -> pd.DataFrame:
        return pd.DataFrame(
            {"group": [f"G{g:02d}" for g in range(count) for _ in (1, 2)],
             "session": [1, 2] * count, "mean": 3.0, "ci_low": 2.5, "ci_high": 3.5}
        )  # fmt: skip

    eight = session_means_chart(groups(8), TRAJECTORIES)
    axes = [k for k in eight.layout.to_plotly_json() if k.startswith("xaxis")]
    assert len(axes) == 8
    assert eight.layout.xaxis5.domain == eight.layout.xaxis.domain  # second row, first column
    assert eight.layout.height >= 600  # two rows of readable panels
    assert session_means_layout(8) == "panels"
    assert session_means_layout(MAX_PANELS + 1) == "means" == session_means_layout(30)
    thirteen = session_means_chart(groups(13), TRAJECTORIES)
    assert [t.name for t in thirteen.data] == ["each group's mean (13 groups)"]


def test_the_words_say_what_the_chart_draws():
    assert "over each member's own line" in session_means_words(1, members=True)
    assert "member" not in session_means_words(1, members=False)
    panels = session_means_words(8, members=True)
    assert panels.startswith("The chart draws one panel per group (8 groups)")
    assert "grey dotted line" in panels
    assert "With more than 12 groups (20 here)" in session_means_words(20, members=True)


def test_trajectories_are_capped_so_the_browser_gets_bounded_points():
    trajectories = pd.DataFrame(
        {"member": [f"m{i}" for i in range(500) for _ in range(3)],
         "session": [s for _ in range(500) for s in (1, 2, 3)], "score": 3.0}
    )  # fmt: skip
    means = pd.DataFrame({"session": [1, 2, 3], "mean": 3.0, "ci_low": 2.9, "ci_high": 3.1})
    figure = session_means_chart(means, trajectories, max_trajectories=50)
    # 50 members x (3 points + 1 gap)
    assert len(figure.data[0].x) == 50 * 4


def test_many_groups_are_faint_lines_under_the_overall_mean_in_a_few_traces():
    means = pd.DataFrame(
        {
            "group": [f"G{g:02d}" for g in range(30) for _ in (1, 2)],
            "session": [1, 2] * 30,
            "mean": [3.0, 3.5] * 30,
            "ci_low": [2.5, 3.0] * 30,
            "ci_high": [3.5, 4.0] * 30,
        }
    )
    overall = pd.DataFrame(
        {"session": [1, 2], "mean": [3.0, 3.5], "ci_low": [2.9, 3.4], "ci_high": [3.1, 3.6]}
    )
    figure = session_means_chart(means, overall=overall)
    names = [trace.name for trace in figure.data]
    assert names == ["each group's mean (30 groups)", "all groups 95% CI", "all groups"]
    # 30 groups x (2 sessions + 1 gap) in one trace
    assert len(figure.data[0].x) == 30 * 3
    assert list(figure.data[2].y) == [3.0, 3.5]


def test_jacobson_plot_labels_categories_with_counts_and_marks_cutoff():
    members = pd.DataFrame(
        {
            "member": ["a", "b", "c"],
            "pre": [30.0, 25.0, 20.0],
            "post": [12.0, 24.0, 29.0],
            "category": ["recovered", "unchanged", "deteriorated"],
        }
    )
    figure = jacobson_plot(members, reliable_change=5.0, cutoff=19.16, scale_name="BDI")
    names = [trace.name for trace in figure.data]
    assert "recovered (1)" in names and "deteriorated (1)" in names
    band = figure.data[0]
    # the band is the diagonal shifted up and down by the reliable change
    assert band.y[0] - band.x[0] == pytest.approx(5.0)
    assert band.x[2] - band.y[2] == pytest.approx(5.0)
    assert any(getattr(a, "text", "") == "cutoff 19.16" for a in figure.layout.annotations)


def test_attendance_heatmap_writes_marks_so_colour_is_not_the_only_cue():
    attendance = pd.DataFrame(
        {
            "member": ["a", "a", "b", "b"],
            "session": [1, 2, 1, 2],
            "present": [True, False, True, True],
        }
    )
    figure = attendance_heatmap(attendance)
    assert figure.data[0].text.tolist() == [["✓", "–"], ["✓", "✓"]]


def test_attendance_heatmap_labels_every_member_in_rows_tall_enough():
    # A group of 14 (the demo's PR-A): Plotly's automatic ticks labelled every other member.
    codes = [f"PR-A-{m:02d}" for m in range(1, 15)]
    attendance = pd.DataFrame(
        {"member": [c for c in codes for _ in range(12)], "session": list(range(1, 13)) * 14,
         "present": True}
    )  # fmt: skip
    figure = attendance_heatmap(attendance)
    assert figure.layout.yaxis.tickmode == "array"
    assert list(figure.layout.yaxis.ticktext) == codes == list(figure.layout.yaxis.tickvals)
    plot_height = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    assert plot_height / len(codes) >= 22  # room for a 15 px label per row
    assert figure.layout.yaxis.autorange == "reversed"  # the first member on top


def test_category_bars_forest_profile_and_item_heatmap_show_their_numbers():
    counts = pd.DataFrame(
        {
            "group": ["A", "A", "B"],
            "category": ["improved", "unchanged", "improved"],
            "count": [4, 3, 2],
        }
    )
    bars = category_bars(counts)
    assert [t.name for t in bars.data] == ["improved", "unchanged"]
    assert list(bars.data[0].y) == [4, 2]
    # A segment too thin for its number hides it, never turns it on its side.
    assert all(t.textangle == 0 for t in bars.data)
    assert bars.layout.uniformtext.mode == "hide" and bars.layout.uniformtext.minsize >= 10

    effects = pd.DataFrame(
        {"label": ["A", "B"], "estimate": [0.5, 0.2], "ci_low": [0.1, -0.3], "ci_high": [0.9, 0.7],
         "n": [10, 8]}
    )  # fmt: skip
    forest = forest_plot(effects)
    assert list(forest.data[0].y) == ["B  (n=8)", "A  (n=10)"]
    assert list(forest.data[0].error_x.arrayminus) == pytest.approx([0.5, 0.4])

    profile = pd.DataFrame(
        {"session": [1, 2, 1, 2], "theme": ["zest", "zest", "clarity", "clarity"],
         "mean": [3.0, 3.5, 2.0, 2.5]}
    )  # fmt: skip
    assert [t.name for t in good_things_profile(profile).data] == ["zest", "clarity"]

    items = pd.DataFrame({"item": ["q1", "q2"], "session": [1, 1], "mean": [3.25, 4.0]})
    assert item_heatmap(items).data[0].text.tolist() == [["3.2"], ["4.0"]]


def test_bands_are_drawn_without_marker_dots_and_legends_sit_below_the_title():
    members = pd.DataFrame({"member": ["a"], "pre": [3.0], "post": [4.0], "category": ["improved"]})
    figure = jacobson_plot(members, reliable_change=0.5)
    assert figure.data[0].mode == "lines"
    means = pd.DataFrame({"session": [1, 2], "mean": [3.0, 3.1], "ci_low": [2.8, 2.9],
                          "ci_high": [3.2, 3.3]})  # fmt: skip
    chart = session_means_chart(means)
    assert chart.data[0].mode == "lines"
    assert chart.layout.legend.y < 0


def test_a_session_with_few_answers_is_marked_and_cannot_stretch_the_axis():
    # Session 3 has two answers: its band (t with 1 df) runs from -0.5 to 7 on a 1-5 scale.
    means = pd.DataFrame(
        {
            "session": [1, 2, 3],
            "n": [9, 8, 2],
            "mean": [3.0, 3.2, 3.25],
            "ci_low": [2.7, 2.9, -0.5],
            "ci_high": [3.3, 3.5, 7.0],
        }
    )
    figure = session_means_chart(means, y_range=(1.0, 5.0))
    band, line = figure.data
    assert max(band.y) == 7.0 and min(band.y) == -0.5  # the band is drawn as computed
    low, high = figure.layout.yaxis.range
    assert 0.8 <= low < 1.0 and 5.0 < high <= 5.2  # the axis stays on the scale
    assert list(line.text) == ["", "", "n=2"]
    assert list(line.marker.symbol) == ["circle", "circle", "circle-open"]
    assert "n = %{customdata[0]}" in line.hovertemplate
    assert [row[0] for row in line.customdata] == [9, 8, 2]


def test_jacobson_plot_axes_follow_the_scale_range_not_the_band():
    members = pd.DataFrame(
        {"member": ["a", "b"], "pre": [2.0, 3.0], "post": [3.0, 4.5],
         "category": ["unchanged", "improved"]}
    )  # fmt: skip
    figure = jacobson_plot(members, reliable_change=3.0, axis_range=(1.0, 5.0))
    low, high = figure.layout.xaxis.range
    assert low == pytest.approx(0.8) and high == pytest.approx(5.2)
    assert tuple(figure.layout.yaxis.range) == tuple(figure.layout.xaxis.range)
    # Equal units on both axes must shrink the plot area, not widen the x range.
    assert figure.layout.xaxis.constrain == "domain" == figure.layout.yaxis.constrain
    # Without the scale's range the band widens the axes (the old behaviour, -2 to 8 here).
    assert jacobson_plot(members, reliable_change=3.0).layout.xaxis.range[0] < 0

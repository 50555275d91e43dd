"""Plotly figure builders for the app: tidy DataFrames in, figures out (no Streamlit)."""

from charts.figures import (
    attendance_heatmap,
    category_bars,
    forest_plot,
    good_things_profile,
    item_heatmap,
    jacobson_plot,
    session_means_chart,
)

__all__ = [
    "attendance_heatmap",
    "category_bars",
    "forest_plot",
    "good_things_profile",
    "item_heatmap",
    "jacobson_plot",
    "session_means_chart",
]

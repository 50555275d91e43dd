"""Reliability: Cronbach's alpha with its confidence interval, omega, and item statistics."""

import streamlit as st

from ui import dashboard
from ui import state as keys

st.title("Reliability")
st.caption(
    "How consistently the items of a scale measure one thing. Alpha and omega of .70 or more "
    "are usually acceptable for comparing groups, .80 or more for judging single members."
)
scope, scale = dashboard.filters()
labels = dashboard.timepoints(scope)
if not labels:
    st.info("No answers to this questionnaire in the chosen program, group and dates.")
    st.stop()
ALL = "every timepoint"
timepoint = st.selectbox("Timepoint", [*labels, ALL], key=keys.W_TIMEPOINT)
view = dashboard.reliability(scope, scale, None if timepoint == ALL else timepoint)
if view.scales.empty:
    st.info("No answers to this questionnaire in the chosen program, group and dates.")
    st.stop()
dashboard.reading(view.reading)

st.subheader("Scale")
dashboard.table(view.scales.drop(columns=["notes"]), scope.instrument)
dashboard.download_table(view.scales, "reliability-scales")
for note in view.scales["notes"].dropna():
    if note:
        st.caption(note)

st.subheader("Items")
st.caption(
    "Item-rest r: how well an item agrees with the rest of the scale (below .30 is weak); "
    "α if item deleted: alpha without the item (higher than the scale's alpha means the "
    "item does not fit)."
)
dashboard.table(view.items, scope.instrument)
dashboard.download_table(view.items, "reliability-items")

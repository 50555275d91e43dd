"""Groups: how alike members of the same group are (ICC), and each group's mean."""

import streamlit as st

from charts import forest_plot
from services import analyses, connections, published, repairs
from ui import dashboard
from ui import state as keys

st.title("Groups")
st.caption(
    "Members of one group influence each other. The intraclass correlation (ICC) says how much "
    "of the differences between members lies between groups; group means are shown with "
    "their 95% confidence intervals."
)
scope, scale = dashboard.filters()
labels = dashboard.timepoints(scope)
if not labels:
    st.info("No answers to this questionnaire in the chosen program, group and dates.")
    st.stop()
timepoint = st.selectbox("Timepoint", labels, key=keys.W_TIMEPOINT)
view = dashboard.groups(scope, scale, timepoint)
dashboard.reading(view.reading)
result = view.structure
dashboard.table(analyses.groups_table(result, scope.publishes()))
for note in result.notes:
    st.caption(note)

st.subheader("Group means")
means = result.groups
effects = published.drawn(means).rename(columns={"group": "label", "mean": "estimate"})
figure = forest_plot(effects, effect_name="Mean")
# A mean has no zero line to compare with (the forest plot's is for effect sizes).
figure.layout.shapes = ()
figure.update_layout(title=f"Group means at {timepoint} (95% CI)")
dashboard.chart(figure, means, "group-means")
if len(effects) < len(means):
    st.caption(published.HIDDEN_CELLS)
dashboard.table(means)

st.subheader("Disconnections and repair")
url, version = dashboard.database()
repair = dashboard.repairs(url, version, scope.user, program=scope.program, group=scope.group)
if repair.groups.empty:
    st.caption("No disconnection in the chosen program and group.")
else:
    st.caption(
        "Every disconnection is followed until the member's check-in comes back "
        f"(within {repair.window} check-in(s)) or does not. Left unrepaired: still "
        "disconnected, not seen since, or left the group."
    )
    st.dataframe(repairs.groups_table(repair, scope.publishes()), hide_index=True)

st.subheader("Is mutuality mutual?")
mutual = connections.groups_table(url, scope.user, scope.program, scope.group)
if mutual.empty:
    st.caption("No round robin in the chosen program and group: members have not rated each other.")
else:
    st.caption(
        "When members rate how connected they felt with each other, the Social Relations Model "
        "splits the ratings: how a member tends to see others (perceiver), how a member tends "
        "to be seen (target) and each unique relationship. Dyadic reciprocity is how much two "
        "members' feelings of connection with each other go together: how mutual it is."
    )
    dashboard.table(mutual)

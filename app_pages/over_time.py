"""Mutuality over time: the group's mean per session, the five good things, items, attendance."""

import streamlit as st

from charts import attendance_heatmap, good_things_profile, item_heatmap, session_means_chart
from charts.figures import FEW_ANSWERS, session_means_words
from services import analyses, catalog, labels, published, readings
from ui import dashboard
from ui import state as keys

st.title("Mutuality over time")
scope, scale = dashboard.filters(use="per-session")
st.caption(
    "Session by session: each group's mean with its 95% confidence band, which of the five "
    "good things grow, and who came."
)
view = dashboard.over_time(scope, scale)
if view.means.empty:
    name = catalog.instrument_by_id(scope.instrument).name
    st.info(
        f"No answers to the {name} with a session number in this selection. Per-session "
        "questionnaires (the Mutuality check-in) are answered in **Run a session** or "
        "uploaded with a session column: choose one under **Questionnaire** in the sidebar."
    )
    st.stop()
dashboard.reading(view.reading)
scale_name = catalog.instrument_by_id(scope.instrument).scale(scale).name

means = view.means[["group", "session", "n", "mean", "sd", "ci_low", "ci_high"]]
drawn_means, drawn_overall = published.drawn(view.means), published.drawn(view.overall)
figure = session_means_chart(
    drawn_means,
    view.trajectories,
    scale_name=scale_name,
    overall=drawn_overall,
    y_range=view.score_range,
)
dashboard.chart(figure, means, "mean-per-session")
if scope.publishes():
    st.caption(published.HIDDEN_CELLS + " " + published.MEMBER_ROWS_HIDDEN)
low, high = view.score_range
few = (
    ""
    if scope.publishes()  # sessions of so few answers are not drawn for them
    else f" A session with fewer than {FEW_ANSWERS} answers has an open marker and its number "
    "of answers (n=2): its mean and band rest on very few members, and a band may run off "
    "the scale."
)
drawn = session_means_words(
    drawn_means["group"].nunique(),
    members=not view.trajectories.empty,
    overall=drawn_overall is not None and not drawn_overall.empty,
)
st.caption(
    f"{drawn} The axis shows the whole scale ({low:g} to {high:g}).{few} Point at a session "
    "to see how many answered."
)

st.subheader("Trend: mixed model")
many_groups = scope.group is None
fit = True
if many_groups:
    fit = st.toggle(
        "Fit the mixed model across all groups in the selection (takes a while the first "
        "time with many groups; choose one group in the sidebar for a quick fit)",
        key=keys.W_FIT_TREND,
    )
if fit:
    trend = dashboard.trend(scope, scale)
    dashboard.reading(trend.reading)
    result = trend.result
    if not (scope.publishes() and published.hides_total(result.n_members)):
        st.caption(
            f"Model: {result.model}; slope per session {result.slope:.3f} "
            f"(SE {result.slope_se:.3f}, {readings.p_words(result.slope_p)}); members differ "
            f"in their slopes by SD {result.sd_slope_member:.3f}. " + " ".join(result.notes)
        )
    if len(trend.group_slopes):
        dashboard.table(trend.group_slopes)
        dashboard.download_table(trend.group_slopes, "slopes-per-group")

if len(view.profile):
    st.subheader("The five good things")
    if len(view.later):
        st.caption(
            "Up to the last session most members reached; later sessions are left out until "
            "more members have answered them."
        )
    dashboard.chart(good_things_profile(view.profile), view.profile, "five-good-things")

st.subheader("Items")
dashboard.chart(item_heatmap(view.item_means), view.item_means, "items-per-session")

st.subheader("Attendance")
marks = dashboard.attendance(scope.url, scope.program, scope.group, scope.user)
if marks.empty:
    st.caption("No attendance recorded in this selection.")
else:
    dashboard.reading(analyses.attendance_reading(marks, publishes=scope.publishes()))
    if scope.group is None or marks["member"].isna().all():
        if scope.group is None:
            st.caption("Choose one group in the sidebar to see each member's attendance.")
        rate = analyses.attendance_rates(marks, scope.user)
        # As text, so a session a group has not had is a blank cell, not "None".
        table = rate.pivot(index="group", columns="session", values="shown").fillna("")
        table.columns = [f"session {c:g}" for c in table.columns]
        table.index.name = labels.column_word("group")
        st.dataframe(table)
        dashboard.download_table(rate, "attendance-rate")
    else:
        dashboard.chart(attendance_heatmap(marks), marks, "attendance")

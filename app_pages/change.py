"""Change: pre/post change, reliable change, clinical significance, effects across groups."""

import streamlit as st

from charts import category_bars, forest_plot, jacobson_plot
from measures import score_range
from services import analyses, catalog, published
from services.labels import worded
from ui import dashboard
from ui import state as keys

st.title("Change")
st.caption(
    "Did members change from one timepoint to another, and for whom was the change larger "
    "than measurement error (reliable change)?"
)
scope, scale = dashboard.filters(use="pre-post")
labels = dashboard.timepoints(scope)
if len(labels) < 2:
    st.info(f"Change needs answers at two timepoints; this selection has {len(labels)}.")
    st.stop()
# One rule for the default pre and post, shared with the reports (analysis.timepoints).
default = dashboard.pre_post(scope, scale)
left, middle, right, far = st.columns(4)
pre = left.selectbox(
    "Before",
    labels,
    index=labels.index(default.pre) if default.pre in labels else 0,
    key=keys.W_PRE,
)
post = middle.selectbox(
    "After",
    labels,
    index=labels.index(default.post) if default.post in labels else len(labels) - 1,
    key=keys.W_POST,
)
method = right.selectbox(
    "Reliable change method",
    list(analyses.METHOD_NAMES),
    format_func=analyses.METHOD_NAMES.get,
    key=keys.W_METHOD,
)
# The published cutoff comes first (the default) when the instrument's norms have one.
cutoffs = analyses.cutoff_options(scope.instrument, scale)
if st.session_state.get(keys.W_CUTOFF, None) not in cutoffs:
    st.session_state.pop(keys.W_CUTOFF, None)  # a choice of another instrument's page
cutoff = far.selectbox("Clinical cutoff", list(cutoffs), format_func=cutoffs.get, key=keys.W_CUTOFF)
instrument = catalog.instrument_by_id(scope.instrument)
if cutoff == "number":
    low, high = score_range(instrument, scale)
    cutoff = far.number_input(
        "Cutoff score",
        min_value=float(low),
        max_value=float(high),
        value=float(low + high) / 2,
        key=keys.W_CUTOFF_SCORE,
    )
try:
    view = dashboard.change(scope, scale, pre, post, method, cutoff)
except ValueError as error:
    st.warning(str(error))
    st.stop()
dashboard.reading(view.reading)
if view.cutoff_problem:
    # The change is still shown, without recovered and harmed.
    st.warning(f"No recovered or harmed members counted: {view.cutoff_problem}.")
st.caption(f"Default timepoints: {default.rule}")
for note in view.notes:
    st.caption(note)
if method == "hlm":
    # The rule of analysis.reliable_change.reliable_change_hlm (as clinicalsignificance's HLM
    # method): each member's slope is judged against the average member's slope.
    st.caption(
        'With HLM, "improved" means improving reliably faster than the average member: the '
        "member's own slope over the sessions is reliably steeper, in the better direction, "
        'than the average member\'s slope (95% level). "Deteriorated" means reliably behind '
        "the average member's slope, so a member who improves as fast as the average counts "
        "as unchanged, and one who improves much more slowly can count as deteriorated. HLM "
        "uses every numbered session in this selection, not only Before and After."
    )

change = view.change
summary = analyses.change_summary(view, scope.publishes())
st.table(worded(summary).set_index("Statistic"))
for sentence in view.used:  # the same words as the PDF and the Excel report
    st.caption(sentence)
dashboard.download_table(summary, "change-summary")

scale_name = instrument.scale(scale).name
if method == "jt" and view.band is not None and len(view.members):
    cutoff_value = view.result.cutoff.value if view.result.cutoff else None
    figure = jacobson_plot(
        view.members,
        reliable_change=view.band,
        cutoff=cutoff_value,
        scale_name=scale_name,
        axis_range=score_range(instrument, scale),
        counts_in_legend=not scope.publishes(),
    )
    dashboard.chart(figure, view.members, "jacobson-plot")
elif method != "jt":
    st.caption("The Jacobson plot draws the Jacobson-Truax band; choose JT to see it.")
elif scope.publishes():
    st.caption(published.JACOBSON_NOT_DRAWN)

if len(view.counts):
    st.subheader("Reliable change by group")
    drawn = published.drawn(view.counts, "count")
    dashboard.chart(category_bars(drawn), view.counts, "reliable-change-by-group")
    if len(drawn) < len(view.counts):
        st.caption(published.HIDDEN_CELLS)

if len(view.effects):
    st.subheader("Effect size across programs and groups")
    st.caption("Cohen's d_z: mean change divided by the SD of the changes; the bar is its 95% CI.")
    dashboard.chart(forest_plot(published.drawn(view.effects)), view.effects, "effect-sizes")

st.subheader("Members")
if scope.publishes():
    st.caption(published.MEMBER_ROWS_HIDDEN)
else:
    dashboard.download_table(view.members, "change-members", "Download every member's change (CSV)")
    dashboard.table(view.members)

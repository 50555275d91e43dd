"""Context: outcomes by members' own descriptions of themselves, and whether items measure alike.

Groupings come from the about-me form (store.descriptions), the language members answered in
and how the questionnaire was given. For roles that may not see member codes every grouping
of fewer than 5 members is hidden, with complementary suppression (services.context).
Members' own words are never shown here: only the form's categories.
"""

import streamlit as st

from services import catalog, context_tables
from services import context as context_service
from ui import dashboard
from ui import state as keys

st.title("Context")
st.caption(
    "Does the program help everyone it serves? Outcomes by how members describe themselves, "
    "the language they answered in and how the questionnaire was given, and whether each "
    "item is answered alike in every grouping by members with the same total."
)
scope, scale = dashboard.filters()
choices = context_service.grouping_choices(context_service.questions_for(scope.url, scope.program))
by = st.selectbox("Outcomes by", list(choices), format_func=choices.get, key=keys.W_CONTEXT_BY)
view = dashboard.context(scope, by, scale)
if not view.context:
    st.info("No answers to this questionnaire in the chosen program, group and dates.")
    st.stop()
user = dashboard.user()
seen = (getattr(user, "username", None), scope.instrument, scope.program, scope.group, by)
if seen not in st.session_state[keys.CONTEXT_VIEWS_AUDITED]:
    # Who looked at which grouping is in the audit log (once per selection per sign-in).
    context_service.record_context_view(scope.url, seen[0], scope, by)
    st.session_state[keys.CONTEXT_VIEWS_AUDITED].add(seen)

context = view.context
st.subheader(f"{view.label}: {scale} scores")
dashboard.table(context_tables.groupings_table(context))
st.caption(
    f"{context_tables.members_in_all(context)}. Mean: the mean of the groupings' answer "
    f"sets' scores. {context['interval']}"
)
for reading in context_tables.difference_readings(context):
    st.markdown(f"- {reading}")
for note in context["notes"]:
    st.caption(note)

if view.rates is not None:
    st.subheader("Attendance, dropout and disconnections")
    dashboard.table(context_tables.rates_table(view.rates, context["min_cell_size"]))
    st.caption(
        "Counted per member, in the grouping of how they first described themselves (or the "
        "language they answered in most), over every session of the selection. Dropped out: "
        "answered a pre questionnaire and no post. Reconnected: of the alerts decided."
    )

st.subheader("Do the items measure the same in each grouping?")
comparable = [
    g["value"]
    for g in context["groupings"]
    if not g["suppressed"] and g["value"] not in context_service.NO_DIF_GROUPINGS
]
compare = st.multiselect(
    "Compare only these groupings (all shown when none is chosen)",
    comparable,
    key=f"{keys.W_CONTEXT_COMPARE}_{by}",
    help="Several small groupings can leave items untestable: compare two larger ones.",
)
if compare:
    view = dashboard.context(scope, by, scale, compare=tuple(sorted(compare)))
if view.dif is None:
    st.info("The item comparison needs two groupings that can be shown; this selection has fewer.")
    st.stop()
instrument = catalog.instrument_by_id(scope.instrument)
for reading in context_tables.dif_reading(view.dif):
    dashboard.reading(reading)
dashboard.table(context_tables.dif_table(view.dif, instrument))
st.caption(view.dif.result.criterion)
reliability = view.dif.reliability
if reliability:
    st.markdown("**Reliability in each grouping**")
    dashboard.table(context_tables.reliability_table(view.dif))
for note in view.dif.to_dict()["notes"]:
    st.caption(note)

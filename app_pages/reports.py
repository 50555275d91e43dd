"""Reports: the Excel workbook and the PDF report for a chosen program, group and dates."""

import streamlit as st

from services import context as context_service
from services import published, reporting
from ui import dashboard
from ui import state as keys

st.title("Reports")
st.caption(
    "Every analysis of one questionnaire for the chosen scope: reliability, change with "
    "every reliable change method, groups and session trends. The PDF hides groups and "
    "cells with very few members, so no one's private answers can be read from it."
)
scope, _ = dashboard.filters(scale=False)
state = st.session_state
name = reporting.report_name(scope)
choices = {None: "No section by grouping"} | context_service.grouping_choices(
    context_service.questions_for(scope.url, scope.program)
)
by = st.selectbox(
    "Outcomes by (a section of both files)",
    list(choices),
    format_func=choices.get,
    key=keys.W_REPORT_CONTEXT_BY,
)
if state[keys.REPORT_SCOPE] != (scope, by):
    st.write(f"Report on **{scope.instrument}** answers of {scope.describe()}.")
    if st.button("Prepare the report", type="primary", key="prepare_report"):
        state[keys.REPORT_SCOPE] = (scope, by)
        st.rerun()
    st.stop()
try:
    files = dashboard.report_files(scope, by)
except ValueError as error:
    st.warning(str(error))
    st.stop()
count = (
    f"{files.administrations} questionnaire(s)"
    if not (scope.publishes() and published.hides_total(files.administrations))
    else "fewer than 5 questionnaires"
)
dashboard.reading(f"Report of {count} of {scope.describe()} is ready.")
for line in files.key_results:
    st.markdown(f"- {line}")
if files.notice:
    st.warning(
        "These answers include a substance-use program's: both files carry the 42 CFR Part 2 "
        "redisclosure notice. Share them only as that notice allows.",
        icon=":material/gavel:",
    )
left, right = st.columns(2)
left.download_button(
    "Download the Excel workbook",
    files.excel,
    file_name=f"{name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_excel",
    icon=":material/table:",
    on_click=dashboard.record_download,
    args=(f"{name}.xlsx",),
)
right.download_button(
    "Download the PDF report",
    files.pdf,
    file_name=f"{name}.pdf",
    mime="application/pdf",
    key="download_pdf",
    icon=":material/picture_as_pdf:",
    on_click=dashboard.record_download,
    args=(f"{name}.pdf",),
)

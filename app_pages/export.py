"""Export: stored answers as one csv or xlsx file, de-identified (identified: administrators)."""

import datetime as dt

import streamlit as st

from access.roles import EXPORT_DEIDENTIFIED, EXPORT_IDENTIFIED, PermissionDeniedError, can
from services import exports
from ui import dashboard
from ui import state as keys

state = st.session_state
session = state[keys.STAFF_SESSION]
user = getattr(session, "user", None)
st.title("Export")
if user is None or not can(user.role, EXPORT_DEIDENTIFIED):
    # The router never offers this page to other roles; refuse anyway if reached.
    st.error("Only evaluators and administrators can export answers.")
    st.stop()
st.caption(
    "Every stored answer of the chosen selection in the long format (one row per answer), "
    "as `python cli.py export` writes it. Member codes become pseudonyms that hold only "
    "within this one file, and each member's dates move by their own number of days (or "
    "show only the month). Every download is recorded in the audit log."
)

url, version = dashboard.database()
choices = dashboard.filter_choices(url, version, user)
left, middle, right = st.columns(3)
program = left.selectbox(
    "Program",
    [None, *choices.programs],
    format_func=lambda v: "All programs" if v is None else v,
    key=keys.W_EXPORT_PROGRAM,
)
group = middle.selectbox(
    "Group",
    [None, *choices.groups_of(program)],
    format_func=lambda v: "All groups" if v is None else v,
    key=keys.W_EXPORT_GROUP,
)
names = {i.id: i.name for i in choices.instruments}
instrument = right.selectbox(
    "Questionnaire",
    [None, *names],
    format_func=lambda v: "All questionnaires" if v is None else names[v],
    key=keys.W_EXPORT_INSTRUMENT,
)
date_from = date_to = None
if choices.first_date is not None:
    first = choices.first_date - dt.timedelta(days=31)
    last = choices.last_date + dt.timedelta(days=31)
    picked = st.date_input(
        "Answers given between",
        value=(first, last),
        min_value=first - dt.timedelta(days=3650),
        max_value=last + dt.timedelta(days=3650),
        key=keys.W_EXPORT_DATES,
        help="Real dates: the file's dates are then shifted or coarsened as chosen below.",
    )
    if isinstance(picked, tuple) and len(picked) == 2 and picked != (first, last):
        date_from, date_to = picked

identified = False
if can(user.role, EXPORT_IDENTIFIED):
    identified = (
        st.radio(
            "The file holds",
            ["deidentified", "identified"],
            format_func={
                "deidentified": "Pseudonyms (de-identified)",
                "identified": "Member codes and real dates (identified: administrators only)",
            }.get,
            horizontal=True,
            key=keys.W_EXPORT_CONTENT,
        )
        == "identified"
    )
coarsen = False
if not identified:
    coarsen = (
        st.radio(
            "Dates",
            [exports.SHIFTED, exports.MONTH],
            format_func={
                exports.SHIFTED: "Shifted per member (intervals stay true)",
                exports.MONTH: "Coarsened to the month (YYYY-MM)",
            }.get,
            horizontal=True,
            key=keys.W_EXPORT_DATE_HANDLING,
        )
        == exports.MONTH
    )
file_type = st.radio(
    "File type",
    list(exports.FILE_TYPES),
    format_func={"xlsx": "Excel (.xlsx)", "csv": "CSV (.csv)"}.get,
    horizontal=True,
    key=keys.W_EXPORT_FILE_TYPE,
)
request = exports.ExportRequest(
    url=url,
    user=user,
    file_type=file_type,
    identified=identified,
    coarsen_dates=coarsen,
    program=program,
    group=group,
    instrument=instrument,
    date_from=date_from,
    date_to=date_to,
)

if state[keys.EXPORT_DOWNLOADED]:
    st.success(
        f"Downloaded {state[keys.EXPORT_DOWNLOADED]}. Prepare the export again for another "
        "copy: it will have pseudonyms of its own.",
        icon=":material/task_alt:",
    )
    state[keys.EXPORT_DOWNLOADED] = None
prepared = state[keys.EXPORT_PREPARED]
if prepared is not None and prepared.request != request:
    state[keys.EXPORT_PREPARED] = prepared = None  # the choices changed: prepare anew
if prepared is None:
    if st.button("Prepare the export", type="primary", key="prepare_export"):
        try:
            state[keys.EXPORT_PREPARED] = exports.prepare_export(request)
        except (exports.ExportRefusedError, PermissionDeniedError) as error:
            st.warning(str(error))
            st.stop()
        st.rerun()
    st.stop()

dashboard.reading(exports.summary(prepared))
if prepared.notice:
    where = (
        "its second sheet"
        if prepared.file_name.endswith(".xlsx")
        else "a text file beside the csv, in the same zip file"
    )
    st.warning(
        "These answers include a substance-use program's: the file carries the 42 CFR Part 2 "
        f"redisclosure notice ({where}). Share it only as that notice allows.",
        icon=":material/gavel:",
    )
if identified:
    st.warning(
        "This file names members by their codes, with real dates. Keep it inside the institution.",
        icon=":material/badge:",
    )


def _downloaded(export: exports.ExportFile) -> None:
    exports.record_export(url, user.username, export)
    state[keys.EXPORT_PREPARED] = None
    state[keys.EXPORT_DOWNLOADED] = export.file_name


st.download_button(
    f"Download {prepared.file_name}",
    prepared.data,
    file_name=prepared.file_name,
    mime=prepared.mime,
    key="download_export",
    type="primary",
    icon=":material/download:",
    on_click=_downloaded,
    args=(prepared,),
)
st.caption(f"The first {len(prepared.preview)} rows, as the file holds them:")
# Tables' own csv download is off for the whole app (client.disableDataExport), so the
# preview's toolbar cannot bypass the audit log.
st.dataframe(prepared.preview.astype(object).fillna(""), hide_index=True)  # no "None"

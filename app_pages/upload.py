"""Upload: drop in a spreadsheet, preview it, map its columns, read the report, confirm.

Column choices are remembered per user, questionnaire and set of column names, and offered
again for a file with the same columns; they download as the CLI's mapping file. An
evaluator (who never sees member codes) gets counts instead of the file's rows, "(code
hidden)" in the report, and answers differing from stored ones as a count.
"""

import streamlit as st

from services import catalog, column_mappings, upload_report, uploads
from ui import dashboard
from ui import state as keys

NOT_MAPPED = ""
#: Rows of the report shown on the page; the CSV download has every one.
SHOWN_PROBLEMS = 500
template_workbook = st.cache_data(show_spinner=False)(uploads.template_workbook)

st.title("Upload answers")
st.caption(
    "A csv, xlsx or ods file in the long layout (one row per answer: member, timepoint, item, "
    "value) or the wide layout (one row per questionnaire: member, timepoint, then one column "
    "per item). Nothing is stored until you confirm, and a file with errors stores nothing."
)
state = st.session_state
if state[keys.UPLOAD_RESULT]:
    st.success(state[keys.UPLOAD_RESULT])
    state[keys.UPLOAD_RESULT] = None

with st.expander("Empty templates to fill in", icon=":material/download:"):
    instruments = catalog.available_instruments()
    names = {i.id: i.name for i in instruments}
    chosen = st.selectbox(
        "Questionnaire", list(names), format_func=names.get, key=keys.W_TEMPLATE_INSTRUMENT
    )
    st.download_button(
        "Download the template (xlsx)",
        template_workbook(chosen),
        file_name=f"{chosen}-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_template",
    )

upload = st.file_uploader("Spreadsheet", type=["csv", "xlsx", "xls", "ods"], key=keys.W_UPLOAD_FILE)
if upload is None:
    st.stop()
data, filename = upload.getvalue(), upload.name
url, _version = dashboard.database()
user = dashboard.user()  # a facilitator stores in their own groups, an evaluator their programs
hide_codes = uploads.hides_codes(user)
try:
    cells = uploads.upload_columns(data, filename)
except ValueError as error:
    st.error(str(error))
    st.stop()
columns = list(cells.columns)

st.subheader("1. Preview")
if hide_codes:
    st.caption(
        f"The file has {len(cells)} rows and {len(columns)} columns. Its rows are not shown "
        "to you (they hold member codes and answers); what it holds is counted below once "
        "its columns are known."
    )
    counts_box = st.container()
else:
    st.caption(f"{filename}: {len(cells)} rows, {len(columns)} columns (the first 20 rows).")
    st.dataframe(uploads.as_text(cells.head(20)))  # mixed columns shown as typed

st.subheader("2. Columns")
digest = uploads.file_digest(data)
remembered_any = column_mappings.recall(url, user, columns)
if (
    remembered_any is not None
    and remembered_any.instrument in names
    and (state[keys.UPLOAD_FILLED] or ("", None))[0] != digest
):
    state[keys.W_UPLOAD_INSTRUMENT] = remembered_any.instrument  # a new file: its questionnaire
instrument_ids = [None, *names]
instrument_id = st.selectbox(
    "Questionnaire",
    instrument_ids,
    format_func=lambda v: "Find it from the item columns" if v is None else names[v],
    key=keys.W_UPLOAD_INSTRUMENT,
)
detected = catalog.instrument_by_id(instrument_id) if instrument_id else None
if detected is None:
    from measures import detect_instrument

    detected = detect_instrument(cells.columns)
targets = [NOT_MAPPED, *uploads.UPLOAD_TARGETS, *(detected.item_ids if detected else [])]
remembered = (
    column_mappings.recall(url, user, columns, instrument_id) if instrument_id else remembered_any
)
if state[keys.UPLOAD_FILLED] != (digest, instrument_id):
    # A new file: fill the selectors in afresh (their keys are positions). Another
    # questionnaire for the same file keeps the choices made, unless it has one remembered.
    suggested = uploads.suggest_mapping(columns, detected)
    if (state[keys.UPLOAD_FILLED] or ("", None))[0] == digest:
        for position, column in enumerate(columns):
            made = state.get(f"{keys.W_UPLOAD_MAP}_{position}")
            suggested[column] = made if made in targets else suggested[column]
    first = column_mappings.prefilled(columns, suggested, remembered, targets)
    for position, column in enumerate(columns):
        state[f"{keys.W_UPLOAD_MAP}_{position}"] = first[column]
    state[keys.UPLOAD_FILLED] = (digest, instrument_id)
if remembered is not None:
    st.info(
        "These columns are filled in as you mapped the same columns for "
        f"{names.get(remembered.instrument, remembered.instrument)} on "
        f"{remembered.saved_at:%d %B %Y}. Change any that this file holds differently.",
        icon=":material/history:",
    )
st.caption(
    "Say what each column holds. Columns already named as Mutuality expects are filled in; "
    "leave a column empty to keep its own name (unknown columns are not imported)."
)
mapping = {}
grid = st.columns(4)
for position, column in enumerate(columns):
    with grid[position % 4]:
        mapping[column] = st.selectbox(
            column,
            targets,
            format_func=lambda v: "(keep its name)" if v == NOT_MAPPED else v,
            key=f"{keys.W_UPLOAD_MAP}_{position}",
        )

check = uploads.check_upload(data, filename, url, mapping, instrument_id, user=user)
questionnaire = check.table.instrument.id if check.table is not None else instrument_id
left, right = st.columns(2)
with left:
    st.download_button(
        "Download the mapping file (YAML)",
        column_mappings.mapping_file(mapping),
        file_name=f"{questionnaire or 'columns'}-mapping.yaml",
        mime="application/x-yaml",
        icon=":material/download:",
        key="download_mapping",
        on_click=dashboard.record_download,
        args=(f"{questionnaire or 'columns'}-mapping.yaml",),
        help="The same choices as a file for the command line: "
        "python cli.py import FILE --mapping THIS_FILE.yaml",
    )
with right:
    if st.button(
        "Remember this mapping",
        icon=":material/bookmark:",
        disabled=questionnaire is None or user is None,
        key="remember_mapping",
        help="Offered again when a file with the same columns is uploaded for this "
        "questionnaire (storing a file remembers it too).",
    ):
        column_mappings.remember(url, user, questionnaire, mapping)
        st.success("Remembered: a file with these columns will be filled in this way.")

st.subheader("3. Validation report")
if check.message:
    st.error(check.message)
    st.stop()
report = check.report
if hide_codes:
    counts = upload_report.file_counts(check.table, len(cells))
    with counts_box:
        shown = st.columns(5)
        for box, (label, number) in zip(
            shown,
            [
                ("Rows", counts.rows),
                ("Members", counts.members),
                ("Timepoints", counts.timepoints),
                ("Items", counts.items),
                ("Answers", counts.answers),
            ],
            strict=True,
        ):
            box.metric(label, number)
if report.ok:
    st.success(
        f"{report.administrations} questionnaire(s) of {check.table.instrument.name} with "
        f"{report.answers} answers, ready to store."
        + (f" {len(report.warnings)} warning(s) below lose nothing." if report.warnings else "")
    )
else:
    st.error(
        f"{len(report.errors)} error(s): nothing can be stored until they are corrected in "
        "the file. Each row says where (spreadsheet row and column) and what to do."
    )
if any(p.kind == uploads.DIFFERS_FROM_STORED for p in report.errors):
    st.info(
        "Answers that differ from stored ones are not replaced from this page: correct the "
        "file, or ask an administrator to import it replacing the stored questionnaires."
    )
if report.problems:
    worded = upload_report.report_table(report.problems, hide_codes=hide_codes).table
    if len(worded) > SHOWN_PROBLEMS:
        st.caption(
            f"The first {SHOWN_PROBLEMS} of {len(worded)} problems; the report (CSV) has all."
        )
    st.table(worded.head(SHOWN_PROBLEMS), hide_index=True)
    dashboard.download_table(worded, "validation-report", "Download the report (CSV)")

st.subheader("4. Store")
if st.button(
    f"Store {report.administrations} questionnaire(s)",
    type="primary",
    disabled=not report.ok,
    key="store_upload",
):
    try:
        who = getattr(user, "username", None)
        result = uploads.store_upload(
            check, url, f"upload by {who}" if who else "upload", user=user
        )
    except ValueError as error:
        st.error(str(error))
        st.stop()
    if not result.committed:
        listed = "" if hide_codes else ": " + "; ".join(str(c) for c in result.conflicts[:10])
        st.error(
            f"{len(result.conflicts)} questionnaire(s) differ from ones already stored; "
            f"nothing was stored{listed}"
        )
    else:
        column_mappings.remember(url, user, check.table.instrument.id, mapping)
        stored = (
            f"{len(result.stored)} questionnaire(s) stored, "
            f"{len(result.unchanged)} were already there."
        )
        state[keys.UPLOAD_RESULT] = (
            stored if hide_codes else f"{filename}: {stored}"
        ) + " The column mapping is remembered for the next file with these columns."
        st.rerun()

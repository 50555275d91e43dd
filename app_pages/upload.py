"""Upload: drop in a spreadsheet, preview it, map its columns, read the report, confirm."""

import streamlit as st

from services import catalog, uploads
from ui import dashboard
from ui import state as keys

NOT_MAPPED = ""
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
user = dashboard.user()  # a facilitator checks and stores answers of their own groups only
try:
    cells = uploads.upload_columns(data, filename)
except ValueError as error:
    st.error(str(error))
    st.stop()

st.subheader("1. Preview")
st.caption(f"{filename}: {len(cells)} rows, {len(cells.columns)} columns (the first 20 rows).")
st.dataframe(uploads.as_text(cells.head(20)))  # mixed columns shown as typed

st.subheader("2. Columns")
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
suggested = uploads.suggest_mapping(list(cells.columns), detected)
st.caption(
    "Say what each column holds. Columns already named as Mutuality expects are filled in; "
    "leave a column empty to keep its own name (unknown columns are not imported)."
)
mapping = {}
grid = st.columns(4)
for position, column in enumerate(cells.columns):
    with grid[position % 4]:
        guess = suggested.get(column, NOT_MAPPED)
        mapping[column] = st.selectbox(
            column,
            targets,
            index=targets.index(guess) if guess in targets else 0,
            format_func=lambda v: "(keep its name)" if v == NOT_MAPPED else v,
            key=f"{keys.W_UPLOAD_MAP}_{position}",
        )

st.subheader("3. Validation report")
check = uploads.check_upload(data, filename, url, mapping, instrument_id, user=user)
if check.message:
    st.error(check.message)
    st.stop()
report = check.report
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
    problems = report.to_frame()
    # The value column mixes numbers and text (7, "abc"): shown as text.
    shown = problems.assign(value=uploads.as_text(problems[["value"]])["value"])
    st.dataframe(shown, hide_index=True)
    dashboard.download_table(problems, "validation-report", "Download the report (CSV)")

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
        st.error(
            f"{len(result.conflicts)} questionnaire(s) differ from ones already stored; "
            "nothing was stored: " + "; ".join(str(c) for c in result.conflicts[:10])
        )
    else:
        state[keys.UPLOAD_RESULT] = (
            f"{filename}: {len(result.stored)} questionnaire(s) stored, "
            f"{len(result.unchanged)} were already there."
        )
        st.rerun()

"""Audit log (administrators only): who did what and when; download as csv."""

import streamlit as st

from access.roles import VIEW_AUDIT, can
from services import admin
from ui import state as keys

session = st.session_state[keys.STAFF_SESSION]
st.title("Audit log")
if session is None or not can(session.user.role, VIEW_AUDIT):
    # The router never offers this page to other roles; refuse anyway if reached.
    st.error("Only administrators can see the audit log.")
    st.stop()

st.caption(
    "Every page opened, sign-in, import, export, backup, transfer, withdrawal and settings "
    "change, newest first, in local time. "
    "Entries cannot be changed or deleted."
)
chosen = st.multiselect(
    "Action",
    admin.AUDIT_ACTIONS,
    key=keys.W_AUDIT_ACTIONS,
    placeholder="every action",
    help="Show only these actions; leave empty for every action.",
)
# Times in the browser's own time zone (this computer's when the browser does not say).
log = admin.audit_log(None, actions=chosen, timezone=st.context.timezone)
if not log.entries:
    st.info("No entries for the chosen actions." if chosen else "No entries yet.")
    st.stop()
st.dataframe(log.table, hide_index=True)
st.download_button(
    "Download as csv",
    data=log.csv,
    file_name="mutuality-audit-log.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click=admin.audit_log_downloaded,
    args=(None,),
    kwargs={"by": session.user.username, "entries": log.entries},
)

"""Audit log (administrators only): who did what and when; download as csv."""

import streamlit as st

from access.roles import VIEW_AUDIT, can
from privacy.exports import audit_csv, audit_table
from store import audit
from store.db import connect
from ui import state as keys

engine = connect()
session = st.session_state[keys.STAFF_SESSION]
st.title("Audit log")
if session is None or not can(session.user.role, VIEW_AUDIT):
    # The router never offers this page to other roles; refuse anyway if reached.
    st.error("Only administrators can see the audit log.")
    st.stop()

st.caption(
    "Every page opened, sign-in, import, export, backup, transfer, withdrawal and settings "
    "change, newest first. "
    "Entries cannot be changed or deleted."
)
chosen = st.multiselect(
    "Action",
    audit.ACTIONS,
    key=keys.W_AUDIT_ACTIONS,
    placeholder="every action",
    help="Show only these actions; leave empty for every action.",
)
events = audit.load_audit(engine, actions=chosen or None, limit=5000)
if events.empty:
    st.info("No entries for the chosen actions." if chosen else "No entries yet.")
    st.stop()
st.dataframe(audit_table(events), hide_index=True)
st.download_button(
    "Download as csv",
    data=audit_csv(events),
    file_name="mutuality-audit-log.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click=audit.record,
    args=(engine, session.user.username, audit.AUDIT_EXPORT, {"entries": len(events)}),
)

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
actions = [
    audit.VIEW,
    audit.SIGN_IN,
    audit.SIGN_IN_FAILED,
    audit.SIGN_OUT,
    audit.USER_ADDED,
    audit.PASSWORD_RESET,
    audit.USER_CHANGED,
    audit.IMPORT,
    audit.EXPORT,
    audit.BUNDLE_EXPORT,
    audit.BUNDLE_IMPORT,
    audit.BUNDLE_REFUSED,
    audit.WITHDRAWAL,
    audit.SETTINGS_CHANGED,
    audit.BACKUP,
    audit.RESTORE,
    audit.AUDIT_EXPORT,
    audit.FIRST_ADMINISTRATOR,
]
chosen = st.selectbox(
    "Show", ["every action", *actions], key=keys.W_AUDIT_ACTION, accept_new_options=False
)
events = audit.load_audit(engine, action=None if chosen == "every action" else chosen, limit=5000)
if events.empty:
    st.info("No entries yet.")
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

"""Kiosk mode: the laptop passes from member to member; only the member form is reachable.

Leaving needs the PIN the facilitator chose when starting kiosk mode (ui.kiosk_lock).
"""

import time

import streamlit as st

from services import selection, sessions
from ui import access
from ui import state as keys
from ui.member_form import render_member_form
from ui.strings import text

url = selection.database_url()
state = st.session_state
render_member_form(url, sessions.session_by_id(url, state[keys.KIOSK_SESSION_ID]), kiosk=True)

lang = keys.form_language(state)
st.divider()
with st.expander(text("facilitator_only", lang), icon=":material/lock:"):
    with st.form("leave_kiosk", clear_on_submit=True, border=False):
        pin = st.text_input(text("pin", lang), type="password", key=keys.W_KIOSK_LEAVE_PIN)
        leave = st.form_submit_button(text("leave_kiosk", lang), icon=":material/logout:")
    if leave:
        now = time.time()
        left, problem = access.try_leave_kiosk(state, pin, now)
        if left:
            st.query_params.clear()
            st.rerun()
        elif problem == "pin_locked":
            st.error(text(problem, lang, seconds=access.lockout_remaining(state, now)))
        else:
            st.error(text(problem, lang))

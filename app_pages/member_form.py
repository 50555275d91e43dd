"""The member form on a member's own phone, reached through the session link (?join=CODE).

The router shows only this page to a browser whose URL carries a session code. The code must
belong to an open session whose code has not expired (access.join_codes, which also limits
guessing): once the facilitator ends the session, the link stops working.
"""

import secrets

import streamlit as st

from access.join_codes import BUSY, EXPIRED, TOO_MANY_TRIES, browser_key, normalise_code
from services import selection, sessions
from ui import state as keys
from ui.member_form import render_member_form
from ui.room import JOIN_PARAMETER

REFUSALS = {EXPIRED: "code_expired", TOO_MANY_TRIES: "too_many_tries", BUSY: "busy"}

url = selection.database_url()
state = st.session_state
code = normalise_code(st.query_params.get(JOIN_PARAMETER, ""))
if state.get(keys.FORM_BROWSER_ID) is None:
    state[keys.FORM_BROWSER_ID] = secrets.token_hex(16)
browser = browser_key(st.context.ip_address or state[keys.FORM_BROWSER_ID])
check = sessions.join(url, code, browser, joined=state[keys.FORM_JOINED_CODE] == code)
state[keys.FORM_JOINED_CODE] = code if check.session is not None else None
render_member_form(
    url,
    check.session,
    kiosk=False,
    refusal=(REFUSALS.get(check.refusal, "session_closed"), {"minutes": check.wait_minutes}),
)

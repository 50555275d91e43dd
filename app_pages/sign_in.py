"""Sign in (staff), or on a fresh installation create the first administrator.

There are no default credentials: until an administrator exists, this page asks for one.
"""

import streamlit as st

from services import admin
from services.selection import database_url
from ui import state as keys

url = database_url()
state = st.session_state
st.title("Mutuality")
if state[keys.STAFF_NOTICE]:
    st.info(state[keys.STAFF_NOTICE])
    state[keys.STAFF_NOTICE] = None

if admin.needs_first_administrator(url):
    st.subheader("Create the administrator")
    st.write(
        "This is a new installation. Choose the administrator's name and password; the "
        "administrator then adds facilitators and evaluators. Use at least 12 characters: "
        "a few unrelated words are easy to remember and hard to guess."
    )
    with st.form("first_administrator"):
        username = st.text_input("Username", key=keys.W_SETUP_USER)
        password = st.text_input("Password", type="password", key=keys.W_SETUP_PASSWORD)
        repeat = st.text_input("Password again", type="password", key=keys.W_SETUP_REPEAT)
        create = st.form_submit_button("Create administrator", type="primary")
    if create:
        if password != repeat:
            st.error("The two passwords differ; type them again.")
        else:
            try:
                user = admin.create_first_administrator(url, username, password)
            except (admin.PasswordError, admin.StoreError) as error:
                st.error(str(error))
            else:
                state[keys.KEEP_HANDOFF] = admin.keep_signed_in(
                    state, keys.STAFF_SESSION, user, url
                )
                st.rerun()
    st.stop()

st.subheader("Staff sign-in")
st.caption("Members do not sign in: they use the session link or the kiosk.")
with st.form("sign_in"):
    username = st.text_input("Username", key=keys.W_SIGN_IN_USER)
    password = st.text_input("Password", type="password", key=keys.W_SIGN_IN_PASSWORD)
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        user = admin.sign_in(url, username, password)
    except admin.SignInError as error:
        st.error(str(error))
    else:
        state[keys.KEEP_HANDOFF] = admin.keep_signed_in(state, keys.STAFF_SESSION, user, url)
        st.rerun()

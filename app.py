"""Mutuality's Streamlit app: only a router. Each page lives in app_pages/ and stays thin.

Which pages exist depends on who is at this browser (ui.access): a member's phone sees only
the member form, a locked kiosk only the kiosk page, staff every page.

The page files live in app_pages/, not pages/: when a folder named ``pages`` sits next to
app.py, Streamlit (up to at least 1.67) runs a page requested by URL directly as an old-style
multipage app, without this router, whenever st.navigation has not yet run in the process
(the first request after a start, and every AppTest run). A phone could then open a staff
page. tests/app/test_member_form_access.py keeps a ``pages`` folder from coming back.
"""

import streamlit as st

from access import roles
from ui import access, staff_gate
from ui import state as keys
from ui.staff_gate import PAGE_TITLES as TITLES

st.set_page_config(page_title="Mutuality", page_icon=":material/diversity_3:", layout="wide")
keys.init_state(st.session_state)
mode = access.resolve_mode(st.query_params, st.session_state)

if mode == access.MEMBER:
    pages = [st.Page("app_pages/member_form.py", title="Check-in", icon=":material/edit_note:")]
    navigation = st.navigation(pages, position="hidden")
elif mode == access.KIOSK:
    pages = [st.Page("app_pages/kiosk.py", title="Check-in", icon=":material/edit_note:")]
    navigation = st.navigation(pages, position="hidden")
elif (user := staff_gate.current_user()) is None:
    # Staff pages need a sign-in (the first run creates the administrator there).
    pages = [st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:")]
    navigation = st.navigation(pages, position="hidden")
else:
    run_session = st.Page(
        "app_pages/run_session.py", title=TITLES["run_session"], icon=":material/groups:"
    )
    staff_gate.sign_out_button(user)
    staff_gate.keep_sign_in_cookie()
    navigation = st.navigation(
        staff_gate.allowed(
            {
                "Mutuality": [
                    st.Page(
                        "app_pages/home.py",
                        title=TITLES["home"],
                        icon=":material/home:",
                        default=True,
                    ),
                    run_session,
                    st.Page(
                        "app_pages/repairs.py",
                        title=TITLES["repairs"],
                        icon=":material/healing:",
                    ),
                    st.Page(
                        "app_pages/instruments.py",
                        title=TITLES["instruments"],
                        icon=":material/checklist:",
                    ),
                ],
                "Evaluate": [
                    st.Page(
                        "app_pages/upload.py", title=TITLES["upload"], icon=":material/upload_file:"
                    ),
                    st.Page(
                        "app_pages/reliability.py",
                        title=TITLES["reliability"],
                        icon=":material/rule:",
                    ),
                    st.Page(
                        "app_pages/change.py", title=TITLES["change"], icon=":material/trending_up:"
                    ),
                    st.Page(
                        "app_pages/over_time.py",
                        title=TITLES["over_time"],
                        icon=":material/timeline:",
                    ),
                    st.Page(
                        "app_pages/groups.py", title=TITLES["groups"], icon=":material/workspaces:"
                    ),
                    st.Page(
                        "app_pages/context.py",
                        title=TITLES["context"],
                        icon=":material/diversity_3:",
                    ),
                    st.Page(
                        "app_pages/reports.py",
                        title=TITLES["reports"],
                        icon=":material/description:",
                    ),
                    st.Page(
                        "app_pages/export.py", title=TITLES["export"], icon=":material/download:"
                    ),
                ],
                "Settings": [
                    st.Page(
                        "app_pages/settings.py",
                        title=TITLES["settings"],
                        icon=":material/settings:",
                    ),
                    st.Page(
                        "app_pages/audit_log.py",
                        title=TITLES["audit_log"],
                        icon=":material/policy:",
                    ),
                ],
            },
            user.role,
        ),
        # Every page listed: Streamlit folds more than 10 behind "View more" otherwise.
        expanded=True,
    )
    staff_gate.record_view(navigation)
    # Back from kiosk mode: land on the session the facilitator was running.
    if st.session_state[keys.RETURN_TO_RUN_SESSION] and roles.can(user.role, roles.RUN_SESSIONS):
        st.session_state[keys.RETURN_TO_RUN_SESSION] = False
        st.switch_page(run_session)
navigation.run()

"""The staff side of the router: who is signed in, and which pages their role may open.

app.py asks `current_user` on every run (it also ends idle sessions), shows only the sign-in
page to nobody, and passes its staff navigation through `allowed`, so a page a role may not
open is not in the navigation at all: it cannot be reached, not even by typing its URL.
The rules live in access.roles; this module only applies them to Streamlit objects.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from access import kept_sign_in, roles
from access.accounts import StaffUser
from services import admin
from ui import kiosk_lock
from ui import state as keys


def current_user() -> StaffUser | None:
    """The signed-in staff member at this browser (None: show the sign-in page).

    A reload or a second tab resumes the sign-in its HttpOnly cookie keeps.
    """
    # While a kiosk is locked, its cookie signs nobody in: a member who edits the kiosk's
    # address gets the sign-in page. The PIN unlocks it, and the sign-in resumes.
    token = None if kiosk_lock.any_locked() else st.context.cookies.get(kept_sign_in.COOKIE)
    return admin.signed_in_user(
        st.session_state, keys.STAFF_SESSION, keys.STAFF_NOTICE, cookie_token=token
    )


# Posts the one-time handoff to serve.py's route, whose answer sets the HttpOnly cookie (a
# page script can neither set nor read an HttpOnly cookie itself).
_KEEP_JS = """
export default function (component) {
  const { data } = component;
  fetch(data.path, {
    method: "POST", body: data.handoff, credentials: "same-origin",
    headers: { "Content-Type": "text/plain" },
  }).catch(() => {});
}
"""
_keep_sign_in = st.components.v2.component(
    "mutuality_keep_sign_in", html="<span hidden></span>", js=_KEEP_JS
)


def handoff_key(handoff: str) -> str:
    """The widget key of the component that posts `handoff`: names it without showing it.

    Letters and digits only: Streamlit refuses a component key holding "__", which a
    url-safe token can (about one sign-in in sixty failed with BidiComponentInvalidIdError
    while the token's first characters were the key).
    """
    return f"keep{hashlib.sha256(handoff.encode()).hexdigest()[:16]}"


def keep_sign_in_cookie() -> None:
    """After a sign-in, have the browser fetch its sign-in cookie (once)."""
    handoff = st.session_state.get(keys.KEEP_HANDOFF)
    if not handoff:
        return
    st.session_state[keys.KEEP_HANDOFF] = None
    with st.sidebar:
        _keep_sign_in(
            key=handoff_key(handoff),
            data={"path": kept_sign_in.KEEP_PATH, "handoff": handoff},
            height=0,
        )


#: The title of each staff page (access.roles.PAGE_PERMISSIONS's names), as the navigation
#: shows it: app.py titles its pages from here, and hints that name a page use it.
PAGE_TITLES: dict[str, str] = {
    "home": "Home",
    "run_session": "Run a session",
    "repairs": "Disconnections",
    "instruments": "Instruments",
    "upload": "Upload",
    "reliability": "Reliability",
    "change": "Change",
    "over_time": "Mutuality over time",
    "groups": "Groups",
    "context": "Context",
    "reports": "Reports",
    "export": "Export",
    "settings": "Settings",
    "audit_log": "Audit log",
}


def page_words(role: str | None, pages: list[str], joined: str = "or") -> str:
    """The pages of `pages` that `role` may open, in bold, as a list in words ("" for none).

    >>> page_words("evaluator", ["run_session", "reliability", "change"], "and")
    '**Reliability** and **Change**'
    """
    titles = [f"**{PAGE_TITLES[p]}**" for p in pages if p in roles.pages_for(role)]
    if len(titles) < 2:
        return "".join(titles)
    return ", ".join(titles[:-1]) + f" {joined} " + titles[-1]


#: The pages where an evaluator, who neither runs sessions nor uploads, finds results.
_RESULT_PAGES = ["reliability", "change", "over_time", "groups", "context", "reports"]


def no_programs_hint(role: str | None) -> str:
    """What Home says when there is no program yet, naming only pages `role` may open."""
    start = page_words(role, ["run_session"])
    # An evaluator uploads only into programs that exist (services.upload_scope): with none
    # yet, Upload is no way in for them.
    upload = page_words(role, ["upload"]) if roles.can(role, roles.RUN_SESSIONS) else ""
    if start and upload:
        return f"No programs yet. Start one on {start}, or bring answers in on {upload}."
    if start:
        return f"No programs yet. Start one on {start}."
    if upload:
        return f"No programs yet. Bring answers in on {upload}."
    results = page_words(role, _RESULT_PAGES, "and")
    return (
        "No programs you can see yet: a facilitator or an administrator starts them. "
        + (f"Their results will then be on {results}." if results else "")
    ).strip()


def no_upcoming_hint(role: str | None) -> str:
    """What Home says when no session is planned, naming only pages `role` may open."""
    plan = page_words(role, ["run_session"])
    return f"None planned. Plan the next one on {plan}." if plan else "None planned."


def _page_name(page) -> str:
    # A page's URL path is its file name without .py; the default page's is "" (Home).
    return page.url_path or "home"


def allowed(sections: dict[str, list], role: str) -> dict[str, list]:
    """The navigation sections with only the pages `role` may open (empty sections dropped)."""
    kept = {
        name: [page for page in pages if roles.may_see_page(role, _page_name(page))]
        for name, pages in sections.items()
    }
    return {name: pages for name, pages in kept.items() if pages}


def sign_out_button(user: StaffUser) -> None:
    """The signed-in user's name, role and a sign-out button, in the sidebar."""
    with st.sidebar:
        st.caption(f"Signed in as **{user.username}** ({user.role})")
        if st.button("Sign out", icon=":material/logout:"):
            admin.sign_out(st.session_state, keys.STAFF_SESSION)
            st.rerun()


def record_view(page) -> None:
    """Audit that the signed-in staff member opened `page`: once per page per sign-in.

    Every staff page shows stored data (rosters, answers, results, the audit log itself),
    so every page counts as access. Reruns of the same page (each click) add nothing; a
    new sign-in starts again.
    """
    signed_in = st.session_state.get(keys.STAFF_SESSION)
    if signed_in is None:
        return
    name = _page_name(page)
    seen = (signed_in.user.username, signed_in.signed_in_at, name)
    viewed = st.session_state[keys.VIEWED_PAGES]
    if seen in viewed:
        return
    admin.record_page_view(None, signed_in.user.username, name)
    viewed.add(seen)

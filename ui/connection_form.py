"""The round-robin screens of the member form, after the check-in (issue 15).

When the facilitator asked for it, a member is asked once for the name the others will see
(never their member code), and whether others may rate them; then, on one screen, how
connected they felt today with each other member present who may be rated, by that
member's chosen name, on the check-in's 1-5 scale, each skippable. Nothing here shows
anyone's ratings.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from measures import load_instrument
from services import connections
from services.sessions import CHECKIN, SessionInfo
from ui import state as keys
from ui.strings import text


def start(url: str, session: SessionInfo, state: MutableMapping[str, Any]) -> bool:
    """After a stored check-in: go to the round-robin screens when due (True), else not."""
    due = connections.ratings_due(url, session, state[keys.FORM_MEMBER])
    if due is None or (not due.needs_name and not due.people):
        return False
    state[keys.FORM_RR_PEOPLE] = [list(p) for p in due.people]
    state[keys.FORM_PHASE] = "rr_name" if due.needs_name else "rr"
    return True


def _thanks(state: MutableMapping[str, Any]) -> None:
    state[keys.FORM_PHASE] = "thanks"
    state[keys.FORM_THANKED_AT] = time.time()


def name_screen(url: str, session: SessionInfo, state: MutableMapping[str, Any]) -> None:
    """The name the others will see, and whether they may rate this member."""
    lang = keys.form_language(state)
    st.markdown(f"# {text('rr_name_title', lang)}")
    st.markdown(f"### {text('rr_name_intro', lang)}")
    run = state[keys.FORM_RUN]
    name = st.text_input(text("rr_name_label", lang), key=f"w_rr_name_{run}", max_chars=40)
    may_rate = st.checkbox(text("rr_may_rate", lang), value=True, key=f"w_rr_may_{run}")
    if st.button(text("rr_name_save", lang), type="primary", width="stretch"):
        try:
            connections.save_name(url, state[keys.FORM_MEMBER], name or "", may_rate)
        except ValueError:
            st.error(text("rr_name_problem", lang))
            return
        _next(url, session, state)
        st.rerun()
    if st.button(text("skip", lang), icon=":material/skip_next:", width="stretch"):
        _next(url, session, state)
        st.rerun()


def _next(url: str, session: SessionInfo, state: MutableMapping[str, Any]) -> None:
    if state[keys.FORM_RR_PEOPLE]:
        state[keys.FORM_PHASE] = "rr"
    else:
        _thanks(state)


def ratings_screen(url: str, session: SessionInfo, state: MutableMapping[str, Any]) -> None:
    """How connected the member felt with each other member present, by their chosen names."""
    lang = keys.form_language(state)
    st.markdown(f"# {text('rr_title', lang)}")
    st.markdown(f"### {text('rr_intro', lang)}")
    scale = load_instrument(CHECKIN).response_scale
    labels = (scale.labels or {}).get(lang) or (scale.labels or {}).get("en") or []
    words = dict(zip(connections.SCALE, labels, strict=False))
    run = state[keys.FORM_RUN]
    chosen = {}
    for number, (code, shown) in enumerate(state[keys.FORM_RR_PEOPLE]):
        chosen[code] = st.radio(
            f"**{shown}**",
            options=list(connections.SCALE),
            index=None,
            horizontal=True,
            format_func=lambda v: f"{v} · {words.get(v, '')}",
            key=f"w_rr_{number}_{run}",
        )
    if st.button(text("rr_send", lang), type="primary", width="stretch", icon=":material/send:"):
        try:
            connections.save_member_ratings(url, session, state[keys.FORM_MEMBER], chosen)
        except ValueError:
            st.error(text("save_failed", lang))
            return
        _thanks(state)
        st.rerun()

"""Run a session: group and session, attendance, then the check-in on kiosk, phones or paper.

The facilitator watches how many members have answered while they answer.
"""

import datetime as dt
import time

import streamlit as st

from measures import load_instrument
from services import connections, repairs, selection, sessions
from ui import about_me_form as about_form
from ui import access, dashboard, kiosk_lock, staff_gate
from ui import state as keys
from ui.connections_view import paper_entry as round_robin_paper
from ui.connections_view import show_connections
from ui.room import join_url, lan_address, new_join_code, qr_png
from ui.strings import LANGUAGES

NEW_SESSION = -1
LIVE_REFRESH_SECONDS = 3

state = st.session_state
url = selection.database_url()
instrument = load_instrument(sessions.CHECKIN)

st.title("Run a session")

# --- 1. Group and session -------------------------------------------------------------------
user = staff_gate.current_user()
if user is None:  # the router shows this page only to signed-in staff
    st.stop()
# A facilitator sees only the groups they are linked to; administrators see every group.
groups = selection.visible_groups(url, user)
if groups.empty:
    st.info(
        "There are no groups you can run yet. Load the demo program with "
        "`python -m sample_data.demo`, or ask an administrator to add your group in Settings."
    )
    st.stop()

group_labels = {
    int(row.id): f"{row.program} · {row.name}" if row.program else row.name
    for row in groups.itertuples()
}
group_ids = list(group_labels)
if state[keys.RUN_GROUP_ID] not in group_labels:
    state[keys.RUN_GROUP_ID] = group_ids[0]

left, right = st.columns(2)
with left:
    group_id = st.selectbox(
        "Group",
        group_ids,
        index=group_ids.index(state[keys.RUN_GROUP_ID]),
        format_func=group_labels.get,
        key=keys.W_GROUP,
    )
state[keys.RUN_GROUP_ID] = group_id
group_row = groups.loc[groups["id"] == group_id].iloc[0]
group_name = str(group_row["name"])
program_name = None if group_row["program"] is None else str(group_row["program"])

group_sessions = sessions.group_sessions(url, group_id)
by_id = {s.id: s for s in group_sessions}
session_key = f"{keys.W_SESSION}_{group_id}"


def _session_label(session_id: int) -> str:
    if session_id == NEW_SESSION:
        return "New session…"
    session = by_id[session_id]
    when = session.date.isoformat() if session.date else "no date"
    return f"Session {session.number} · {when} · {session.stage}"


def _create_session(date: dt.date) -> None:
    try:
        created = sessions.create_next_session(url, group_name, program_name, date)
    except sessions.StoreError as error:
        state[keys.RUN_NOTICE] = str(error)
        return
    state[keys.RUN_SESSION_ID] = created.id
    state[session_key] = created.id


def end_session_controls(session) -> None:
    """The End session button, then a confirmation: ending closes the link for every phone."""
    if state[keys.END_PENDING] != session.id:
        if st.button("End session", type="primary", icon=":material/stop_circle:"):
            state[keys.END_PENDING] = session.id
            st.rerun()
        return
    with st.container(border=True):
        st.markdown(
            f"**End session {session.number}?** Phones can no longer join or send answers "
            "with its code. Answers already sent are kept."
        )
        yes, no = st.columns(2)
        if yes.button("Yes, end the session", type="primary", icon=":material/stop_circle:"):
            sessions.end_session(url, session.id)
            state[keys.END_PENDING] = None
            state[keys.RUN_ENDED] = (
                f"Session {session.number} has ended: its code no longer works. Answers sent "
                "before it ended are kept."
            )
            st.rerun()
        if no.button("Keep it open", icon=":material/undo:"):
            state[keys.END_PENDING] = None
            st.rerun()


session_options = [*by_id, NEW_SESSION]
if state.get(session_key) not in session_options:
    if state[keys.RUN_SESSION_ID] in by_id:
        state[session_key] = state[keys.RUN_SESSION_ID]
    else:
        state[session_key] = group_sessions[-1].id if group_sessions else NEW_SESSION
else:
    # The browser keeps showing the label it was last sent for the chosen session; setting
    # the (unchanged) value again sends the current one, so "open for phones" or "ended"
    # shows as soon as the session is opened or ended.
    state[session_key] = state[session_key]
with right:
    # No index: the value comes from session state only (a default as well would make
    # Streamlit warn that the widget's value was set twice).
    session_id = st.selectbox(
        "Session", session_options, format_func=_session_label, key=session_key
    )

if state[keys.RUN_NOTICE]:
    st.error(state[keys.RUN_NOTICE])
    state[keys.RUN_NOTICE] = None

if session_id == NEW_SESSION:
    next_number = (group_sessions[-1].number + 1) if group_sessions else 1
    with st.container(border=True):
        new_date = st.date_input(
            f"Date of session {next_number}", value=dt.date.today(), key=keys.W_NEW_SESSION_DATE
        )
        st.button(
            f"Create session {next_number}",
            type="primary",
            icon=":material/add:",
            on_click=_create_session,
            args=(new_date,),
        )
    st.stop()

state[keys.RUN_SESSION_ID] = session_id
session = by_id[session_id]

# --- 2. Attendance --------------------------------------------------------------------------
roster = sessions.session_roster(url, session, instrument.id)
st.header("Attendance", divider="gray")
if not roster.members:
    st.info("This group has no members yet: add their codes below.")
else:
    with st.form(f"attendance_{session_id}"):
        st.caption("Tick everyone who is here today, then save.")
        ticks = {}
        # Row by row, so a phone (where columns stack) lists the codes in order too.
        for start in range(0, len(roster.members), 4):
            row = st.columns(4)
            for column, code in zip(row, roster.members[start : start + 4], strict=False):
                with column:
                    ticks[code] = st.checkbox(
                        code,
                        value=roster.attendance.get(code, False),
                        key=f"{keys.W_ATTENDANCE}_{session_id}_{code}",
                    )
        if st.form_submit_button("Save attendance", icon=":material/how_to_reg:"):
            try:
                sessions.take_attendance(url, session, ticks)
            except sessions.StoreError as error:
                st.error(str(error))
            else:
                roster = sessions.session_roster(url, session, instrument.id)
                st.success(
                    f"Attendance saved: {sum(ticks.values())} present, "
                    f"{len(ticks) - sum(ticks.values())} absent."
                )
    if roster.attendance:
        st.caption(
            f"Recorded: {sum(roster.attendance.values())} present of {len(roster.members)} members."
        )
    else:
        st.caption("No attendance recorded for this session yet.")
    waiting = repairs.waiting_in_group(
        dashboard.repairs(url, selection.data_version(url), user),
        program_name,
        group_name,
        roster.attendance,
    )
    if len(waiting):
        here = "here today" if roster.attendance else "in this group"
        lines = [
            f"- **{row.member}**: since session {row.session} "
            f"({'chronic' if row.kind == 'chronic' else 'a sharp drop'}), "
            f"{repairs.STATUS_WORDS[row.status].lower()}"
            for row in waiting.itertuples(index=False)
        ]
        st.warning(
            f"**Before you start: open disconnections of members {here}.** A word with each "
            "of them, or an invitation to say more, can start the repair.\n\n" + "\n".join(lines),
            icon=":material/healing:",
        )

with st.form(f"new_member_{session_id}", clear_on_submit=True):
    new_code = st.text_input(
        "Add a member code on the spot (a code, never a name)",
        key=keys.W_NEW_MEMBER,
        max_chars=100,
        placeholder="for example M21",
    )
    if st.form_submit_button("Add and mark present", icon=":material/person_add:"):
        try:
            sessions.add_member_present(url, session, new_code)
        except sessions.StoreError as error:
            st.error(str(error))
        else:
            st.rerun()


# --- 3. Answers -----------------------------------------------------------------------------
@st.fragment(run_every=LIVE_REFRESH_SECONDS)
def live_count() -> None:
    """How many members have answered, refreshed every few seconds while the page is open."""
    now = sessions.session_roster(url, session, instrument.id)
    st.metric("Members who have answered", f"{len(now.answered)} of {len(now.present)}")
    if now.answered:
        st.caption("Answered: " + ", ".join(sorted(now.answered)))
    if now.waiting:
        st.caption("Not yet: " + ", ".join(now.waiting))


st.header(f"Check-in for session {session.number}", divider="gray")
live_count()

asked = st.toggle(
    "After the check-in, members rate how connected they felt with each other (round robin)",
    value=session.round_robin,
    key=f"w_round_robin_{session_id}",
)
if asked != session.round_robin:
    connections.set_asked(url, user, session_id, asked)
    st.rerun()
if session.round_robin:
    with st.expander("Connections today", expanded=True):
        show_connections(url, user, session)

method = st.radio(
    "How will members answer?",
    ["Kiosk", "Phones", "Paper"],
    captions=[
        "This laptop passes from member to member.",
        "Members open a link on their own phones.",
        "Type in paper forms afterwards.",
    ],
    horizontal=True,
    key=keys.W_COLLECT,
)

if method == "Kiosk":
    st.markdown(
        "Kiosk mode shows only the member form. To leave it you need the PIN you choose now "
        f"({kiosk_lock.MIN_PIN_DIGITS}-{kiosk_lock.MAX_PIN_DIGITS} digits)."
    )
    with st.form("start_kiosk"):
        pin = st.text_input("Choose a PIN", type="password", key=keys.W_KIOSK_PIN, max_chars=8)
        language = st.radio(
            "Language each member starts in",
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            horizontal=True,
            key=keys.W_KIOSK_LANGUAGE,
            help="Members can switch; the kiosk returns to this language for the next person.",
        )
        start = st.form_submit_button("Start kiosk mode", type="primary", icon=":material/lock:")
    if start:
        try:
            pin_hash = kiosk_lock.hash_pin(pin)
        except kiosk_lock.PinError as error:
            st.error(str(error))
        else:
            token = kiosk_lock.lock(pin_hash, session_id)
            access.start_kiosk(state, pin_hash, session_id, token, language)
            st.query_params[kiosk_lock.KIOSK_PARAMETER] = token
            st.rerun()

elif method == "Phones":
    if state[keys.RUN_ENDED]:
        st.success(state[keys.RUN_ENDED], icon=":material/check_circle:")
        state[keys.RUN_ENDED] = None
    server_address = st.get_option("server.address") or ""
    # Only an address the server listens on gets a QR code: under `make run` it listens on
    # this laptop alone, and a code for the room's network would lead nowhere.
    reachable = server_address not in ("localhost", "127.0.0.1", "::1")
    host = lan_address()
    if not reachable:
        st.warning(
            "The app is listening on this laptop only, so phones cannot reach it and there is "
            "no link or QR code to show. To let members answer on their own phones, stop the "
            "app and start it in room mode with `make run-room` (it then listens on the "
            "room's network), then come back here.",
            icon=":material/wifi_off:",
        )
    elif host == "localhost":
        st.warning(
            "This laptop does not seem to be on a network. Join the room's Wi-Fi (or share a "
            "hotspot) so members' phones can reach it."
        )
    if not session.is_open or not session.join_code:
        if reachable:
            st.markdown("Open the session to get a link and a QR code for members' phones.")
            if st.button("Open for phones", type="primary", icon=":material/qr_code_2:"):
                try:
                    sessions.open_for_phones(url, session_id, new_join_code)
                except sessions.StoreError as error:
                    st.error(str(error))
                else:
                    st.rerun()
    elif sessions.code_expired(url, session.join_code):
        # An expired code no longer lets anyone in (access.join_codes); showing it would
        # send members to a refusal.
        st.warning(
            f"The session code {session.join_code} has expired: phones can no longer join "
            "with it. Give the session a new code and show the new QR code.",
            icon=":material/timer_off:",
        )
        if reachable and st.button("Give a new code", type="primary", icon=":material/refresh:"):
            try:
                sessions.open_for_phones(url, session_id, new_join_code, renew=True)
            except sessions.StoreError as error:
                st.error(str(error))
            else:
                st.rerun()
        end_session_controls(session)
    elif not reachable:
        st.markdown(f"Session {session.number} is open for phones with code {session.join_code}.")
        end_session_controls(session)
    else:
        link = join_url(session.join_code, host, int(st.get_option("server.port")))
        qr_column, code_column = st.columns([2, 3])
        with qr_column:
            st.image(qr_png(link), caption="Scan with the phone's camera", width=320)
        with code_column:
            st.markdown("Session code")
            st.markdown(f"# {session.join_code}")
            st.markdown("Or type this address in the phone's browser:")
            st.code(link, language=None)
            st.caption(
                "The link works only while the session is open. Ending the session closes it."
            )
            end_session_controls(session)

else:  # Paper
    roster = sessions.session_roster(url, session, instrument.id)
    to_enter = roster.waiting
    if roster.answered:
        st.caption(
            "Already answered in this session (not in the grid): "
            + ", ".join(sorted(roster.answered))
        )
    if not to_enter:
        # The last forms were just saved: say so before saying nothing is left.
        if state[keys.PAPER_SAVED]:
            st.success(state[keys.PAPER_SAVED])
            state[keys.PAPER_SAVED] = None
        st.info("Everyone present has answered. Nothing to type in.")
        about_form.paper_entry(url, session, roster.members, user.username)
        round_robin_paper(url, session)
        st.stop()
    st.markdown(
        f"Type each member's answers ({instrument.response_scale.min:g} to "
        f"{instrument.response_scale.max:g}; leave a cell empty for a skipped question, and a "
        "whole row empty for a member without a form). Nothing is saved until every value is "
        "valid."
    )
    with st.expander("The questions"):
        st.markdown(
            "\n".join(
                f"{n}. {(item.text or {}).get('en', item.id)}"
                for n, item in enumerate(instrument.items, start=1)
            )
        )
    column_config = {"member": st.column_config.TextColumn("Member", disabled=True)}
    for n, item in enumerate(instrument.items, start=1):
        column_config[item.id] = st.column_config.TextColumn(
            f"Q{n}", help=(item.text or {}).get("en", item.id), max_chars=4
        )
    edited = st.data_editor(
        sessions.blank_grid(to_enter, instrument),
        column_config=column_config,
        hide_index=True,
        num_rows="fixed",
        key=f"{keys.W_PAPER_GRID}_{session_id}_{state[keys.PAPER_RUN]}",
    )
    if st.button("Save paper forms", type="primary", icon=":material/save:"):
        state[keys.PAPER_PROBLEMS] = []
        try:
            # The staff member typing the forms in is named on each of them.
            stored = sessions.save_paper_forms(
                url, edited, session, entered_by=user.username, instrument=instrument
            )
        except sessions.PaperEntryError as problems:
            state[keys.PAPER_PROBLEMS] = problems.problems
        else:
            state[keys.PAPER_SAVED] = (
                f"Stored {stored} paper form(s) as staff-entered, {time.strftime('%H:%M')}."
            )
            state[keys.PAPER_RUN] += 1
            st.rerun()
    if state[keys.PAPER_PROBLEMS]:
        st.error(
            "Nothing was saved. Correct these values and save again:\n\n"
            + "\n".join(f"- {problem}" for problem in state[keys.PAPER_PROBLEMS])
        )
    if state[keys.PAPER_SAVED]:
        st.success(state[keys.PAPER_SAVED])
        state[keys.PAPER_SAVED] = None
    about_form.paper_entry(url, session, roster.members, user.username)
    round_robin_paper(url, session)

"""Home: programs and groups, recent and upcoming sessions, open disconnection alerts."""

import datetime as dt

import streamlit as st

from services import connections, labels, repairs
from ui import dashboard, staff_gate
from ui import state as keys

st.title("Mutuality")
st.caption(
    "See whether your relational groups heal: mutuality, authenticity and the five good "
    "things, session by session, and pre/post change done right."
)
url, version = dashboard.database()
today = dt.date.today()
user = dashboard.user()
role = getattr(user, "role", None)
view = dashboard.home(url, version, today, user)
if view.programs.empty:
    # Only pages this role has are named (an evaluator neither runs sessions nor uploads).
    st.info(staff_gate.no_programs_hint(role))
    st.stop()
dashboard.reading(view.reading)

repair = view.repairs
if repair is not None:
    st.subheader("Open disconnections")
    following = repair.records[repair.records["status"].isin(repairs.UNDECIDED)]
    if following.empty:
        st.success("No disconnection is waiting for a repair in your groups.")
    else:
        st.caption(
            "Each is followed until the member's check-in comes back. In Relational-Cultural "
            "Theory a disconnection that is noticed and repaired can make a relationship "
            "stronger; one that is missed drives isolation."
        )
    for position, record in enumerate(following.to_dict("records")):
        who = record["member"] or f"group {record['group']}"
        status = repairs.STATUS_WORDS[record["status"]]
        with st.container(border=True):
            st.markdown(
                f"**{who}** · group {record['group']} · since session {record['session']} · "
                f"**{status}**"
            )
            st.write(record["reason"])
            st.markdown(f"**Next step:** {repairs.next_step(record)}")
            if record["member"] and st.button(
                f"Follow {record['member']}", key=f"follow_{position}", icon=":material/healing:"
            ):
                st.session_state[keys.REPAIR_MEMBER] = (
                    record["program"],
                    record["group"],
                    record["member"],
                )
                st.switch_page("app_pages/repairs.py")
    for row in connections.isolated_now(url, user).to_dict("records"):
        with st.container(border=True):
            st.markdown(
                f"**{row['member']}** · group {row['group']} · round robin of session "
                f"{row['session']} · **seems isolated**"
            )
            st.write(
                "Feels connected to few in the group, and few feel connected to them "
                "(their ratings and the others' of them)."
            )
            st.markdown(
                "**What to do:** a word with them before the group meets again, and a way "
                "into the group's talk that feels safe to them."
            )
else:
    st.subheader("Open disconnection alerts")
    if view.alerts.empty:
        st.success(view.no_alerts)
    else:
        st.caption(
            "A drop larger than measurement error explains, at a group's latest session. In "
            "Relational-Cultural Theory a disconnection that is noticed and repaired can make "
            "a relationship stronger; one that is missed drives isolation."
        )
        for alert in view.alerts.to_dict("records"):
            with st.container(border=True):
                st.markdown(f"**group {alert['group']}** · session {alert['session']}")
                st.write(alert["what happened"])
                st.markdown(f"**What to do:** {alert['what to do']}")

# The recent sessions have five columns: they get the wider share, so "Answers stored" is
# not cut off on a 1366 px laptop (tests/e2e/test_home_fits.py).
left, right = st.columns([3, 2])
with left:
    st.subheader("Recent sessions")
    if view.recent.empty:
        st.caption("No sessions yet.")
    else:
        recent = view.recent[["date", "group", "number", "status", "administrations"]]
        st.dataframe(
            labels.worded(recent.rename(columns={"number": "session"})),
            hide_index=True,
        )
with right:
    st.subheader("Upcoming sessions")
    if view.upcoming.empty:
        st.caption(staff_gate.no_upcoming_hint(role))
    else:
        upcoming = view.upcoming[["date", "group", "number"]]
        st.dataframe(labels.worded(upcoming.rename(columns={"number": "session"})), hide_index=True)

st.subheader("Programs and groups")
groups = view.groups[["program", "name", "facilitator_code", "members"]]
st.dataframe(labels.worded(groups.rename(columns={"name": "group"})), hide_index=True)

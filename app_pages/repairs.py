"""Disconnections and repair: every disconnection followed until the member reconnects."""

import streamlit as st

from charts.repairs import member_repair_line
from measures import CHECKIN, score_range
from services import catalog, repairs
from ui import dashboard
from ui import state as keys

STEP_CHOICES = {
    "acknowledged": "I saw it (acknowledged)",
    "attempted": "I tried a repair",
    "left": "The member left the group",
}

st.title("Disconnections and repair")
st.caption(
    "Disconnections happen in every group. Met and repaired, they make the relationship "
    "stronger; missed, they deepen isolation. Each one below is followed until the member's "
    "check-in comes back (reconnected) or does not (still disconnected). The check-ins decide "
    "that, not a person; you record what you saw and tried."
)
url, version = dashboard.database()
user = dashboard.user()
view = dashboard.repairs(url, version, user)
records = view.records
if records.empty:
    st.success("No disconnection to follow in your groups.")
    for note in view.notes:
        st.caption(note)
    st.stop()

counts = view.summary
cells = st.columns(5)
for cell, (label, value) in zip(
    cells,
    (
        ("Disconnections", counts["total"]),
        ("Reconnected", counts["reconnected"]),
        ("Still disconnected", counts["still_disconnected"]),
        ("Left or not seen", counts["left"] + counts["not_seen"]),
        ("Still followed", counts["open"]),
    ),
    strict=True,
):
    cell.metric(label, value)
median = counts["median_sessions_to_reconnect"]
if median is not None:
    st.caption(f"Members who reconnected did so after {median:g} check-in(s) (median).")

only_open = st.toggle("Only those still being followed", value=True, key=keys.W_REPAIR_OPEN_ONLY)
shown = records[records["status"].isin(repairs.UNDECIDED)] if only_open else records
if shown.empty:
    st.info("Every disconnection has an outcome. Switch the toggle off to see them all.")
else:
    table = repairs.records_table(shown)
    st.dataframe(table, hide_index=True, width="stretch")
    dashboard.download_table(table, "disconnections")
with st.expander("How the status is decided"):
    for rule in view.rules:
        st.markdown(f"- {rule}")

st.subheader("Follow one member")
# Members, then whole groups whose mean dropped (member None).
people = records[["program", "group", "member"]].drop_duplicates()
people = people.assign(whole=people["member"].isna()).sort_values(["whole", "group", "member"])
choices = [
    (row.program, row.group, None if row.whole else row.member)
    for row in people.itertuples(index=False)
]
# Unless Home sent a member here, the first one with a disconnection still being followed.
followed = records[records["status"].isin(repairs.UNDECIDED) & records["member"].notna()]
wanted = st.session_state[keys.REPAIR_MEMBER] or (
    tuple(followed[["program", "group", "member"]].iloc[0]) if len(followed) else None
)
position = st.selectbox(
    "Member",
    range(len(choices)),
    index=choices.index(tuple(wanted)) if wanted and tuple(wanted) in choices else 0,
    format_func=lambda i: (
        f"{choices[i][2]} (group {choices[i][1]})"
        if choices[i][2]
        else f"Whole group {choices[i][1]}"
    ),
    key=keys.W_REPAIR_MEMBER,
)
chosen = choices[position]
program, group, member = chosen
st.session_state[keys.REPAIR_MEMBER] = chosen
notice = repairs.part2_notice(url, program)
if notice:
    st.warning(repairs.PART2_SHORT, icon=":material/gavel:")
    with st.expander("The full 42 CFR Part 2 notice"):
        st.write(notice)
same = records["member"].isna() if member is None else records["member"] == member
mine = records[(records["group"] == group) & same]
mine = mine.sort_values("session", ascending=False)  # the latest first
history = repairs.member_history(url, version, user, group=group, member=member)
checkin = catalog.instrument_by_id(CHECKIN)
dashboard.chart(
    member_repair_line(
        history, mine, member=member or f"Group {group}", y_range=score_range(checkin, "total")
    ),
    history,
    f"check-in-{member or group}",
)
first_look = (group, member) not in st.session_state[keys.REPAIR_NOTES_SEEN]
steps = repairs.notes_for(url, user, group=group, program=program, member=member, audit=first_look)
st.session_state[keys.REPAIR_NOTES_SEEN].add((group, member))
saved = st.session_state[keys.REPAIR_SAVED]
if saved:
    st.success(saved)
    st.session_state[keys.REPAIR_SAVED] = None

for record in mine.itertuples(index=False):
    status = repairs.STATUS_WORDS[record.status]
    kind = "Acute drop" if record.kind == "acute" else "Chronic disconnection"
    with st.container(border=True):
        st.markdown(f"**Session {int(record.session)} · {kind} · {status}**")
        st.write(record.reason)
        if record.note:
            st.caption(record.note)
        st.markdown(f"**Next step:** {repairs.NEXT_STEP[record.kind]}")
        own = steps[(steps["session"] == int(record.session)) & (steps["kind"] == record.kind)]
        for step in own.itertuples(index=False):
            tried = f" Tried: {'; '.join(step.actions)}." if step.actions else ""
            when = step.at.to_pydatetime().astimezone()
            st.markdown(
                f"{when:%Y-%m-%d %H:%M} · {step.who or 'someone'} · "
                f"{repairs.STATUS_WORDS.get(step.step, step.step)}.{tried}"
            )
            if isinstance(step.note, str) and step.note:
                st.text(step.note)  # as written: never read as Markdown or a formula
        form_key = f"repair_{group}_{member}_{int(record.session)}_{record.kind}"
        with st.form(form_key, clear_on_submit=True):
            step = st.radio(
                "What happened", list(STEP_CHOICES), format_func=STEP_CHOICES.get, horizontal=True
            )
            actions = st.multiselect(
                "What you tried (any)", repairs.actions_for(url, program), placeholder="Choose"
            )
            note = st.text_area("A few words (optional; only staff of this group read them)")
            if st.form_submit_button("Save", icon=":material/save:"):
                try:
                    result = repairs.record_step(
                        url,
                        user,
                        group=group,
                        program=program,
                        member=member,
                        session=int(record.session),
                        kind=record.kind,
                        step=step,
                        actions=actions,
                        note=note,
                        steps_seen=len(own),
                    )
                except (ValueError, PermissionError) as error:
                    st.error(str(error))
                else:
                    st.session_state[keys.REPAIR_SAVED] = result.message
                    st.rerun()

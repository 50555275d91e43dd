"""Settings (administrators only): roster, questionnaires, staff, withdrawal, backups.

Every action calls services.admin, which checks it and writes its audit event; this page only
reads the widgets and shows the outcome.
"""

import io

import streamlit as st

from access import roles
from measures.library import InstrumentError
from services import about_me, admin, catalog, repairs
from ui import dashboard, staff_gate
from ui import state as keys

st.title("Settings")
state = st.session_state
# Always the same placeholder above the tabs: a message appearing there would otherwise
# shift the tabs, and the browser would reopen the first tab instead of the one in use.
notice = st.empty()
if state[keys.SETTINGS_NOTICE]:
    notice.success(state[keys.SETTINGS_NOTICE])
    state[keys.SETTINGS_NOTICE] = None
url, _version = dashboard.database()
user = staff_gate.current_user()
if user is None or not roles.can(user.role, roles.CHANGE_SETTINGS):  # the router checks too
    st.stop()
roster = admin.roster(url)

(
    programs_tab,
    groups_tab,
    members_tab,
    instruments_tab,
    staff_tab,
    withdraw_tab,
    backup_tab,
) = st.tabs(
    [
        "Programs",
        "Groups",
        "Member codes",
        "Questionnaires",
        "Staff users",
        "Withdraw a member",
        "Backup and restore",
    ]
)
with programs_tab:
    st.dataframe(
        roster["programs"].drop(columns="id"),
        hide_index=True,
        column_config={"substance_use": "substance-use program"},
    )
with groups_tab:
    st.dataframe(
        roster["groups"].drop(columns="id"),
        hide_index=True,
        column_config={"name": "group", "facilitator_code": "facilitator"},
    )
    st.caption("New groups and members are added on **Run a session** or by an upload.")
with members_tab:
    st.caption("Members are known by code only; Mutuality never needs their names.")
    st.dataframe(roster["members"].drop(columns="id"), hide_index=True)

with instruments_tab:
    own = {i.id for i in catalog.user_instruments()}
    st.dataframe(
        [
            {
                "id": i.id,
                "name": i.name,
                "used": i.use,
                "items": len(i.items),
                "scales": ", ".join(s.id for s in i.scales),
                "higher is": i.higher_is,
                "source": "yours" if i.id in own else "built in",
            }
            for i in catalog.available_instruments()
        ],
        hide_index=True,
    )
    st.subheader("Add your own questionnaire")
    st.caption(
        "A YAML definition in the format of docs/instruments.md. It is checked before it is "
        "kept; each problem names the field and what is wrong."
    )
    upload = st.file_uploader(
        "Definition (.yaml)", type=["yaml", "yml"], key=keys.W_INSTRUMENT_YAML
    )
    if upload is not None:
        try:
            text = upload.getvalue().decode("utf-8")
            added = catalog.add_user_instrument(text, upload.name)
        except UnicodeDecodeError:
            st.error(f"{upload.name}: not a text file; save the definition as UTF-8 YAML.")
        except InstrumentError as error:
            st.error("The definition was not added:\n\n" + "\n".join(
                f"- {line}" for line in str(error).splitlines()))  # fmt: skip
        else:
            st.success(
                f"Added {added.name} ({added.id}): {len(added.items)} items, "
                f"{len(added.scales)} scale(s). It can now be uploaded and analysed."
            )

with staff_tab:
    staff = admin.staff(url)
    st.dataframe(
        staff,
        hide_index=True,
        column_config={"locked_until": "locked until", "groups": "groups (facilitators)"},
    )
    group_labels = {
        int(row.id): f"{row.program} · {row.name}" if row.program else row.name
        for row in roster["groups"].itertuples()
    }
    st.subheader("Add a staff user")
    with st.form("add_staff", clear_on_submit=True):
        new_name = st.text_input("Username", key=keys.W_STAFF_NEW_USER, max_chars=100)
        new_role = st.selectbox("Role", roles.ROLES, key=keys.W_STAFF_NEW_ROLE)
        new_groups = st.multiselect(
            "Groups (facilitators only: they see nothing else)",
            list(group_labels),
            format_func=group_labels.get,
            key=keys.W_STAFF_NEW_GROUPS,
        )
        new_password = st.text_input(
            "Password (at least 12 characters)", type="password", key=keys.W_STAFF_NEW_PASSWORD
        )
        new_repeat = st.text_input("Password again", type="password", key=keys.W_STAFF_NEW_REPEAT)
        if st.form_submit_button("Add the user", icon=":material/person_add:"):
            try:
                if new_password != new_repeat:
                    raise ValueError("the two passwords differ; type them again")
                added = admin.add_user(
                    url,
                    new_name,
                    new_password,
                    new_role,
                    by=user.username,
                    group_ids=new_groups or None,
                )
            except ValueError as error:
                st.error(f"The user was not added: {error}")
            else:
                state[keys.SETTINGS_NOTICE] = f"Added {added.username} ({added.role})."
                st.rerun()

    usernames = staff["username"].tolist()
    st.subheader("Reset a password")
    st.caption("A reset also lifts a lock after too many wrong passwords.")
    with st.form("reset_password", clear_on_submit=True):
        reset_name = st.selectbox("User", usernames, key=keys.W_STAFF_RESET_USER)
        reset_password = st.text_input(
            "New password", type="password", key=keys.W_STAFF_RESET_PASSWORD
        )
        reset_repeat = st.text_input(
            "New password again", type="password", key=keys.W_STAFF_RESET_REPEAT
        )
        if st.form_submit_button("Reset the password", icon=":material/key:"):
            try:
                if reset_password != reset_repeat:
                    raise ValueError("the two passwords differ; type them again")
                admin.reset_password(url, reset_name, reset_password, by=user.username)
            except ValueError as error:
                st.error(f"The password was not changed: {error}")
            else:
                state[keys.SETTINGS_NOTICE] = f"New password set for {reset_name}."
                st.rerun()

    st.subheader("Deactivate a user")
    st.caption(
        "A deactivated user cannot sign in, and is signed out at their next click. Their "
        "entries in the audit log stay."
    )
    active = staff.loc[staff["active"], "username"].tolist()
    with st.form("deactivate_staff"):
        gone = st.selectbox("User", active, key=keys.W_STAFF_DEACTIVATE_USER)
        if st.form_submit_button("Deactivate", icon=":material/person_off:"):
            try:
                admin.deactivate_user(url, gone, by=user.username)
            except ValueError as error:
                st.error(f"Nobody was deactivated: {error}")
            else:
                state[keys.SETTINGS_NOTICE] = f"{gone} can no longer sign in."
                st.rerun()

with withdraw_tab:
    st.caption(
        "When a member asks to leave the evaluation, delete everything stored about them: "
        "their answers, questionnaires, attendance and code. The audit log records that a "
        "member of the group was withdrawn, without the code. Backups and transfer bundles "
        "made earlier still hold the data."
    )
    codes = sorted(roster["members"]["code"].astype(str))
    pending = state[keys.WITHDRAW_PENDING]
    if pending is None:
        chosen = st.selectbox(
            "Member code", codes, index=None, placeholder="Choose", key=keys.W_WITHDRAW_MEMBER
        )
        if st.button("Withdraw this member…", disabled=chosen is None, key="withdraw_ask"):
            state[keys.WITHDRAW_PENDING] = chosen
            st.rerun()
    else:
        st.warning(
            f"Delete every answer, questionnaire and attendance mark of member **{pending}**, "
            "and the code itself? This cannot be undone.",
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        if yes.button("Yes, withdraw and delete", type="primary", key="withdraw_confirm"):
            state[keys.WITHDRAW_PENDING] = None
            try:
                done = admin.withdraw_member(url, pending, by=user.username)
            except admin.StoreError as error:
                st.error(str(error))
            else:
                st.cache_data.clear()
                state[keys.SETTINGS_NOTICE] = f"Member {pending} withdrawn: {done}."
                st.rerun()
        if no.button("Cancel", key="withdraw_cancel"):
            state[keys.WITHDRAW_PENDING] = None
            st.rerun()


def _backup_downloaded() -> None:
    # A backup is every member code and answer, unencrypted: its download is audited like
    # any export, and the prepared copy is dropped (the next download is a new backup).
    admin.backup_downloaded(url, by=user.username)
    state[keys.BACKUP_PREPARED] = None


with backup_tab:
    st.subheader("Backup")
    st.caption(
        "A copy of every stored answer, roster, session and staff account, not encrypted: "
        "keep it on encrypted storage inside the institution (docs/security.md). Its "
        "download is recorded in the audit log."
    )
    if state[keys.BACKUP_PREPARED] is None:
        if st.button("Prepare a backup", key="prepare_backup"):
            try:
                state[keys.BACKUP_PREPARED] = admin.backup_bytes(url)
            except admin.BackupError as error:
                st.error(str(error))
            else:
                st.rerun()
    else:
        st.download_button(
            "Download the backup",
            state[keys.BACKUP_PREPARED],
            file_name=admin.BACKUP_NAME,
            mime="application/octet-stream",
            key="download_backup",
            on_click=_backup_downloaded,
        )
    st.subheader("Restore")
    st.caption(
        "Replaces the database with a backup. The current database is kept next to it first, "
        "so nothing is lost if the wrong file was chosen."
    )
    backup_file = st.file_uploader("Backup file", key=keys.W_RESTORE_FILE)
    if backup_file is not None and st.button(
        "Restore this backup", type="primary", key="restore_backup"
    ):
        try:
            # Audited in the restored database: its trail now says it was put back.
            state[keys.SETTINGS_NOTICE] = admin.restore_bytes(
                backup_file.getvalue(), url, by=user.username, file_name=backup_file.name
            )
        except admin.BackupError as error:
            st.error(str(error))
        else:
            st.cache_data.clear()
            st.rerun()

with programs_tab:
    st.subheader("Repair settings")
    st.caption(
        "What facilitators can record having tried after a disconnection, and how many of the "
        "member's next check-ins decide whether they reconnected."
    )
    names = list(roster["programs"]["name"])
    if names:
        chosen = st.selectbox("Program", names, key=keys.W_REPAIR_PROGRAM)
        with st.form(f"repair_settings_{chosen}"):
            window = st.number_input(
                "Check-ins after an alert that decide it",
                min_value=1,
                max_value=6,
                value=repairs.window_for(url, chosen),
                step=1,
            )
            actions = st.text_area(
                "Repair actions, one per line",
                value="\n".join(repairs.actions_for(url, chosen)),
                height=180,
            )
            if st.form_submit_button("Save repair settings", icon=":material/save:"):
                try:
                    repairs.set_settings(
                        url, user, chosen, actions=actions.splitlines(), window=int(window)
                    )
                except (ValueError, PermissionError) as error:
                    st.error(str(error))
                else:
                    state[keys.SETTINGS_NOTICE] = f"Repair settings of {chosen} saved."
                    st.rerun()

with programs_tab:
    st.subheader("About me")
    st.caption(
        "Questions members may answer about themselves, once, before their first check-in "
        '(each offers "prefer not to say" and their own words; every one can be skipped). '
        "The Context page shows outcomes by the answers; members' own words are never shown."
    )
    if names:
        program = st.selectbox("Program", names, key=keys.W_ABOUT_ME_PROGRAM)
        questions = about_me.form_questions()
        with st.form(f"about_me_{program}"):
            chosen = st.multiselect(
                "Questions this program asks",
                list(questions),
                default=about_me.asked(url, program),
                format_func=questions.get,
            )
            if st.form_submit_button("Save the about-me questions", icon=":material/save:"):
                try:
                    about_me.set_asked(url, user, program, chosen)
                except (ValueError, PermissionError) as error:
                    st.error(str(error))
                else:
                    asked = len(chosen)
                    state[keys.SETTINGS_NOTICE] = (
                        f"{program} asks {asked} about-me question(s)."
                        if asked
                        else f"{program} asks no about-me questions."
                    )
                    st.rerun()
        st.markdown("**Upload about-me answers** (enrolment data)")
        st.caption(
            "One row per member: member, then a column per question (race_ethnicity, gender, "
            "preferred_language, age_band) holding a category in English or Spanish or "
            '"prefer not to say"; optionally <question>_own_words and date. All or nothing.'
        )
        described = st.file_uploader(
            "About-me file", type=["csv", "xlsx", "xls", "ods"], key=keys.W_ABOUT_ME_FILE
        )
        if described is not None and st.button(
            "Store the about-me answers", icon=":material/upload:"
        ):
            try:
                stored = about_me.import_file(
                    url, io.BytesIO(described.getvalue()), user.username, filename=described.name
                )
            except ValueError as error:  # ingest.InputError: the file's problems
                st.error(str(error))
            else:
                state[keys.SETTINGS_NOTICE] = (
                    f"Stored the about-me answers of {stored['members']} member(s) "
                    f"from {stored['file']}."
                )
                st.rerun()

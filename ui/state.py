"""Every st.session_state key the app uses, with its default, in one place.

Pages read and write state only through these constants, so a newcomer can see at a glance
what a browser session remembers. Widget keys are listed too: a widget's value lives in
session state under its key, and a page that needs the value after a page switch copies it
into one of the owned keys below (widget values do not survive a page switch).
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any

from ui.strings import LANGUAGES

# --- Who is using this browser: chosen by the router (app.py) -------------------------------
#: True while the laptop is a kiosk: only the kiosk page is reachable.
KIOSK_ACTIVE = "kiosk_active"
#: The kiosk's own language: the form returns to it for each new member.
KIOSK_LANGUAGE = "kiosk_language"
#: argon2 hash of the facilitator's kiosk PIN (the PIN itself is never kept).
KIOSK_PIN_HASH = "kiosk_pin_hash"
#: Database id of the session the kiosk collects answers for.
KIOSK_SESSION_ID = "kiosk_session_id"
#: Token in the kiosk URL (?kiosk=...) that survives a browser reload; see ui.kiosk_lock.
KIOSK_TOKEN = "kiosk_token"
#: Wrong PIN attempts in a row, and when the last one happened (time.time()).
KIOSK_PIN_FAILURES = "kiosk_pin_failures"
KIOSK_PIN_LAST_FAILURE = "kiosk_pin_last_failure"

#: One-shot: after leaving kiosk mode, the router opens "Run a session" again.
RETURN_TO_RUN_SESSION = "return_to_run_session"
#: The signed-in staff member (access.idle.StaffSession), None when nobody is signed in.
STAFF_SESSION = "staff_session"
#: A message for the sign-in page (e.g. signed out after the idle timeout), shown once.
STAFF_NOTICE = "staff_notice"
#: The one-time handoff the next signed-in run posts to get its sign-in cookie.
KEEP_HANDOFF = "keep_handoff"

# --- Run a session (facilitator) -------------------------------------------------------------
#: Database id of the group and session the facilitator is running.
RUN_GROUP_ID = "run_group_id"
RUN_SESSION_ID = "run_session_id"
#: A problem from a callback (e.g. creating a session), shown once on the next run.
RUN_NOTICE = "run_notice"
#: Run a session: the session whose "End session" awaits its confirmation.
END_PENDING = "end_pending"
#: Run a session: the message after a session was ended, shown once.
RUN_ENDED = "run_ended"
#: Paper entry: bumped after a save so the grid starts empty again.
PAPER_RUN = "paper_run"
#: Paper entry: the last validation problems, shown until the grid is saved cleanly.
PAPER_PROBLEMS = "paper_problems"
#: Paper entry: a message after a successful save.
PAPER_SAVED = "paper_saved"

# --- Disconnections and repair (facilitator) ------------------------------------------------
#: The (program, group, member) followed on the repair page (set by Home's "Follow" too).
REPAIR_MEMBER = "repair_member"
#: (group, member) pairs whose repair notes this sign-in has read (the first read is audited).
REPAIR_NOTES_SEEN = "repair_notes_seen"
#: The message after a step was saved, shown once.
REPAIR_SAVED = "repair_saved"
#: Widgets of the repair page.
W_REPAIR_MEMBER = "w_repair_member"
W_REPAIR_OPEN_ONLY = "w_repair_open_only"
#: Settings: the program whose repair settings are shown.
W_REPAIR_PROGRAM = "w_repair_program"

# --- Member form (kiosk or phone) ------------------------------------------------------------
FORM_LANGUAGE = "form_language"
#: True when the member answering now is asked the repair follow-up question too.
FORM_FOLLOW_UP = "form_follow_up"
#: Member code that is answering now (None on the code screen).
FORM_MEMBER = "form_member"
#: "code" -> "question" -> "review" -> "thanks".
FORM_PHASE = "form_phase"
#: Index of the question on screen (0-based).
FORM_STEP = "form_step"
#: Item id -> chosen value; a skipped item is absent.
FORM_ANSWERS = "form_answers"
#: True once the member pressed "Read it to me": the administration is stored as read aloud.
FORM_READ_ALOUD = "form_read_aloud"
#: Message key (ui.strings) to show on the code screen, with its values.
FORM_NOTICE = "form_notice"
#: time.time() when the thank-you screen appeared (kiosk resets after a pause).
FORM_THANKED_AT = "form_thanked_at"
#: True while the member changes one answer from the review screen (back to review after it).
FORM_EDITING = "form_editing"
#: The about-me questions (ids) this member is being asked, the one on screen, the answers
#: so far (question -> [choice id or None, own words]) and whether removal awaits a "yes".
FORM_ABOUT = "form_about"
FORM_ABOUT_STEP = "form_about_step"
FORM_ABOUT_ANSWERS = "form_about_answers"
FORM_ABOUT_REMOVE = "form_about_remove"
#: After the check-in: the others present this member may rate ((code, display name); only
#: the names are ever shown).
FORM_RR_PEOPLE = "form_rr_people"
#: Phone: a random id for this browser session, when the browser's address is unknown.
FORM_BROWSER_ID = "form_browser_id"
#: Phone: the session code this browser session was let in with (rate limits then skip it).
FORM_JOINED_CODE = "form_joined_code"
#: Bumped on every reset so the code widgets start empty for the next person.
FORM_RUN = "form_run"

# --- Widget keys -----------------------------------------------------------------------------
W_LANGUAGE = "w_language"
W_TYPE_CODE = "w_type_code"
W_KIOSK_PIN = "w_kiosk_pin"
W_KIOSK_LANGUAGE = "w_kiosk_language"
W_KIOSK_LEAVE_PIN = "w_kiosk_leave_pin"
W_PROGRAM = "w_program"
W_GROUP = "w_group"
W_SESSION = "w_session"
W_NEW_SESSION_DATE = "w_new_session_date"
W_NEW_MEMBER = "w_new_member"
W_COLLECT = "w_collect"
W_PAPER_GRID = "w_paper_grid"
W_PAPER_DATE = "w_paper_date"
#: Prefixes of the member form's per-question widgets: f"{prefix}_{item_id}...".
W_SPEAK = "w_speak"
W_ANSWER = "w_answer"
W_BACK = "w_back"
W_SKIP = "w_skip"
W_CHANGE = "w_change"
#: Prefix of the per-member attendance checkboxes: f"{W_ATTENDANCE}_{session_id}_{member}".
W_ATTENDANCE = "w_attendance"

# --- Analysis pages (Home, Upload, Reliability, Change, Over time, Groups, Reports, Settings) -
#: The shared filters, copied from their sidebar widgets so they survive a page switch
#: (see ui.dashboard.filters). None means "all".
FILTER_PROGRAM = "filter_program"
FILTER_GROUP = "filter_group"
FILTER_INSTRUMENT = "filter_instrument"
FILTER_SCALE = "filter_scale"
#: (first date, last date) or None for every date.
FILTER_DATES = "filter_dates"
#: Upload page: what the last confirmed upload stored (shown once after the rerun).
UPLOAD_RESULT = "upload_result"
#: Upload page: (file digest, questionnaire) whose column selectors were last filled in; a
#: new file or questionnaire fills them in again (suggestions, or a remembered mapping).
UPLOAD_FILLED = "upload_filled"
#: Reports page: the scope whose report the user asked to prepare (None: not asked yet).
REPORT_SCOPE = "report_scope"
#: Export page: the prepared export (services.exports.ExportFile) awaiting its download; cleared
#: by the download, so every download is a fresh export with pseudonyms of its own.
EXPORT_PREPARED = "export_prepared"
#: Export page: the file name of the last download, shown once after it.
EXPORT_DOWNLOADED = "export_downloaded"
#: The pages this sign-in has opened and audited: {(username, signed in at, page)}.
VIEWED_PAGES = "viewed_pages"
#: Settings page: a message after adding an instrument or restoring a backup.
SETTINGS_NOTICE = "settings_notice"
#: Settings page: the member code an administrator asked to withdraw, awaiting confirmation.
WITHDRAW_PENDING = "withdraw_pending"
#: Settings page: the prepared backup's bytes awaiting their (audited) download.
BACKUP_PREPARED = "backup_prepared"
W_FILTER_PROGRAM = "w_filter_program"
W_FILTER_GROUP = "w_filter_group"
W_FILTER_INSTRUMENT = "w_filter_instrument"
W_FILTER_SCALE = "w_filter_scale"
W_FILTER_DATES = "w_filter_dates"
W_UPLOAD_FILE = "w_upload_file"
#: Prefix of the Upload page's per-column mapping selectboxes: f"{W_UPLOAD_MAP}_{column}".
W_UPLOAD_MAP = "w_upload_map"
W_UPLOAD_INSTRUMENT = "w_upload_instrument"
W_INSTRUMENT_YAML = "w_instrument_yaml"
W_RESTORE_FILE = "w_restore_file"
W_TEMPLATE_INSTRUMENT = "w_template_instrument"
#: Export page: its own choices (an export of every questionnaire is the default, unlike
#: the shared filters, which always name one).
W_EXPORT_PROGRAM = "w_export_program"
W_EXPORT_GROUP = "w_export_group"
W_EXPORT_INSTRUMENT = "w_export_instrument"
W_EXPORT_DATES = "w_export_dates"
W_EXPORT_CONTENT = "w_export_content"
W_EXPORT_DATE_HANDLING = "w_export_date_handling"
W_EXPORT_FILE_TYPE = "w_export_file_type"
#: Page-local choices of the analysis pages (they need not survive a page switch).
W_TIMEPOINT = "w_timepoint"
W_PRE = "w_pre"
W_POST = "w_post"
W_METHOD = "w_method"
W_CUTOFF = "w_cutoff"
W_CUTOFF_SCORE = "w_cutoff_score"
W_FIT_TREND = "w_fit_trend"
#: Context page: what outcomes are grouped by; the (who, selection) views already audited.
W_CONTEXT_BY = "w_context_by"
W_CONTEXT_COMPARE = "w_context_compare"
W_REPORT_CONTEXT_BY = "w_report_context_by"
CONTEXT_VIEWS_AUDITED = "context_views_audited"
#: Sign-in page, first-run administrator form and audit log page.
W_SIGN_IN_USER = "w_sign_in_user"
W_SIGN_IN_PASSWORD = "w_sign_in_password"
W_SETUP_USER = "w_setup_user"
W_SETUP_PASSWORD = "w_setup_password"
W_SETUP_REPEAT = "w_setup_repeat"
W_AUDIT_ACTIONS = "w_audit_actions"
#: Settings page: staff users (add, reset a password, deactivate) and withdrawing a member.
W_STAFF_NEW_USER = "w_staff_new_user"
W_STAFF_NEW_ROLE = "w_staff_new_role"
W_STAFF_NEW_GROUPS = "w_staff_new_groups"
W_STAFF_NEW_PASSWORD = "w_staff_new_password"
W_STAFF_NEW_REPEAT = "w_staff_new_repeat"
W_STAFF_RESET_USER = "w_staff_reset_user"
W_STAFF_RESET_PASSWORD = "w_staff_reset_password"
W_STAFF_RESET_REPEAT = "w_staff_reset_repeat"
W_STAFF_DEACTIVATE_USER = "w_staff_deactivate_user"
W_WITHDRAW_MEMBER = "w_withdraw_member"
W_ABOUT_ME_PROGRAM = "w_about_me_program"
W_ABOUT_ME_FILE = "w_about_me_file"

DEFAULTS: dict[str, Any] = {
    KIOSK_ACTIVE: False,
    KIOSK_LANGUAGE: "en",
    KIOSK_PIN_HASH: None,
    KIOSK_SESSION_ID: None,
    KIOSK_TOKEN: None,
    KIOSK_PIN_FAILURES: 0,
    KIOSK_PIN_LAST_FAILURE: 0.0,
    RETURN_TO_RUN_SESSION: False,
    STAFF_SESSION: None,
    STAFF_NOTICE: None,
    KEEP_HANDOFF: None,
    RUN_GROUP_ID: None,
    RUN_SESSION_ID: None,
    RUN_NOTICE: None,
    END_PENDING: None,
    RUN_ENDED: None,
    PAPER_RUN: 0,
    PAPER_PROBLEMS: [],
    PAPER_SAVED: None,
    FORM_LANGUAGE: "en",
    FORM_FOLLOW_UP: False,
    FORM_MEMBER: None,
    FORM_PHASE: "code",
    FORM_STEP: 0,
    FORM_ANSWERS: {},
    FORM_READ_ALOUD: False,
    FORM_NOTICE: None,
    FORM_THANKED_AT: None,
    FORM_EDITING: False,
    FORM_ABOUT: [],
    FORM_ABOUT_STEP: 0,
    FORM_ABOUT_ANSWERS: {},
    FORM_ABOUT_REMOVE: False,
    FORM_RR_PEOPLE: [],
    FORM_JOINED_CODE: None,
    FORM_BROWSER_ID: None,
    FORM_RUN: 0,
    FILTER_PROGRAM: None,
    FILTER_GROUP: None,
    FILTER_INSTRUMENT: None,
    FILTER_SCALE: None,
    FILTER_DATES: None,
    UPLOAD_RESULT: None,
    UPLOAD_FILLED: None,
    SETTINGS_NOTICE: None,
    WITHDRAW_PENDING: None,
    BACKUP_PREPARED: None,
    REPORT_SCOPE: None,
    EXPORT_PREPARED: None,
    EXPORT_DOWNLOADED: None,
    VIEWED_PAGES: set(),
    CONTEXT_VIEWS_AUDITED: set(),
    REPAIR_MEMBER: None,
    REPAIR_NOTES_SEEN: set(),
    REPAIR_SAVED: None,
}

#: The member form's own keys: cleared for the next person (the language is kept).
FORM_KEYS = (
    FORM_MEMBER,
    FORM_FOLLOW_UP,
    FORM_PHASE,
    FORM_STEP,
    FORM_ANSWERS,
    FORM_READ_ALOUD,
    FORM_NOTICE,
    FORM_THANKED_AT,
    FORM_EDITING,
    FORM_ABOUT,
    FORM_ABOUT_STEP,
    FORM_ABOUT_ANSWERS,
    FORM_ABOUT_REMOVE,
    FORM_RR_PEOPLE,
)


def init_state(state: MutableMapping[str, Any]) -> None:
    """Give every owned key its default unless it is already set (call once per run)."""
    for key, default in DEFAULTS.items():
        if key not in state:
            state[key] = copy.deepcopy(default)


def form_language(state: MutableMapping[str, Any]) -> str:
    """The member's chosen language code on the member form ("en" or "es")."""
    chosen = state.get(FORM_LANGUAGE)
    return chosen if chosen in LANGUAGES else "en"


def reset_form(state: MutableMapping[str, Any]) -> None:
    """Clear the member form for the next person, keeping the chosen language."""
    for key in FORM_KEYS:
        state[key] = copy.deepcopy(DEFAULTS[key])
    state[FORM_RUN] = state.get(FORM_RUN, 0) + 1


def group_widget(program: str | None) -> str:
    """The Group selector's key: one widget per program, so its options never go stale."""
    return f"{W_FILTER_GROUP}_{program}"


def scale_widget(instrument_id: str) -> str:
    """The Scale selector's key: one widget per questionnaire.

    A browser keeps showing a kept widget's old label when only its options change.
    """
    return f"{W_FILTER_SCALE}_{instrument_id}"

"""The member form, shared by the kiosk and the phone page.

A member picks or types their code, answers one question per screen with large buttons, may
skip a question or go back, reviews the answers, sends them and sees a thank-you. On the kiosk
the screen then starts again for the next person. Every word comes from ui.strings (English
and Spanish); question wording and answer labels come from the instrument file.

The answers are stored through services.sessions, as one administration (mode
"self-completed", or "read aloud" when the member used the "Read it to me" button).
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from measures import FOLLOW_UP, Instrument, load_instrument
from services import about_me, repairs, selection, sessions
from services.sessions import CHECKIN, SessionInfo, roster_code
from ui import about_me_form as about_form
from ui import connection_form
from ui import state as keys
from ui.form_buttons import back_and_skip
from ui.speech import read_aloud_button, spoken_text
from ui.strings import LANGUAGES, SPEECH_LANGUAGE, text

#: The session's program's disconnection records, reused until the stored data change (so
#: each member's code does not recompute them); no spinner: its words would be English only.
_followed = st.cache_data(show_spinner=False, max_entries=8)(repairs.follow_up)

#: Seconds the kiosk shows the thank-you before it starts again for the next person.
KIOSK_RESET_SECONDS = 8
#: Widget key of the "Send my answers" button (its container is kept on screen by CSS).
SEND_KEY = "w_send"
#: Widget-key prefix of each answer's box on the review (CSS keeps the boxes compact).
REVIEW_KEY = "w_review"

#: The member pages' own layout (the kiosk and the phone page; staff pages keep Streamlit's).
#: Little space above the form, so a question, every answer and Skip fit on one screen; on a
#: phone (Streamlit's 640 px breakpoint) smaller headings and tighter rows, with answer
#: buttons still 44 px tall (WCAG's enhanced target size). "Send my answers" stays at the bottom
#: of the screen on the review, however long the list of answers.
MEMBER_LAYOUT_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; padding-bottom: 2rem; }}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 0.75rem; }}
[data-testid="stMainBlockContainer"] [class*="st-key-{REVIEW_KEY}_"] {{
  padding: 0.4rem 0.75rem; gap: 0.4rem;
}}
.st-key-{SEND_KEY} {{
  position: sticky; bottom: 0; z-index: 2;
  background: #ffffff; padding: 0.5rem 0;
}}
@media (max-width: 640px) {{
  [data-testid="stMainBlockContainer"] {{ padding: 3rem 1rem 1rem; }}
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 0.55rem; }}
  [data-testid="stMainBlockContainer"] h1 {{ font-size: 1.6rem; padding: 0.25rem 0; }}
  [data-testid="stMainBlockContainer"] h2 {{ font-size: 1.35rem; padding: 0.25rem 0; }}
  [data-testid="stMainBlockContainer"] h3 {{ font-size: 1.1rem; padding: 0.25rem 0; }}
  [data-testid="stMainBlockContainer"] button {{ min-height: 2.35rem; }}
}}
</style>
"""


def with_follow_up(instrument: Instrument) -> Instrument:
    """The check-in with the follow-up question last, for a member after a disconnection.

    Only the questions are joined (for the screens): the answers are stored as two
    questionnaires, so the follow-up never enters the check-in's scores.
    """
    extra = load_instrument(FOLLOW_UP)
    return instrument.model_copy(update={"items": [*instrument.items, *extra.items]})


# --- state transitions (callbacks) ---------------------------------------------------------


_language = keys.form_language


def _on_screen(state: MutableMapping[str, Any], step: int) -> bool:
    # A double tap, or a tap on a button of the previous screen still being replaced, must
    # not answer or skip the next question: act only if `step` is still on screen.
    return state[keys.FORM_PHASE] == "question" and state[keys.FORM_STEP] == step


def _answer(
    state: MutableMapping[str, Any], step: int, item: str, value: float, last: bool
) -> None:
    if not _on_screen(state, step):
        return
    state[keys.FORM_ANSWERS] = {**state[keys.FORM_ANSWERS], item: value}
    _advance(state, last)


def _skip(state: MutableMapping[str, Any], step: int, item: str, last: bool) -> None:
    if not _on_screen(state, step):
        return
    answers = dict(state[keys.FORM_ANSWERS])
    answers.pop(item, None)
    state[keys.FORM_ANSWERS] = answers
    _advance(state, last)


def _advance(state: MutableMapping[str, Any], last: bool) -> None:
    if last or state.get(keys.FORM_EDITING):
        state[keys.FORM_PHASE] = "review"
        state[keys.FORM_EDITING] = False
    else:
        state[keys.FORM_STEP] += 1


def _back(state: MutableMapping[str, Any], step: int) -> None:
    if _on_screen(state, step):
        state[keys.FORM_STEP] = max(0, step - 1)


def _change(state: MutableMapping[str, Any], step: int) -> None:
    if state[keys.FORM_PHASE] != "review":
        return
    state[keys.FORM_STEP] = step
    state[keys.FORM_PHASE] = "question"
    state[keys.FORM_EDITING] = True


def _read_aloud(state: MutableMapping[str, Any]) -> None:
    state[keys.FORM_READ_ALOUD] = True


def _set_language(state: MutableMapping[str, Any]) -> None:
    chosen = state.get(keys.W_LANGUAGE)
    if chosen in LANGUAGES:
        state[keys.FORM_LANGUAGE] = chosen


def _next_person(state: MutableMapping[str, Any]) -> None:
    """Clear the form for the next member; a kiosk returns to its own language."""
    keys.reset_form(state)
    if state.get(keys.KIOSK_ACTIVE):
        state[keys.FORM_LANGUAGE] = state.get(keys.KIOSK_LANGUAGE) or "en"


# --- screens --------------------------------------------------------------------------------


def _language_switch(state: MutableMapping[str, Any]) -> None:
    state[keys.W_LANGUAGE] = _language(state)
    st.radio(
        text("language", _language(state)),
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        horizontal=True,
        key=keys.W_LANGUAGE,
        on_change=_set_language,
        args=(state,),
    )


def _code_screen(
    url: str,
    session: SessionInfo,
    instrument: Instrument,
    state: MutableMapping[str, Any],
) -> None:
    lang = _language(state)
    st.markdown(f"# {text('title', lang)}")
    st.markdown(f"### {text('intro', lang)}")
    notice = state[keys.FORM_NOTICE]
    if notice:
        message_key, values = notice
        st.warning(text(message_key, lang, **values), icon=":material/info:")

    roster = sessions.session_roster(url, session, instrument.id)
    codes, answered = roster.members, roster.answered
    run = state[keys.FORM_RUN]
    # Each member types their own code: the form never lists the group's codes, so no
    # member sees another's (a list would show every code still waiting to answer).
    typed = st.text_input(text("type_code", lang), key=f"{keys.W_TYPE_CODE}_{run}", max_chars=100)
    start = st.button(text("start", lang), type="primary", width="stretch")
    # A program that asks about-me questions lets a member answer them again or remove them.
    about = bool(about_me.asked(url, session.program)) and st.button(
        text("about_me_button", lang), icon=":material/person:", width="stretch"
    )
    if start or about:
        typed = (typed or "").strip()
        # Typed codes match the roster ignoring case and spaces; the stored spelling is used.
        code = roster_code(typed, codes) if typed else None
        if not typed:
            state[keys.FORM_NOTICE] = ("need_code", {})
        elif code is None:
            state[keys.FORM_NOTICE] = ("code_unknown", {"code": typed})
        elif about:
            keys.reset_form(state)
            state[keys.FORM_MEMBER] = code
            _prepare_check_in(url, session, code, state)
            about_form.start(state, [], after="thanks" if code in answered else "question")
            state[keys.FORM_PHASE] = "about_change"
        elif code in answered:
            state[keys.FORM_NOTICE] = ("already_answered", {"code": code})
        else:
            keys.reset_form(state)
            state[keys.FORM_MEMBER] = code
            _prepare_check_in(url, session, code, state)
            due = [q.id for q in about_me.questions_due(url, session.program, code)]
            if due:
                about_form.start(state, due, after="question")
            else:
                state[keys.FORM_PHASE] = "question"
        st.rerun()


def _prepare_check_in(
    url: str, session: SessionInfo, code: str, state: MutableMapping[str, Any]
) -> None:
    """Whether member `code`'s check-in ends with the follow-up question (after an alert)."""
    followed = _followed(url, selection.data_version(url), program=session.program)
    state[keys.FORM_FOLLOW_UP] = repairs.follow_up_due(followed, url, session, code)


def _question_screen(instrument: Instrument, state: MutableMapping[str, Any]) -> None:
    lang = _language(state)
    total = len(instrument.items)
    step = min(state[keys.FORM_STEP], total - 1)
    item = instrument.items[step]
    last = step == total - 1
    answers = state[keys.FORM_ANSWERS]
    rs = instrument.response_scale
    labels = (rs.labels or {}).get(lang) or (rs.labels or {}).get("en") or []
    values = rs.points
    if len(labels) != len(values):
        labels = [f"{value:g}" for value in values]

    st.markdown(f"**{text('hello', lang, code=state[keys.FORM_MEMBER])}**")
    st.progress(
        step / total,
        text=f"{text('question_of', lang, number=step + 1, total=total)} · "
        f"{text('progress', lang, answered=len(answers), total=total)}",
    )
    question = (item.text or {}).get(lang) or (item.text or {}).get("en") or item.id
    st.markdown(f"## {question}")
    read_aloud_button(
        spoken_text(question, labels, values),
        label=text("read_to_me", lang),
        lang=SPEECH_LANGUAGE[lang],
        key=f"{keys.W_SPEAK}_{item.id}_{lang}",
        on_read=lambda: _read_aloud(state),
    )
    chosen = answers.get(item.id)
    for value, label in zip(values, labels, strict=True):
        is_chosen = chosen is not None and float(chosen) == float(value)
        # The chosen answer is marked in words and with a tick, never by colour alone.
        caption = f"{value:g} · {label}"
        st.button(
            f"**✓ {caption} ({text('chosen', lang)})**" if is_chosen else f"**{caption}**",
            key=f"{keys.W_ANSWER}_{item.id}_{value:g}",
            type="primary" if is_chosen else "secondary",
            width="stretch",
            on_click=_answer,
            args=(state, step, item.id, value, last),
        )
    back_and_skip(
        lang,
        keys=(f"{keys.W_BACK}_{item.id}", f"{keys.W_SKIP}_{item.id}"),
        show_back=step > 0 and not state.get(keys.FORM_EDITING),
        on_back=_back,
        back_args=(state, step),
        on_skip=_skip,
        skip_args=(state, step, item.id, last),
    )


def _review_screen(
    url: str,
    session: SessionInfo,
    instrument: Instrument,
    state: MutableMapping[str, Any],
    kiosk: bool,
) -> None:
    lang = _language(state)
    st.markdown(f"# {text('review_title', lang)}")
    st.markdown(f"### {text('review_intro', lang)}")
    rs = instrument.response_scale
    labels = (rs.labels or {}).get(lang) or (rs.labels or {}).get("en") or []
    by_value = dict(zip(rs.points, labels, strict=False))
    answers = state[keys.FORM_ANSWERS]
    for step, item in enumerate(instrument.items):
        question = (item.text or {}).get(lang) or (item.text or {}).get("en") or item.id
        value = answers.get(item.id)
        shown = (
            f"{value:g} · {by_value.get(float(value), '')}"
            if value is not None
            else f"— {text('skipped', lang)}"
        )
        with st.container(border=True, key=f"{REVIEW_KEY}_{item.id}"):
            st.markdown(f"**{step + 1}. {question}**  \n{shown}")
            st.button(
                text("change", lang, number=step + 1),
                key=f"{keys.W_CHANGE}_{item.id}",
                icon=":material/edit:",
                on_click=_change,
                args=(state, step),
            )
    if st.button(
        text("submit", lang),
        key=SEND_KEY,
        type="primary",
        width="stretch",
        icon=":material/send:",
    ):
        _submit(url, session, instrument, state, kiosk)


def _submit(
    url: str,
    session: SessionInfo,
    instrument: Instrument,
    state: MutableMapping[str, Any],
    kiosk: bool,
) -> None:
    lang = _language(state)
    member = state[keys.FORM_MEMBER]
    follow_up = load_instrument(FOLLOW_UP)
    answers = state[keys.FORM_ANSWERS]
    own = {k: v for k, v in answers.items() if k not in follow_up.item_ids}
    said = {k: v for k, v in answers.items() if k in follow_up.item_ids and v is not None}
    # A phone whose session was ended while the member answered stores nothing.
    outcome = sessions.save_member_answers(
        url,
        session.id,
        member,
        own,
        read_aloud=bool(state[keys.FORM_READ_ALOUD]),
        kiosk=kiosk,
        instrument=load_instrument(instrument.id),
        language=lang,
    )
    if outcome == sessions.STORED and said:
        # The follow-up is its own questionnaire, stored beside the check-in.
        outcome = sessions.save_member_answers(
            url,
            session.id,
            member,
            said,
            read_aloud=bool(state[keys.FORM_READ_ALOUD]),
            kiosk=kiosk,
            instrument=follow_up,
            language=lang,
        )
    if outcome == sessions.ALREADY_ANSWERED:
        keys.reset_form(state)
        state[keys.FORM_NOTICE] = ("already_answered", {"code": member})
        st.rerun()
    if outcome != sessions.STORED:
        # The outcomes are ui.strings keys: "session_closed", "save_failed".
        st.error(text(outcome, lang))
        return
    if not connection_form.start(url, session, state):
        state[keys.FORM_PHASE] = "thanks"
        state[keys.FORM_THANKED_AT] = time.time()
    st.rerun()


def _thanks_screen(state: MutableMapping[str, Any], kiosk: bool) -> None:
    lang = _language(state)
    st.markdown(f"# {text('thanks_title', lang)}")
    st.markdown(f"## {text('thanks_body', lang)}")
    if not kiosk:
        st.markdown(f"### {text('thanks_phone', lang)}")
        return
    st.markdown(f"### {text('kiosk_resets', lang)}")
    st.button(
        text("next_person", lang),
        type="primary",
        width="stretch",
        on_click=_next_person,
        args=(state,),
    )
    _reset_after_pause(state)


@st.fragment(run_every=2)
def _reset_after_pause(state: MutableMapping[str, Any]) -> None:
    thanked_at = state.get(keys.FORM_THANKED_AT)
    if thanked_at is not None and time.time() - thanked_at >= KIOSK_RESET_SECONDS:
        _next_person(state)
        st.rerun(scope="app")


def render_member_form(
    url: str,
    session: SessionInfo | None,
    *,
    kiosk: bool,
    instrument_id: str = CHECKIN,
    refusal: tuple[str, dict[str, object]] = ("session_closed", {}),
) -> None:
    """Show the member form for `session` (kiosk: resets for the next person after thanks).

    With no session (an unknown, closed or expired session code) the member sees `refusal`
    (a ui.strings key and its values) in their language, and nothing can be answered.
    """
    state = st.session_state
    instrument = load_instrument(instrument_id)
    if state.get(keys.FORM_FOLLOW_UP) and state[keys.FORM_MEMBER]:
        instrument = with_follow_up(instrument)
    st.html(MEMBER_LAYOUT_CSS)
    _language_switch(state)
    if session is None:
        message, values = refusal
        st.markdown(f"# {text('title', _language(state))}")
        st.error(text(message, _language(state), **values), icon=":material/block:")
        return
    phase = state[keys.FORM_PHASE]
    if phase == "about" and state[keys.FORM_MEMBER]:
        about_form.about_screen(url, session, state)
    elif phase == "about_change" and state[keys.FORM_MEMBER]:
        about_form.change_screen(url, session, state)
    elif phase == "rr_name" and state[keys.FORM_MEMBER]:
        connection_form.name_screen(url, session, state)
    elif phase == "rr" and state[keys.FORM_MEMBER]:
        connection_form.ratings_screen(url, session, state)
    elif phase == "question" and state[keys.FORM_MEMBER]:
        _question_screen(instrument, state)
    elif phase == "review" and state[keys.FORM_MEMBER]:
        _review_screen(url, session, instrument, state, kiosk)
    elif phase == "thanks":
        _thanks_screen(state, kiosk)
    else:
        _code_screen(url, session, instrument, state)

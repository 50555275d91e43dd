"""The about-me screens of the member form (kiosk and phone), before the check-in.

A member whose program asks about-me questions (Settings) they have not been asked yet
sees them after typing their code: one question per screen, the form's categories and "I
prefer not to say" as large buttons, a box for their own words, Next and Skip. The answers
are stored when the last question is done (services.about_me), then the check-in starts
(or, when the member has answered it already, the thank-you). From the code screen a member
can answer again or remove every answer; nothing on these screens shows what they, or
anyone else, answered before.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from measures.about_me import PREFER_NOT, load_about_me
from services import about_me
from services.sessions import SessionInfo
from ui import state as keys
from ui.form_buttons import back_and_skip
from ui.strings import text

#: Widget-key prefixes of the about-me screens.
W_ABOUT_CHOICE = "w_about_choice"
W_ABOUT_WORDS = "w_about_words"


def start(state: MutableMapping[str, Any], questions: list[str], after: str) -> None:
    """Ask `questions` (ids) next; `after` is the phase that follows ("question", "thanks")."""
    state[keys.FORM_ABOUT] = [*questions, after]
    state[keys.FORM_ABOUT_STEP] = 0
    state[keys.FORM_ABOUT_ANSWERS] = {}
    state[keys.FORM_PHASE] = "about"


def _questions(state: MutableMapping[str, Any]) -> list[str]:
    return list(state[keys.FORM_ABOUT][:-1])


def _after(state: MutableMapping[str, Any]) -> str:
    return state[keys.FORM_ABOUT][-1] if state[keys.FORM_ABOUT] else "question"


def _on_screen(state: MutableMapping[str, Any], step: int) -> bool:
    return state[keys.FORM_PHASE] == "about" and state[keys.FORM_ABOUT_STEP] == step


def _choose(state: MutableMapping[str, Any], step: int, question: str, choice: str) -> None:
    if not _on_screen(state, step):
        return
    answers = dict(state[keys.FORM_ABOUT_ANSWERS])
    words = (answers.get(question) or [None, None])[1]
    answers[question] = [choice, words]
    state[keys.FORM_ABOUT_ANSWERS] = answers


def _next(state: MutableMapping[str, Any], step: int, question: str, skip: bool) -> None:
    if not _on_screen(state, step):
        return
    answers = dict(state[keys.FORM_ABOUT_ANSWERS])
    if skip:
        answers[question] = [None, None]
    else:
        choice = (answers.get(question) or [None, None])[0]
        words = (state.get(f"{W_ABOUT_WORDS}_{question}_{state[keys.FORM_RUN]}") or "").strip()
        answers[question] = [choice, words or None]
    state[keys.FORM_ABOUT_ANSWERS] = answers
    state[keys.FORM_ABOUT_STEP] = step + 1


def _back(state: MutableMapping[str, Any], step: int) -> None:
    if _on_screen(state, step):
        state[keys.FORM_ABOUT_STEP] = max(0, step - 1)


def about_screen(url: str, session: SessionInfo, state: MutableMapping[str, Any]) -> None:
    """One about-me question, or (after the last) store the answers and go on."""
    lang = keys.form_language(state)
    form = load_about_me()
    questions = _questions(state)
    step = state[keys.FORM_ABOUT_STEP]
    if step >= len(questions):
        _store(url, session, state, lang)
        return
    question = form.question(questions[step])
    st.markdown(f"# {form.title[lang]}")
    if step == 0:
        st.markdown(f"### {form.intro[lang]}")
    st.progress(
        step / len(questions),
        text=text("about_question_of", lang, number=step + 1, total=len(questions)),
    )
    st.markdown(f"## {question.question_text(lang)}")
    chosen = (state[keys.FORM_ABOUT_ANSWERS].get(question.id) or [None, None])[0]
    options = [(c.id, c.text.get(lang) or c.text["en"]) for c in question.choices]
    options.append((PREFER_NOT, form.prefer_not[lang]))
    for choice, label in options:
        is_chosen = choice == chosen
        st.button(
            f"**✓ {label} ({text('chosen', lang)})**" if is_chosen else f"**{label}**",
            key=f"{W_ABOUT_CHOICE}_{question.id}_{choice}",
            type="primary" if is_chosen else "secondary",
            width="stretch",
            on_click=_choose,
            args=(state, step, question.id, choice),
        )
    key = f"{W_ABOUT_WORDS}_{question.id}_{state[keys.FORM_RUN]}"
    if key not in state:  # back on this question: the words written before (Streamlit
        # forgets a widget's value once it has left the screen)
        state[key] = (state[keys.FORM_ABOUT_ANSWERS].get(question.id) or [None, None])[1] or ""
    st.text_input(form.own_words[lang], key=key, max_chars=200)
    st.button(
        text("about_next", lang),
        key=f"w_about_next_{question.id}",
        type="primary",
        icon=":material/arrow_forward:",
        width="stretch",
        on_click=_next,
        args=(state, step, question.id, False),
    )
    back_and_skip(
        lang,
        keys=(f"w_about_back_{question.id}", f"w_about_skip_{question.id}"),
        show_back=step > 0,
        on_back=_back,
        back_args=(state, step),
        on_skip=_next,
        skip_args=(state, step, question.id, True),
    )


def _store(url: str, session: SessionInfo, state: MutableMapping[str, Any], lang: str) -> None:
    answers = {q: tuple(a) for q, a in state[keys.FORM_ABOUT_ANSWERS].items()}
    try:
        # They count from the session's day, so the check-in that follows is grouped by them.
        about_me.save_answers(url, state[keys.FORM_MEMBER], answers, given_on=session.date)
    except ValueError:
        st.error(text("save_failed", lang))
        return
    after = _after(state)
    state[keys.FORM_ABOUT] = []
    state[keys.FORM_ABOUT_ANSWERS] = {}
    state[keys.FORM_PHASE] = after
    st.rerun()


def change_screen(url: str, session: SessionInfo, state: MutableMapping[str, Any]) -> None:
    """A member's choice: answer the about-me questions again, or remove every answer."""
    lang = keys.form_language(state)
    form = load_about_me()
    st.markdown(f"# {form.title[lang]}")
    st.markdown(f"**{text('hello', lang, code=state[keys.FORM_MEMBER])}**")
    questions = [q.id for q in about_me.program_questions(url, session.program)]
    st.markdown(f"### {text('about_again_intro', lang)}")
    if st.button(text("about_again", lang), type="primary", width="stretch"):
        start(state, questions, after=_after(state))
        st.rerun()
    if not state[keys.FORM_ABOUT_REMOVE]:
        if st.button(text("about_remove", lang), icon=":material/delete:", width="stretch"):
            state[keys.FORM_ABOUT_REMOVE] = True
            st.rerun()
    else:
        st.warning(text("about_remove_ask", lang))
        if st.button(text("about_remove_sure", lang), icon=":material/delete:", width="stretch"):
            about_me.remove_answers(url, state[keys.FORM_MEMBER])
            member_notice = ("about_removed", {})
            keys.reset_form(state)
            state[keys.FORM_NOTICE] = member_notice
            st.rerun()
    if st.button(text("back", lang), icon=":material/arrow_back:", width="stretch"):
        keys.reset_form(state)
        st.rerun()


def paper_entry(url: str, session: SessionInfo, codes: list[str], who: str) -> None:
    """Staff type in about-me paper forms of `session`'s members not asked yet (Run a session)."""
    questions = about_me.program_questions(url, session.program)
    if not questions:
        return
    with st.expander("About me on paper"):
        grid = about_me.paper_grid(url, session.program, codes)
        if grid.empty:
            st.caption("Every member of this session has been asked the about-me questions.")
            return
        st.caption(
            "Type what each member marked (or leave it empty for a skipped question, and a "
            "whole row empty for a member without an about-me form). Their own words go in "
            "the own-words columns; they are never shown in any result or report."
        )
        config = {"member": st.column_config.TextColumn("Member", disabled=True)}
        for question in questions:
            config[question.id] = st.column_config.SelectboxColumn(
                question.question_text("en"), options=about_me.choice_words(question)
            )
            config[question.id + about_me.OWN_WORDS_COLUMN] = st.column_config.TextColumn(
                "Own words", max_chars=200
            )
        edited = st.data_editor(
            grid,
            column_config=config,
            hide_index=True,
            num_rows="fixed",
            key=f"w_about_paper_{session.id}_{st.session_state[keys.PAPER_RUN]}",
        )
        if st.button("Save about-me forms", icon=":material/save:"):
            try:
                stored = about_me.save_paper(
                    url, edited, session.program, who, given_on=session.date
                )
            except about_me.PaperAboutMeError as problems:
                st.error(
                    "Nothing was saved. Correct these and save again:\n\n"
                    + "\n".join(f"- {problem}" for problem in problems.problems)
                )
            else:
                st.session_state[keys.PAPER_SAVED] = (
                    f"Stored {stored} about-me form(s) as staff-entered."
                )
                st.session_state[keys.PAPER_RUN] += 1
                st.rerun()

"""The Back and Skip buttons under a question of the member form (check-in and about-me)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.strings import text


def back_and_skip(
    lang: str,
    *,
    keys: tuple[str, str],
    show_back: bool,
    on_back: Callable,
    back_args: tuple,
    on_skip: Callable,
    skip_args: tuple,
) -> None:
    """Back (when `show_back`) on the left and Skip on the right, full width, with icons.

    `keys` are the two buttons' widget keys; the callbacks run with their args on a click.
    """
    left, right = st.columns(2)
    with left:
        if show_back:
            st.button(
                text("back", lang),
                key=keys[0],
                icon=":material/arrow_back:",
                width="stretch",
                on_click=on_back,
                args=back_args,
            )
    with right:
        st.button(
            text("skip", lang),
            key=keys[1],
            icon=":material/skip_next:",
            width="stretch",
            on_click=on_skip,
            args=skip_args,
        )

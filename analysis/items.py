"""Item means per session, and the profile of item themes (the five good things) over sessions.

A per-session check-in asks the same items at every session. Which of them move is the
question behind the Over time page's item heatmap and its "five good things" profile (zest,
clarity, sense of worth, wanting to act, more connection: Miller & Stiver, 1997). The items
come in already keyed (reverse-keyed items turned round, ``measures.keyed_items``), so a
higher mean always points the same way as the instrument's scales.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["ItemDataError", "item_means_by_session", "theme_profile"]


class ItemDataError(ValueError):
    """Item answers that cannot be put on sessions (sessions missing or of another length)."""


def item_means_by_session(keyed: pd.DataFrame, sessions) -> pd.DataFrame:
    """Mean of every item at every session, long: one row per item and session.

    Parameters
    ----------
    keyed
        One row per administration, one numeric column per item (keyed answers; missing
        where the item was not answered).
    sessions
        The session number of each administration: a sequence as long as `keyed`, in the
        same order (its index is ignored).

    Returns
    -------
    pandas.DataFrame
        ``session``, ``item``, ``mean``: item by item in `keyed`'s column order, sessions
        in ascending order within each item. ``mean`` is ``nan`` where nobody answered the
        item at that session.

    Raises
    ------
    ItemDataError
        When `sessions` is not as long as `keyed` or has a missing value.

    Notes
    -----
    ``mean = sum of the answers to the item at the session / number of those answers``;
    unanswered items are left out of both.

    Examples
    --------
    >>> keyed = pd.DataFrame({"q1": [1.0, 3.0, 4.0], "q2": [2.0, None, 0.0]})
    >>> item_means_by_session(keyed, [1, 1, 2]).to_dict("records")
    [{'session': 1, 'item': 'q1', 'mean': 2.0}, {'session': 2, 'item': 'q1', 'mean': 4.0}, {'session': 1, 'item': 'q2', 'mean': 2.0}, {'session': 2, 'item': 'q2', 'mean': 0.0}]
    """  # noqa: E501
    numbers = np.asarray(sessions)
    if len(numbers) != len(keyed):
        raise ItemDataError(
            f"{len(numbers)} session numbers for {len(keyed)} administrations: give one "
            "session number per administration"
        )
    if pd.isna(numbers).any():
        raise ItemDataError(
            "an administration has no session number; leave such administrations out first"
        )
    if keyed.empty:
        return pd.DataFrame(columns=["session", "item", "mean"])
    frame = keyed.set_axis(range(len(keyed))).assign(session=numbers)
    means = frame.groupby("session").mean().reset_index()
    return means.melt(id_vars="session", var_name="item", value_name="mean")


def theme_profile(item_long: pd.DataFrame, themes: Mapping[str, str]) -> pd.DataFrame:
    """Mean of each theme's items at each session (the five good things over sessions).

    Parameters
    ----------
    item_long
        Item means per session: ``session``, ``item``, ``mean``, as
        :func:`item_means_by_session` returns them.
    themes
        Item id -> theme, for the items that make up the profile; other items are left out.

    Returns
    -------
    pandas.DataFrame
        ``session``, ``theme``, ``mean``, one row per session and theme, in the order the
        pairs first appear in `item_long` (theme by theme, sessions ascending, for the item
        order of :func:`item_means_by_session`). Empty when no item has a theme.

    Notes
    -----
    A theme's mean at a session is the plain mean of its items' means there, so each item
    weighs the same whatever its number of answers; an item nobody answered at that
    session (``nan``) is left out.

    Examples
    --------
    >>> item_long = pd.DataFrame(
    ...     {"session": [1, 2, 1, 2, 1, 2], "item": ["q1", "q1", "q2", "q2", "q3", "q3"],
    ...      "mean": [2.0, 4.0, 3.0, 3.0, 1.0, 1.0]}
    ... )
    >>> theme_profile(item_long, {"q1": "zest", "q2": "zest"}).to_dict("records")
    [{'session': 1, 'theme': 'zest', 'mean': 2.5}, {'session': 2, 'theme': 'zest', 'mean': 3.5}]
    """  # noqa: E501
    if not themes:
        return pd.DataFrame(columns=["session", "theme", "mean"])
    return (
        item_long[item_long["item"].isin(list(themes))]
        .assign(theme=lambda f: f["item"].map(themes))
        .groupby(["session", "theme"], sort=False)["mean"]
        .mean()
        .reset_index()
    )

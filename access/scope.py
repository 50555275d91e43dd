"""What a signed-in user may see of the stored data: the one door pages use to read answers.

- administrator: every group, member codes shown;
- facilitator: only the groups they are linked to, member codes shown;
- evaluator: every group, member codes replaced by pseudonyms and dates shifted (or
  coarsened) exactly as a de-identified export does (privacy.deidentify), under a key that
  lives only as long as the caller keeps it (one page view, say).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from access.accounts import StaffUser
from access.roles import ANALYSE, SEE_MEMBER_CODES, require
from privacy.deidentify import deidentify_responses, new_export_key
from store.responses import load_responses
from store.roster import list_groups


def _names(column: pd.Series) -> list[str]:
    """Names for matching: a missing program or group (None or NaN) becomes ""."""
    return ["" if pd.isna(value) else str(value) for value in column]


def visible_groups(engine: Engine, user: StaffUser) -> pd.DataFrame:
    """The groups (`store.roster.list_groups` columns) this user may see."""
    groups = list_groups(engine)
    if user.group_ids is None:
        return groups
    return groups[groups["id"].isin(sorted(user.group_ids))].reset_index(drop=True)


def responses_for(
    engine: Engine,
    user: StaffUser,
    *,
    key: bytes | None = None,
    coarsen_dates: bool = False,
    **filters,
) -> pd.DataFrame:
    """Stored responses (`store.responses.load_responses`) as this user may see them.

    `filters` are passed to `load_responses` (program, group, instrument, timepoint, dates).
    For an evaluator, pass the same `key` across calls that must line up (one page), or
    leave it None for a fresh one.
    """
    require(user.role, ANALYSE)
    frame = load_responses(engine, **filters)
    if user.group_ids is not None:
        allowed = visible_groups(engine, user)
        pairs = set(zip(_names(allowed["program"]), _names(allowed["name"]), strict=True))
        keep = [
            pair in pairs
            for pair in zip(_names(frame["program"]), _names(frame["group"]), strict=True)
        ]
        frame = frame[keep].reset_index(drop=True)
    if not user.can(SEE_MEMBER_CODES):
        frame = deidentify_responses(frame, key=key or new_export_key(), coarsen=coarsen_dates)
    return frame

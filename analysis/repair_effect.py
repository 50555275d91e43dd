"""Does repair matter here? Pre/post change of members by how their disconnections ended.

Observational: members whose disconnections were repaired may differ in other ways from those
whose were not. The records come from `analysis.repairs`.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.repairs import OUTCOMES

#: How a member's disconnections ended, for comparing their pre/post change.
REPAIR_CLASSES = ("reconnected", "not reconnected", "no disconnection")

COMPARISON_COLUMNS = [
    "members",
    "members_with_pre",
    "pairs",
    "dropout",
    "mean_change",
    "ci_low",
    "ci_high",
    "improved",
    "unchanged",
    "deteriorated",
]


def repair_class(records: pd.DataFrame) -> dict[str, str]:
    """Member -> "reconnected" or "not reconnected", from their decided member records.

    "reconnected": every decided disconnection of theirs reconnected; "not reconnected": at
    least one ended still disconnected, not seen since, or with the member leaving. Members
    whose disconnections are all still being followed are left out.
    """
    mine = records[records["member"].notna() & records["status"].isin(OUTCOMES)]
    classes: dict[str, str] = {}
    for member, part in mine.groupby(mine["member"].astype(str)):
        repaired = (part["status"] == "reconnected").all()
        classes[member] = "reconnected" if repaired else "not reconnected"
    return classes


def repair_comparison(
    members: pd.DataFrame, classes: dict[str, str], *, level: float = 0.95
) -> pd.DataFrame:
    """Pre/post change of members by how their disconnections ended (observational).

    Parameters
    ----------
    members
        One row per member with a pre score: ``member``, ``pre``, ``post`` (nan when the
        member has no post score: dropout) and ``category`` (the Jacobson-Truax category of
        a member with both, "improved", "unchanged" or "deteriorated"; "recovered" counts as
        improved and "harmed" as deteriorated).
    classes
        `repair_class` of the records; a member not in it is "no disconnection".
    level
        Confidence level of the mean change's interval.

    Returns
    -------
    pandas.DataFrame
        Indexed by `REPAIR_CLASSES`: ``members`` (with a pre score), ``pairs``, ``dropout``
        (share without a post score), ``mean_change`` (post − pre) with its t interval
        ``ci_low``/``ci_high`` (nan below 2 pairs), and counts of reliable change.

    Examples
    --------
    >>> frame = pd.DataFrame({"member": list("ABCD"), "pre": [2.0, 2.0, 3.0, 3.0],
    ...     "post": [3.0, 4.0, float("nan"), 3.5], "category": ["improved", "improved",
    ...     None, "unchanged"]})
    >>> table = repair_comparison(frame, {"A": "reconnected", "B": "reconnected"})
    >>> float(table.loc["reconnected", "mean_change"]), float(table.loc["no disconnection",
    ...     "dropout"])
    (1.5, 0.5)
    """
    from scipy import stats

    labels = members["member"].astype(str).map(lambda m: classes.get(m, "no disconnection"))
    rows = {}
    for name in REPAIR_CLASSES:
        part = members[labels == name]
        pairs = part.dropna(subset=["pre", "post"])
        change = (pairs["post"] - pairs["pre"]).to_numpy(dtype=float)
        n = len(change)
        mean = float(change.mean()) if n else math.nan
        low = high = math.nan
        if n >= 2:
            half = stats.t.ppf(0.5 + level / 2, n - 1) * change.std(ddof=1) / math.sqrt(n)
            low, high = mean - half, mean + half
        category = pairs["category"].replace({"recovered": "improved", "harmed": "deteriorated"})
        rows[name] = {
            "members": len(part),
            "members_with_pre": int(part["pre"].notna().sum()),
            "pairs": n,
            "dropout": (1 - n / len(part)) if len(part) else math.nan,
            "mean_change": mean,
            "ci_low": low,
            "ci_high": high,
            "improved": int((category == "improved").sum()),
            "unchanged": int((category == "unchanged").sum()),
            "deteriorated": int((category == "deteriorated").sum()),
        }
    return pd.DataFrame.from_dict(rows, orient="index", columns=COMPARISON_COLUMNS)

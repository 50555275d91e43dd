"""Members' descriptions of themselves, read from a response file's column (`--by COLUMN`).

A file for `cli.py context` or `cli.py dif` carries, beside the answers, a column with a
description per row: how the member describes their race or ethnicity, their gender, the
language they answered in, the mode of administration. The description counts per
administration (member and timepoint): a member who described themselves differently at
`post` than at `pre` is in one grouping at `pre` and in the other at `post`.

Nothing is dropped: a blank cell is the grouping ``NOT_GIVEN``, and "prefer not to say" (in
any case, English or Spanish) is the grouping ``PREFER_NOT``, each labelled, never left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest import InputError
from ingest.reader import label, read_table

#: The grouping of administrations whose description cell is blank.
NOT_GIVEN = "(not given)"
#: The grouping of members who chose not to describe themselves.
PREFER_NOT = "prefer not to say"
_PREFER_NOT_WORDS = {"prefer not to say", "prefiero no decir", "prefiero no decirlo"}


def grouping_label(value: object) -> str:
    """The grouping a description cell puts an administration in (never None)."""
    text = label(value)
    if text is None or not str(text).strip():
        return NOT_GIVEN
    text = " ".join(str(text).split())
    if text.lower() in _PREFER_NOT_WORDS:
        return PREFER_NOT
    return text


def descriptions_from_file(path: str | Path, column: str) -> pd.DataFrame:
    """Each administration's description in `column` of the file at `path`.

    Returns
    -------
    pandas.DataFrame
        Columns ``member``, ``timepoint`` and ``grouping`` (text), one row per administration.

    Raises
    ------
    ingest.InputError
        When the file has no such column (the message lists the columns it has), or a long
        file gives one administration two different descriptions (rows and values named).
    """
    frame = read_table(path)
    name = Path(path).name
    wanted = column.strip().lower()
    if wanted not in frame.columns:
        raise InputError(
            f"{name}: no column named '{column}' to group by (the columns are "
            + ", ".join(f"'{c}'" for c in frame.columns)
            + "). Name one of these with --by."
        )
    for needed in ("member", "timepoint"):
        if needed not in frame.columns:
            raise InputError(f"{name}: no column named '{needed}'; every row needs one.")
    rows = pd.DataFrame(
        {
            "member": frame["member"].map(label),
            "timepoint": frame["timepoint"].map(label),
            "grouping": frame[wanted].map(grouping_label),
            "row": frame.index,
        }
    )
    distinct = rows.groupby(["member", "timepoint"], sort=False)["grouping"].nunique()
    conflicting = distinct[distinct > 1]
    if not conflicting.empty:
        member, timepoint = conflicting.index[0]
        clash = rows[(rows["member"] == member) & (rows["timepoint"] == timepoint)]
        seen = clash.drop_duplicates("grouping").head(2)
        where = "; ".join(f"row {r.row}: '{r.grouping}'" for r in seen.itertuples())
        raise InputError(
            f"{name}, column '{column}': member {member} at {timepoint} is described two "
            f"ways ({where}). One administration has one description: correct the rows "
            f"({len(conflicting)} administration(s) in all)."
        )
    return rows.drop_duplicates(["member", "timepoint"])[["member", "timepoint", "grouping"]]

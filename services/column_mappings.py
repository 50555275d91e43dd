"""Remembered column mappings for the Upload page, and the mapping file the CLI reads.

A staff member's mapping of a file's columns is remembered per questionnaire and set of
column names (store.column_mappings) when they store the file or ask for it, and offered
when a file with the same columns comes again (a corrected file, next month's export). The
same mapping downloads as the YAML file `cli.py import --mapping FILE` reads
(`ingest.mapping_yaml`).
"""

from __future__ import annotations

from ingest import mapping_yaml
from services.selection import engine_for
from store.column_mappings import RememberedMapping


def recall(url: str, user, columns, instrument: str | None = None) -> RememberedMapping | None:
    """The mapping `user` remembered for this set of `columns` (and `instrument`), or None.

    Without `instrument`: the most recently remembered one for these columns. None for no
    user (nobody to remember for).
    """
    from store.column_mappings import recall as stored

    username = getattr(user, "username", None)
    if not username:
        return None
    return stored(engine_for(url), username, list(columns), instrument)


def remember(url: str, user, instrument: str, mapping: dict[str, str]) -> bool:
    """Remember `mapping` ({their column: our column, "" to keep its name}) for `user`.

    Keyed by `instrument` and the set of the mapping's columns. Returns False (nothing
    kept) when there is no signed-in user.
    """
    from store.column_mappings import remember as keep

    username = getattr(user, "username", None)
    if not username:
        return False
    keep(engine_for(url), username, instrument, list(mapping), mapping)
    return True


def prefilled(
    columns, suggested: dict[str, str], remembered: RememberedMapping | None, targets
) -> dict[str, str]:
    """Each column's first choice in its selector.

    The remembered target when it is one of `targets`, else the suggestion
    (`services.uploads.suggest_mapping`), else "" (keep its name).
    """
    allowed = set(targets)
    chosen: dict[str, str] = {}
    for column in columns:
        choice = suggested.get(column, "")
        if remembered is not None:
            choice = remembered.mapping.get(str(column).strip().lower(), choice)
        chosen[column] = choice if choice in allowed else ""
    return chosen


def mapping_file(mapping: dict[str, str]) -> bytes:
    """The mapping as the YAML file `cli.py import --mapping FILE` reads (UTF-8)."""
    return mapping_yaml(mapping).encode("utf-8")

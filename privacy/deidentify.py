"""De-identification of exported and evaluator-facing data.

Decisions (docs/security.md explains them):

- Member codes become keyed pseudonyms ``P-<12 hex>``: HMAC-SHA256 of the code under a
  random 256-bit key drawn for each export and then thrown away. Within one export a member
  keeps one pseudonym (their pre and post rows still pair up); two exports of the same
  data share no pseudonyms, so exports cannot be linked to each other or back to codes.
- Dates are shifted by a whole number of days per member (1 to `MAX_SHIFT_DAYS`, either
  direction), derived from the same per-export key: the gaps between one member's
  administrations stay true (pre to post is still 10 weeks), but no date is a real one,
  and members of one group no longer line up on the same calendar day. On request dates are
  coarsened to the month instead (``2025-03``, not shifted), for reports by calendar month.
- Aggregate tables suppress small cells: privacy.suppression.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

import pandas as pd

#: Largest date shift in days (about six months either way).
MAX_SHIFT_DAYS = 182


def new_export_key() -> bytes:
    """A fresh random 256-bit key for one export (use it once, keep it nowhere)."""
    return secrets.token_bytes(32)


def pseudonym(code: str, key: bytes) -> str:
    """The pseudonym of member `code` under `key`: ``P-`` and 12 hex digits of HMAC-SHA256.

    48 bits keep accidental collisions negligible for any realistic program size (one in a
    million for ~24,000 members) while staying short enough to read.
    """
    digest = hmac.new(key, f"member:{code}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def date_shift_days(code: str, key: bytes, max_days: int = MAX_SHIFT_DAYS) -> int:
    """The member's date shift under `key`: 1 to `max_days` days, earlier or later."""
    digest = hmac.new(key, f"date-shift:{code}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    days = number % max_days + 1
    return days if (number >> 63) & 1 else -days


def pseudonymise(
    frame: pd.DataFrame, key: bytes, columns: Sequence[str] = ("member",)
) -> pd.DataFrame:
    """A copy of `frame` with member codes in `columns` replaced by their pseudonyms."""
    result = frame.copy()
    for column in columns:
        if column in result:
            result[column] = (
                result[column]
                .astype(object)
                .map(lambda code: None if pd.isna(code) else pseudonym(str(code), key))
            )
    return result


def shift_dates(
    frame: pd.DataFrame,
    key: bytes,
    date_column: str = "date",
    member_column: str = "member",
    max_days: int = MAX_SHIFT_DAYS,
) -> pd.DataFrame:
    """A copy with each member's dates moved by their `date_shift_days` (run before pseudonyms).

    Dates come back as ``YYYY-MM-DD`` text; a missing date stays missing.
    """
    result = frame.copy()
    if date_column not in result:
        return result
    dates = pd.to_datetime(result[date_column], errors="raise")
    shifts = (
        result[member_column]
        .astype(object)
        .map(lambda code: 0 if pd.isna(code) else date_shift_days(str(code), key, max_days))
    )
    shifted = dates + pd.to_timedelta(shifts.astype(int), unit="D")
    result[date_column] = shifted.dt.strftime("%Y-%m-%d").astype(object)
    result[date_column] = result[date_column].where(dates.notna(), None)
    return result


def coarsen_dates(frame: pd.DataFrame, date_column: str = "date") -> pd.DataFrame:
    """A copy with dates reduced to their month, ``YYYY-MM`` (a missing date stays missing)."""
    result = frame.copy()
    if date_column not in result:
        return result
    dates = pd.to_datetime(result[date_column], errors="raise")
    result[date_column] = dates.dt.strftime("%Y-%m").astype(object)
    result[date_column] = result[date_column].where(dates.notna(), None)
    return result


def deidentify_responses(
    frame: pd.DataFrame,
    *,
    key: bytes | None = None,
    coarsen: bool = False,
    member_columns: Sequence[str] = ("member",),
) -> pd.DataFrame:
    """Responses (the long export format, or any frame with member and date) de-identified.

    Dates are shifted per member (or coarsened to the month with `coarsen`), then member
    codes replaced by pseudonyms; all under `key`, a fresh `new_export_key` when None.
    Other columns (group, program, session number, timepoint, answers) are kept: they are
    what an evaluation needs and name no person.
    """
    key = key or new_export_key()
    result = coarsen_dates(frame) if coarsen else shift_dates(frame, key)
    return pseudonymise(result, key, member_columns)

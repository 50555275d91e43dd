"""Scoring administrations: reverse keys, scale means or sums, prorating, refused values.

An *administration* is one member answering one instrument at one timepoint. Scoring takes a
wide table (one row per administration, one column per item id) and returns one row per
administration with one column per scale plus ``<scale>_answered`` and ``<scale>_prorated``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from contract import WIDE_ID_COLUMNS
from measures.schema import Instrument

#: Columns that identify an administration, in the order they are written out.
#: What identifies an administration in a wide table (contract.WIDE_ID_COLUMNS).
ID_COLUMNS = list(WIDE_ID_COLUMNS)


@dataclass(frozen=True)
class RefusedAnswer:
    """An answer the instrument's response scale does not accept."""

    member: str
    timepoint: str
    item: str
    value: object
    reason: str

    def __str__(self) -> str:
        value = self.value
        if hasattr(value, "item") and not isinstance(value, str | bytes):
            value = value.item()  # numpy scalar -> plain Python, so it prints as 10.5
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        shown = f"{value:g}" if is_number else repr(value)
        return (
            f"member {self.member}, timepoint {self.timepoint}, item {self.item}: "
            f"value {shown} {self.reason}"
        )


class ScoringError(ValueError):
    """Answers that cannot be scored; `.refused` lists every one of them."""

    def __init__(self, instrument: Instrument, refused: list[RefusedAnswer]):
        self.refused = refused
        shown = "\n".join(f"  {r}" for r in refused[:20])
        more = f"\n  ... and {len(refused) - 20} more" if len(refused) > 20 else ""
        super().__init__(
            f"{len(refused)} answer(s) are not on the {instrument.id} response scale and "
            f"were not scored. Correct them in the source data and try again:\n{shown}{more}"
        )


def _scale_rule(instrument: Instrument) -> str:
    rs = instrument.response_scale
    if rs.is_continuous:
        return f"is outside the response scale ({rs.min:g} to {rs.max:g})"
    return f"is not one of the answers {rs.min:g}, {rs.min + 1:g}, ... {rs.max:g}"


def refused_answers(wide: pd.DataFrame, instrument: Instrument) -> list[RefusedAnswer]:
    """Every answer in `wide` that the instrument's response scale refuses.

    Blank (missing) answers are not refused: they are skipped items. Text, values outside
    min..max and, on a discrete scale, values between two points (2.5) are refused.
    """
    rs = instrument.response_scale
    refused = []
    items = [i for i in instrument.item_ids if i in wide.columns]
    for item in items:
        raw = wide[item]
        numeric = pd.to_numeric(raw, errors="coerce")
        text = raw.notna() & numeric.isna()
        out_of_range = numeric.notna() & ((numeric < rs.min) | (numeric > rs.max))
        between = (
            numeric.notna() & ~out_of_range & ((numeric - rs.min) % 1 != 0)
            if not rs.is_continuous
            else pd.Series(False, index=raw.index)
        )
        for mask, reason in (
            (text, "is not a number"),
            (out_of_range, _scale_rule(instrument)),
            (between, _scale_rule(instrument)),
        ):
            for index in raw.index[mask.to_numpy()]:
                refused.append(
                    RefusedAnswer(
                        member=str(wide.at[index, "member"]) if "member" in wide else "?",
                        timepoint=str(wide.at[index, "timepoint"]) if "timepoint" in wide else "?",
                        item=item,
                        value=raw.at[index],
                        reason=reason,
                    )
                )
    return refused


def keyed_items(wide: pd.DataFrame, instrument: Instrument, items: list[str]) -> pd.DataFrame:
    """The numeric answers to `items`, reverse-keyed where the item says so.

    Items absent from `wide` come back as all-missing columns.
    """
    rs = instrument.response_scale
    columns = {}
    for item_id in items:
        if item_id in wide.columns:
            values = pd.to_numeric(wide[item_id], errors="coerce").astype(float)
        else:
            values = pd.Series(np.nan, index=wide.index)
        if instrument.item(item_id).reverse:
            values = rs.min + rs.max - values
        columns[item_id] = values
    return pd.DataFrame(columns, index=wide.index)


def score_range(instrument: Instrument, scale_id: str) -> tuple[float, float]:
    """The lowest and highest score a scale can take, for chart axes.

    Parameters
    ----------
    instrument
        The instrument definition.
    scale_id
        One of its scales.

    Returns
    -------
    tuple of float
        ``(min, max)`` of the response scale for a ``mean`` scale; times the scale's item
        count for a ``sum`` scale (prorated sums stay within it, see :func:`score`).

    Examples
    --------
    >>> from measures import load_instrument
    >>> score_range(load_instrument("mutuality-checkin"), "total")
    (1.0, 5.0)
    """
    scale = instrument.scale(scale_id)
    low, high = float(instrument.response_scale.min), float(instrument.response_scale.max)
    k = len(scale.items) if scale.method == "sum" else 1
    return low * k, high * k


def score(wide: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Score every administration in a wide table.

    Parameters
    ----------
    wide
        One row per administration: ``member``, ``timepoint`` (and optionally ``group``,
        ``program``, ``session``, ``date``, ``mode``) and one column per item id.
    instrument
        The instrument definition.

    Returns
    -------
    pandas.DataFrame
        The identifying columns present in `wide`, then one column per scale, then
        ``<scale>_answered`` (items answered) and ``<scale>_prorated`` (True when the score
        was prorated over skipped items) for each scale.

    Notes
    -----
    Reverse keying is ``min + max - value``. A scale with more skipped items than its
    ``max_missing`` scores as missing. Within the limit the score is prorated: the mean of the
    answered items, or for ``sum`` scales that mean times the scale's item count.

    Raises
    ------
    ScoringError
        When any answer is outside the response scale; nothing is scored then.
    """
    refused = refused_answers(wide, instrument)
    if refused:
        raise ScoringError(instrument, refused)
    keys = [c for c in ID_COLUMNS if c in wide.columns]
    result = wide[keys].copy()
    extras = {}
    for scale in instrument.scales:
        values = keyed_items(wide, instrument, scale.items).to_numpy()
        answered = np.sum(~np.isnan(values), axis=1)
        missing = len(scale.items) - answered
        usable = missing <= scale.max_missing
        total = np.nansum(values, axis=1)
        mean = np.full(len(values), np.nan)
        scored = usable & (answered > 0)
        mean[scored] = total[scored] / answered[scored]
        value = mean * len(scale.items) if scale.method == "sum" else mean
        result[scale.id] = value
        extras[f"{scale.id}_answered"] = answered
        extras[f"{scale.id}_prorated"] = usable & (missing > 0)
    for name, column in extras.items():
        result[name] = column
    return result.reset_index(drop=True)

"""From a spreadsheet to administrations: the answers of a file, checked against instruments.

`administrations_from_table` turns a long answer table (``ingest.read_responses(...).long``)
into `store.administrations.Administration`s ready to store, refusing the whole file with
every problem listed (`ImportRefusedError`) when any answer is unusable: unknown items,
values the instrument refuses, duplicated answers, unreadable sessions or dates, and rows of
one administration that disagree about its context.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from measures import Instrument, load_instrument, refused_answers
from store.administrations import Administration, AdministrationError


class ImportRefusedError(ValueError):
    """A file whose answers cannot all be stored; `.problems` lists each one. Nothing is stored."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:30])
        more = f"\n  ... and {len(problems) - 30} more" if len(problems) > 30 else ""
        super().__init__(
            f"{source}: {len(problems)} problem(s); nothing was stored. Correct them in the "
            f"file and import it again:\n{shown}{more}"
        )


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _session_number(value: object) -> int:
    number = float(str(value).strip())
    if not number.is_integer():
        raise ValueError
    return int(number)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(str(value).strip()).date()


def _texts(column: pd.Series, transform=None) -> np.ndarray:
    """`_text` of every cell (then `transform` of the non-blank ones), once per distinct value."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = [_text(value) for value in uniques]
    if transform is not None:
        mapped = [None if value is None else transform(value) for value in mapped]
    # The NA sentinel (-1) picks the trailing None.
    return np.array([*mapped, None], dtype=object)[codes]


def administrations_from_table(
    long: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    source: str = "file",
    layout: str = "long",
    mode: str = "imported",
    entered_by: str | None = None,
) -> list[Administration]:
    """The administrations in a long answer table (one row per item answer).

    Parameters
    ----------
    long
        Columns ``member``, ``timepoint``, ``item``, ``value`` and optionally ``instrument``,
        ``group``, ``program``, ``session``, ``date``, ``mode`` (ARCHITECTURE.md, spreadsheet
        contract), e.g. ``ingest.read_responses(...).long``.
    instrument
        Instrument for rows that do not name one (and the one rows must name, if given).
    source, layout
        File name and ``long``/``wide`` layout, for messages (row numbers for long files).
    mode, entered_by
        Recorded for rows without a ``mode`` column value.

    Raises
    ------
    ImportRefusedError
        Listing every unknown item, refused value, duplicated answer, unreadable session or
        date, and administration whose rows disagree about its group, session, date or mode.

    Notes
    -----
    Column-wise (each distinct cell value is read once), so a program of three million
    answers is read in seconds; rows are visited one by one only to word a problem.
    """
    problems: list[str] = []
    # object dtype: pandas 3 string columns would turn the None of `_text` back into NA.
    frame = long.reset_index(drop=True).astype(object)

    def where(index: int) -> str:
        row = frame.loc[index]
        place = f"row {index + 2}: " if layout == "long" else ""
        return f"{place}member {row.get('member')}, timepoint {row.get('timepoint')}"

    instruments: dict[str, Instrument] = {}
    if instrument is not None:
        instruments[instrument.id] = instrument
    if "instrument" in frame:
        names = _texts(frame["instrument"], str.lower)
    else:
        names = np.full(len(frame), None, dtype=object)
    unloadable: dict[str, str] = {}
    for name in pd.unique(names[pd.notna(names)]):
        if instrument is None and name not in instruments:
            try:
                instruments[name] = load_instrument(name)
            except ValueError as error:
                unloadable[name] = str(error)
    unnamed = pd.isna(names)
    if instrument is not None:
        wrong = ~unnamed & (names != instrument.id)
        bad = np.flatnonzero(wrong)
    else:
        wrong = np.zeros(len(frame), dtype=bool)
        bad = np.flatnonzero(unnamed | np.isin(names, list(unloadable)))
    for index in bad:
        name = names[index]
        if name is None:
            problems.append(
                f"{where(index)}: no instrument named; add an instrument column or choose the "
                "instrument"
            )
        elif wrong[index]:
            problems.append(
                f"{where(index)}: instrument {name!r} differs from the chosen {instrument.id!r}"
            )
        else:
            problems.append(f"{where(index)}: {unloadable[name]}")
    if instrument is not None:
        names = np.where(unnamed, instrument.id, names)
    frame["instrument"] = names

    present = np.ones(len(frame), dtype=bool)
    for column in ("member", "timepoint", "item"):
        if column not in frame:
            problems.append(f"{source}: no {column} column")
            raise ImportRefusedError(source, problems)
        blank = pd.isna(_texts(frame[column]))
        for index in frame.index[blank]:
            problems.append(f"{where(index)}: the {column} cell is empty")
        present &= ~blank
    frame = frame[present]

    unknown = np.zeros(len(frame), dtype=bool)
    for instrument_id, known in instruments.items():
        unknown |= (frame["instrument"] == instrument_id).to_numpy() & ~frame["item"].isin(
            known.item_ids
        ).to_numpy()
    for index in frame.index[unknown]:
        row = frame.loc[index]
        known = instruments[row["instrument"]]
        problems.append(
            f"{where(index)}: item {row['item']!r} is not an item of {known.id} "
            f"({known.item_ids[0]} ... {known.item_ids[-1]})"
        )
    keys = ["member", "instrument", "timepoint", "item"]
    repeated = frame[frame.duplicated(keys, keep="first")]
    for index, row in repeated.iterrows():
        problems.append(
            f"{where(index)}: item {row['item']} is answered more than once for this "
            "administration; keep one row"
        )

    for instrument_id, rows in frame.groupby("instrument", sort=False):
        known = instruments.get(instrument_id)
        if known is None:
            continue
        wide = rows.pivot_table(
            index=["member", "timepoint"], columns="item", values="value", aggfunc="first"
        ).reset_index()
        problems.extend(f"{known.id}: {refused}" for refused in refused_answers(wide, known))

    administrations = _administrations(frame, instruments, mode, entered_by, where, problems)
    if problems:
        raise ImportRefusedError(source, problems)
    return administrations


def _administrations(
    frame: pd.DataFrame,
    instruments: dict[str, Instrument],
    mode: str,
    entered_by: str | None,
    where,
    problems: list[str],
) -> list[Administration]:
    """One `Administration` per (member, instrument, timepoint) of `frame`, in file order.

    Problems (context that differs within an administration, unreadable sessions or dates,
    refused administrations) are appended to `problems` in file order.
    """
    frame = frame[frame["instrument"].isin(list(instruments)).to_numpy()]
    if frame.empty:
        return []
    keys = ["member", "instrument", "timepoint"]
    # Groups numbered in order of first appearance, as groupby(sort=False) visits them.
    codes = frame.groupby(keys, sort=False).ngroup().to_numpy()
    count = int(codes.max()) + 1
    _, first_rows = np.unique(codes, return_index=True)
    labels = frame.index.to_numpy()

    context: dict[str, np.ndarray] = {}
    for column in (c for c in ("group", "program", "session", "date", "mode") if c in frame):
        values = pd.DataFrame({"code": codes, "value": _texts(frame[column])})
        values = values.dropna().drop_duplicates()
        chosen = np.full(count, None, dtype=object)
        if not values.empty:
            single = ~values["code"].duplicated(keep=False).to_numpy()
            chosen[values["code"].to_numpy()[single]] = values["value"].to_numpy()[single]
            for code, differing in values[~single].groupby("code")["value"]:
                chosen[code] = _Differing(column, sorted(differing))
        context[column] = chosen
    converters = {"session": _session_number, "date": _date}
    converted: dict[tuple[str, str], object] = {}

    first_answer = ~frame.duplicated([*keys, "item"], keep="first").to_numpy()
    answered = frame[first_answer]
    answer_codes = codes[first_answer]
    items = answered["item"].to_numpy()
    raw_values = answered["value"].to_numpy()
    values = np.where(pd.isna(_texts(answered["value"])), None, raw_values)
    positions = np.zeros(len(answered), dtype=np.int64)
    for instrument_id, known in instruments.items():
        order = {item: position for position, item in enumerate(known.item_ids)}
        mine = (answered["instrument"] == instrument_id).to_numpy()
        positions[mine] = [order.get(item, len(order)) for item in items[mine]]
    ordering = np.lexsort((positions, answer_codes))
    items, values = items[ordering].tolist(), values[ordering].tolist()
    bounds = np.searchsorted(answer_codes[ordering], np.arange(count + 1))

    group_keys = frame[keys].to_numpy()[first_rows]
    administrations: list[Administration] = []
    for code in range(count):
        member, instrument_id, timepoint = group_keys[code]
        known = instruments[instrument_id]
        first = labels[first_rows[code]]
        values_of: dict[str, object] = {}
        for column, chosen in context.items():
            value = chosen[code]
            if isinstance(value, _Differing):
                problems.append(
                    f"{where(first)}: rows of this administration give different {column} "
                    f"values ({', '.join(value.values)}); use one"
                )
                continue
            if value is None or column not in converters:
                values_of[column] = value
                continue
            if (column, value) not in converted:
                try:
                    converted[(column, value)] = converters[column](value)
                except (ValueError, TypeError):
                    converted[(column, value)] = _UNREADABLE
            result = converted[(column, value)]
            if result is _UNREADABLE:
                what = "a whole session number" if column == "session" else "a date (YYYY-MM-DD)"
                problems.append(f"{where(first)}: {column} {value!r} is not {what}")
            else:
                values_of[column] = result
        start, end = bounds[code], bounds[code + 1]
        pairs = zip(items[start:end], values[start:end], strict=True)
        answers = {str(item): value for item, value in pairs}
        try:
            administrations.append(
                Administration(
                    member=str(member),
                    instrument=known.id,
                    instrument_version=known.version,
                    timepoint=str(timepoint),
                    answers=answers,
                    group=values_of.get("group"),
                    program=values_of.get("program"),
                    session=values_of.get("session"),
                    date=values_of.get("date"),
                    mode=values_of.get("mode") or mode,
                    entered_by=entered_by,
                )
            )
        except AdministrationError as error:
            problems.append(f"{where(first)}: {error}")
    return administrations


@dataclass(frozen=True)
class _Differing:
    """Context values that differ between the rows of one administration."""

    column: str
    values: list[str]


_UNREADABLE = object()

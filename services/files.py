"""Answers from a file: read a response spreadsheet, check it, hand back its answers.

Every command that analyses a file (score, reliability, change, groups, trend, report) starts
here, so they all refuse the same files with the same messages: the checks are those of an
import (`ingest.validate_responses`). A file with two different answers for the same member,
timepoint and item, an answer outside the response scale, or text where a number belongs is
refused with the member, timepoint, item, value, spreadsheet row and column; nothing is
analysed until the file is corrected. Warnings (an unused column, a repeated identical row)
lose nothing and do not stop an analysis.

>>> answers = answers_from_file("phq9.csv", instrument="phq9")    # doctest: +SKIP
>>> answers.scored()                                               # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ingest import ResponseTable, ValidationReport, read_responses, validate_responses
from measures import Instrument, score

#: What the validation report says is not done when a file is refused for an analysis.
ANALYSED = "analysed"


@dataclass
class FileAnswers:
    """The checked answers of one response file (no errors; `report` lists the warnings)."""

    table: ResponseTable
    report: ValidationReport
    #: Rows of a long file that name another instrument (an export holds several): left out.
    other_instruments: int = 0

    @property
    def instrument(self) -> Instrument:
        """The instrument the answers belong to (named, or found from the item ids)."""
        return self.table.instrument

    @property
    def source(self) -> str:
        """The file's name, for messages."""
        return self.table.source

    def wide(self) -> pd.DataFrame:
        """One row per administration, one column per item (answers as given)."""
        return self.table.wide()

    def scored(self) -> pd.DataFrame:
        """`measures.score` of every administration: one row each, one column per scale."""
        return score(self.wide(), self.instrument)

    def scale(self, scale: str) -> str:
        """`scale` when the instrument has it; ValueError naming the scales it has otherwise."""
        scale_ids = [s.id for s in self.instrument.scales]
        if scale not in scale_ids:
            raise ValueError(
                f"{self.source}: {self.instrument.id} has no scale {scale!r}; "
                f"its scales are {', '.join(scale_ids)}."
            )
        return scale


def answers_from_file(
    path: str | Path,
    instrument: str | Instrument | None = None,
    mapping: str | Path | dict[str, str] | None = None,
) -> FileAnswers:
    """Read a response file and check it as an import does; its answers, or a clear refusal.

    Parameters
    ----------
    path
        A csv, xlsx, xls, xlsb or ods file in the long or wide layout (ARCHITECTURE.md,
        "Spreadsheet input").
    instrument
        Instrument id, path to a YAML definition, or Instrument; found from the item ids
        when None.
    mapping
        The file's column names -> ours (a dict, or a YAML or csv mapping file).

    Returns
    -------
    FileAnswers
        The table, its validation report (warnings only) and the wide and scored answers.

    Raises
    ------
    ingest.InputError
        When the file cannot be read or no instrument can be found for it.
    ingest.ValidationError
        (an InputError) When the file has errors: conflicting answers for the same member,
        timepoint and item, values outside the response scale, text where a number belongs,
        a missing member or timepoint, ... Its message lists every one with row, column,
        member, timepoint, item and value; ``.report`` holds them all.
    """
    table = read_responses(path, instrument=instrument, mapping=mapping)
    table, others = chosen_instrument_only(table) if instrument is not None else (table, 0)
    report = validate_responses(table)
    report.use = ANALYSED
    report.raise_for_errors()
    return FileAnswers(table, report, others)


def chosen_instrument_only(table: ResponseTable) -> tuple[ResponseTable, int]:
    """A long file's rows of the table's instrument (or naming none), and how many were not.

    A long file may hold several instruments (``cli.py export`` writes every one): an
    analysis of one of them reads its rows and leaves the others, which it counts.
    """
    long = table.long
    if "instrument" not in long:
        return table, 0
    named = long["instrument"]
    keep = named.isna() | (named.astype(str).str.strip().str.lower() == table.instrument.id)
    if keep.all():
        return table, 0
    rows = long[keep]
    kept = dataclasses.replace(table, long=rows, row_numbers=table.row_numbers.reindex(rows.index))
    return kept, int((~keep).sum())

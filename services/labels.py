"""The column words of the pages: `analysis.labels`, the dictionary the Excel report uses too.

Pages name a table's columns through here (they may not import analysis/), so a page and the
workbook say the same words for the same statistic.
"""

from __future__ import annotations

import pandas as pd

from analysis.labels import COLUMN_WORDS as COLUMN_WORDS
from analysis.labels import ITEM_TEXT as ITEM_TEXT
from analysis.labels import column_word as column_word
from analysis.labels import machine_name as machine_name
from analysis.labels import with_item_wording
from analysis.labels import worded as worded
from services.catalog import instrument_by_id


def page_table(frame: pd.DataFrame, instrument_id: str | None = None) -> pd.DataFrame:
    """`frame` as a page shows it: item wording beside item ids, every column in words.

    `instrument_id` names scales and items (scale ids become scale names in the header, an
    ``item`` column gets the item's wording beside it).
    """
    instrument = instrument_by_id(instrument_id) if instrument_id else None
    if instrument is not None:
        frame = with_item_wording(frame, instrument)
    return worded(frame, instrument)

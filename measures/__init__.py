"""Instruments as data: the definition schema, the built-in library and scoring.

>>> from measures import load_instrument, score
>>> checkin = load_instrument("mutuality-checkin")
"""

from measures.library import (
    CHECKIN,
    CONNECTION,
    FOLLOW_UP,
    InstrumentError,
    available_instruments,
    builtin_instruments,
    detect_instrument,
    load_instrument,
    load_instrument_file,
    parse_instrument,
    user_instruments,
)
from measures.schema import Instrument, Item, Norm, ResponseScale, Scale
from measures.scoring import (
    ID_COLUMNS,
    RefusedAnswer,
    ScoringError,
    keyed_items,
    refused_answers,
    score,
    score_range,
)

__all__ = [
    "CHECKIN",
    "FOLLOW_UP",
    "CONNECTION",
    "ID_COLUMNS",
    "Instrument",
    "InstrumentError",
    "Item",
    "Norm",
    "RefusedAnswer",
    "ResponseScale",
    "Scale",
    "ScoringError",
    "available_instruments",
    "builtin_instruments",
    "detect_instrument",
    "keyed_items",
    "load_instrument",
    "load_instrument_file",
    "parse_instrument",
    "refused_answers",
    "score",
    "score_range",
    "user_instruments",
]

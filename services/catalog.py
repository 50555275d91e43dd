"""Instruments a user may choose: the built-in library and users' own definitions.

Users' own instrument definitions live as YAML files in ``<data folder>/instruments/``
(contract.user_instruments_dir, next to the SQLite file), on measures/' search path: stored
answers of such an instrument are scored later by its id, like a built-in one, and the
command line finds it by id too.
"""

from __future__ import annotations

from contract import user_instruments_dir
from measures import (
    Instrument,
    InstrumentError,
    available_instruments,
    builtin_instruments,
    load_instrument,
    parse_instrument,
    user_instruments,
)

__all__ = [
    "add_user_instrument",
    "available_instruments",
    "instrument_by_id",
    "user_instruments",
    "user_instruments_dir",
]


def instrument_by_id(instrument_id: str) -> Instrument:
    """A built-in instrument, or a user's own one saved by `add_user_instrument`."""
    return load_instrument(instrument_id)  # raises InstrumentError with the list of ids


def add_user_instrument(text: str, filename: str) -> Instrument:
    """Validate a user's YAML definition and keep it in `user_instruments_dir`.

    Raises
    ------
    InstrumentError
        With one line per problem (field and what is wrong), or when the id is a built-in
        instrument's.
    """
    instrument = parse_instrument(text, source=filename)
    if instrument.id in {i.id for i in builtin_instruments()}:
        raise InstrumentError(
            f"{filename}: field 'id': '{instrument.id}' is a built-in instrument; give your "
            f"definition its own id (e.g. '{instrument.id}-local')"
        )
    folder = user_instruments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{instrument.id}.yaml").write_text(text, encoding="utf-8")
    return instrument

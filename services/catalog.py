"""Instruments a user may choose: the built-in library and users' own definitions.

Users' own instrument definitions live as YAML files in ``<data dir>/instruments/``
(next to the SQLite file), so stored answers of such an instrument can be scored later by
its id, like a built-in one.
"""

from __future__ import annotations

from pathlib import Path

from measures import (
    Instrument,
    builtin_instruments,
    load_instrument,
)
from measures.library import InstrumentError, parse_instrument

# Instruments --------------------------------------------------------------------------------


def user_instruments_dir() -> Path:
    """Folder of users' own instrument definitions (``<data dir>/instruments``)."""
    from store.db import data_dir

    return data_dir() / "instruments"


def user_instruments() -> list[Instrument]:
    """Users' own instruments, by id; a file that no longer validates is left out."""
    found = []
    folder = user_instruments_dir()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            found.append(load_instrument(path))
        except InstrumentError:
            continue
    return found


def available_instruments() -> list[Instrument]:
    """Built-in instruments, then users' own."""
    builtin = builtin_instruments()
    known = {i.id for i in builtin}
    return builtin + [i for i in user_instruments() if i.id not in known]


def instrument_by_id(instrument_id: str) -> Instrument:
    """A built-in instrument, or a user's own one saved by `add_user_instrument`."""
    for instrument in available_instruments():
        if instrument.id == instrument_id:
            return instrument
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
            "definition its own id (e.g. '{instrument.id}-local')"
        )
    folder = user_instruments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{instrument.id}.yaml").write_text(text, encoding="utf-8")
    return instrument

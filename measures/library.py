"""Finding and loading instrument definitions: the built-in library and users' own YAML files.

The search path, in order: the built-in library (``measures/instruments/``), then users' own
definitions in ``<data folder>/instruments/`` (contract.user_instruments_dir: where the app's
Settings page saves them). An id is looked up along it by the app and the command line alike,
and auto-detection from a file's item columns looks at both. A built-in id always wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from contract import user_instruments_dir
from measures.schema import ID_PATTERN, Instrument

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
#: The two instruments written for Mutuality: the per-session check-in and the pre/post form.
CHECKIN = "mutuality-checkin"
#: The one question a member is asked at their next check-ins after a disconnection alert.
FOLLOW_UP = "mutuality-followup"
CONNECTION = "relational-connection"


class InstrumentError(ValueError):
    """An instrument definition that cannot be used; the message names file, field and problem."""


def _pattern_message(detail: dict) -> str:
    allowed = (
        "lowercase letters, digits and dashes, e.g. 'my-scale'"
        if detail.get("ctx", {}).get("pattern") == ID_PATTERN
        else "lowercase letters, digits and underscores, e.g. 'phq9_1'"
    )
    return f"{detail.get('input')!r} is not a valid id: use {allowed}"


def _describe_validation_error(source: str, error: ValidationError) -> str:
    problems = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"]) or "(top level)"
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "missing":
            message = "required field is missing"
        elif detail["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see docs/instruments.md)"
        elif detail["type"] == "string_pattern_mismatch":
            message = _pattern_message(detail)
        problems.append(f"{source}: field '{field}': {message}")
    return "\n".join(problems)


def parse_instrument(text: str, source: str = "<text>") -> Instrument:
    """Validate an instrument definition given as YAML text.

    Raises
    ------
    InstrumentError
        With one line per problem: ``source: field 'scales.0.items': ...``.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InstrumentError(f"{source}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise InstrumentError(f"{source}: an instrument definition must be a YAML mapping")
    try:
        return Instrument.model_validate(data)
    except ValidationError as error:
        raise InstrumentError(_describe_validation_error(source, error)) from None


def load_instrument_file(path: str | Path) -> Instrument:
    """Load and validate one YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(f"{path}: no such instrument file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentError(f"{path}: cannot be read ({error})") from None
    return parse_instrument(text, source=str(path))


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Instrument]:
    instruments = {}
    for path in sorted(INSTRUMENTS_DIR.glob("*.yaml")):
        instrument = load_instrument_file(path)
        if instrument.id != path.stem:
            raise InstrumentError(
                f"{path}: field 'id': '{instrument.id}' must match the file name '{path.stem}'"
            )
        instruments[instrument.id] = instrument
    return instruments


def builtin_instruments() -> list[Instrument]:
    """Every instrument in the built-in library, ordered by id."""
    return list(_builtin().values())


def user_instruments() -> list[Instrument]:
    """Users' own instruments (``<data folder>/instruments/*.yaml``), by file name.

    A file that no longer validates, or whose id is a built-in one, is left out: the
    built-in instrument of that id is the one found.
    """
    folder = user_instruments_dir()
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            instrument = load_instrument_file(path)
        except InstrumentError:
            continue
        if instrument.id not in _builtin():
            found.append(instrument)
    return found


def available_instruments() -> list[Instrument]:
    """The search path's instruments: built-in ones, then users' own."""
    return builtin_instruments() + user_instruments()


def load_instrument(reference: str | Path | Instrument) -> Instrument:
    """An instrument by id (built-in, then users' own) or from a path to a YAML file."""
    if isinstance(reference, Instrument):
        return reference
    text = str(reference)
    if text in _builtin():
        return _builtin()[text]
    path = Path(text)
    if path.suffix.lower() in {".yaml", ".yml"} or path.exists():
        return load_instrument_file(path)
    for instrument in user_instruments():
        if instrument.id == text:
            return instrument
    raise InstrumentError(
        f"'{text}' is neither a built-in instrument nor a YAML file, nor one of your own "
        "instruments (added in Settings). Instruments: "
        + ", ".join(i.id for i in available_instruments())
    )


def detect_instrument(columns: Iterable[str]) -> Instrument | None:
    """The instrument whose item ids appear among `columns` (None if none does).

    Built-in instruments first, then users' own (the search path). Item ids are unique
    across the built-in library, so one matching column is enough; the instrument matching
    the most columns wins, and on a tie the one found first.
    """
    names = {str(c).strip().lower() for c in columns}
    best, best_count = None, 0
    for instrument in available_instruments():
        count = len(names & set(instrument.item_ids))
        if count > best_count:
            best, best_count = instrument, count
    return best

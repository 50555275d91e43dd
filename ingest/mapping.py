"""Column mapping files: the user's column names -> Mutuality's (``ID: member``, ``Q1: phq9_1``).

A mapping file is either YAML (a mapping, ``their column: our column``) or csv with two
columns (their column, our column; a header row ``from,to`` or ``their column,our column`` is
optional). Names are matched ignoring case and surrounding spaces, like headers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import yaml

from ingest.errors import InputError


class MappingError(InputError):
    """A mapping file that cannot be used; the message names the file, line and problem."""


_HEADER_WORDS = {"from", "their column", "their", "column", "source", "in"}


def _normalise(name: object) -> str:
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    return str(name).strip().lower()


def read_mapping(mapping: str | Path | dict[str, str]) -> dict[str, str]:
    """The mapping as {their column: our column}, both normalised (lower case, stripped).

    Parameters
    ----------
    mapping
        A dict, or the path of a YAML (.yaml/.yml) or csv file.

    Raises
    ------
    MappingError
        When the file is missing, not a mapping, maps one column twice, or maps two columns
        to the same name.
    """
    source = "mapping"
    if isinstance(mapping, dict):
        pairs = list(mapping.items())
    else:
        path = Path(mapping)
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise MappingError(f"{source}: no such mapping file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise MappingError(f"{source}: cannot be read ({error})") from None
        if path.suffix.lower() == ".csv":
            pairs = []
            for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
                cells = [c for c in row if c.strip()]
                if not cells:
                    continue
                if len(cells) != 2:
                    raise MappingError(
                        f"{source}, line {number}: needs two cells (their column, our "
                        f"column), found {len(cells)}: {row}"
                    )
                if number == 1 and cells[0].strip().lower() in _HEADER_WORDS:
                    continue
                pairs.append((cells[0], cells[1]))
        else:
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f" at line {mark.line + 1}" if mark else ""
                raise MappingError(f"{source}: not valid YAML{where}") from None
            if not isinstance(data, dict):
                raise MappingError(
                    f"{source}: a mapping file lists `their column: our column` lines, "
                    "for example `ID: member`"
                )
            pairs = list(data.items())
    result: dict[str, str] = {}
    for theirs, ours in pairs:
        if ours is None or not str(ours).strip():
            raise MappingError(f"{source}: '{theirs}' is mapped to nothing; give a column name")
        key, value = _normalise(theirs), _normalise(ours)
        if key in result and result[key] != value:
            raise MappingError(f"{source}: '{theirs}' is mapped twice")
        result[key] = value
    targets = [v for k, v in result.items() if k != v]
    duplicates = sorted({t for t in targets if targets.count(t) > 1})
    if duplicates:
        raise MappingError(
            f"{source}: more than one column is mapped to {', '.join(duplicates)}; "
            "each of our columns can come from one of yours only"
        )
    return result


def apply_mapping(
    frame: pd.DataFrame,
    headers: dict[str, str],
    letters: dict[str, str],
    mapping: dict[str, str],
    *,
    source: str,
) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Rename the columns of `frame` by `mapping`; headers keep the user's names for messages.

    Entries for columns the file does not have are ignored (one mapping can serve many
    files). A mapped name that is also an existing, unmapped column is an error.
    """
    renames = {c: mapping[c] for c in frame.columns if c in mapping and mapping[c] != c}
    staying = set(frame.columns) - set(renames)
    clashes = sorted(set(renames.values()) & staying)
    if clashes:
        raise MappingError(
            f"{source}: the mapping renames a column to "
            + ", ".join(f"'{c}'" for c in clashes)
            + " but the file already has a column of that name; map or rename one of them"
        )
    frame = frame.rename(columns=renames)
    headers = {renames.get(k, k): v for k, v in headers.items()}
    letters = {renames.get(k, k): v for k, v in letters.items()}
    return frame, headers, letters


def mapping_yaml(mapping: dict[str, str]) -> str:
    """`mapping` ({their column: our column}) as the YAML mapping file `read_mapping` reads.

    What `cli.py import --mapping FILE` takes: one ``their column: our column`` line per
    column, in the given order; columns mapped to nothing (""/None: keep their own name) are
    left out. Names YAML would read as something else (``1``, ``yes``, ``null``) are quoted,
    so ``read_mapping`` of the text gives back the mapping (normalised as it normalises).

    >>> print(mapping_yaml({"ID": "member", "when": "timepoint", "notes": ""}), end="")
    # Column mapping for Mutuality: their column: our column.
    # Use it with: python cli.py import FILE --mapping THIS_FILE.yaml
    ID: member
    when: timepoint
    """
    kept = {str(k): str(v) for k, v in mapping.items() if v is not None and str(v).strip()}
    body = (
        yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, default_flow_style=False)
        if kept
        else "{}\n"
    )
    return (
        "# Column mapping for Mutuality: their column: our column.\n"
        "# Use it with: python cli.py import FILE --mapping THIS_FILE.yaml\n" + body
    )


def write_mapping(mapping: dict[str, str], path: str | Path) -> Path:
    """Write `mapping` as a YAML mapping file (`mapping_yaml`) at `path`; returns the path."""
    target = Path(path)
    target.write_text(mapping_yaml(mapping), encoding="utf-8")
    return target

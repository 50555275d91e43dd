"""Spreadsheets in: reading csv/xlsx/xls/ods in the long or wide format, and validating them.

>>> from ingest import read_responses, validate_responses
>>> table = read_responses("answers.xlsx", mapping="columns.yaml")   # doctest: +SKIP
>>> report = validate_responses(table, stored=None)                  # doctest: +SKIP
>>> report.ok, print(report)                                         # doctest: +SKIP
"""

from ingest.errors import ColumnsNotFoundError, InputError
from ingest.mapping import (
    MappingError,
    apply_mapping,
    mapping_yaml,
    read_mapping,
    write_mapping,
)
from ingest.reader import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ResponseTable,
    long_to_wide,
    read_responses,
    read_table,
    wide_to_long,
)
from ingest.validate import Problem, ValidationError, ValidationReport, validate_responses

__all__ = [
    "ColumnsNotFoundError",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "InputError",
    "MappingError",
    "Problem",
    "ResponseTable",
    "ValidationError",
    "ValidationReport",
    "apply_mapping",
    "long_to_wide",
    "mapping_yaml",
    "read_mapping",
    "read_responses",
    "read_table",
    "validate_responses",
    "wide_to_long",
    "write_mapping",
]

"""Codebook import and export: plain data, no Django.

A codebook is a list of root `CodeNode`s. Readers return an `ImportResult` (the tree plus what
was not taken or was changed, each located by row, line or JSON pointer) and raise
`CodebookFormatError` only when nothing can be read. Writers refuse trees that fail
`validate_tree`. Formats: CSV (`csv_format`), JSON (`json_format`), REFI-QDA `.qdc` (`qdc`), and
the reference study's codebook table (`study`). `merge_plan` says what an import into a
non-empty codebook would add; the codebook service applies it.
"""

from .csv_format import read_csv, write_csv
from .json_format import read_json, write_json
from .model import (
    MAX_DEPTH,
    MAX_NAME_LENGTH,
    CodebookFormatError,
    CodeNode,
    ImportResult,
    MergePlan,
    Problem,
    assign_guids,
    format_path,
    guid_key,
    iter_codes,
    merge_plan,
    split_path,
    stable_guid,
    validate_name,
    validate_tree,
)
from .qdc import read_qdc, write_qdc
from .study import StudyCodebook, StudyCounts, read_study_codebook_csv

__all__ = [
    "MAX_DEPTH",
    "MAX_NAME_LENGTH",
    "CodeNode",
    "CodebookFormatError",
    "ImportResult",
    "MergePlan",
    "Problem",
    "StudyCodebook",
    "StudyCounts",
    "assign_guids",
    "format_path",
    "guid_key",
    "iter_codes",
    "merge_plan",
    "read_csv",
    "read_json",
    "read_qdc",
    "read_study_codebook_csv",
    "split_path",
    "stable_guid",
    "validate_name",
    "validate_tree",
    "write_csv",
    "write_json",
    "write_qdc",
]

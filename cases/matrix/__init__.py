"""Cross-case matrix computation over plain data (pure: no Django).

The selector fetches flat data (case–document links, the codings as columns of numbers with
each code's path, each document's coders) and hands it here.

- `cells`: what a cell is and how one is computed (`compute_cell`, the definition), the row
  and column specs, classification cells, grouping columns by an attribute
- `table`: the codings as columns (`CodingTable`)
- `compute`: every cell of a matrix at once (`compute_matrix`), with array operations
"""

from cases.matrix.cells import (
    ALL,
    ALL_CODERS,
    ANY,
    BLANK_VALUES,
    CODER,
    CONSENSUS,
    COVERAGE,
    DOCUMENTS,
    EXCERPTS,
    MAJORITY,
    PRESENCE,
    Cell,
    CodingFact,
    ColumnSpec,
    DocumentHits,
    RowSpec,
    classification_cell,
    compute_cell,
    document_counts,
    format_coverage,
    group_columns,
    index_codings,
    present_codes_by_document,
    rows_by_code,
    select_source,
    union_length,
)
from cases.matrix.compute import compute_matrix
from cases.matrix.table import CONSENSUS_CODER, CodingTable

__all__ = [
    "ALL",
    "ALL_CODERS",
    "ANY",
    "BLANK_VALUES",
    "CODER",
    "CONSENSUS",
    "CONSENSUS_CODER",
    "COVERAGE",
    "DOCUMENTS",
    "EXCERPTS",
    "MAJORITY",
    "PRESENCE",
    "Cell",
    "CodingFact",
    "CodingTable",
    "ColumnSpec",
    "DocumentHits",
    "RowSpec",
    "classification_cell",
    "compute_cell",
    "compute_matrix",
    "document_counts",
    "format_coverage",
    "group_columns",
    "index_codings",
    "present_codes_by_document",
    "rows_by_code",
    "select_source",
    "union_length",
]

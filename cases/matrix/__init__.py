"""Cross-case matrix computation over plain data (pure: no Django).

The selector fetches flat data (case–document links, the codings as columns of numbers with
each code's path, each document's coders) and hands it here.

- `cells`: what a cell is and how one is computed (`compute_cell`, the definition), the row
  and column specs, classification cells, grouping columns by an attribute
- `table`: the codings as columns (`CodingTable`)
- `compute`: every cell of a matrix at once (`compute_matrix`), with array operations
"""

# Each module lists its own public names (`__all__`); the package offers them all, so the names
# are written once, where they are defined.
from cases.matrix import cells, compute, table
from cases.matrix.cells import *  # noqa: F403
from cases.matrix.compute import *  # noqa: F403
from cases.matrix.table import *  # noqa: F403

__all__ = [*cells.__all__, *compute.__all__, *table.__all__]

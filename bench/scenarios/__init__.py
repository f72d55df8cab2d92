"""Every scenario module registers itself with `bench.core.scenario`; importing this package
loads them all, in the order the report lists them."""

import importlib

ORDER = (
    "ingest",
    "coding_view",
    "exports",
    "excerpt_create",
    "team_coding",
    "codebook",
    "agreement_run",
    "agreement_export",
    "agreement_maths",
    "matrix",
    "explore",
    "refi",
    "reconciliation",
    "autocode",
    "search",
)
for _module in ORDER:
    importlib.import_module(f"bench.scenarios.{_module}")

"""Each coder against the consensus layer, on the same units as the run between coders.

The consensus (the reconciled codings, which belong to no coder) is compared with each coder
as if it were a second coder: one two-coder sub-run per coder, with the run's unit, segments,
threshold and overlap, over the run's documents that were reconciled. The run between the
coders themselves stays what it was: agreement *before* discussion, since reconciliation never
changes a coder's own excerpts.

Pure: plain data in (``spec`` with ``consensus_documents``; excerpts whose ``coder`` is
``CONSENSUS`` for the consensus layer), plain data out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .partials import document_partial
from .pooling import finalize

#: The consensus layer's place among the coders (user ids are positive).
CONSENSUS = 0


def _sub_spec(spec: Mapping[str, Any], coder: int) -> dict[str, Any]:
    return {**spec, "coders": [coder, CONSENSUS], "coefficients": ["percent", "alpha"]}


def document_partial_with_consensus(
    spec: Mapping[str, Any], doc: Mapping[str, Any], excerpts: list[dict]
) -> dict[str, Any]:
    """The document's partial between the coders, plus (for a reconciled document) one
    partial per coder against the consensus under ``"consensus"``."""
    own = [e for e in excerpts if e["coder"] != CONSENSUS]
    partial = document_partial(spec, doc, own)
    if doc["id"] not in set(spec.get("consensus_documents", ())):
        return partial
    layer = [e for e in excerpts if e["coder"] == CONSENSUS]
    partial["consensus"] = {}
    for coder in spec["coders"]:
        sub_doc = {
            **doc,
            # The consensus of a reconciled document is present even where it coded nothing.
            "present": [c for c in doc["present"] if c == coder] + [CONSENSUS],
        }
        mine = [e for e in excerpts if e["coder"] in (coder, CONSENSUS)]
        partial["consensus"][str(coder)] = document_partial(_sub_spec(spec, coder), sub_doc, mine)
    partial["excerpts"] = sorted(partial["excerpts"] + [[e["id"], e["version"]] for e in layer])
    return partial


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    values = row.get("values", {})
    return {
        "percent": values.get("percent"),
        "alpha": values.get("alpha"),
        "units": row.get("units", 0),
    }


def consensus_results(
    spec: Mapping[str, Any], partials: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Per coder: percent agreement and α with the consensus per code and pooled, over the
    reconciled documents (``documents``). Bootstrap intervals are left to the main run."""
    reconciled = [p for p in partials if "consensus" in p]
    out: dict[str, Any] = {"documents": len(reconciled), "coders": []}
    if not reconciled:
        return out
    for coder in spec["coders"]:
        sub = finalize(
            _sub_spec(spec, coder),
            [p["consensus"][str(coder)] for p in reconciled],
            n_boot=1,
            seed=0,
        )
        out["coders"].append(
            {
                "coder": coder,
                "pooled": _values(sub["pooled"]),
                "codes": {str(row["code"]): _values(row) for row in sub["rows"]},
            }
        )
    return out

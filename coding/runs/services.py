"""Agreement runs: start one, compute a document, store the pooled results.

The arithmetic is in ``coding/agreement/partials.py`` (one document) and ``pooling.py`` (the
documents pooled), on plain data; this module moves data between the database and it. A run
records everything needed to reproduce it: the resolved coders, documents and code mapping
(``params["spec"]``), the codebook version, and the (id, version) of every excerpt it read.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.agreement.consensus import (
    CONSENSUS,
    consensus_results,
    document_partial_with_consensus,
)
from coding.agreement.partials import document_partial
from coding.agreement.pooling import RunPool, finalize
from coding.models import (
    AgreementCodeResult,
    AgreementRun,
    AgreementRunPart,
    Assignment,
    Code,
    CodebookVersion,
    Coding,
    Document,
    Excerpt,
)
from coding.models.agreement import EncodedJSON
from coding.reconcile.selectors import reconciled_documents, resolutions
from research import jobs
from research.collector import exception_released

AGREEMENT_JOB = "agreement.run"
DISAGREEMENTS = AgreementCodeResult._meta.get_field("disagreements")
N_BOOT = 500
SEED = 0


def _code_map(codes: list[Code], *, mode: str, root: Code | None, level: int | None):
    """(rows, code_map): the table's codes and the mapping of every code onto a row.

    A level roll-up maps each code to its ancestor at that level via the materialized path, so
    agreement on a category counts any of its concepts. A leaf code above the level (a
    top-level code without children, in a level-2 roll-up) is its own row, at its own level:
    leaving it out would drop its codings without a word. Codings of codes above the level that
    have children are left out (`selectors.rolled_up_out` tells the page which).
    """
    if mode == "subtree" and root is not None:
        chosen = [c for c in codes if c.path.startswith(root.path)]
        return [c.pk for c in chosen], {str(c.pk): c.pk for c in chosen}
    if mode == "level" and level:
        depth = level - 1
        parents = {int(x) for c in codes for x in c.path.strip("/").split("/")[:-1] if x}
        rows = [
            c.pk for c in codes if c.depth == depth or (c.depth < depth and c.pk not in parents)
        ]
        mapping = {}
        for c in codes:
            ids = [int(x) for x in c.path.strip("/").split("/") if x]
            if len(ids) > depth:
                mapping[str(c.pk)] = ids[depth]
            elif c.pk not in parents:
                mapping[str(c.pk)] = c.pk
        return rows, mapping
    return [c.pk for c in codes], {str(c.pk): c.pk for c in codes}


def codebook_summary(codes: list[Code]) -> dict[str, Any]:
    """A fingerprint of the codebook for projects without a named version."""
    lines = "\n".join(f"{c.pk}:{c.path}:{c.name}" for c in sorted(codes, key=lambda c: c.pk))
    return {
        "codes": len(codes),
        "sha256": hashlib.sha256(lines.encode()).hexdigest(),
        "taken_at": timezone.now().isoformat(),
    }


def _documents(project, *, mode: str, kind: str, documents) -> list[Document]:
    """The project's ready documents the run covers: all, one kind, or those given (picked by
    hand, or resolved by the caller from a choice coding knows nothing of, such as cases)."""
    qs = Document.objects.for_project(project).ready()
    if mode == "kind":
        qs = qs.filter(kind=kind)
    elif mode != "all":
        qs = qs.filter(pk__in=[d.pk for d in documents])
    return list(qs.only("pk", "title", "text_version").order_by("title", "pk"))


@transaction.atomic
def agreement_run_start(
    *,
    project,
    requested_by,
    coders,
    unit: str,
    name: str = "",
    documents_mode: str = "all",
    document_kind: str = "",
    documents=(),
    selection: Mapping[str, Any] | None = None,
    codes_mode: str = "all",
    subtree: Code | None = None,
    level: int | None = None,
    segment: str = "sentence",
    threshold: float = 0.5,
    overlap: float = 0.9,
    coefficients: list[str] | None = None,
    consensus: bool = False,
    name_people: bool = False,
) -> AgreementRun:
    """Record a run's inputs and queue its job. Raises ``ValueError`` with a sentence for the
    researcher when the selection leaves nothing to compare.

    ``documents_mode`` "all" or "kind" selects the documents here; any other mode ("picked", or
    a choice resolved outside coding) runs on ``documents``. ``selection`` records how a caller
    chose them (e.g. ``{"cases": [ids]}``) with the run's other choices. ``consensus`` also
    compares each coder with the consensus layer on the selected documents that are
    reconciled (recorded in the spec, so the run is reproducible). ``name_people`` lets the
    methods paragraph name the coders and those who reconciled instead of numbers and roles.
    """
    coders = sorted(coders, key=lambda u: u.pk)
    if len(coders) < 2:
        raise ValueError(_("Choose at least two coders."))
    if unit == "excerpt" and len(coders) != 2:
        raise ValueError(_("Excerpt matching compares exactly two coders."))
    docs = _documents(project, mode=documents_mode, kind=document_kind, documents=documents)
    if not docs:
        raise ValueError(_("No ready document matches this selection."))
    codes = list(Code.objects.for_project(project).only("pk", "name", "path", "depth"))
    rows, mapping = _code_map(codes, mode=codes_mode, root=subtree, level=level)
    if not rows:
        raise ValueError(_("No code matches this selection."))
    version = CodebookVersion.objects.filter(project=project).order_by("-created_at").first()
    spec = {
        "unit": unit,
        "coders": [u.pk for u in coders],
        "documents": [d.pk for d in docs],
        # The text version of each document the run reads (coding/documents/versions.py).
        "text_versions": {str(d.pk): d.text_version for d in docs},
        "rows": rows,
        "code_map": mapping,
        "names": {str(c.pk): c.name for c in codes},
        "segment": segment,
        "threshold": threshold,
        "overlap": overlap,
        "coefficients": coefficients or ["percent", "kappa", "alpha", "ac1", "bp"],
    }
    if consensus:
        reconciled = set(reconciled_documents(project_id=project.pk))
        spec["consensus"] = True
        spec["consensus_documents"] = [d.pk for d in docs if d.pk in reconciled]
        if not spec["consensus_documents"]:
            raise ValueError(
                _("None of the selected documents is reconciled: there is no consensus yet.")
            )
    choices = {
        "documents_mode": documents_mode,
        "document_kind": document_kind,
        **(selection or {}),
        "codes_mode": codes_mode,
        "subtree": str(subtree.code) if subtree else "",
        "level": level,
        "name_people": name_people,
    }
    run = AgreementRun.objects.create(
        project=project,
        name=name,
        unit=unit,
        params={"choices": choices, "spec": spec},
        codebook_version=version,
        codebook_summary={} if version else codebook_summary(codes),
        created_by=requested_by,
    )
    run.coders.set(coders)
    run.job = jobs.job_enqueue(
        kind=AGREEMENT_JOB, project=project, requested_by=requested_by, params={"run": run.pk}
    )
    run.save(update_fields=["job"])
    return run


def documents_input(spec: dict, document_ids: list[int]) -> dict[int, tuple[dict, list[dict]]]:
    """Documents and their excerpts by the run's coders, as plain data (four queries for any
    number of documents). A run against the consensus also reads the consensus excerpts of its
    reconciled documents, as coder ``CONSENSUS``."""
    coders = spec["coders"]
    owners = Q(coder_id__in=coders)
    if spec.get("consensus"):
        owners |= Q(coder__isnull=True, document_id__in=spec["consensus_documents"])
    docs = Document.objects.filter(pk__in=document_ids).only(
        "pk", "code", "title", "text", "paragraphs", "turns", "pages"
    )
    assigned: dict[int, set[int]] = defaultdict(set)
    for document_id, coder_id in Assignment.objects.filter(
        document_id__in=document_ids, coder_id__in=coders
    ).values_list("document_id", "coder_id"):
        assigned[document_id].add(coder_id)
    codes: dict[int, list[int]] = defaultdict(list)
    # In code order: the stored results list an excerpt's codes, and the same run must store
    # the same bytes whatever plan PostgreSQL picks for this read. Only the batch's excerpts
    # are read (the coders' excerpts in all documents took twice the time).
    for excerpt_id, code_id in (
        Coding.objects.filter(
            excerpt__in=Excerpt.objects.filter(owners, document_id__in=document_ids)
        )
        .order_by("excerpt_id", "code_id")
        .values_list("excerpt_id", "code_id")
    ):
        codes[excerpt_id].append(code_id)
    excerpts: dict[int, list[dict]] = defaultdict(list)
    for pk, uuid, document_id, coder, start, end, version in (
        Excerpt.objects.filter(owners, document_id__in=document_ids)
        .order_by("document", "start", "end", "pk")
        .values_list("pk", "code", "document_id", "coder_id", "start", "end", "version")
    ):
        excerpts[document_id].append(
            {
                "id": pk,
                "uuid": str(uuid),
                "coder": CONSENSUS if coder is None else coder,
                "start": start,
                "end": end,
                "version": version,
                "codes": codes.get(pk, []),
            }
        )
    out = {}
    for doc in docs:
        data = {
            "id": doc.pk,
            "code": str(doc.code),
            "title": doc.title,
            "text": doc.text,
            "paragraphs": doc.paragraphs,
            "turns": doc.turns,
            "pages": doc.pages,
            "present": sorted(assigned[doc.pk]),
        }
        out[doc.pk] = (data, excerpts[doc.pk])
    return out


def document_input(spec: dict, document_id: int) -> tuple[dict, list[dict]]:
    """One document and its excerpts by the run's coders, as plain data."""
    found = documents_input(spec, [document_id])
    if document_id not in found:
        raise Document.DoesNotExist(f"Document {document_id} does not exist.")
    return found[document_id]


def run_compute_document(
    *, run: AgreementRun, document_id: int, prepared: tuple[dict, list[dict]] | None = None
) -> dict[str, Any]:
    """One document's partial; ``prepared`` is its input when already read in a batch."""
    spec = run.params["spec"]
    doc, excerpts = prepared or document_input(spec, document_id)
    if spec.get("consensus"):
        return document_partial_with_consensus(spec, doc, excerpts)
    return document_partial(spec, doc, excerpts)


def run_parts_missing(*, run: AgreementRun) -> list[int]:
    """The run's documents, in the run's order, whose partial is not stored yet."""
    stored = set(AgreementRunPart.objects.filter(run=run).values_list("document_id", flat=True))
    return [d for d in run.params["spec"]["documents"] if d not in stored]


def run_parts_stored(*, run: AgreementRun) -> int:
    """How many of the run's documents have their partial stored (for progress)."""
    return AgreementRunPart.objects.filter(run=run).count()


def run_parts_compute(
    *,
    run: AgreementRun,
    document_ids: list[int],
    progress: Callable[[], None] | None = None,
    pool: RunPool | None = None,
) -> int:
    """Compute and store the partials of those of the documents not stored yet (input read at
    once), each as soon as it is done and in the order given, so that a run cut short resumes
    where it stopped. ``progress`` is called after each document (it may raise to stop).
    ``pool`` (the run's handler) gets each partial this call stored, as it is (no decoding it
    again later), and before each document the parts other tasks stored meanwhile: decoded
    while they still compute, not all at once at the end, when the handler pools alone and
    every other process is idle (two processes: 7-9 parts, 26-30 ms of CPU a unit at the
    segment and character units). Returns how many documents were to do."""
    missing = set(run_parts_missing(run=run))
    todo = [d for d in document_ids if d in missing]
    if not todo:
        return 0
    inputs = documents_input(run.params["spec"], todo)
    for document_id in todo:
        if pool is not None:
            # One query, as the check below (a second only when other tasks stored parts).
            if AgreementRunPart.objects.filter(run=run).count() > len(pool):
                run_parts_gather(run=run, pool=pool)
            if document_id in pool:
                continue  # another task computed it meanwhile
        elif AgreementRunPart.objects.filter(run=run, document_id=document_id).exists():
            continue  # the run's handler took it over meanwhile (see coding/runs/jobs.py)
        partial = run_compute_document(
            run=run, document_id=document_id, prepared=inputs.get(document_id)
        )
        if _store_part(run, document_id, partial) and pool is not None:
            pool.add(partial)
        if progress:
            progress()
    return len(todo)


def _store_part(run: AgreementRun, document_id: int, partial: dict[str, Any]) -> bool:
    """Store one document's partial; False when another task stored it first (the same
    document's result: the first is kept, and pooled from the database).

    The part's commit does not wait for the disk (``synchronous_commit`` off, PostgreSQL, for
    this short transaction only): a part lost in a server crash is missing when the retried
    run resumes, and so computed again. A wait for the disk per document was most of a run's
    commits."""
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            AgreementRunPart.objects.create(
                run=run, document_id=document_id, data=json.dumps(partial, separators=(",", ":"))
            )
    except IntegrityError as exc:
        if not AgreementRunPart.objects.filter(run=run, document_id=document_id).exists():
            raise  # not another task's part: the run or its document is gone
        exception_released(exc)  # the run's tasks pause the collector (coding/runs/tasks.py)
        return False
    return True


def run_parts_gather(*, run: AgreementRun, pool: RunPool) -> list[int]:
    """Add to ``pool`` the parts stored since it last looked (other tasks' documents), each
    decoded once; returns the run's documents still missing, in the run's order."""
    stored = AgreementRunPart.objects.filter(run=run).exclude(document_id__in=pool.documents())
    for data in stored.values_list("data", flat=True):
        pool.add(json.loads(data))
    return pool.missing()


def run_store_parts(*, run: AgreementRun, pool: RunPool | None = None) -> dict[str, Any]:
    """Pool the stored partials (those not in ``pool`` yet are read now) in the run's document
    order, store the results and drop the parts; returns the job's summary."""
    pool = pool if pool is not None else RunPool(run.params["spec"])
    if pool.missing():  # a pool with every document has every part there is (one a document)
        run_parts_gather(run=run, pool=pool)
    with transaction.atomic():
        results = pool.finish(n_boot=N_BOOT, seed=SEED)  # the parts are summed as they came
        result = _results_store(run=run, partials=pool.ordered(), results=results)
        AgreementRunPart.objects.filter(run=run).delete()
    return result


def _path_label(path: str, names: dict[str, str]) -> str:
    return " › ".join(names.get(x, "?") for x in path.strip("/").split("/") if x)


def run_store(*, run: AgreementRun, partials: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Pool the documents' parts and store the results; returns the job's summary."""
    results = finalize(run.params["spec"], partials, n_boot=N_BOOT, seed=SEED)
    return _results_store(run=run, partials=partials, results=results)


@transaction.atomic
def _results_store(
    *, run: AgreementRun, partials: Sequence[Mapping[str, Any]], results: dict[str, Any]
) -> dict[str, Any]:
    """Store the pooled ``results`` of the documents' parts; returns the job's summary."""
    spec = run.params["spec"]
    if spec.get("consensus"):
        results["consensus"] = consensus_results(spec, partials)
        results["consensus"]["resolutions"] = resolutions(
            documents=spec["consensus_documents"], coders=spec["coders"]
        )
    codes = {c.pk: c for c in Code.objects.filter(pk__in=spec["rows"]).only("pk", "path", "name")}
    names = spec["names"]
    unitized = results.get("unitized", {}).get("per_code", {})
    objs = []
    for position, row in enumerate(results.pop("rows")):
        code = codes.get(row["code"])
        values = dict(row["values"])
        reasons = dict(row["reasons"])
        if str(row["code"]) in unitized:
            values["u_alpha"] = unitized[str(row["code"])]["u_alpha"]
            if unitized[str(row["code"])]["reason"]:
                reasons["u_alpha"] = unitized[str(row["code"])]["reason"]
        objs.append(
            AgreementCodeResult(
                run=run,
                code=code,
                code_name=names.get(str(row["code"]), "?"),
                code_path=_path_label(code.path, names) if code else "",
                position=position,
                units=row["units"],
                prevalence=row["prevalence"],
                values=values,
                reasons=reasons,
                # An expression, not a plain value: Django 5.2 then inserts the rows as plain
                # VALUES instead of UNNEST arrays, whose client-side quoting of large JSON
                # (a regular expression per escaped character) took seconds.
                disagreements=Value(
                    EncodedJSON(row["disagreements"], row["disagreements_json"]),
                    output_field=DISAGREEMENTS,
                ),
                disagreement_count=row["disagreement_count"],
            )
        )
    run.code_results.all().delete()
    AgreementCodeResult.objects.bulk_create(objs)
    run.excerpt_versions = results.pop("excerpts")
    run.disagreement_excerpts = results.pop("disagreement_excerpts")
    run.results = results
    run.finished_at = timezone.now()
    run.save(update_fields=["excerpt_versions", "disagreement_excerpts", "results", "finished_at"])
    return {"run": str(run.code), "codes": len(objs), "documents": results["documents"]}

"""Reads for the agreement pages: a fixed number of queries whatever the number of codes or
documents (the per-code values and disagreements are stored rows / JSON, read at once)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from coding.agreement.disagreements import context_of
from coding.labels import Labels
from coding.models import AgreementCodeResult, AgreementRun, AgreementUnit, Document
from coding.notices import notice_text
from research.models import FormerMember, Role

#: Krippendorff's thresholds: rely on α ≥ 0.800, tentative conclusions for 0.667–0.800.
RELIABLE = 0.800
TENTATIVE = 0.667
CHANCE_CORRECTED = {"cohen", "light", "fleiss", "alpha", "ac1", "bp", "u_alpha"}

COLUMN_LABELS = {
    "percent": _("% agreement"),
    "cohen": _("Cohen's κ"),
    "light": _("Light's κ"),
    "fleiss": _("Fleiss' κ"),
    "alpha": _("Krippendorff's α"),
    "ac1": _("Gwet's AC1"),
    "bp": _("Brennan–Prediger κ (q = 2)"),
    "u_alpha": _("uα (code vs. uncoded)"),
}


def columns_for(run: AgreementRun) -> list[str]:
    """The coefficient columns of a run's table, in display order."""
    if run.unit == AgreementUnit.EXCERPT:
        return ["percent", "bp"]
    spec = run.params.get("spec", {})
    two = len(spec.get("coders", [])) == 2
    out: list[str] = []
    for name in spec.get("coefficients") or ["percent", "kappa", "alpha", "ac1", "bp"]:
        out.extend((["cohen"] if two else ["light", "fleiss"]) if name == "kappa" else [name])
    if run.unit == AgreementUnit.CHARACTER:
        out.append("u_alpha")
    return out


def column_label(run: AgreementRun, key: str) -> str:
    if key == "bp" and run.unit == AgreementUnit.EXCERPT:
        n = len(run.params.get("spec", {}).get("rows", []))
        return str(_("κ (Brennan–Prediger, q = %(n)d codes, as MAXQDA)")) % {"n": n}
    return str(COLUMN_LABELS.get(key, key))


def band(value: float | None) -> str:
    """CSS class for Krippendorff's thresholds."""
    if value is None:
        return "agreement-undefined"
    if value >= RELIABLE:
        return "agreement-reliable table-success"
    if value >= TENTATIVE:
        return "agreement-tentative table-warning"
    return "agreement-unreliable table-danger"


def fmt(value: float | None, key: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # In the reader's number format (0,812 in Norwegian): the page is read, not parsed.
    if key == "percent":
        return f"{number_format(round(value * 100, 1), decimal_pos=1)} %"
    # Rounded first: number_format cuts decimals off, it does not round.
    return number_format(round(value, 3), decimal_pos=3)


def _signed(delta: float) -> str:
    return ("+" if delta >= 0 else "−") + number_format(round(abs(delta), 3), decimal_pos=3)


@dataclass
class Cell:
    key: str
    value: float | None
    text: str
    css: str
    reason: str = ""


@dataclass
class Row:
    code_uuid: str | None
    name: str
    path: str
    units: float
    prevalence: float | None
    disagreements: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        """Whether any chosen coder applied the code: a code nobody applied agrees trivially
        (AC1 and Brennan–Prediger 1.000), so the page folds those rows away."""
        if self.prevalence is None:
            return self.units > 0
        return self.prevalence > 0

    def sort_value(self, key: str) -> Any:
        if key == "name":
            return self.path or self.name
        if key in {"units", "prevalence", "disagreements"}:
            return getattr(self, key)
        for cell in self.cells:
            if cell.key == key:
                return cell.value
        return None


def _cells(run: AgreementRun, columns: list[str], values: dict, reasons: dict) -> list[Cell]:
    out = []
    for key in columns:
        value = values.get(key)
        out.append(
            Cell(
                key=key,
                value=value,
                text=fmt(value, key),
                css=band(value) if key in CHANCE_CORRECTED else "",
                # A defined value may carry a note too (Light's κ: pairs left out of the mean).
                # Stored as English message ids: worded here in the reader's language.
                reason=notice_text(reasons.get(key) or ""),
            )
        )
    return out


SORT_KEYS = {"name", "units", "prevalence", "disagreements", *COLUMN_LABELS}


def run_rows(*, run: AgreementRun, sort: str = "") -> list[Row]:
    """The table of a run, one row per code, sorted by ``sort`` ("alpha", "-alpha", "name"…;
    undefined values last). One query."""
    columns = columns_for(run)
    results = (
        AgreementCodeResult.objects.filter(run=run)
        .defer("disagreements")
        .annotate(code_uuid=F("code__code"))
        .order_by("position")
    )
    rows = []
    for r in results:
        rows.append(
            Row(
                code_uuid=str(r.code_uuid) if r.code_uuid else None,
                name=r.code_name,
                path=r.code_path,
                units=r.units,
                prevalence=r.prevalence,
                disagreements=r.disagreement_count,
                cells=_cells(run, columns, r.values, r.reasons),
            )
        )
    key = sort.lstrip("-")
    if key in SORT_KEYS:
        reverse = sort.startswith("-")
        defined = [r for r in rows if r.sort_value(key) is not None]
        undefined = [r for r in rows if r.sort_value(key) is None]
        defined.sort(key=lambda r: r.sort_value(key), reverse=reverse)
        rows = defined + undefined
    return rows


def pooled_cells(run: AgreementRun) -> list[Cell]:
    """The pooled row (all codes' units together); uα over all codes is shown separately."""
    pooled = run.results.get("pooled") or {}
    columns = [c for c in columns_for(run) if c != "u_alpha"]
    return _cells(run, columns, pooled.get("values", {}), pooled.get("reasons", {}))


def run_coders(run: AgreementRun) -> list[tuple[int, str, bool]]:
    """The run's coders as (id, name, codings deleted since) in one query. A coder removed
    from the project since is named by their pseudonym ("Former coder 3"), never their
    name; the flag says an owner deleted their codings when removing them."""
    former = FormerMember.objects.filter(project=run.project_id, user_id=OuterRef("pk"))
    coders = run.coders.annotate(
        pseudonym=Subquery(former.values("placeholder__display_name")[:1]),
        codings_deleted=Subquery(former.values("codings_deleted")[:1]),
    )
    return [(u.pk, u.pseudonym or u.name, bool(u.codings_deleted)) for u in coders]


def coder_names(run: AgreementRun) -> dict[int, str]:
    """Coder id → name (a former member's pseudonym), for the run's coders (one query)."""
    return {pk: name for pk, name, _deleted in run_coders(run)}


def pairwise_rows(run: AgreementRun, names: dict[int, str]) -> list[dict]:
    rows = []
    for pair in run.results.get("pairwise", []):
        a, b = pair["coders"]
        rows.append(
            {
                "a": names.get(a, a),
                "b": names.get(b, b),
                "kappa": fmt(pair.get("kappa")),
                "kappa_css": band(pair.get("kappa")) if "kappa" in pair else "",
                "alpha": fmt(pair.get("alpha")),
                "alpha_css": band(pair.get("alpha")) if "alpha" in pair else "",
                "percent": fmt(pair.get("percent"), "percent"),
                "units": pair.get("units"),
            }
        )
    return rows


def _consensus_cells(values: dict) -> list[str]:
    return [fmt(values.get("percent"), "percent"), fmt(values.get("alpha"))]


def consensus_table(run: AgreementRun, names: dict[int, str]) -> dict[str, Any] | None:
    """Each coder against the consensus, per code and pooled, and how the disagreements were
    resolved (with the coders' names: the page is for members who may see results); None
    when the run did not compare with the consensus."""
    found = run.results.get("consensus")
    if not found:
        return None
    spec = run.params["spec"]
    by_coder = found["coders"]
    resolutions = found.get("resolutions") or {}
    return {
        "documents": found["documents"],
        "coders": [names.get(c["coder"], c["coder"]) for c in by_coder],
        "rows": [
            {
                "name": spec["names"].get(str(row), "?"),
                "cells": [_consensus_cells(c["codes"].get(str(row), {})) for c in by_coder],
            }
            for row in spec["rows"]
        ],
        "pooled": [_consensus_cells(c["pooled"]) for c in by_coder],
        "resolved": resolutions.get("disagreements", 0),
        "towards": [(names.get(c, c), n) for c, n in resolutions.get("towards", [])],
        "neither": resolutions.get("none", 0),
        "roles": ", ".join(_role_label(role) for role in resolutions.get("roles", [])),
    }


def _role_label(stored: str) -> str:
    """A decider's role as the run stored it (the role's name in the language of whoever
    started the run) in the reader's language."""
    for role in Role:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                named = str(role.label)
            if stored in (role.value, named):
                return str(role.label)
    return stored


def run_queryset(*, excerpts: bool = False) -> QuerySet[AgreementRun]:
    """Runs with what their pages show; the (large) table of the excerpts their disagreements
    name only if asked."""
    runs = AgreementRun.objects.select_related("job", "codebook_version", "created_by")
    return runs if excerpts else runs.defer("disagreement_excerpts")


def finished_runs(*, project) -> QuerySet[AgreementRun]:
    """The project's finished runs, for choosing two to compare."""
    return (
        AgreementRun.objects.for_project(project)
        .filter(finished_at__isnull=False)
        .defer("disagreement_excerpts")
    )


def run_page(*, project, run: AgreementRun, sort: str, compare: str | None) -> dict[str, Any]:
    """What the results page shows besides the run: the table sorted by ``sort``, the pooled
    and pairwise rows, and the other finished runs of the same unit, one of them compared
    (``compare``: its code) if asked. Three queries (coders, other runs, code rows); two more
    when comparing."""
    coders = run_coders(run)
    names = {pk: name for pk, name, _deleted in coders}
    others = [
        r
        for r in runs_for_project(project=project)
        if r.pk != run.pk and r.is_finished and r.unit == run.unit
    ]
    compare_with = next((r for r in others if str(r.code) == compare), None)
    rows = run_rows(run=run, sort=sort) if run.is_finished else []
    return {
        "rows": [r for r in rows if r.applied],
        "unapplied": [r for r in rows if not r.applied],
        "rolled_up": rolled_up_out(run),
        "columns": [(c, column_label(run, c)) for c in columns_for(run)],
        "pooled": pooled_cells(run),
        "reasons": run_reasons(run),
        "pairwise": pairwise_rows(run, names),
        "consensus": consensus_table(run, names),
        "coders": [names.get(c, c) for c in run.params["spec"]["coders"]],
        # Removed members whose codings were deleted after the run: its results still count them.
        "coders_deleted": sum(deleted for _pk, _name, deleted in coders),
        "sort": sort,
        "others": others,
        "compare_with": compare_with,
        "comparison": compare_rows(first=compare_with, second=run) if compare_with else None,
    }


def run_reasons(run: AgreementRun) -> dict[str, str]:
    """Why the run's α interval and its unitized α over all codes are missing, if they are,
    in the reader's language."""
    results = run.results or {}
    return {
        "ci": notice_text((results.get("pooled") or {}).get("ci_reason") or ""),
        "unitized": notice_text((results.get("unitized") or {}).get("reason") or ""),
    }


def rolled_up_out(run: AgreementRun) -> dict[str, Any] | None:
    """Names of the codes a level roll-up leaves out (above the level, with children): their
    own codings count for no row. None unless the run rolled up to a level."""
    if run.params.get("choices", {}).get("codes_mode") != "level":
        return None
    spec = run.params["spec"]
    rows = set(spec["rows"])
    left_out = sorted(
        name
        for pk, name in spec["names"].items()
        if pk not in spec["code_map"] and int(pk) not in rows
    )
    return {"level": run.params["choices"]["level"], "left_out": left_out}


def runs_for_project(*, project) -> list[AgreementRun]:
    """The project's runs with their job and number of coders (one query)."""
    return list(
        AgreementRun.objects.for_project(project)
        .defer("disagreement_excerpts")
        .select_related("job", "created_by", "codebook_version")
        .annotate(coder_count=Count("coders"))
        .order_by("-created_at", "-pk")
    )


def code_result(*, run: AgreementRun, code_uuid) -> AgreementCodeResult | None:
    return AgreementCodeResult.objects.filter(run=run, code__code=code_uuid).first()


def document_texts(*, run: AgreementRun, ids=None) -> dict[int, str]:
    """The text of the run's documents (or of ``ids``), for the disagreements' context."""
    wanted = run.params["spec"]["documents"] if ids is None else ids
    return dict(
        Document.objects.filter(project_id=run.project_id, pk__in=wanted).values_list("pk", "text")
    )


def disagreement_items(
    *,
    run: AgreementRun,
    result: AgreementCodeResult,
    with_context: bool,
    labels: Labels | None = None,
) -> list[dict]:
    """A code's stored disagreements, spelled out for the page: document, span, page, each
    coder's value and excerpts (start, end, code names), and the passage around it when
    ``with_context`` (one query for the documents' text; none without). ``labels`` name the
    documents (the run stored their titles). Each excerpt is spelled out once and shared by
    the items naming it (read them, do not change them)."""
    stored = result.disagreements
    if isinstance(stored, list):  # runs stored before the compact form: spelled out already
        return stored
    coders = run.params["spec"]["coders"]
    return [
        {
            "document": uuid,
            "title": title,
            "start": start,
            "end": end,
            "page": page,
            "context": context,
            "coders": [
                {"coder": coder, "value": value, "excerpts": named}
                for coder, value, named in zip(coders, values, excerpts, strict=True)
            ],
        }
        for uuid, title, start, end, page, context, values, excerpts in disagreement_spans(
            run=run,
            result=result,
            texts=None if with_context else {},
            labels=labels,
            spelled=SpelledExcerpts(run, _excerpt),
        )
    ]


#: A disagreement as ``disagreement_spans`` gives it: (document uuid, title, start, end, page,
#: context, [value per coder], [[excerpt, …] per coder]), in the run's order of coders.
Span = tuple[str, str, int, int, int | None, str, list, list[list]]


class SpelledExcerpts(dict[int, Any]):
    """The excerpts a run's disagreements name (by id), each spelled out by ``spell(uuid,
    start, end, code names)`` the first time it is asked for: an export of every code shares
    one, so a busy excerpt is spelled once, not once per disagreement naming it."""

    def __init__(
        self,
        run: AgreementRun,
        spell: Callable[[str, int, int, list[str]], Any],
        table: dict[str, list] | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        self.spell = spell
        self.table = table  # the run's (read when first needed) unless given
        self.names = run.params["spec"]["names"]

    def __missing__(self, excerpt_id: int) -> Any:
        if self.table is None:
            self.table = self.run.disagreement_excerpts
        uuid, start, end, codes = self.table[str(excerpt_id)]
        names = sorted(self.names.get(str(c), str(c)) for c in codes)
        found = self[excerpt_id] = self.spell(uuid, start, end, names)
        return found


def disagreement_spans(
    *,
    run: AgreementRun,
    result: AgreementCodeResult,
    texts: dict[int, str] | None,
    labels: Labels | None,
    spelled: SpelledExcerpts,
) -> Iterator[Span]:
    """A code's stored disagreements as tuples (``Span``): the one reading of what runs store
    (compactly, ``coding/agreement/disagreements.py``) for the page and the exports, which
    differ only in how they show an excerpt (``spelled``). The context is cut from ``texts``,
    the documents' (immutable) text: read in one query when None, none when empty.
    ``labels`` name the documents (the run stored their titles)."""
    stored = result.disagreements
    if not stored:
        return
    if isinstance(stored, list):  # runs stored before the compact form: spelled out already
        yield from _spelled_out_spans(run, stored, spelled.spell)
        return
    items = stored["items"]
    if stored.get("excerpts"):  # an early compact form kept a table per code
        spelled = SpelledExcerpts(run, spelled.spell, stored["excerpts"])
    if texts is None:
        texts = document_texts(run=run, ids={item[0] for item in items})
    documents = {}  # each document named once per code, not once per disagreement
    for key, (uuid, title) in stored["documents"].items():
        document_id = int(key)
        if labels is not None:
            title = labels.document_by_id(document_id, title)
        documents[document_id] = (uuid, title, texts.get(document_id))
    spell = spelled.__getitem__
    for document_id, start, end, page, values, ids_per_coder in items:
        uuid, title, text = documents[document_id]
        context = context_of(text, start, end) if text is not None else ""
        excerpts = [list(map(spell, ids)) for ids in ids_per_coder]
        yield uuid, title, start, end, page, context, values, excerpts


def _spelled_out_spans(run: AgreementRun, stored: list[dict], spell: Callable) -> Iterator[Span]:
    """Disagreements stored before the compact form (dicts, with their context) as spans."""
    coders = run.params["spec"]["coders"]
    for d in stored:
        by_coder = {c["coder"]: c for c in d["coders"]}
        found = [by_coder.get(coder, {}) for coder in coders]
        yield (
            d["document"],
            d["title"],
            d["start"],
            d["end"],
            d.get("page"),
            d.get("context", ""),
            [c.get("value") for c in found],
            [
                [spell(e["uuid"], e["start"], e["end"], e["codes"]) for e in c.get("excerpts", [])]
                for c in found
            ],
        )


def named_disagreements(
    *,
    run: AgreementRun,
    result: AgreementCodeResult | None,
    with_context: bool,
    labels: Labels | None = None,
) -> list[dict]:
    """A code's disagreements for its page: as ``disagreement_items``, with each coder's name
    and the first excerpt named (where the coding view opens). One query for the coders, one
    for the documents' text when ``with_context``."""
    if result is None:
        return []
    names = coder_names(run)
    items = []
    for d in disagreement_items(run=run, result=result, with_context=with_context, labels=labels):
        coders = [{**c, "name": names.get(c["coder"], c["coder"])} for c in d["coders"]]
        first = next((e["uuid"] for c in d["coders"] for e in c["excerpts"]), None)
        items.append({**d, "coders": coders, "excerpt": first})
    return items


def _excerpt(uuid: str, start: int, end: int, codes: list[str]) -> dict:
    return {"uuid": uuid, "start": start, "end": end, "codes": codes}


def _selection(run: AgreementRun) -> tuple:
    choices = run.params.get("choices", {})
    mode = choices.get("codes_mode", "all")
    return mode, choices.get("level") if mode == "level" else choices.get("subtree") or None


def compare_warnings(first: AgreementRun, second: AgreementRun) -> list[str]:
    """Why the two runs' values may not be comparable: a different unit, or a different
    roll-up of the codebook (a category's α is not its concepts')."""
    warnings = []
    if first.unit != second.unit:
        warnings.append(
            str(
                _(
                    "The runs use different units (%(a)s, %(b)s): their values measure "
                    "different things."
                )
            )
            % {"a": first.get_unit_display(), "b": second.get_unit_display()}
        )
    if _selection(first) != _selection(second):
        warnings.append(
            str(
                _(
                    "The runs select or roll up the codebook differently: a code's row may stand "
                    "for different codings in each."
                )
            )
        )
    return warnings


def compare_rows(*, first: AgreementRun, second: AgreementRun) -> dict[str, Any]:
    """Per code present in either run: values of both and the delta (second − first), the
    columns' labels, and what makes the runs hard to compare. Two queries."""
    keys: list[str] = [
        k for k in ("alpha", "cohen", "light", "percent", "ac1") if k in columns_for(first)
    ]
    a = {r.code_id: r for r in first.code_results.defer("disagreements")}
    b = {r.code_id: r for r in second.code_results.defer("disagreements")}
    out: list[dict] = []
    order = list(a) + [k for k in b if k not in a]
    for code_id in order:
        ra, rb = a.get(code_id), b.get(code_id)
        cells = []
        for key in keys:
            va = ra.values.get(key) if ra else None
            vb = rb.values.get(key) if rb else None
            delta = vb - va if va is not None and vb is not None else None
            cells.append(
                {
                    "key": key,
                    "first": fmt(va, key),
                    "second": fmt(vb, key),
                    "delta": "" if delta is None else _signed(delta),
                    "css": _delta_css(delta),
                }
            )
        ref = ra or b[code_id]  # in one of the two runs at least
        out.append({"name": ref.code_name, "path": ref.code_path, "cells": cells})
    return {
        "rows": out,
        "columns": [column_label(first, k) for k in keys],
        "warnings": compare_warnings(first, second),
    }


def _delta_css(delta: float | None) -> str:
    if delta is None or delta == 0:
        return ""
    return "text-success" if delta > 0 else "text-danger"

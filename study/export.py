"""The project export: one JSON file holding a whole project, readable by `study.restore`.

Every object is named by its public UUID and every person by e-mail, never by an integer id,
so the file means the same on any server. Lists are sorted by stable keys and `render` sorts
object keys, so exporting the same project twice gives the same bytes (only `exported_at`
differs). Agreement runs keep their inputs and pooled and per-code results; the stored
disagreement lists name internal ids and are left out (their counts stay).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from cases.models import (
    AttributeDefinition,
    AttributeValue,
    Case,
    CaseWriteup,
    CellOverride,
    ClassificationRule,
    Dimension,
    Footnote,
    Matrix,
)
from coding.codebook.selectors import codebook_export_data
from coding.documents.selectors import document_export
from coding.models import (
    AgreementCodeResult,
    AgreementRun,
    Assignment,
    Code,
    Coding,
    Document,
    Excerpt,
)
from research.models import FormerMember, Project, User
from study.docsets.exchange import document_sets_export
from study.memos.exchange import memos_export
from study.reconciliations import reconciliations_export

FORMAT = "concord-project"
VERSION = 2

Report = Callable[[int, str], None]


def _email(user) -> str | None:
    return user.email if user is not None else None


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def project_export_data(*, project: Project, report: Report | None = None) -> dict[str, Any]:
    """The whole project as plain data; `report(percent, message)` follows the parts."""
    parts: list[tuple[str, Callable[[Project], Any]]] = [
        ("members", _members),
        ("former_members", _former_members),
        ("codebook", lambda p: codebook_export_data(project=p)),
        ("documents", lambda p: document_export(project=p)),
        ("assignments", _assignments),
        ("excerpts", _excerpts),
        ("cases", _cases),
        ("classifications", _classifications),
        ("matrices", _matrices),
        ("agreement_runs", _runs),
        ("reconciliations", reconciliations_export),
        ("memos", memos_export),
        ("document_sets", document_sets_export),
    ]
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "project": {
            "code": str(project.code),
            "title": project.title,
            "research_question": project.research_question,
            "description": project.description,
            "language": project.language,
            "blind_coding": project.blind_coding,
            "coders_may_create_codes": project.coders_may_create_codes,
            "long_excerpt": project.long_excerpt,
            "archived_at": _when(project.archived_at),
        },
    }
    for index, (name, build) in enumerate(parts, start=1):
        data[name] = build(project)
        if report:
            report(int(95 * index / len(parts)), f"Exported {name}")
    return data


def render(data: dict[str, Any]) -> str:
    """The file's text: sorted keys, so equal projects give equal files."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def _members(project: Project) -> list[dict[str, str]]:
    return [
        {"email": m.user.email, "name": m.user.display_name, "role": m.role}
        for m in project.memberships.select_related("user").order_by("user__email")
    ]


def _former_members(project: Project) -> list[dict[str, Any]]:
    """Removed members' stand-ins: the pseudonymous accounts their kept codings (and comments,
    decisions, memos) name. The removed accounts themselves are not in the file."""
    return [
        {
            "number": f.number,
            "email": f.placeholder.email,
            "name": f.placeholder.display_name,
            "codings_deleted": f.codings_deleted,
            "removed_at": _when(f.removed_at),
        }
        for f in FormerMember.objects.filter(project=project).select_related("placeholder")
    ]


def _assignments(project: Project) -> list[dict[str, Any]]:
    # Plain values: a Document row would carry its whole text and structure.
    rows = Assignment.objects.filter(document__project=project).values(
        "document__code", "coder__email", "status", "assigned_at", "done_at"
    )
    return sorted(
        (
            {
                "document": str(a["document__code"]),
                "coder": a["coder__email"],
                "status": a["status"],
                "assigned_at": _when(a["assigned_at"]),
                "done_at": _when(a["done_at"]),
            }
            for a in rows
        ),
        key=lambda row: (row["document"], row["coder"]),
    )


def _excerpts(project: Project) -> list[dict[str, Any]]:
    """Every coder's excerpts and the consensus ones (coder null), with their codes."""
    codes: dict[int, list[str]] = {}
    for excerpt_id, code in Coding.objects.filter(excerpt__document__project=project).values_list(
        "excerpt_id", "code__code"
    ):
        codes.setdefault(excerpt_id, []).append(str(code))
    # Plain values, read in chunks: joining the document row would load its whole text once
    # per excerpt (5,000 excerpts of a 1.5 MB document took 44 s and 20 GB).
    rows = (
        Excerpt.objects.for_project(project)
        .values(
            "pk",
            "code",
            "document__code",
            "coder__email",
            "start",
            "end",
            "text",
            "memo",
            "version",
            "text_flag",
            "from_search",
            "created_at",
            "updated_at",
        )
        .iterator(chunk_size=2000)
    )
    return sorted(
        (
            {
                "code": str(e["code"]),
                "document": str(e["document__code"]),
                "coder": e["coder__email"],
                "start": e["start"],
                "end": e["end"],
                "text": e["text"],
                "memo": e["memo"],
                "version": e["version"],
                "text_flag": e["text_flag"],
                "from_search": e["from_search"],
                "codes": sorted(codes.get(e["pk"], [])),
                "created_at": _when(e["created_at"]),
                "updated_at": _when(e["updated_at"]),
            }
            for e in rows
        ),
        key=lambda row: (
            row["document"],
            row["start"],
            row["end"],
            row["coder"] or "",
            row["code"],
        ),
    )


def _attribute_value(value: AttributeValue) -> Any:
    raw = value.value
    return raw.isoformat() if hasattr(raw, "isoformat") else raw


def _cases(project: Project) -> dict[str, Any]:
    cases = (
        Case.objects.for_project(project)
        .select_related("parent")
        .prefetch_related("attribute_values__definition", "documents")
        .order_by("name")
    )
    writeups = CaseWriteup.objects.filter(case__project=project).select_related(
        "case", "dimension", "updated_by"
    )
    return {
        # Kept under "cases", where files made before it moved to the project have it.
        "anonymize": project.anonymize,
        "attributes": [
            {"code": str(d.code), "name": d.name, "type": d.type, "choices": d.choices}
            for d in AttributeDefinition.objects.filter(project=project).order_by(
                "position", "name"
            )
        ],
        "dimensions": [
            {"code": str(d.code), "name": d.name}
            for d in Dimension.objects.filter(project=project).order_by("position", "pk")
        ],
        "cases": [
            {
                "code": str(c.code),
                "name": c.name,
                "pseudonym": c.pseudonym,
                "kind": c.kind,
                "description": c.description,
                "part_of": str(c.parent.code) if c.parent else None,
                "documents": sorted(str(d.code) for d in c.documents.all()),
                "attributes": {
                    v.definition.name: _attribute_value(v) for v in c.attribute_values.all()
                },
                "created_at": _when(c.created_at),
            }
            for c in cases
        ],
        "writeups": sorted(
            (
                {
                    "case": str(w.case.code),
                    "dimension": str(w.dimension.code),
                    "text": w.text,
                    "updated_by": _email(w.updated_by),
                    "updated_at": _when(w.updated_at),
                }
                for w in writeups
            ),
            key=lambda row: (row["case"], row["dimension"]),
        ),
    }


def _classifications(project: Project) -> list[dict[str, Any]]:
    rules = (
        ClassificationRule.objects.filter(project=project)
        .select_related("created_by")
        .prefetch_related("classes__all_of", "classes__any_of", "classes__none_of")
        .order_by("name")
    )
    return [
        {
            "code": str(r.code),
            "name": r.name,
            "applies_to": r.applies_to,
            "description": r.description,
            "created_by": _email(r.created_by),
            "created_at": _when(r.created_at),
            "classes": [
                {
                    "name": c.name,
                    "all_of": sorted(str(x.code) for x in c.all_of.all()),
                    "any_of": sorted(str(x.code) for x in c.any_of.all()),
                    "none_of": sorted(str(x.code) for x in c.none_of.all()),
                }
                for c in r.classes.order_by("position", "pk")
            ],
        }
        for r in rules
    ]


def _matrices(project: Project) -> list[dict[str, Any]]:
    matrices = (
        Matrix.objects.filter(project=project)
        .select_related("group_attribute", "coder", "codebook_version", "created_by")
        .prefetch_related("sections__rows__codebook_code", "sections__rows__rule", "cases")
        .order_by("name")
    )
    overrides: dict[int, list[dict[str, Any]]] = {}
    for o in CellOverride.objects.filter(row__section__matrix__project=project).select_related(
        "user"
    ):
        overrides.setdefault(o.row_id, []).append(
            {
                "column": o.column,
                "symbol": o.symbol,
                "reason": o.reason,
                "computed": o.computed,
                "user": _email(o.user),
                "at": _when(o.at),
            }
        )
    notes: dict[int, list[dict[str, Any]]] = {}
    for f in (
        Footnote.objects.filter(matrix__project=project)
        .select_related("row", "created_by")
        .order_by("created_at", "code")
    ):
        notes.setdefault(f.matrix_id, []).append(
            {
                "code": str(f.code),
                "row": str(f.row.code) if f.row else None,
                "column": f.column,
                "text": f.text,
                "created_by": _email(f.created_by),
                "created_at": _when(f.created_at),
            }
        )
    return [
        {
            "code": str(m.code),
            "name": m.name,
            "description": m.description,
            "columns": m.column_mode,
            "cases": sorted(str(c.code) for c in m.cases.all()),
            "group_attribute": str(m.group_attribute.code) if m.group_attribute else None,
            "cell_mode": m.cell_mode,
            "source": m.source,
            "coder": _email(m.coder),
            "legend": m.legend,
            "codebook_version": str(m.codebook_version.code) if m.codebook_version else None,
            "created_by": _email(m.created_by),
            "created_at": _when(m.created_at),
            "sections": [
                {
                    "title": s.title,
                    "rows": [
                        {
                            "code": str(r.code),
                            "label": r.label,
                            "codebook_code": str(r.codebook_code.code) if r.codebook_code else None,
                            "rule": str(r.rule.code) if r.rule else None,
                            "include_descendants": r.include_descendants,
                            "overrides": sorted(
                                overrides.get(r.pk, []), key=lambda row: row["column"]
                            ),
                        }
                        for r in s.rows.all()
                    ],
                }
                for s in m.sections.all()
            ],
            "footnotes": notes.get(m.pk, []),
        }
        for m in matrices
    ]


class _Names:
    """Internal ids of one project's people, documents, codes, cases and excerpts, as the
    public names the file uses (runs store ids in their parameters and results)."""

    def __init__(self, project: Project, runs: list[AgreementRun]):

        people = {pk for run in runs for pk in run.params.get("spec", {}).get("coders", [])}
        people |= {user.pk for run in runs for user in run.coders.all()}
        self.users = dict(User.objects.filter(pk__in=people).values_list("pk", "email"))
        # A member removed since the run is named by their pseudonym's account, not their own.
        former = FormerMember.objects.filter(project=project, user_id__in=people)
        self.users.update(former.values_list("user_id", "placeholder__email"))
        self.documents = {
            pk: str(code)
            for pk, code in Document.objects.for_project(project).values_list("pk", "code")
        }
        self.codes = {
            pk: str(code)
            for pk, code in Code.objects.for_project(project).values_list("pk", "code")
        }
        self.cases = {
            str(pk): str(code)
            for pk, code in Case.objects.for_project(project).values_list("pk", "code")
        }
        self.excerpts = {
            pk: str(code)
            for pk, code in Excerpt.objects.for_project(project).values_list("pk", "code")
        }

    def each(self, table: dict, ids) -> list:
        """Known ids as names, in order; ids of objects deleted since the run are left out."""
        return [table[i] for i in ids if i in table]


def _run_params(run: AgreementRun, names: _Names) -> dict[str, Any]:
    choices = dict(run.params.get("choices", {}))
    choices["cases"] = names.each(names.cases, choices.get("cases", []))
    spec = dict(run.params.get("spec", {}))
    code_ids = {str(pk): name for pk, name in names.codes.items()}
    spec["coders"] = names.each(names.users, spec.get("coders", []))
    spec["documents"] = names.each(names.documents, spec.get("documents", []))
    spec["text_versions"] = {
        names.documents[int(pk)]: number
        for pk, number in spec.get("text_versions", {}).items()
        if int(pk) in names.documents
    }
    spec["rows"] = names.each(names.codes, spec.get("rows", []))
    spec["code_map"] = {
        code_ids[key]: names.codes[row]
        for key, row in spec.get("code_map", {}).items()
        if key in code_ids and row in names.codes
    }
    spec["names"] = {
        code_ids[key]: name for key, name in spec.get("names", {}).items() if key in code_ids
    }
    return {"choices": choices, "spec": spec}


def _run_results(run: AgreementRun, names: _Names) -> dict[str, Any]:
    results = dict(run.results)
    if "coders" in results:
        results["coders"] = names.each(names.users, results["coders"])
    if "pairwise" in results:
        results["pairwise"] = [
            {**pair, "coders": names.each(names.users, pair.get("coders", []))}
            for pair in results["pairwise"]
        ]
    unitized = results.get("unitized")
    if unitized and "per_code" in unitized:
        code_ids = {str(pk): name for pk, name in names.codes.items()}
        results["unitized"] = {
            **unitized,
            "per_code": {
                code_ids[key]: value
                for key, value in unitized["per_code"].items()
                if key in code_ids
            },
        }
    return results


def _runs(project: Project) -> list[dict[str, Any]]:
    runs = list(
        AgreementRun.objects.for_project(project)
        .select_related("codebook_version", "created_by")
        .prefetch_related("coders")
        .defer("disagreement_excerpts")
        .order_by("created_at", "code")
    )
    names = _Names(project, runs)
    code_results: dict[int, list[dict[str, Any]]] = {}
    for r in (
        AgreementCodeResult.objects.filter(run__project=project)
        .select_related("code")
        .defer("disagreements")
        .order_by("position", "pk")
    ):
        code_results.setdefault(r.run_id, []).append(
            {
                "code": str(r.code.code) if r.code else None,
                "code_name": r.code_name,
                "code_path": r.code_path,
                "position": r.position,
                "units": r.units,
                "prevalence": r.prevalence,
                "values": r.values,
                "reasons": r.reasons,
                "disagreement_count": r.disagreement_count,
            }
        )
    return [
        {
            "code": str(run.code),
            "name": run.name,
            "unit": run.unit,
            "coders": sorted(names.users.get(user.pk, user.email) for user in run.coders.all()),
            "params": _run_params(run, names),
            "codebook_version": str(run.codebook_version.code) if run.codebook_version else None,
            "codebook_summary": run.codebook_summary,
            "excerpt_versions": sorted(
                [names.excerpts[pk], version]
                for pk, version in run.excerpt_versions
                if pk in names.excerpts
            ),
            "results": _run_results(run, names),
            "code_results": code_results.get(run.pk, []),
            "created_by": _email(run.created_by),
            "created_at": _when(run.created_at),
            "finished_at": _when(run.finished_at),
        }
        for run in runs
    ]

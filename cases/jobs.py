"""The cases app's part of the project export (imported by cases/apps.py)."""

from __future__ import annotations

from typing import Any

from cases.models import (
    AttributeDefinition,
    Case,
    CaseSettings,
    CaseWriteup,
    CellOverride,
    ClassificationRule,
    Footnote,
    Matrix,
)
from cases.tabular import format_value
from research.exports import export_section


@export_section("cases")
def cases_section(project) -> dict[str, Any]:
    settings_row = CaseSettings.objects.filter(project=project).first()
    definitions = AttributeDefinition.objects.filter(project=project)
    cases = (
        Case.objects.filter(project=project)
        .select_related("parent")
        .prefetch_related("attribute_values__definition", "documents")
    )
    writeups = CaseWriteup.objects.filter(case__project=project).select_related("case", "dimension")
    return {
        "anonymize": bool(settings_row and settings_row.anonymize),
        "attributes": [{"name": d.name, "type": d.type, "choices": d.choices} for d in definitions],
        "cases": [
            {
                "code": str(c.code),
                "name": c.name,
                "pseudonym": c.pseudonym,
                "kind": c.kind,
                "description": c.description,
                "part_of": str(c.parent.code) if c.parent else None,
                "documents": [str(d.code) for d in c.documents.all()],
                "attributes": {
                    v.definition.name: format_value(v.definition.type, v.value)
                    for v in c.attribute_values.all()
                },
            }
            for c in cases
        ],
        "writeups": [
            {"case": str(w.case.code), "dimension": w.dimension.name, "text": w.text}
            for w in writeups
        ],
    }


@export_section("matrices")
def matrices_section(project) -> list[dict[str, Any]]:
    matrices = Matrix.objects.filter(project=project).prefetch_related(
        "sections__rows__codebook_code", "cases"
    )
    overrides = CellOverride.objects.filter(row__section__matrix__project=project)
    by_row: dict[int, list[dict[str, str]]] = {}
    for o in overrides:
        by_row.setdefault(o.row_id, []).append(
            {"column": o.column, "symbol": o.symbol, "reason": o.reason, "computed": o.computed}
        )
    footnotes = Footnote.objects.filter(matrix__project=project).select_related("row")
    notes: dict[int, list[dict[str, Any]]] = {}
    for f in footnotes:
        notes.setdefault(f.matrix_id, []).append(
            {"row": str(f.row.code) if f.row else None, "column": f.column, "text": f.text}
        )
    return [
        {
            "code": str(m.code),
            "name": m.name,
            "columns": m.column_mode,
            "cases": [str(c.code) for c in m.cases.all()],
            "cell_mode": m.cell_mode,
            "source": m.source,
            "legend": m.legend,
            "sections": [
                {
                    "title": s.title,
                    "rows": [
                        {
                            "code": str(r.code),
                            "label": r.label,
                            "codebook_code": str(r.codebook_code.code) if r.codebook_code else None,
                            "include_descendants": r.include_descendants,
                            "overrides": by_row.get(r.pk, []),
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


@export_section("classifications")
def classifications_section(project) -> list[dict[str, Any]]:
    rules = ClassificationRule.objects.filter(project=project).prefetch_related(
        "classes__all_of", "classes__any_of", "classes__none_of"
    )
    return [
        {
            "classification": r.name,
            "applies_to": r.applies_to,
            "classes": [
                {
                    "name": c.name,
                    "all_of": [str(x.code) for x in c.all_of.all()],
                    "any_of": [str(x.code) for x in c.any_of.all()],
                    "none_of": [str(x.code) for x in c.none_of.all()],
                }
                for c in r.classes.all()
            ],
        }
        for r in rules
    ]

"""Classifications: the project's rules, and each document's (or case's) class under one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cases import matrix as engine
from cases.classify import classify, path_ids, summarize
from cases.models import Case, ClassificationRule, Source
from cases.selectors.facts import case_links, class_specs, coding_facts
from cases.selectors.readers import result_coder_scope
from coding.labels import labels_for
from coding.models import Document
from coding.reconcile.selectors import reconciled_documents
from research.models import Membership


def classification_list(*, project) -> QuerySet[ClassificationRule]:
    return ClassificationRule.objects.filter(project=project).prefetch_related("classes")


@dataclass
class ClassificationResult:
    rule: ClassificationRule
    units: list[tuple[Any, str, str | None]]  # (document or case, its label, its class)
    counts: list
    reconciled: int = 0  # documents whose consensus replaces the coders' codings here


def classification_result(
    *, rule: ClassificationRule, membership: Membership
) -> ClassificationResult:
    """Each document (or case) with its class, and the counts per class, from any coder's
    codings (a code counts when any coder applied it or a code below it); a reconciled
    document counts its consensus instead, as in the matrix (not for a blind coder, who
    counts only their own codings)."""
    project = membership.project
    specs = class_specs({rule.pk}).get(rule.pk, ())
    scope = result_coder_scope(membership)
    reconciled = (
        frozenset(reconciled_documents(project_id=project.pk)) if scope is None else frozenset()
    )
    facts = engine.select_source(
        coding_facts(project=project, coder_scope=scope), Source.ANY, reconciled=reconciled
    )
    paths_by_document: dict[int, set[int]] = defaultdict(set)
    for fact in facts:
        paths_by_document[fact.document_id].update(path_ids(fact.code_path))
    names = labels_for(membership)
    if rule.applies_to == "case":
        case_documents, _chars = case_links(project=project)
        units = []
        for case in Case.objects.filter(project=project):
            present: set[int] = set()
            for document_id in case_documents.get(case.pk, ()):
                present |= paths_by_document.get(document_id, set())
            units.append((names.case(case), classify(present, specs), case))
    else:
        units = [
            (names(d), classify(paths_by_document.get(d.pk, set()), specs), d)
            for d in Document.objects.filter(project=project)
            .ready()
            .only("pk", "title", "code", "kind", "page_count")
        ]
    counts = summarize({i: unit[1] for i, unit in enumerate(units)}, specs)
    for count in counts:
        # labels: what the page prints (pseudonyms and document numbers when anonymized)
        count.labels = [units[i][0] for i in count.units]
        count.units = [units[i][2] for i in count.units]
    return ClassificationResult(
        rule, [(u[2], u[0], u[1]) for u in units], counts, reconciled=len(reconciled)
    )

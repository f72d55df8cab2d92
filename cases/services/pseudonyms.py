"""The pseudonym list applied to the cases' texts: names, descriptions and the within-case
write-ups (study.pseudonyms applies it with coding's texts and the project memos).

A case's pseudonym is left alone (it is already the name a reader may see). Two names that
become the same (a list that maps both "Fjellstad" and "Fjellstad kommune" onto one name) keep
apart by a number, since a project's case names are unique. Lock order: the project's cases in
primary-key order, then their write-ups.
"""

from __future__ import annotations

from collections.abc import Callable

from cases.models import Case, CaseWriteup
from research.models import Project


def _free(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate.casefold() in taken:
        candidate = f"{name} ({number})"
        number += 1
    return candidate[:200]


def case_texts_pseudonymise(*, project: Project, replace: Callable[[str], str]) -> int:
    """Names, descriptions and write-ups of the project's cases; the number of cases changed.
    The caller holds a transaction."""
    cases = list(Case.objects.select_for_update().filter(project=project).order_by("pk"))
    taken: set[str] = set()
    changed = []
    for case in cases:
        before = (case.name, case.description)
        case.name = _free(replace(case.name), taken)
        case.description = replace(case.description)
        taken.add(case.name.casefold())
        if (case.name, case.description) != before:
            changed.append(case)
    # Names may swap places: free them first, so the unique constraint never sees a clash.
    for case in changed:
        Case.objects.filter(pk=case.pk).update(name=str(case.code))
    Case.objects.bulk_update(changed, ["name", "description"])
    writeups = list(
        CaseWriteup.objects.select_for_update().filter(case__project=project).order_by("pk")
    )
    edited = []
    for writeup in writeups:
        text = replace(writeup.text)
        if text != writeup.text:
            writeup.text = text
            edited.append(writeup)
    CaseWriteup.objects.bulk_update(edited, ["text"])
    return len(changed) + len(edited)

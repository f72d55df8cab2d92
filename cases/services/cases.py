"""Cases: create, update, delete, link to documents, and import from a CSV or XLSX table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases import tabular
from cases.models import AttributeDefinition, Case, CaseKind
from cases.selectors.cases import case_column_names
from cases.services.attributes import AttributeValues, attribute_values_set, dimensions_ensure
from coding.notices import notice_text
from research.audit import AuditAction, audit_record


def _check_parent(case: Case | None, parent: Case | None, project) -> None:
    if parent is None:
        return
    if parent.project_id != project.pk:
        raise ValidationError(_("The region must be a case of this project."))
    node: Case | None = parent
    while node is not None:
        if case is not None and node.pk == case.pk:
            raise ValidationError(_("A case cannot be part of itself."))
        node = node.parent


@transaction.atomic
def case_create(
    *,
    project,
    name: str,
    pseudonym: str = "",
    kind: str = CaseKind.MUNICIPALITY,
    attributes: AttributeValues | None = None,
    parent: Case | None = None,
    description: str = "",
) -> Case:
    name = name.strip()
    if not name:
        raise ValidationError(_("A case needs a name."))
    if Case.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(_("A case named “%(name)s” exists already.") % {"name": name})
    _check_parent(None, parent, project)
    case = Case.objects.create(
        project=project,
        name=name,
        pseudonym=pseudonym.strip(),
        kind=kind or CaseKind.MUNICIPALITY,
        description=description,
        parent=parent,
    )
    if attributes:
        attribute_values_set(case=case, values=attributes)
    dimensions_ensure(project=project)
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    name: str,
    pseudonym: str,
    kind: str,
    description: str,
    parent: Case | None,
    attributes: AttributeValues | None = None,
) -> Case:
    name = name.strip()
    if Case.objects.filter(project=case.project_id, name__iexact=name).exclude(pk=case.pk).exists():
        raise ValidationError(_("A case named “%(name)s” exists already.") % {"name": name})
    _check_parent(case, parent, case.project)
    case.name, case.pseudonym, case.kind = name, pseudonym.strip(), kind
    case.description, case.parent = description, parent
    case.save()
    if attributes is not None:
        attribute_values_set(case=case, values=attributes)
    return case


@transaction.atomic
def case_delete(*, case: Case, by=None) -> None:
    audit_record(
        project=case.project_id,
        actor=by,
        action=AuditAction.CASE_DELETE,
        target=case.name,
        target_id=case.code,
    )
    case.delete()


@transaction.atomic
def case_set_documents(*, case: Case, documents: Iterable) -> None:
    documents = list(documents)
    if any(d.project_id != case.project_id for d in documents):
        raise ValidationError(_("Only documents of this project can be linked."))
    case.documents.set(documents)


@transaction.atomic
def document_set_cases(*, document, cases: Iterable[Case]) -> None:
    cases = list(cases)
    if any(c.project_id != document.project_id for c in cases):
        raise ValidationError(_("Only cases of this project can be linked."))
    document.cases.set(cases)


# --- import ---------------------------------------------------------------------------------


@transaction.atomic
def cases_import(*, project, records: Sequence[tabular.CaseRecord]) -> dict[str, int]:
    """Create or update (by name) every case of a checked import, all or nothing."""
    existing = {c.name.casefold(): c for c in Case.objects.filter(project=project)}
    created = updated = 0
    cases: dict[str, Case] = {}
    for record in records:
        case = existing.get(record.name.casefold())
        if case is None:
            case = Case.objects.create(
                project=project,
                name=record.name,
                pseudonym=record.pseudonym,
                kind=record.kind or CaseKind.MUNICIPALITY,
                description=record.description,
            )
            created += 1
        else:
            case.pseudonym = record.pseudonym or case.pseudonym
            case.kind = record.kind or case.kind
            case.description = record.description or case.description
            case.save()
            updated += 1
        cases[record.name.casefold()] = case
        attribute_values_set(case=case, values=record.attributes)
    known = {**existing, **cases}
    for record in records:
        if record.parent:
            parent = known.get(record.parent.casefold())
            if parent is None:
                raise ValidationError(
                    _("Row %(row)s, column part of: no case is named “%(name)s”.")
                    % {"row": record.row, "name": record.parent}
                )
            case = cases[record.name.casefold()]
            _check_parent(case, parent, project)
            case.parent = parent
            case.save(update_fields=["parent"])
    dimensions_ensure(project=project)
    return {"created": created, "updated": updated}


@dataclass
class CaseImport:
    """One step of an import: the checked rows and every problem found, and, once the lead
    has confirmed a preview without problems, how many cases were created and updated."""

    records: list[tabular.CaseRecord]
    problems: list[tabular.Problem]
    columns: list[str] = field(default_factory=list)
    counts: dict[str, int] | None = None

    def problem_texts(self) -> list[str]:
        """The problems in the reader's language."""
        return [notice_text(problem.notice) for problem in self.problems]


def _case_kinds() -> dict[str, str]:
    """A kind as the file may spell it (its value or its label in any of the languages, any
    case) -> its value: a workbook exported in Norwegian says "kommune"."""
    kinds = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in CaseKind.choices:
                kinds[value.casefold()] = value
                kinds[str(label).casefold()] = value
    return kinds


def _case_columns() -> dict[str, str]:
    """The fixed columns' names in every language (case-folded) -> the English name."""
    names: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            local = case_column_names()
        pairs = zip(local, tabular.FIXED_COLUMNS, strict=True)
        names.update((name.casefold(), english) for name, english in pairs)
    return names


def cases_import_file(*, project, data: bytes, filename: str, confirmed: bool) -> CaseImport:
    """Check a table of cases; when `confirmed` and it has no problems, import it. A problem
    found only while saving (a region that would contain itself) is reported like the others,
    and nothing is saved."""
    definitions = list(AttributeDefinition.objects.filter(project=project))
    specs = [tabular.AttributeSpec(d.name, d.type, tuple(d.choices)) for d in definitions]
    try:
        rows = tabular.read_table(data, filename)
        records, problems = tabular.parse_cases(rows, specs, _case_kinds(), _case_columns())
    except tabular.TableError as exc:
        records, problems = [], [tabular.Problem(1, "", exc.notice)]
    result = CaseImport(records, problems, columns=[d.name for d in definitions])
    if confirmed and not problems:
        try:
            result.counts = cases_import(project=project, records=records)
        except ValidationError as exc:
            result.problems = [tabular.Problem(0, "", " ".join(exc.messages))]
    return result

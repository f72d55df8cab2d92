"""REFI-QDA project import: a read `.qdpx` into the project, all or nothing.

Order of writes (one transaction): people (the mapping the importer chose: a member, or a new
coder without a login), the codebook (merged by guid, then path: `codebook_import_tree`
locks the codebook first, as every codebook write does), documents, excerpts, codings, cases,
the sets of sources as document sets, and the stand-alone notes as project memos.
Excerpts and codings are new rows in new documents, so nothing else can hold their locks.

Selections with the same span and coder (NVivo writes one per code) become one excerpt with
all their codes. Every excerpt's text is cut from the stored document text at its offsets.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from cases.models import AttributeDefinition, AttributeType, AttributeValue, Case
from coding.codebook.importing import GUIDS_MERGE, codebook_import_tree
from coding.codebook_io import guid_key
from coding.ingest import find_paragraphs
from coding.models import Coding, Document, DocumentKind, DocumentSet, DocumentStatus, Excerpt
from research.models import Membership, Project, Role, User
from study.docsets.services import document_set_create
from study.memos.services import memo_create
from study.refi.model import RefiProject, RefiUser, Value
from study.refi.read import ImportReport, read_qdpx

NEW_CODER = "new"
CONSENSUS = "consensus"  # the file's user is the consensus layer (excerpts without a coder)
ATTRIBUTE_TYPE = {
    "Text": AttributeType.TEXT,
    "Boolean": AttributeType.BOOLEAN,
    "Integer": AttributeType.NUMBER,
    "Float": AttributeType.NUMBER,
    "Date": AttributeType.DATE,
    "DateTime": AttributeType.DATE,
}


def placeholder_email(guid: str) -> str:
    """A coder without a login is a user that cannot sign in until invited."""
    return f"refi-{guid_key(guid)}@import.invalid"


@dataclass
class _Span:
    excerpt: Excerpt
    codes: set[int]
    memos: list[str]


@transaction.atomic
def qdpx_import(
    *,
    project: Project,
    data: bytes,
    mapping: dict[str, str],
    user: User,
    report: Callable[[int, str], None] | None = None,
) -> dict:
    """Import the archive. `mapping`: REFI user guid → a member's user id (as text) or
    `NEW_CODER`. Raises `RefiArchiveError` before anything is written if the file is refused.
    Returns the import report (JSON-ready)."""
    result = read_qdpx(data)
    refi, notes = result.project, result.report
    people = _people(project, refi.users, mapping)
    if report:
        report(20, "people")
    merged = codebook_import_tree(project=project, roots=refi.codes, user=user, guids=GUIDS_MERGE)
    notes.taken["Code already in the codebook"] = len(merged.existing)
    if report:
        report(40, "codebook")
    documents = _documents(project, refi, user, people, merged.codes, notes)
    if report:
        report(80, "documents")
    _cases(project, refi, documents, notes)
    _sets(project, refi, documents, user, notes)
    for note in refi.notes:
        title = note.name.strip() or (note.text.strip().split("\n")[0][:80] or "Note")
        author = people.get(guid_key(note.user_guid or ""), user)
        memo_create(project=project, user=author or user, title=title, text=note.text)
    notes.taken["Stand-alone note → project memo"] = len(refi.notes)
    return notes.as_dict()


def _people(
    project: Project, users: list[RefiUser], mapping: dict[str, str]
) -> dict[str, User | None]:
    """Each REFI user (by guid key) → the coder their selections get; None: consensus."""
    members = {str(m.user_id): m.user for m in project.memberships.select_related("user")}
    people: dict[str, User | None] = {}
    for refi_user in users:
        choice = mapping.get(refi_user.guid, NEW_CODER)
        if choice == CONSENSUS:
            people[guid_key(refi_user.guid)] = None
            continue
        if choice in members:
            people[guid_key(refi_user.guid)] = members[choice]
            continue
        email = placeholder_email(refi_user.guid)
        person = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, display_name=refi_user.name[:150], is_active=False
        )
        Membership.objects.get_or_create(
            project=project, user=person, defaults={"role": Role.CODER}
        )
        people[guid_key(refi_user.guid)] = person
    return people


def _documents(
    project: Project,
    refi: RefiProject,
    user: User,
    people: dict[str, User | None],
    codes: dict,
    notes: ImportReport,
) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    spans: dict[tuple, _Span] = {}
    without_coder = 0
    for source in refi.sources:
        text = source.text
        document = Document.objects.create(
            project=project,
            title=source.name[:300],
            kind=DocumentKind.OTHER,
            status=DocumentStatus.READY,
            text=text,
            notes="\n\n".join(n.text for n in source.notes),
            pages=[[1, 0, len(text)]],
            paragraphs=[list(p) for p in find_paragraphs(text)],
            char_count=len(text),
            page_count=1,
            created_by=user,
        )
        documents[guid_key(source.guid)] = document
        for selection in source.selections:
            known = guid_key(selection.user_guid or "")
            coder = people.get(known, user)  # None in people: the consensus layer
            if known not in people:
                without_coder += 1
            key = (document.pk, coder.pk if coder else None, selection.start, selection.end)
            span = spans.get(key)
            if span is None:
                excerpt = Excerpt(
                    document=document,
                    coder=coder,
                    start=selection.start,
                    end=selection.end,
                    text=text[selection.start : selection.end],
                )
                span = spans[key] = _Span(excerpt, set(), [])
            else:
                notes.taken["Selection merged with one of the same span and coder"] += 1
            span.codes.update(codes[guid_key(c.code_guid)].pk for c in selection.codings)
            span.memos += [n.text for n in selection.notes]
    if without_coder:
        notes.notes.append(
            f"{without_coder} selection(s) named no known coder; they are yours now."
        )
    for span in spans.values():
        span.excerpt.memo = "\n\n".join(span.memos)
    Excerpt.objects.bulk_create([s.excerpt for s in spans.values()], batch_size=1000)
    Coding.objects.bulk_create(
        [Coding(excerpt=s.excerpt, code_id=c) for s in spans.values() for c in sorted(s.codes)],
        batch_size=2000,
    )
    notes.taken["Excerpt"] = len(spans)
    return documents


def _cases(
    project: Project, refi: RefiProject, documents: dict[str, Document], notes: ImportReport
) -> None:
    definitions: dict[str, AttributeDefinition] = {}
    existing = {d.name: d for d in AttributeDefinition.objects.filter(project=project)}
    position = len(existing)
    for variable in refi.variables:
        kind = ATTRIBUTE_TYPE[variable.type]
        definition = existing.get(variable.name)
        if definition is None or definition.type != kind:
            name = variable.name if definition is None else f"{variable.name} ({variable.type})"
            definition = AttributeDefinition.objects.create(
                project=project, name=name[:200], type=kind, position=position
            )
            existing[definition.name] = definition
            position += 1
        definitions[guid_key(variable.guid)] = definition
    names = set(Case.objects.filter(project=project).values_list("name", flat=True))
    for refi_case in refi.cases:
        name = refi_case.name[:200]
        if name in names:
            name = f"{name[:180]} ({uuid.uuid4().hex[:6]})"
            notes.notes.append(f"case “{refi_case.name}” exists already; imported as “{name}”")
        names.add(name)
        case = Case.objects.create(project=project, name=name, description=refi_case.description)
        for variable_guid, value in refi_case.values:
            definition = definitions[guid_key(variable_guid)]
            fields = _value(value, definition.type)
            if fields is None:
                notes.skip("VariableValue", "its value does not fit its variable's type")
                continue
            AttributeValue.objects.create(case=case, definition=definition, **fields)
        linked = [documents[k] for k in map(guid_key, refi_case.source_guids) if k in documents]
        missing = len(refi_case.source_guids) - len(linked)
        notes.skip("Case SourceRef", "the source was not imported", missing)
        case.documents.set(linked)


def _sets(
    project: Project,
    refi: RefiProject,
    documents: dict[str, Document],
    user: User,
    notes: ImportReport,
) -> None:
    """Each set of sources becomes a document set; a name the project has is given a suffix,
    as cases' names are."""
    names = set(DocumentSet.objects.filter(project=project).values_list("name", flat=True))
    for refi_set in refi.sets:
        name = refi_set.name[:200]
        if name in names:
            name = f"{name[:180]} ({uuid.uuid4().hex[:6]})"
            notes.notes.append(f"set “{refi_set.name}” exists already; imported as “{name}”")
        names.add(name)
        members = [documents[guid_key(g)] for g in refi_set.source_guids]
        document_set_create(project=project, user=user, name=name, documents=members)


def _value(value: Value, kind: str) -> dict | None:
    """The value's field for an attribute of `kind`, or None if it does not fit."""
    if kind == AttributeType.TEXT:
        return {"text": value.isoformat() if isinstance(value, date) else str(value)}
    if kind == AttributeType.BOOLEAN:
        return {"boolean": value} if isinstance(value, bool) else None
    if kind == AttributeType.NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"number": float(value)}
        return None
    return {"date": value} if isinstance(value, date) else None

"""Restore one project from a project export (`study.export`) into this server.

All or nothing: the project is written in one transaction, and a file that is not a complete
export raises `RestoreError` with a sentence for the researcher, leaving nothing behind.

The restored project keeps the public UUIDs of the file, so its links and citations
(`[[excerpt:<uuid>]]` in write-ups, case columns of matrix overrides) stay valid; a project that
is still on this server is therefore refused. People are matched by e-mail; those this server
does not know are created inactive, without a usable password, until someone invites them.
The original files of documents are not in the export: restored documents have their text and
structure but nothing to download. The codebook's change log is kept as a record; its details
name another server's ids, so undo only reaches changes made after the restore (see
`coding.codebook.services.codebook_undoable`).
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    AppliesTo,
    AttributeDefinition,
    AttributeType,
    AttributeValue,
    Case,
    CaseKind,
    CaseWriteup,
    CellMode,
    CellOverride,
    ClassificationClass,
    ClassificationRule,
    ColumnMode,
    Dimension,
    Footnote,
    Matrix,
    MatrixRow,
    MatrixSection,
    Source,
)
from coding.documents.selectors import document_reading_fields
from coding.documents.versions import text_versions_load
from coding.excerpts.services import excerpts_log_restored
from coding.models import (
    Assignment,
    AssignmentStatus,
    Code,
    CodebookChange,
    CodebookVersion,
    CodeStatus,
    Coding,
    Document,
    DocumentKind,
    DocumentStatus,
    Excerpt,
)
from research.models import LONG_EXCERPT, FormerMember, Membership, Project, Role, User
from study.docsets.exchange import document_sets_restore
from study.export import FORMAT, VERSION
from study.memos.exchange import memos_restore
from study.reconciliations import reconciliations_restore
from study.restore_runs import runs_restore

logger = logging.getLogger(__name__)


class RestoreError(Exception):
    """The file cannot be restored; the message says why, for the researcher."""


def project_restore_file(*, content: bytes, owner: User | None = None) -> Project:
    """Restore a project from the bytes of an export file."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RestoreError(
            _("This file is not a Concord project export: it is not JSON text.")
        ) from exc
    return project_restore(data=data, owner=owner)


def project_restore(*, data: Any, owner: User | None = None) -> Project:
    """Create the project described by an export's data; `owner` (a user of this server)
    becomes its owner besides the owners named in the file."""
    _check_header(data)
    try:
        with transaction.atomic():
            return _Restore(data, owner).run()
    except RestoreError:
        raise
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        ValidationError,
        ObjectDoesNotExist,
        IntegrityError,
        DataError,
    ) as exc:
        logger.info("Project restore refused: %r", exc)
        raise RestoreError(
            _(
                "This file is not a complete Concord project export, so nothing was restored "
                "(the problem was near: %(detail)s)."
            )
            % {"detail": str(exc)[:200] or type(exc).__name__}
        ) from exc


def _check_header(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError(
            _("This file is not a Concord project export (it does not say “%(format)s”).")
            % {"format": FORMAT}
        )
    if data.get("version") != VERSION:
        raise RestoreError(
            _(
                "This export has format version %(found)s; this server restores version "
                "%(version)s. Export the project again from an up-to-date Concord."
            )
            % {"found": data.get("version"), "version": VERSION}
        )
    project = data.get("project")
    code = project.get("code") if isinstance(project, dict) else None
    existing = Project.objects.filter(code=_uuid(code)).first() if code else None
    if existing is not None:
        raise RestoreError(
            _(
                "The project “%(title)s” from this file is already on this server. Delete it "
                "first if you want to replace it with the exported state."
            )
            % {"title": existing.title}
        )


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


def _when(value: Any) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _date(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _choice(value: Any, allowed, what: str) -> str:
    if value not in allowed:
        raise RestoreError(
            _("The file has an unknown %(what)s: “%(value)s”.") % {"what": what, "value": value}
        )
    return value


class _Restore:
    """One restore: the file's data and the objects made so far, by their public names."""

    def __init__(self, data: dict[str, Any], owner: User | None):
        self.data = data
        self.owner = owner
        self.users: dict[str, User] = {}
        self.codes: dict[str, Code] = {}
        self.versions: dict[str, CodebookVersion] = {}
        self.documents: dict[str, Document] = {}
        self.excerpts: dict[str, Excerpt] = {}
        self.cases: dict[str, Case] = {}
        self.attributes: dict[str, AttributeDefinition] = {}
        self.dimensions: dict[str, Dimension] = {}
        self.rules: dict[str, ClassificationRule] = {}
        self.rows: dict[str, MatrixRow] = {}

    def find(self, table: dict[str, Any], key: Any, what: str):
        if key is None:
            return None
        try:
            return table[str(key)]
        except KeyError:
            raise RestoreError(
                _("The file refers to a %(what)s that it does not contain (%(key)s).")
                % {"what": what, "key": key}
            ) from None

    def user(self, email: Any, name: str = "") -> User | None:
        """The person with this e-mail on this server, created inactive when unknown."""
        if email is None:
            return None
        email = str(email).strip()
        key = email.lower()
        if key not in self.users:
            validate_email(email)
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, display_name=name, is_active=False)
            self.users[key] = user
        return self.users[key]

    def run(self) -> Project:
        project = self._project()
        self._codebook(project)
        self._documents(project)
        self._excerpts()
        self._cases(project)
        self._classifications(project)
        self._matrices(project)
        runs_restore(self, project)
        reconciliations_restore(self, project)
        memos_restore(self, project)
        document_sets_restore(self, project)
        return project

    def _project(self) -> Project:
        p = self.data["project"]
        project = Project(
            code=_uuid(p["code"]),
            title=p["title"],
            research_question=p["research_question"],
            description=p["description"],
            language=p["language"],
            blind_coding=bool(p["blind_coding"]),
            coders_may_create_codes=bool(p["coders_may_create_codes"]),
            # Exports made before the setting existed carry none: the default applies.
            long_excerpt=int(p.get("long_excerpt", LONG_EXCERPT)),
            archived_at=_when(p.get("archived_at")),
        )
        project.full_clean()
        project.save()
        for member in self.data["members"]:
            user = self.user(member["email"], member.get("name", ""))
            role = _choice(member["role"], Role.values, _("role"))
            Membership.objects.create(project=project, user=user, role=role)
        if self.owner is not None:
            Membership.objects.update_or_create(
                project=project, user=self.owner, defaults={"role": Role.OWNER}
            )
        self._former_members(project)
        return project

    def _former_members(self, project: Project) -> None:
        """The stand-ins first, so the excerpts, runs and comments that name them find an
        inactive account with the pseudonym's name. The removed account is not on this server
        (nor in the file): the stand-in's own id keeps its row unique, and it is what the
        restored runs name as their coder."""
        for f in self.data.get("former_members", []):  # files made before stand-ins were kept
            placeholder = self.user(f["email"], f.get("name", ""))
            if placeholder is None or placeholder.is_active:
                raise RestoreError(
                    _("A former member's stand-in is an active account on this server: %(e)s.")
                    % {"e": f["email"]}
                )
            if f.get("name") and placeholder.display_name != f["name"]:
                placeholder.display_name = f["name"]
                placeholder.save(update_fields=["display_name"])
            FormerMember.objects.create(
                project=project,
                number=int(f["number"]),
                user_id=placeholder.pk,
                placeholder=placeholder,
                codings_deleted=bool(f.get("codings_deleted")),
                removed_at=_when(f.get("removed_at")) or timezone.now(),
            )

    def _codebook(self, project: Project) -> None:
        book = self.data["codebook"]
        self._codes(project, book["tree"], None)
        for v in book["versions"]:
            self.versions[v["code"]] = CodebookVersion.objects.create(
                code=_uuid(v["code"]),
                project=project,
                name=v["name"],
                snapshot=v["snapshot"],
                created_by=self.user(v["created_by"]),
                created_at=_when(v["created_at"]),
            )
        CodebookChange.objects.bulk_create(
            CodebookChange(
                project=project,
                code=self.codes.get(str(c["code"])),
                code_name=c["code_name"],
                action=c["action"],
                before=c["before"],
                after=c["after"],
                user=self.user(c["user"]),
                at=_when(c["at"]),
            )
            for c in book["changes"]
        )

    def _codes(self, project: Project, nodes: list[dict], parent: Code | None) -> None:
        for position, node in enumerate(nodes):
            code = Code.objects.create(
                code=_uuid(node["code"]),
                project=project,
                parent=parent,
                name=node["name"],
                status=_choice(node["status"], CodeStatus.values, _("code status")),
                definition=node["definition"],
                inclusion=node["inclusion"],
                exclusion=node["exclusion"],
                example=node["example"],
                colour=node["colour"],
                shortcut=node["shortcut"],
                memo=node["memo"],
                # Files exported before these fields existed: the model's defaults.
                **{
                    k: node[k] for k in ("colour_given", "exchange_guid", "is_codable") if k in node
                },
                position=position,
                depth=parent.depth + 1 if parent else 0,
            )
            code.path = f"{parent.path if parent else '/'}{code.pk}/"
            Code.objects.filter(pk=code.pk).update(path=code.path)
            self.codes[str(code.code)] = code
            self._codes(project, node["children"], code)

    def _documents(self, project: Project) -> None:
        for d in self.data["documents"]:
            status, error = d["status"], d["error"]
            if status not in (DocumentStatus.READY, DocumentStatus.FAILED):
                # Reading had not finished when the project was exported; the file is not
                # in the export, so it can only be uploaded again.
                status = DocumentStatus.FAILED
                error = _("The text was still being read when the project was exported.")
            self.documents[d["code"]] = Document.objects.create(
                code=_uuid(d["code"]),
                project=project,
                title=d["title"],
                kind=_choice(d["kind"], DocumentKind.values, _("document kind")),
                language=d["language"],
                date=_date(d["date"]),
                source=d["source"],
                notes=d["notes"],
                original_name=d["original_name"],
                sha256=d["sha256"],
                size=d["size"],
                file_type=d["file_type"],
                status=status,
                error=error,
                warnings=d["warnings"],
                char_count=d["characters"],
                text=d["text"],
                pages=d["pages"],
                paragraphs=d["paragraphs"],
                turns=d["turns"],
                **document_reading_fields(d),
                page_count=len(d["pages"]),
                created_by=self.user(d["created_by"]),
                created_at=_when(d["created_at"]),
            )
            text_versions_load(document=self.documents[d["code"]], rows=d.get("text_versions", []))
        Assignment.objects.bulk_create(
            Assignment(
                document=self.find(self.documents, a["document"], _("document")),
                coder=self.user(a["coder"]),
                status=_choice(a["status"], AssignmentStatus.values, _("assignment status")),
                assigned_at=_when(a["assigned_at"]),
                done_at=_when(a["done_at"]),
            )
            for a in self.data["assignments"]
        )

    def _excerpts(self) -> None:
        codings = []
        # Each excerpt's history starts with the restore (the file carries no history).
        logged: dict[Excerpt, list] = {}
        for e in self.data["excerpts"]:
            document = self.find(self.documents, e["document"], _("document"))
            start, end = int(e["start"]), int(e["end"])
            flag = str(e.get("text_flag") or "")  # a new text version moved its words away
            wrong = document.text[start:end] != e["text"] and not flag
            if not 0 <= start < end <= len(document.text) or wrong:
                raise RestoreError(
                    _("An excerpt of “%(title)s” does not match the document's text.")
                    % {"title": document.title}
                )
            excerpt = Excerpt.objects.create(
                code=_uuid(e["code"]),
                document=document,
                coder=self.user(e["coder"]),
                start=start,
                end=end,
                text=e["text"],
                memo=e["memo"],
                version=e["version"],
                text_flag=flag,
                from_search=str(e.get("from_search") or ""),  # files from before it had none
                created_at=_when(e["created_at"]),
                updated_at=_when(e["updated_at"]),
            )
            self.excerpts[e["code"]] = excerpt
            codes = [self.find(self.codes, code, _("code")) for code in e["codes"]]
            codings += [Coding(excerpt=excerpt, code=code) for code in codes]
            logged[excerpt] = [code.code for code in codes]
        Coding.objects.bulk_create(codings)
        excerpts_log_restored(excerpts=logged, user=self.owner)

    def _cases(self, project: Project) -> None:
        part = self.data["cases"]
        if part["anonymize"]:
            Project.objects.filter(pk=project.pk).update(anonymize=True)
            project.anonymize = True
        for position, a in enumerate(part["attributes"]):
            self.attributes[a["name"]] = AttributeDefinition.objects.create(
                code=_uuid(a["code"]),
                project=project,
                name=a["name"],
                type=_choice(a["type"], AttributeType.values, _("attribute type")),
                choices=a["choices"],
                position=position,
            )
        for position, d in enumerate(part["dimensions"]):
            self.dimensions[d["code"]] = Dimension.objects.create(
                code=_uuid(d["code"]), project=project, name=d["name"], position=position
            )
        for c in part["cases"]:
            self.cases[c["code"]] = Case.objects.create(
                code=_uuid(c["code"]),
                project=project,
                name=c["name"],
                pseudonym=c["pseudonym"],
                kind=_choice(c["kind"], CaseKind.values, _("case kind")),
                description=c["description"],
                created_at=_when(c["created_at"]),
            )
        for c in part["cases"]:
            case = self.cases[c["code"]]
            case.parent = self.find(self.cases, c["part_of"], _("case"))
            case.save(update_fields=["parent"])
            case.documents.set(
                [self.find(self.documents, d, _("document")) for d in c["documents"]]
            )
            for name, value in c["attributes"].items():
                self._attribute_value(case, self.find(self.attributes, name, _("attribute")), value)
        CaseWriteup.objects.bulk_create(
            CaseWriteup(
                case=self.find(self.cases, w["case"], _("case")),
                dimension=self.find(self.dimensions, w["dimension"], _("dimension")),
                text=w["text"],
                updated_by=self.user(w["updated_by"]),
                updated_at=_when(w["updated_at"]),
            )
            for w in part["writeups"]
        )

    def _attribute_value(self, case: Case, definition: AttributeDefinition, value: Any) -> None:
        row = AttributeValue(case=case, definition=definition)
        if value is not None and definition.type == AttributeType.NUMBER:
            row.number = float(value)
        elif value is not None and definition.type == AttributeType.BOOLEAN:
            row.boolean = bool(value)
        elif value is not None and definition.type == AttributeType.DATE:
            row.date = _date(value)
        elif definition.type in (AttributeType.TEXT, AttributeType.CHOICE):
            row.text = str(value or "")
        row.save()

    def _classifications(self, project: Project) -> None:
        for r in self.data["classifications"]:
            rule = ClassificationRule.objects.create(
                code=_uuid(r["code"]),
                project=project,
                name=r["name"],
                applies_to=_choice(r["applies_to"], AppliesTo.values, _("classification kind")),
                description=r["description"],
                created_by=self.user(r["created_by"]),
                created_at=_when(r["created_at"]),
            )
            self.rules[r["code"]] = rule
            for position, c in enumerate(r["classes"]):
                item = ClassificationClass.objects.create(
                    rule=rule, name=c["name"], position=position
                )
                for field in ("all_of", "any_of", "none_of"):
                    getattr(item, field).set(
                        [self.find(self.codes, code, _("code")) for code in c[field]]
                    )

    def _matrices(self, project: Project) -> None:
        for m in self.data["matrices"]:
            matrix = Matrix.objects.create(
                code=_uuid(m["code"]),
                project=project,
                name=m["name"],
                description=m["description"],
                column_mode=_choice(m["columns"], ColumnMode.values, _("column mode")),
                group_attribute=self._attribute_by_code(m["group_attribute"]),
                cell_mode=_choice(m["cell_mode"], CellMode.values, _("cell mode")),
                source=_choice(m["source"], Source.values, _("matrix source")),
                coder=self.user(m["coder"]),
                legend=m["legend"],
                codebook_version=self.find(self.versions, m["codebook_version"], _("version")),
                created_by=self.user(m["created_by"]),
                created_at=_when(m["created_at"]),
            )
            matrix.cases.set([self.find(self.cases, c, _("case")) for c in m["cases"]])
            for position, s in enumerate(m["sections"]):
                section = MatrixSection.objects.create(
                    matrix=matrix, title=s["title"], position=position
                )
                for row_position, r in enumerate(s["rows"]):
                    self._matrix_row(section, row_position, r)
            Footnote.objects.bulk_create(
                Footnote(
                    code=_uuid(f["code"]),
                    matrix=matrix,
                    row=self.find(self.rows, f["row"], _("matrix row")),
                    column=f["column"],
                    text=f["text"],
                    created_by=self.user(f["created_by"]),
                    created_at=_when(f["created_at"]),
                )
                for f in m["footnotes"]
            )

    def _attribute_by_code(self, code: Any) -> AttributeDefinition | None:
        if code is None:
            return None
        by_code = {str(a.code): a for a in self.attributes.values()}
        return self.find(by_code, code, _("attribute"))

    def _matrix_row(self, section: MatrixSection, position: int, r: dict[str, Any]) -> None:
        row = MatrixRow.objects.create(
            code=_uuid(r["code"]),
            section=section,
            label=r["label"],
            codebook_code=self.find(self.codes, r["codebook_code"], _("code")),
            rule=self.find(self.rules, r["rule"], _("classification")),
            include_descendants=bool(r["include_descendants"]),
            position=position,
        )
        self.rows[r["code"]] = row
        CellOverride.objects.bulk_create(
            CellOverride(
                row=row,
                column=o["column"],
                symbol=o["symbol"],
                reason=o["reason"],
                computed=o["computed"],
                user=self.user(o["user"]),
                at=_when(o["at"]),
            )
            for o in r["overrides"]
        )

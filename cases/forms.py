"""Forms of the cases app; every queryset is scoped to the project."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import (
    AppliesTo,
    AttributeDefinition,
    AttributeType,
    Case,
    CaseKind,
    CellMode,
    ClassificationRule,
    ColumnMode,
    MatrixRow,
    MatrixSection,
    Source,
)
from cases.services.matrices import legend_parse, legend_text
from coding.models import Code, Document
from research.access import project_coder_users
from research.forms import UserText, with_user_text
from research.models import User

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class CrispyForm(forms.Form):
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


def _attribute_field(definition: AttributeDefinition) -> forms.Field:
    # The attribute's name and choices are the project's words (translate="no").
    label = with_user_text("%(name)s", name=definition.name)
    if definition.type == AttributeType.NUMBER:
        return forms.FloatField(label=label, required=False)
    if definition.type == AttributeType.BOOLEAN:
        return forms.NullBooleanField(
            label=label,
            required=False,
            widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
        )
    if definition.type == AttributeType.DATE:
        return forms.DateField(
            label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
    if definition.type == AttributeType.CHOICE:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—")] + [(c, UserText(c)) for c in definition.choices],
        )
    return forms.CharField(label=label, required=False, max_length=2000)


class CaseForm(CrispyForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    pseudonym = forms.CharField(label=_("Pseudonym"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    parent = forms.ModelChoiceField(
        label=_("Part of (region)"), queryset=Case.objects.none(), required=False
    )

    def __init__(self, *args, project, definitions, case=None, **kwargs):
        if case is not None and "initial" not in kwargs:
            initial = {
                "name": case.name,
                "pseudonym": case.pseudonym,
                "kind": case.kind,
                "description": case.description,
                "parent": case.parent,
            }
            for value in case.attribute_values.all():
                initial[f"attr_{value.definition_id}"] = value.value
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        parents = Case.objects.filter(project=project)
        if case is not None:
            parents = parents.exclude(pk=case.pk)
        self.fields["parent"].queryset = parents
        self.definitions = list(definitions)
        for definition in self.definitions:
            self.fields[f"attr_{definition.pk}"] = _attribute_field(definition)

    def attributes(self) -> dict:
        return {d: self.cleaned_data.get(f"attr_{d.pk}") for d in self.definitions}

    def case_fields(self) -> dict:
        """What case_create and case_update take: the case's fields and its attributes."""
        names = ["name", "pseudonym", "kind", "description", "parent"]
        return {**{n: self.cleaned_data[n] for n in names}, "attributes": self.attributes()}


class CaseDocumentsForm(CrispyForm):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents of this case"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project, case, **kwargs):
        kwargs.setdefault("initial", {"documents": case.documents.all()})
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = Document.objects.filter(project=project)


class DocumentCasesForm(CrispyForm):
    cases = forms.ModelMultipleChoiceField(
        label=_("Cases this document belongs to"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project, document, **kwargs):
        kwargs.setdefault("initial", {"cases": document.cases.all()})
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = Case.objects.filter(project=project)


class AttributeForm(CrispyForm):
    submit_label = _("Add attribute")
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=AttributeType.choices)
    choices = forms.CharField(
        label=_("Choices (one per line, for choice attributes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class DimensionForm(CrispyForm):
    submit_label = _("Add dimension")
    name = forms.CharField(label=_("Dimension"), max_length=200)


class CaseSettingsForm(CrispyForm):
    anonymize = forms.BooleanField(
        label=_("Show pseudonyms only (exports, viewers and coders)"),
        help_text=_(
            "Cases by their pseudonyms, documents by their kind and number instead of their "
            "titles, on every page and in every export."
        ),
        required=False,
    )


class CaseImportForm(CrispyForm):
    submit_label = _("Check the file")
    file = forms.FileField(label=_("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload


class WriteupForm(CrispyForm):
    text = forms.CharField(
        label=_("Write-up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        # Crispy renders help text as HTML: the placeholder must not look like a tag.
        help_text=_(
            "Cite an excerpt with “Cite” in the list of the case's excerpts, or write "
            "<code>[[excerpt:CODE]]</code> on a line of its own, CODE being the excerpt's code."
        ),
    )


LAYOUT_EMPTY, LAYOUT_STUDY = "", "study"
LAYOUT_CHOICES = [
    (LAYOUT_EMPTY, _("An empty matrix: I will add sections and rows")),
    (LAYOUT_STUDY, _("Start from the study's Table 3 layout")),
]


class MatrixForm(CrispyForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    column_mode = forms.ChoiceField(label=_("Columns"), choices=ColumnMode.choices)
    cases = forms.ModelMultipleChoiceField(
        label=_("Chosen cases"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group_attribute = forms.ModelChoiceField(
        label=_("Group by attribute"), queryset=AttributeDefinition.objects.none(), required=False
    )
    cell_mode = forms.ChoiceField(label=_("Cells show"), choices=CellMode.choices)
    source = forms.ChoiceField(label=_("Whose codings"), choices=Source.choices)
    coder = forms.ModelChoiceField(
        label=_("Coder"), queryset=get_user_model().objects.none(), required=False
    )
    legend = forms.CharField(
        label=_("Legend (one “symbol = meaning” per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        # The study's own legend, in the reader's language (the symbols stay X and *).
        initial=_("X = yes\n* = exploring the idea / pilot project\n= no"),
    )

    def __init__(self, *args, project, creating: bool = False, matrix=None, **kwargs):
        if matrix is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": matrix.name,
                "description": matrix.description,
                "column_mode": matrix.column_mode,
                "cases": matrix.cases.all(),
                "group_attribute": matrix.group_attribute,
                "cell_mode": matrix.cell_mode,
                "source": matrix.source,
                "coder": matrix.coder,
                "legend": legend_text(matrix.legend),
            }
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["layout"] = forms.ChoiceField(
                label=_("Start from"),
                choices=LAYOUT_CHOICES,
                initial="",
                required=False,
                widget=forms.RadioSelect,
                help_text=_(
                    "The study's layout adds its sections and rows; each row is mapped to the "
                    "code of the same name in your codebook, and rows without one are kept as "
                    "labels you can map later."
                ),
            )
            # Right after the name and description, where the choice is made.
            order = ["name", "description", "layout"]
            self.order_fields(order + [f for f in self.fields if f not in order])
        self.fields["cases"].queryset = Case.objects.filter(project=project)
        self.fields["group_attribute"].queryset = AttributeDefinition.objects.filter(
            project=project
        )
        coders = project_coder_users(project)
        if matrix is not None and matrix.coder_id:
            # A removed member's stand-in ("Former coder 1") stays choosable where it is chosen.
            coders = coders | User.objects.filter(pk=matrix.coder_id)
        self.fields["coder"].queryset = coders.distinct()

    def clean_legend(self) -> list[dict[str, str]]:
        return legend_parse(self.cleaned_data["legend"])

    def matrix_fields(self) -> dict:
        """What matrix_create and matrix_update take (the layout is the view's choice)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "layout"}


class SectionForm(CrispyForm):
    submit_label = _("Add section")
    title = forms.CharField(label=_("Section title"), max_length=300)


class RowForm(CrispyForm):
    submit_label = _("Add row")
    section = forms.ModelChoiceField(label=_("Section"), queryset=MatrixSection.objects.none())
    label = forms.CharField(label=_("Label (default: the code's name)"), required=False)
    code = forms.ModelChoiceField(label=_("Code"), queryset=Code.objects.none(), required=False)
    include_descendants = forms.BooleanField(
        label=_("Include codes below it"), required=False, initial=True
    )
    rule = forms.ModelChoiceField(
        label=_("…or a classification"),
        queryset=ClassificationRule.objects.none(),
        required=False,
    )

    def __init__(self, *args, matrix, row=None, **kwargs):
        if row is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "section": row.section,
                "label": row.label,
                "code": row.codebook_code,
                "include_descendants": row.include_descendants,
                "rule": row.rule,
            }
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = matrix.sections.all()
        self.fields["code"].queryset = Code.objects.filter(project=matrix.project_id)
        self.fields["rule"].queryset = ClassificationRule.objects.filter(project=matrix.project_id)

    def clean(self):
        data = super().clean()
        if bool(data.get("code")) == bool(data.get("rule")):
            raise ValidationError(_("Choose either a code or a classification for the row."))
        return data


class RowUpdateForm(RowForm):
    """Edit a row: its label, section and what it stands for. Unlike a new row, a row may be
    left with neither a code nor a classification (a label-only row, blank until mapped)."""

    submit_label = _("Save row")

    def clean(self):
        data = forms.Form.clean(self)
        if data.get("code") and data.get("rule"):
            raise ValidationError(_("Choose either a code or a classification for the row."))
        if not (data.get("label") or "").strip() and not (data.get("code") or data.get("rule")):
            raise ValidationError(_("A row without a code needs a label."))
        return data


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])


class SectionMoveForm(MoveForm):
    section = forms.ModelChoiceField(queryset=MatrixSection.objects.none())

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = matrix.sections.all()


class OverrideForm(CrispyForm):
    submit_label = _("Override the cell")
    # The choices are the matrix's legend, the project's own words (translate="no").
    symbol = forms.ChoiceField(label=_("Symbol"), widget=forms.Select(attrs={"translate": "no"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, legend, current=None, **kwargs):
        if current is not None and "initial" not in kwargs:
            kwargs["initial"] = {"symbol": current.symbol, "reason": current.reason}
        super().__init__(*args, **kwargs)
        blank = _("(blank)")  # outside the f-string, where makemessages finds it
        self.fields["symbol"].choices = [
            (item["symbol"], f"{item['symbol'] or blank} = {item['meaning']}") for item in legend
        ]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for overriding the computed value."))
        return reason


class FootnoteForm(CrispyForm):
    submit_label = _("Add footnote")
    row = forms.ModelChoiceField(label=_("Row"), queryset=MatrixRow.objects.none(), required=False)
    column = forms.ChoiceField(label=_("Column"), required=False)
    text = forms.CharField(label=_("Footnote"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, matrix, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["row"].queryset = MatrixRow.objects.filter(section__matrix=matrix)
        self.fields["column"].choices = [("", "—")] + [(c.key, UserText(c.label)) for c in columns]

    def clean(self):
        data = super().clean()
        if not data.get("row") and not data.get("column"):
            raise ValidationError(_("Attach the footnote to a row, a column, or both (a cell)."))
        return data


class ClassificationForm(CrispyForm):
    """Classes are written one per line, highest first:
    `Quintuple helix: all Government, Industry, Academia, Society, Environment`
    with clauses `all …`, `any …`, `none …` separated by `;` and codes by name or path
    (`Actors/Industry`)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=AppliesTo.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    classes = forms.CharField(
        label=_("Classes, highest first"),
        widget=forms.Textarea(attrs={"rows": 5}),
        # The syntax (all, any, none) is the same in every language: <code>, as crispy renders
        # help text as HTML.
        help_text=_(
            "One class per line: <code>Name: all Code A, Code B; any Code C; none Code D</code>. "
            "A unit gets the first class whose condition holds. Name codes by name, or by path "
            "(Cluster/Category) when a name is used twice. The last class may have no "
            "condition (<code>Other:</code>): it takes every unit no earlier class took."
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_classes(self) -> list[tuple[str, list, list, list]]:
        codes = list(Code.objects.filter(project=self.project))
        by_id = {c.pk: c for c in codes}
        index: dict[str, list[Code]] = {}
        for code in codes:
            names = [by_id[int(i)].name for i in code.path.strip("/").split("/") if int(i) in by_id]
            for key in {code.name.casefold(), "/".join(names).casefold()}:
                index.setdefault(key, []).append(code)
        classes = []
        for number, line in enumerate(self.cleaned_data["classes"].splitlines(), start=1):
            if not line.strip():
                continue
            if ":" not in line:
                raise ValidationError(
                    _("Line %(n)s: write “Class name: all Code A, Code B”.") % {"n": number}
                )
            name, body = (part.strip() for part in line.split(":", 1))
            clauses: dict[str, list[Code]] = {"all": [], "any": [], "none": []}
            for clause in filter(None, (c.strip() for c in body.split(";"))):
                word, _space, rest = clause.partition(" ")
                if word.lower() not in clauses:
                    raise ValidationError(
                        _("Line %(n)s: start each condition with all, any or none (not “%(w)s”).")
                        % {"n": number, "w": word}
                    )
                for code_name in filter(None, (c.strip() for c in rest.split(","))):
                    found = index.get(code_name.casefold(), [])
                    if len(found) != 1:
                        message = (
                            _("Line %(n)s: no code is named “%(c)s”.")
                            if not found
                            else _("Line %(n)s: several codes are named “%(c)s”; use its path.")
                        )
                        raise ValidationError(message % {"n": number, "c": code_name})
                    clauses[word.lower()].append(found[0])
            classes.append((name, clauses["all"], clauses["any"], clauses["none"], number))
        if not classes:
            raise ValidationError(_("Write at least one class."))
        for _name, all_of, any_of, none_of, number in classes[:-1]:
            if not (all_of or any_of or none_of):
                raise ValidationError(
                    _("Line %(n)s: the class needs a condition; only the last may have none.")
                    % {"n": number}
                )
        return [c[:4] for c in classes]

    @staticmethod
    def initial_for(rule) -> dict:
        """The form's fields for an existing rule, its classes written back as lines (codes by
        path, which is never ambiguous)."""
        lines = []
        for item in rule.classes.order_by("position").prefetch_related(
            "all_of", "any_of", "none_of"
        ):
            clauses = [
                f"{word} {', '.join(_code_path(c) for c in codes.all())}"
                for word, codes in (
                    ("all", item.all_of),
                    ("any", item.any_of),
                    ("none", item.none_of),
                )
                if codes.exists()
            ]
            lines.append(f"{item.name}: {'; '.join(clauses)}".rstrip())
        return {
            "name": rule.name,
            "applies_to": rule.applies_to,
            "description": rule.description,
            "classes": "\n".join(lines),
        }


def _code_path(code: Code) -> str:
    ids = [int(i) for i in code.path.strip("/").split("/") if i]
    names = dict(Code.objects.filter(pk__in=ids).values_list("pk", "name"))
    return "/".join(names[i] for i in ids)


class FrequencyFilterForm(forms.Form):
    """GET filters of the frequency table (no submit helper: a plain GET form)."""

    level = forms.IntegerField(label=_("Category level"), min_value=0, max_value=10, required=False)
    kind = forms.ChoiceField(label=_("Documents"), required=False)
    coder = forms.ChoiceField(label=_("Codings of"), required=False)

    def __init__(self, *args, kinds, coders, own_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All documents"))] + list(kinds)
        people = [(str(u.pk), UserText(u.name)) for u in coders]
        # A blind coder counts only their own codings: "all coders" and "consensus" would be
        # the same numbers under a misleading name.
        everyone = [("", _("All coders")), ("consensus", _("Consensus"))]
        self.fields["coder"].choices = people if own_only else everyone + people

    def filters(self) -> dict:
        """frequency_rows' filters; the whole table when the filters are absent or invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        level = data.get("level")
        return {
            "level": 1 if level is None else level,
            "document_kind": data.get("kind", ""),
            "coder": data.get("coder", ""),
        }

"""Input for coding: plain forms that the coding view's JavaScript also submits."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coding.codebook.selectors import visible_codes, visible_codes_by_uuid
from coding.excerpts.selectors import CodeFate, code_fates
from coding.labels import Labels
from coding.models import Code, Document, DocumentKind, DocumentSet, Excerpt
from research.models import Membership, Project

_CODE_UUID = Code._meta.get_field("code")


class _CodeChoices(forms.ModelMultipleChoiceField):
    """Codes by UUID. A code merged away since the page loaded stands for the code it was merged
    into (the user meant that code; listed in `replaced`); a deleted one is refused with the
    error code "code_deleted", which the views answer with 409."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_id: int | None = None  # set by the form with the scoped queryset
        # Set by the form too, when it has one: the queryset's codes with these UUIDs, in its
        # order, read without the ORM (every coding write names its codes).
        self.read: Callable[..., list[Code]] | None = None
        self.replaced: list[CodeFate] = []

    def label_from_instance(self, obj: Code) -> str:
        return obj.name

    def clean(self, value):
        # A form that builds no queryset for a write (ExcerptCreateForm) answers no codes as
        # ModelMultipleChoiceField does with one: the model's empty queryset.
        if self.queryset is None and not self.required and not self.prepare_value(value):
            return Code.objects.none()
        return super().clean(value)

    def _check_values(self, value):
        # A new list per validation: form fields are shallow copies of the class's fields.
        self.replaced = []
        try:
            return self._chosen(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
        chosen = [str(v) for v in value]
        codes = self.read(uuids=chosen) if self.read else self.queryset.filter(code__in=chosen)
        found = {str(c.code): c for c in codes}
        fates = code_fates(project_id=self.project_id, uuids=[u for u in chosen if u not in found])
        for uuid in chosen:
            if uuid in found:
                continue
            fate = fates.get(uuid)
            if fate is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": uuid},
                )
            if fate.target is None:
                raise ValidationError(
                    _(
                        "The code “%(name)s” was deleted from the codebook since the page "
                        "loaded. Reload the page and choose another code."
                    )
                    % {"name": fate.name},
                    code="code_deleted",
                )
            found[uuid] = fate.target
            self.replaced.append(fate)
        return list({code.pk: code for code in found.values()}.values())

    def _chosen(self, value) -> list[Code]:
        """ModelMultipleChoiceField's check (the same errors), through `read` when set."""
        if self.read is None:
            return list(super()._check_values(value))
        try:
            values = frozenset(value)
        except TypeError:
            message = self.error_messages["invalid_list"]
            raise ValidationError(message, code="invalid_list") from None
        uuids = []
        for pk in values:
            self.validate_no_null_characters(pk)
            try:
                uuids.append(_CODE_UUID.to_python(pk))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        codes = self.read(uuids=uuids)
        found = {str(code.code) for code in codes}
        for val in values:
            if str(val) not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": val},
                )
        return codes


def _unix_newlines(value: str) -> str:
    # Browsers send form values with CRLF line breaks (textarea, multipart FormData); stored
    # document text is normalized to "\n", so the selected text must be too.
    return value.replace("\r\n", "\n")


class _WriteFields(dict):
    """A form's fields as a form that is only cleaned copies them (Django's forms copy every
    field with its widget, so that each form may change them, e.g. for rendering). Only the
    choice fields keep state per form (their querysets, the codes' reader and replacements) and
    are copied; the others are shared: cleaning reads them and changes nothing. Every write
    builds the create form: the copies were about a tenth of its Python."""

    def __deepcopy__(self, memo):
        return {
            name: copy.deepcopy(field, memo) if isinstance(field, forms.ModelChoiceField) else field
            for name, field in self.items()
        }


class ExcerptCreateForm(forms.Form):
    """A selection (code-point offsets plus the text the browser saw) and the codes to apply."""

    start = forms.IntegerField(label=_("From character"), min_value=0)
    end = forms.IntegerField(label=_("To character (exclusive)"), min_value=1)
    text = forms.CharField(label=_("Selected text"), strip=False, widget=forms.Textarea)
    # No querysets here: each form copies its fields, and a field's queryset is cloned with
    # it; __init__ builds those that are read (every write builds this form).
    codes = _CodeChoices(label=_("Codes"), queryset=None, required=False, to_field_name="code")
    memo = forms.CharField(label=_("Memo"), required=False, widget=forms.Textarea, strip=False)
    new_code_name = forms.CharField(label=_("New code (in vivo)"), required=False, max_length=200)
    new_code_parent = forms.ModelChoiceField(
        label=_("Parent of the new code"),
        queryset=None,
        required=False,
        to_field_name="code",
    )
    # The answers to the guards (services.excerpt_create): code a long passage anyway, keep a
    # near-duplicate beside the coder's excerpt, or extend that excerpt instead.
    long_ok = forms.BooleanField(label=_("Code it even if it is long"), required=False)
    keep_both = forms.BooleanField(label=_("Keep it beside a similar excerpt"), required=False)
    merge_into = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="code", widget=forms.HiddenInput
    )
    merge_version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, membership: Membership, **kwargs):
        if data is not None:  # a write: this form is cleaned, never rendered
            self.base_fields = _WriteFields(type(self).base_fields)
        super().__init__(data, *args, **kwargs)
        project = membership.project
        # Only codes the coder may see: another coder's proposed code is hidden in a blind
        # project, and naming it by its id must not apply it either. The chosen codes are read
        # through `read` (the same rule); the querysets, which only rendering the form and a
        # named parent read, are built only then: every write builds this form.
        self.fields["codes"].project_id = project.pk
        self.fields["codes"].read = partial(visible_codes_by_uuid, membership=membership)
        parent_named = self.is_bound and self.data.get(self.add_prefix("new_code_parent"))
        if not self.is_bound or parent_named:
            codes = visible_codes(membership=membership).order_by("path")
            self.fields["codes"].queryset = codes
            self.fields["new_code_parent"].queryset = codes
        # The service checks that it is the coder's own excerpt in the same document. Scoped
        # only when one is named (an empty value never reads it).
        if not self.is_bound or self.data.get(self.add_prefix("merge_into")):
            self.fields["merge_into"].queryset = Excerpt.objects.filter(document__project=project)

    def clean_text(self) -> str:
        return _unix_newlines(self.cleaned_data["text"])

    def clean_memo(self) -> str:
        return _unix_newlines(self.cleaned_data["memo"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("codes") and not data.get("new_code_name", "").strip():
            raise forms.ValidationError(_("Choose at least one code, or name a new one."))
        return data


class ExcerptUpdateForm(forms.Form):
    """Any subset of: boundaries, memo, codes to add or remove. `version` is required."""

    version = forms.IntegerField(min_value=1)
    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=1, required=False)
    text = forms.CharField(required=False, strip=False)
    memo = forms.CharField(label=_("Memo"), required=False, widget=forms.Textarea, strip=False)
    set_memo = forms.BooleanField(required=False, widget=forms.HiddenInput)
    add_codes = _CodeChoices(
        label=_("Add codes"), queryset=Code.objects.none(), required=False, to_field_name="code"
    )
    remove_codes = _CodeChoices(
        label=_("Remove codes"), queryset=Code.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        project = membership.project
        # Adding takes only codes the coder may see (as ExcerptCreateForm); removing takes any
        # of the project's, so a code a lead added stays removable.
        self.fields["add_codes"].queryset = visible_codes(membership=membership).order_by("path")
        self.fields["add_codes"].read = partial(visible_codes_by_uuid, membership=membership)
        self.fields["remove_codes"].queryset = Code.objects.filter(project=project)
        for name in ("add_codes", "remove_codes"):
            self.fields[name].project_id = project.pk

    def clean_text(self) -> str:
        return _unix_newlines(self.cleaned_data["text"])

    def clean_memo(self) -> str:
        return _unix_newlines(self.cleaned_data["memo"])

    def clean(self):
        data = super().clean()
        if (data.get("start") is None) != (data.get("end") is None):
            raise forms.ValidationError(_("Give both the start and the end of the excerpt."))
        return data


class RetrievalForm(forms.Form):
    # No code chosen retrieves every code's excerpts, so the empty choice says so.
    code = forms.ModelChoiceField(
        label=_("Code"),
        queryset=Code.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All codes"),
    )
    descendants = forms.BooleanField(label=_("Include codes below it"), required=False)
    coder = forms.TypedChoiceField(label=_("Coder"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        required=False,
        choices=[("", _("All kinds")), *DocumentKind.choices],
    )
    document = forms.ModelChoiceField(
        label=_("Document"),
        queryset=Document.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All documents"),
    )
    document_set = forms.ModelChoiceField(
        label=_("Document set"),
        queryset=DocumentSet.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("No set"),
    )

    def __init__(
        self, *args, project: Project, coders: list[tuple[int, str]], labels: Labels, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = Code.objects.filter(project=project).order_by("path")
        self.fields["code"].label_from_instance = lambda c: ("— " * c.depth) + c.name
        self.fields["coder"].choices = [("", _("All coders")), *coders]
        self.fields["document"].queryset = (
            Document.objects.filter(project=project).defer("text").order_by("title")
        )
        self.fields["document"].label_from_instance = labels.document
        self.fields["document_set"].queryset = DocumentSet.objects.filter(project=project)

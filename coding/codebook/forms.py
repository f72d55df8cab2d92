from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coding.codebook.exchange import is_project_archive
from coding.codebook.selectors import visible_codes
from coding.models import Code

# Codebooks are small text files; anything much larger is not a codebook.
MAX_IMPORT_BYTES = getattr(settings, "CONCORD_CODEBOOK_MAX_BYTES", 2 * 1024 * 1024)
FORMATS = (("csv", "CSV"), ("json", "JSON"), ("qdc", "REFI-QDA (.qdc)"))


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Code) -> str:
        return "\u2003" * obj.depth + obj.name


def _code_field(project, *, label, required=True, exclude_subtree_of: Code | None = None):
    queryset = Code.objects.filter(project=project)
    if exclude_subtree_of is not None:
        queryset = queryset.exclude(path__startswith=exclude_subtree_of.path)
    return CodeChoiceField(
        queryset=queryset,
        to_field_name="code",
        required=required,
        label=label,
        empty_label=_("(top level)") if not required else "---------",
    )


class CodeForm(forms.ModelForm):
    class Meta:
        model = Code
        fields = ["name", "definition", "inclusion", "exclusion", "example", "colour", "shortcut"]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "definition": forms.Textarea(attrs={"rows": 3}),
            "inclusion": forms.Textarea(attrs={"rows": 2}),
            "exclusion": forms.Textarea(attrs={"rows": 2}),
            "example": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].required = False

    def clean_colour(self) -> str:
        colour = self.cleaned_data["colour"] or "#4e79a7"
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
            raise forms.ValidationError(_("Use a colour like #4E79A7."))
        return colour

    def validate_unique(self) -> None:
        # The service checks names among siblings and says so clearly.
        pass


class CodeEditForm(CodeForm):
    class Meta(CodeForm.Meta):
        fields = [*CodeForm.Meta.fields, "memo", "is_codable"]
        widgets = {**CodeForm.Meta.widgets, "memo": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "is_codable": _(
                "Untick for a folder code that only groups others; REFI-QDA exports say so."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))
        self.helper.form_tag = False


class CodeCreateForm(CodeForm):
    def __init__(self, *args, project, visible_to=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _code_field(project, label=_("Parent"), required=False)
        if visible_to is not None:  # blind mode hides other coders' proposed codes
            self.fields["parent"].queryset = visible_codes(membership=visible_to)
        self.order_fields(["name", "parent"])
        self.helper = _helper(_("Create code"))
        self.helper.form_tag = False


class CodeMoveForm(forms.Form):
    position = forms.IntegerField(
        label=_("Position among its new siblings"),
        min_value=0,
        required=False,
        help_text=_("0 is first; leave empty to put it last."),
    )

    def __init__(self, *args, code: Code, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _code_field(
            code.project, label=_("New parent"), required=False, exclude_subtree_of=code
        )
        self.order_fields(["parent", "position"])
        self.helper = _helper(_("Move"))
        self.helper.form_tag = False


class CodeMergeForm(forms.Form):
    def __init__(self, *args, code: Code, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = _code_field(
            code.project, label=_("Merge into"), exclude_subtree_of=code
        )
        self.helper = _helper(_("Merge"))
        self.helper.form_tag = False


class CodeGroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the new parent code"), max_length=200)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"] = forms.ModelMultipleChoiceField(
            queryset=Code.objects.filter(project=project), to_field_name="code"
        )


class CodeDeleteForm(forms.Form):
    confirm_codings = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VersionForm(forms.Form):
    name = forms.CharField(label=_("Version name"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Freeze this version"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Codebook file"),
        help_text=_("CSV with a <code>path</code> column, JSON, or a REFI-QDA codebook (.qdc)."),
    )
    # Asked only when the file holds codes the project already has (the same REFI-QDA guid).
    guids = forms.ChoiceField(
        label=_("Codes this codebook already has"),
        choices=(
            ("merge", _("Merge them: the codebook's codes stay as they are; new codes join them")),
            ("new", _("Import them as new codes, with new GUIDs")),
        ),
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Needed only when the file holds codes with GUIDs this codebook already has."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if is_project_archive(upload):
            raise forms.ValidationError(
                _(
                    "This is a whole REFI-QDA project (.qdpx), not a codebook. Import it from"
                    " the project's Settings page (Import a REFI-QDA project), or export the"
                    " codebook alone (.qdc) from the other program and import that here."
                )
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; a codebook is much smaller than that.")
                % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload

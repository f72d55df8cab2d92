from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coding.models import Document, DocumentKind

# What the file picker offers; anything else is still sniffed and refused with a reason.
ACCEPT = ".pdf,.docx,.odt,.rtf,.txt,.text,.md,.markdown,.html,.htm"

LANGUAGES = [
    ("", _("Not set")),
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("se", _("Northern Sami")),
    ("fi", _("Finnish")),
    ("de", _("German")),
    ("other", _("Other")),
]


# Tesseract's language codes (coding.ingest.ocr.LANGUAGES) with their translated names.
OCR_LANGUAGES = [
    ("nor+eng", _("Norwegian and English")),
    ("nor", _("Norwegian")),
    ("eng", _("English")),
]


def language_label(code: str) -> str:
    """A language's name for display ("nb" → "Norwegian Bokmål"); unknown codes as they are."""
    return str(dict(LANGUAGES).get(code, code)) if code else ""


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; empty files pass here and are refused by name later."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ACCEPT, "class": "document-files"})
        )
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data:
                return super().clean(None, initial)
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class DocumentDetailsMixin(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Left empty, the date in the file's metadata is used when there is one."),
    )
    source = forms.CharField(
        label=_("Source or author"),
        max_length=300,
        required=False,
        help_text=_("Left empty, the author in the file's metadata is used."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def details(self) -> dict:
        return {
            "kind": self.cleaned_data["kind"],
            "language": self.cleaned_data["language"],
            "date": self.cleaned_data["date"],
            "source": self.cleaned_data["source"],
            "notes": self.cleaned_data["notes"],
        }


class DocumentUploadForm(DocumentDetailsMixin):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, DOCX, ODT, RTF, plain text, Markdown or HTML. Choose several at once."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_(
            "Only for a single file. Left empty, the title comes from the file's metadata or name."
        ),
    )
    upload_duplicates = forms.BooleanField(
        label=_("Upload duplicates anyway"),
        required=False,
        help_text=_("Files already in this project are skipped unless this is ticked."),
    )

    field_order = ["files", "title", "kind", "language", "date", "source", "notes"]


class DocumentReplaceForm(forms.Form):
    file = forms.FileField(
        label=_("New file"), allow_empty_file=True, widget=forms.FileInput({"accept": ACCEPT})
    )


class DocumentEditForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)

    class Meta:
        model = Document
        fields = ["title", "kind", "language", "date", "source", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea({"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {value for value, _label in LANGUAGES}
        current = self.instance.language if self.instance else ""
        if current and current not in known:  # keep a language set elsewhere selectable
            self.fields["language"].choices = [*LANGUAGES, (current, current)]


class DocumentBulkForm(forms.Form):
    ACTIONS = [("delete", _("Delete")), ("set_kind", _("Set kind"))]

    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(), to_field_name="code"
    )
    action = forms.ChoiceField(choices=ACTIONS)
    kind = forms.ChoiceField(choices=[("", "—"), *DocumentKind.choices], required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = Document.objects.for_project(project).only(
            "pk", "code", "title"
        )
        self.fields["documents"].error_messages["required"] = _("Select at least one document.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "set_kind" and not cleaned.get("kind"):
            self.add_error("kind", _("Choose the kind to set."))
        return cleaned

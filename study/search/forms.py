from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.links import project_cases
from cases.selectors.readers import anonymized_for
from coding.codebook.selectors import visible_codes
from coding.models import Document, DocumentKind
from study.models import AutoCodeBatch, DocumentSet

SEARCH_PARAMS = ("q", "kind", "case", "document_set")


class DocumentFilterForm(forms.Form):
    """The document filters search and the explore pages share: kind, case, document set."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *DocumentKind.choices]
    )
    case = forms.ModelChoiceField(
        label=_("Case"), required=False, queryset=None, empty_label=_("Any case")
    )
    document_set = forms.ModelChoiceField(
        label=_("Document set"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("Any document"),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = project_cases(project=membership.project)
        sets = DocumentSet.objects.filter(project=membership.project)
        self.fields["document_set"].queryset = sets
        # Pseudonyms where the member sees cases anonymized.
        anonymize = anonymized_for(membership)
        self.fields["case"].label_from_instance = lambda case: case.label(anonymize)

    def documents(self) -> QuerySet[Document]:
        """The documents the filters leave (the selectors keep to the project)."""
        documents = Document.objects.all()
        if self.cleaned_data["kind"]:
            documents = documents.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data["case"] is not None:
            documents = documents.filter(cases=self.cleaned_data["case"])
        if self.cleaned_data["document_set"] is not None:
            documents = documents.filter(document_sets=self.cleaned_data["document_set"])
        return documents


class SearchForm(DocumentFilterForm):
    field_order = ["q", "kind", "case"]
    q = forms.CharField(
        label=_("Search for"),
        max_length=500,
        help_text=_(
            'Words, "a phrase" in quotes, or a prefix with a star: digitalisering* also finds '
            "digitaliseringsstrategi. Words are matched in their inflected forms by the "
            "document's language (kommune, kommunen, kommunene), but no stemmer splits "
            "compounds: use the prefix search for them. Every term must occur in a document."
        ),
    )


class AutoCodeForm(SearchForm):
    """Code the hits of a search: all of them, or the ones checked on the page."""

    code = forms.ModelChoiceField(label=_("Code the hits with"), queryset=None)
    unit = forms.ChoiceField(label=_("Code"), choices=AutoCodeBatch.Unit.choices)
    scope = forms.ChoiceField(
        label=_("Which hits"),
        choices=[("all", _("All hits")), ("checked", _("The checked hits"))],
    )

    # The fingerprint of the previewed plan the member confirms (services.autocode_confirm).
    plan = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["code"].queryset = visible_codes(membership=membership).order_by("name")
        self.fields["code"].label_from_instance = lambda code: code.name

    def clean(self):
        data = super().clean()
        if data.get("scope") == "checked" and not self.chosen():
            raise forms.ValidationError(_("Check the hits to code, or choose all hits."))
        return data

    def chosen(self) -> set[str] | None:
        """The checked hits' keys, or None for all hits."""
        if self.cleaned_data.get("scope") != "checked":
            return None
        return set(self.data.getlist("hit"))

    def search_params(self) -> dict[str, str]:
        """The search to show again after coding."""
        return {name: self.data.get(name, "") for name in SEARCH_PARAMS}

    def plan_args(self) -> dict:
        """What services.autocode_plan and autocode_confirm take from the form."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "documents": self.documents(),
            "code": data["code"],
            "unit": data["unit"],
            "chosen": self.chosen(),
        }

    def hidden_hits(self) -> list[str]:
        """The checked hits, carried from the preview to the confirmation."""
        return self.data.getlist("hit") if self.cleaned_data.get("scope") == "checked" else []


class SavedSearchForm(SearchForm):
    """Save the search shown under a name (the filters come along as they are)."""

    name = forms.CharField(label=_("Name"), max_length=200)

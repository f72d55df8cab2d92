from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.links import project_cases
from cases.selectors.readers import anonymized_for
from coding.models import Document, DocumentKind


class SearchForm(forms.Form):
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
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *DocumentKind.choices]
    )
    case = forms.ModelChoiceField(
        label=_("Case"), required=False, queryset=None, empty_label=_("Any case")
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = project_cases(project=membership.project)
        # Pseudonyms where the member sees cases anonymized.
        anonymize = anonymized_for(membership)
        self.fields["case"].label_from_instance = lambda case: case.label(anonymize)

    def documents(self) -> QuerySet[Document]:
        """The documents the filters leave (search itself keeps to the project)."""
        documents = Document.objects.all()
        if self.cleaned_data["kind"]:
            documents = documents.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data["case"] is not None:
            documents = documents.filter(cases=self.cleaned_data["case"])
        return documents

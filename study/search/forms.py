from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.links import project_cases
from coding.codebook.selectors import visible_codes
from coding.labels import labels_for
from coding.models import Document, DocumentKind, DocumentSet
from research.access import Scope, codings_scope, project_coder_users
from study.models import AutoCodeBatch
from study.search.selectors import CodedFilter

SEARCH_FIELDS = ("q", "kind", "case", "document_set", "document", "with_code", "where", "coder")


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
        # Pseudonyms where the member sees them (coding.labels).
        self.fields["case"].label_from_instance = labels_for(membership).case

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
    field_order = ["q", "kind", "case", "document_set", "document", "with_code", "where", "coder"]
    q = forms.CharField(
        label=_("Search for"),
        max_length=500,
        help_text=_(
            'Words, "a phrase" in quotes, or a prefix with a star: digitalisering* also finds '
            "digitaliseringsstrategi. Words are matched in their inflected forms by the "
            "document's language (kommune, kommunen, kommunene; Nynorsk with the Bokmål "
            "stemmer, as there is none for Nynorsk), but no stemmer splits compounds: use the "
            "prefix search for them. Every term must occur in a document; OR between two terms "
            "takes either (velferdsteknologi OR helseteknologi), NOT or a minus before a term "
            "leaves out the documents holding it (kommune NOT fylkeskommune, kommune "
            "-fylkeskommune). Write OR and NOT in capitals."
        ),
    )
    # Chosen from a result ("only this document"), not from a list of every title.
    document = forms.ModelChoiceField(
        label=_("Document"),
        required=False,
        queryset=None,
        to_field_name="code",
        widget=forms.HiddenInput,
    )
    with_code = forms.ModelChoiceField(
        label=_("Coded with"), required=False, queryset=None, empty_label=_("Any coding")
    )
    where = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[
            ("in", _("Hits inside its excerpts")),
            ("out", _("Hits outside its excerpts")),
            ("doc", _("Documents coded with it")),
            ("nodoc", _("Documents not coded with it")),
        ],
    )
    coder = forms.ModelChoiceField(
        label=_("Coded by"), required=False, queryset=None, empty_label=_("Any coder")
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        project = membership.project
        self.fields["document"].queryset = (
            Document.objects.filter(project=project).defer("text").order_by("title", "pk")
        )
        self.fields["document"].label_from_instance = labels_for(membership).document
        self.fields["with_code"].queryset = visible_codes(membership=membership).order_by("name")
        self.fields["with_code"].label_from_instance = lambda code: code.name
        # A blinded coder filters by their own codings only: no one else to choose.
        coders = project_coder_users(project)
        if codings_scope(membership) is not Scope.ALL:
            coders = coders.filter(pk=membership.user_id)
        self.fields["coder"].queryset = coders
        self.fields["coder"].label_from_instance = lambda user: str(user)

    def documents(self) -> QuerySet[Document]:
        documents = super().documents()
        if self.cleaned_data.get("document") is not None:
            documents = documents.filter(pk=self.cleaned_data["document"].pk)
        return documents

    def coded_filter(self) -> CodedFilter | None:
        """The coding filter, when a code is chosen."""
        code = self.cleaned_data.get("with_code")
        if code is None:
            return None
        coder = self.cleaned_data.get("coder")
        where = self.cleaned_data.get("where") or "in"
        return CodedFilter(code=code, where=where, coder_id=coder.pk if coder else None)


class AutoCodeForm(SearchForm):
    """Code the hits of a search: all of them, or the ones checked on the page."""

    code = forms.ModelChoiceField(label=_("Code the hits with"), queryset=None)
    unit = forms.ChoiceField(
        label=pgettext_lazy("verb", "Code"), choices=AutoCodeBatch.Unit.choices
    )
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
        return {name: self.data.get(name, "") for name in SEARCH_FIELDS}

    def plan_args(self) -> dict:
        """What services.autocode_plan and autocode_confirm take from the form."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "documents": self.documents(),
            "code": data["code"],
            "unit": data["unit"],
            "chosen": self.chosen(),
            "coded": self.coded_filter(),
        }

    def hidden_hits(self) -> list[str]:
        """The checked hits, carried from the preview to the confirmation."""
        return self.data.getlist("hit") if self.cleaned_data.get("scope") == "checked" else []


class SavedSearchForm(SearchForm):
    """Save the search shown under a name (the filters come along as they are)."""

    name = forms.CharField(label=_("Name"), max_length=200)

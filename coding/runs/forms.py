"""The "New agreement run" form: querysets scoped to the project, selections validated here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coding.models import AgreementUnit, Code, Document, DocumentKind, SegmentKind
from research.access import project_coder_users
from research.models import User

COEFFICIENTS = [
    ("percent", _("Percent agreement")),
    ("kappa", _("Cohen's κ (two coders) or Light's and Fleiss' κ (more)")),
    ("alpha", _("Krippendorff's α (with a 95 % bootstrap interval for the pooled value)")),
    ("ac1", _("Gwet's AC1")),
    ("bp", _("Brennan–Prediger κ")),
]


class AgreementRunForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("E.g. “Round 1”.")
    )
    coders = forms.ModelMultipleChoiceField(
        label=_("Coders"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=AgreementUnit.choices,
        widget=forms.RadioSelect,
        initial=AgreementUnit.DOCUMENT,
    )
    segment = forms.ChoiceField(
        label=_("Natural unit"), choices=SegmentKind.choices, initial=SegmentKind.SENTENCE
    )
    threshold = forms.IntegerField(
        label=_("Coverage needed (%)"),
        min_value=1,
        max_value=100,
        initial=50,
        help_text=_(
            "A coder applied a code to a natural unit if excerpts with the code cover "
            "at least this share of it."
        ),
    )
    overlap = forms.IntegerField(
        label=_("Overlap needed for excerpt matching (%)"),
        min_value=1,
        max_value=100,
        initial=90,
        help_text=_(
            "An excerpt agrees if the other coder has the same code on an excerpt "
            "overlapping at least this share of it."
        ),
    )
    documents_mode = forms.ChoiceField(
        label=_("Documents"),
        choices=[
            ("all", _("All ready documents")),
            ("kind", _("Documents of one kind")),
            ("picked", _("Documents I pick")),
        ],
        initial="all",
    )
    document_kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *DocumentKind.choices], required=False
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Picked documents"), queryset=Document.objects.none(), required=False
    )
    codes_mode = forms.ChoiceField(
        label=_("Codes"),
        choices=[
            ("all", _("Every code (each where it was applied itself)")),
            ("subtree", _("One code and everything below it")),
            ("level", _("One level of the codebook, concepts rolled up into it")),
        ],
        initial="all",
    )
    subtree = forms.ModelChoiceField(label=_("Code"), queryset=Code.objects.none(), required=False)
    level = forms.IntegerField(
        label=_("Level"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_(
            "1 = the top-level categories. Each code counts as its ancestor at this "
            "level: agreement on categories is not agreement on concepts."
        ),
    )
    coefficients = forms.MultipleChoiceField(
        label=_("Coefficients"),
        choices=COEFFICIENTS,
        widget=forms.CheckboxSelectMultiple,
        initial=[key for key, _label in COEFFICIENTS],
    )
    consensus = forms.BooleanField(
        label=_("Also compare each coder against the consensus"),
        required=False,
        help_text=_(
            "On the selected documents that are reconciled, with the same units. The table "
            "between the coders stays agreement before discussion."
        ),
    )
    name_people = forms.BooleanField(
        label=_("Use people's names in the methods paragraph (coders and those who reconciled)"),
        required=False,
        help_text=_(
            "Off: coders are numbered and those who decided are named by their role, as most "
            "ethics approvals and anonymous reviews expect."
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["coders"].queryset = project_coder_users(project)
        self.fields["coders"].label_from_instance = lambda u: u.name
        self.fields["documents"].queryset = Document.objects.for_project(project).ready()
        self.fields["subtree"].queryset = Code.objects.for_project(project)

    def clean(self):
        data = super().clean()
        coders = data.get("coders") or []
        if "coders" in data and len(coders) < 2:
            self.add_error("coders", _("Choose at least two coders."))
        if data.get("unit") == AgreementUnit.EXCERPT and len(coders) != 2:
            self.add_error("coders", _("Excerpt matching compares exactly two coders."))
        mode = data.get("documents_mode")
        if mode == "kind" and not data.get("document_kind"):
            self.add_error("document_kind", _("Choose a kind of document."))
        if mode == "picked" and not data.get("documents"):
            self.add_error("documents", _("Pick at least one document."))
        if data.get("codes_mode") == "subtree" and not data.get("subtree"):
            self.add_error("subtree", _("Choose the code whose subtree to compare."))
        if data.get("codes_mode") == "level" and not data.get("level"):
            self.add_error("level", _("Choose a level (1 = top-level categories)."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "coders": list(d["coders"]),
            "unit": d["unit"],
            "segment": d["segment"],
            "threshold": d["threshold"] / 100,
            "overlap": d["overlap"] / 100,
            "documents_mode": d["documents_mode"],
            "document_kind": d.get("document_kind") or "",
            "documents": list(d.get("documents") or []),
            "codes_mode": d["codes_mode"],
            "subtree": d.get("subtree"),
            "level": d.get("level"),
            "coefficients": list(d["coefficients"]),
            "consensus": d["consensus"],
            "name_people": d["name_people"],
        }


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label=_("Run"), queryset=None, to_field_name="code")
    b = forms.ModelChoiceField(label=_("compared with"), queryset=None, to_field_name="code")

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].queryset = runs
        self.fields["b"].queryset = runs

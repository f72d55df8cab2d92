"""Reconciliation forms: opening one, deciding a candidate, commenting. Querysets are scoped to
the project (and the decision's coders to the reconciliation)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coding.models import (
    Candidate,
    Code,
    DecisionKind,
    Document,
    ReconcilerMode,
    ReconciliationDocument,
)
from coding.reconcile.services import COMMENT_MAX
from research.access import project_coder_users
from research.models import User


class ReconciliationForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Documents"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    coders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Coders whose work is reconciled"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reconcilers = forms.ChoiceField(
        label=gettext_lazy("Who decides"), choices=ReconcilerMode.choices
    )
    overlap = forms.IntegerField(
        label=gettext_lazy("Overlap for matching excerpts (%)"),
        min_value=1,
        max_value=100,
        initial=90,
        help_text=gettext_lazy(
            "As in agreement runs: same code, overlapping at least this share of the excerpt."
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        busy = ReconciliationDocument.objects.filter(active=True).values("document_id")
        self.fields["documents"].queryset = (
            Document.objects.for_project(project).ready().exclude(pk__in=busy).order_by("title")
        )
        self.fields["coders"].queryset = project_coder_users(project)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "documents": list(data["documents"]),
            "coders": list(data["coders"]),
            "reconcilers": data["reconcilers"],
            "overlap": data["overlap"] / 100,
        }


class DecisionForm(forms.Form):
    """One form per candidate; the submit button pressed names the decision
    (`keep:<coder id>`, `keep_several`, `union`, `intersection`, `adjust`, `recode`, `nothing`).
    """

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision = forms.CharField(max_length=40)
    start = forms.IntegerField(label=gettext_lazy("Start"), min_value=0, required=False)
    end = forms.IntegerField(label=gettext_lazy("End"), min_value=1, required=False)
    codes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Codes"), queryset=Code.objects.none(), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        project_id = candidate.item.reconciliation.project_id
        self.fields["codes"].queryset = Code.objects.filter(project_id=project_id)

    def clean_decision(self) -> tuple[str, list[int]]:
        value = self.cleaned_data["decision"]
        coders = sorted({s["coder"] for s in self.candidate.sources})
        if value.startswith("keep:") and value[5:].isdigit():
            return DecisionKind.KEEP, [int(value[5:])]
        if value == DecisionKind.KEEP_SEVERAL:
            return DecisionKind.KEEP_SEVERAL, coders
        if value in DecisionKind.values and value != DecisionKind.KEEP:
            return value, []
        raise forms.ValidationError(_("Choose a decision."))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kind, kept = data["decision"]
        return {
            "version": data["version"],
            "kind": kind,
            "kept_coders": kept,
            "start": data["start"],
            "end": data["end"],
            "codes": list(data["codes"]) or None,
            "reason": data["reason"],
        }


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

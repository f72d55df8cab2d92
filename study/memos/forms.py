from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.links import project_cases
from coding.labels import labels_for
from coding.models import Code, Document
from study.models import ProjectMemo


class MemoForm(forms.ModelForm):
    class Meta:
        model = ProjectMemo
        fields = ["title", "text", "documents", "codes", "cases"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 10}),
            "documents": forms.SelectMultiple(attrs={"size": 6}),
            "codes": forms.SelectMultiple(attrs={"size": 8}),
            "cases": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {"codes": _("Hold Ctrl (⌘ on a Mac) to choose several.")}

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        project = membership.project
        self.fields["documents"].queryset = Document.objects.filter(project=project)
        self.fields["codes"].queryset = Code.objects.filter(project=project)
        self.fields["cases"].queryset = project_cases(project=project)
        # Pseudonyms and document numbers where the member sees them (coding.labels).
        labels = labels_for(membership)
        self.fields["cases"].label_from_instance = labels.case
        self.fields["documents"].label_from_instance = labels.document

    def links(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("documents", "codes", "cases")}

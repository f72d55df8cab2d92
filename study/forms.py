from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.links import project_cases
from cases.models import Case


class DocumentCasesForm(forms.Form):
    """Which cases a document represents; shown beside the document's own form."""

    cases = forms.ModelMultipleChoiceField(
        label=_("Municipalities (cases) it represents"),
        queryset=Case.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple({"size": 5}),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = project_cases(project=project)


class ProjectRestoreForm(forms.Form):
    file = forms.FileField(
        label=_("Project export (JSON)"),
        help_text=_("A file made by “Export the project as JSON” on a project's settings page."),
        widget=forms.FileInput({"accept": ".json,application/json"}),
    )

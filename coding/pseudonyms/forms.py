from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PseudonymForm(forms.Form):
    original = forms.CharField(
        label=_("Identifying string"),
        max_length=200,
        help_text=_("A name, place or organisation as it is written; case does not matter."),
    )
    replacement = forms.CharField(
        label=_("Replacement"), max_length=200, help_text=_("For example “Informant 1”.")
    )


class PolicyForm(forms.Form):
    original_export = forms.BooleanField(
        label=_("Owners may download original texts (labelled as such)"), required=False
    )

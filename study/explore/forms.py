"""The explore pages' filters: the documents (kind, case, set, as search has them), whose
codings count, how codes occur together, and what the matrix and the word list show."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coding.codebook.selectors import visible_codes
from coding.models import Document
from research.access import Capability, has_capability, sees_all_codings
from research.forms import UserText
from research.models import Membership
from study.explore.counting import DOCUMENT, EXCERPT, PARAGRAPH, SENTENCE, TURN
from study.explore.selectors import CONSENSUS, Whose
from study.search.forms import DocumentFilterForm

HEAT_MAP = "heatmap"


def coder_choices(membership: Membership) -> list[tuple[str, str]]:
    """The coders whose codings the member may count on their own (blind mode: only
    themselves), by name."""
    if sees_all_codings(membership):
        members = membership.project.memberships.select_related("user")
        ordered = members.order_by("user__display_name", "user__email")
        return [
            (str(m.user_id), UserText(m.user.name))
            for m in ordered
            if has_capability(m, Capability.CODE)
        ]
    if has_capability(membership, Capability.CODE):
        return [(str(membership.user_id), UserText(membership.user.name))]
    return []


class ExploreFilterForm(DocumentFilterForm):
    whose = forms.ChoiceField(label=_("Codings of"), required=False)
    view = forms.ChoiceField(
        label=_("Show as"),
        required=False,
        choices=[("", _("Table")), (HEAT_MAP, _("Heat map: cells shaded by their value"))],
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["whose"].choices = [
            ("", _("Everyone (all the codings you may see)")),
            (CONSENSUS, _("The consensus (reconciled excerpts)")),
            *coder_choices(membership),
        ]

    def heat_map(self) -> bool:
        return self.is_valid() and self.cleaned_data["view"] == HEAT_MAP

    def coders(self) -> Whose:
        chosen = self.cleaned_data["whose"]
        if chosen in ("", CONSENSUS):
            return chosen or None
        return int(chosen)


class CooccurrenceForm(ExploreFilterForm):
    by = forms.ChoiceField(
        label=_("Together in"),
        required=False,
        choices=[
            (EXCERPT, _("The same or overlapping excerpts")),
            (SENTENCE, _("The same sentence")),
            (PARAGRAPH, _("The same paragraph")),
            (TURN, _("The same speaker turn")),
            (DOCUMENT, _("The same document")),
        ],
    )

    def together_in(self) -> str:
        return self.cleaned_data["by"] or EXCERPT


class CellForm(CooccurrenceForm):
    """One cell of the co-occurrence table: its two codes (the filters as on the table)."""

    a = forms.ModelChoiceField(queryset=None, to_field_name="code")
    b = forms.ModelChoiceField(queryset=None, to_field_name="code")

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["a"].queryset = self.fields["b"].queryset = visible_codes(membership=membership)


class MatrixForm(ExploreFilterForm):
    measure = forms.ChoiceField(
        label=_("Cells show"),
        required=False,
        choices=[
            ("", _("The number of codings")),
            ("coverage", _("Coverage: the share of the document's text coded")),
        ],
    )
    # Sorting is a link on each column heading: the column's code, or none for the titles.
    sort = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    order = forms.ChoiceField(
        required=False, choices=[("", "asc"), ("desc", "desc")], widget=forms.HiddenInput
    )

    def coverage(self) -> bool:
        return self.cleaned_data["measure"] == "coverage"


class MatrixCellForm(ExploreFilterForm):
    """One cell of the document × code matrix: its code and document."""

    code = forms.ModelChoiceField(queryset=None, to_field_name="code")
    document = forms.ModelChoiceField(queryset=None, to_field_name="code")

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["code"].queryset = visible_codes(membership=membership)
        documents = Document.objects.filter(project_id=membership.project_id)
        self.fields["document"].queryset = documents.defer("text")


class WordsForm(DocumentFilterForm):
    stop_words = forms.ChoiceField(
        label=_("Stop words"),
        required=False,
        choices=[
            ("", _("Leave out stop words (by each document's language)")),
            ("keep", _("Count every word")),
        ],
        help_text=_(
            "Norwegian Bokmål, Nynorsk and English lists; a document with no language, or "
            "Norwegian with no written standard, leaves out the words of all three."
        ),
    )
    stemmed = forms.ChoiceField(
        label=_("Word forms"),
        required=False,
        choices=[
            ("", _("Count each form apart")),
            ("yes", _("Count the forms of a word together (stemmed)")),
        ],
        help_text=_(
            "Stems by each document's language with the Snowball stemmers (Nynorsk with the "
            "Norwegian one); documents in other languages, or none, are counted unstemmed."
        ),
    )

    def skip_stop_words(self) -> bool:
        return self.cleaned_data["stop_words"] != "keep"

    def stem(self) -> bool:
        return self.cleaned_data["stemmed"] == "yes"

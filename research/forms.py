from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from research.models import LONG_EXCERPT, AuditAction, Project, Role, User


class UserText(str):
    """A choice's label in the project's own words (a person's name, a case's label) among
    choices in the interface's ("Anyone"): the option templates (templates/django/forms/,
    templates/bootstrap5/) mark it translate="no", as they do every model choice."""

    user_text = True


def with_user_text(message: str, **words: str) -> SafeString:
    """A translated sentence with the project's own words in it ("Edit %(name)s"), escaped,
    the words marked translate="no" so that page translation and the Norwegian walk leave
    them be."""
    marked = {key: format_html('<span translate="no">{}</span>', w) for key, w in words.items()}
    return mark_safe(conditional_escape(message) % marked)  # noqa: S308 - escaped above


class CrispyMixin:
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class LoginForm(AllauthLoginForm):
    """allauth's log-in form in Concord's words (e-mail, as everywhere else here)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)


class LanguageSelect(forms.Select):
    """The languages, each in its own name and marked with its `lang` (as in the switcher)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


class ProfileForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "language"]
        widgets = {"language": LanguageSelect}


class ProjectForm(CrispyMixin, forms.ModelForm):
    # Left empty (or absent from an older form), the limit keeps its default.
    long_excerpt = forms.IntegerField(
        # capfirst stays lazy (str.capitalize would fix the language at import).
        label=capfirst(Project._meta.get_field("long_excerpt").verbose_name),
        help_text=Project._meta.get_field("long_excerpt").help_text,
        min_value=1,
        required=False,
    )

    def clean_long_excerpt(self) -> int:
        value = self.cleaned_data["long_excerpt"]
        if value is None:
            return self.instance.long_excerpt if self.instance.pk else LONG_EXCERPT
        return value

    class Meta:
        model = Project
        fields = [
            "title",
            "research_question",
            "description",
            "language",
            "blind_coding",
            "coders_may_create_codes",
            "long_excerpt",
            "require_second_factor",
        ]
        widgets = {
            "research_question": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "language": forms.Select(
                choices=[
                    ("en", _("English")),
                    ("nb", _("Norwegian Bokmål")),
                    ("nn", _("Norwegian Nynorsk")),
                    ("sv", _("Swedish")),
                    ("da", _("Danish")),
                    ("de", _("German")),
                    ("other", _("Other")),
                ]
            ),
        }


class MemberAddForm(CrispyMixin, forms.Form):
    submit_label = _("Add member")
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CODER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationAcceptForm(SetPasswordForm):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False)


class AuditFilterForm(forms.Form):
    """The audit trail's filters: who, what, from and until which day (all optional)."""

    actor = forms.TypedChoiceField(label=_("Who"), coerce=int, required=False, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Anyone")), *people]
        self.fields["action"].choices = [("", _("Any action")), *AuditAction.choices]
        for name, field in self.fields.items():
            css = "form-select" if name in ("actor", "action") else "form-control"
            field.widget.attrs["class"] = f"{css} form-{css.split('-')[-1]}-sm"

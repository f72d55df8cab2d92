"""The forms of the REFI-QDA import: the upload, then who is who."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from research.forms import UserText
from study.refi.archive import MAX_ARCHIVE
from study.refi.model import RefiUser
from study.refi.services import CONSENSUS, NEW_CODER


class QdpxUploadForm(forms.Form):
    file = forms.FileField(
        label=_("REFI-QDA project (.qdpx)"),
        help_text=_("Exported from NVivo, ATLAS.ti, MAXQDA, QualCoder or Concord."),
        widget=forms.FileInput({"accept": ".qdpx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ARCHIVE:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_ARCHIVE // (1024 * 1024)}
            )
        return upload


class PeopleForm(forms.Form):
    """One choice per person in the file: a member of this project, a new coder without a
    login (who counts as a coder in agreement and can be invited later), or the consensus
    layer."""

    def __init__(self, *args, users: list[RefiUser], members: list, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (NEW_CODER, _("A new coder without a login")),
            (CONSENSUS, _("The consensus layer (agreed codings, no coder)")),
        ]
        choices += [(str(m.user_id), UserText(str(m.user))) for m in members]
        by_name = {str(m.user).casefold(): str(m.user_id) for m in members}
        # Concord's own exports name the consensus layer so.
        by_name.setdefault("consensus", CONSENSUS)
        self.users = users
        for index, user in enumerate(users):
            self.fields[f"user_{index}"] = forms.ChoiceField(
                label=user.name,
                choices=choices,
                initial=by_name.get(user.name.casefold(), NEW_CODER),
            )

    def mapping(self) -> dict[str, str]:
        return {u.guid: self.cleaned_data[f"user_{i}"] for i, u in enumerate(self.users)}

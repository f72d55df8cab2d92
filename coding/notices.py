"""The pure packages' sentences (coding/wording.py) in the reader's language."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext

from coding.wording import Notice


def notice_text(notice: Notice | str) -> str:
    """Word a notice in the active language; a plain string is a message id (or a sentence
    stored before notices existed), translated when the catalogue knows it."""
    if isinstance(notice, str):
        return gettext(notice) if notice else notice
    params = {name: _param(value) for name, value in notice.params.items()}
    wording = gettext(notice.msgid)
    return wording % params if params else wording


def _param(value: object) -> object:
    if isinstance(value, Notice):
        return notice_text(value)
    if isinstance(value, float):
        return number_format(value)  # 1,5 MB in Norwegian
    return value

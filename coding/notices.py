"""The pure packages' sentences (coding/wording.py) in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext

from coding.wording import Notice


def notice_text(notice: Notice | Mapping[str, Any] | str) -> str:
    """Word a notice in the active language; a plain string is a message id (or a sentence
    stored before notices existed), translated when the catalogue knows it; a mapping is a
    notice stored as JSON (`{"msgid": …, "params": {…}}`, see `Notice.stored`)."""
    if isinstance(notice, str):
        return gettext(notice) if notice else notice
    if isinstance(notice, Mapping):
        notice = Notice.from_stored(notice)
    params = {name: _param(value) for name, value in notice.params.items()}
    wording = gettext(notice.msgid)
    return wording % params if params else wording


def _param(value: object) -> object:
    if isinstance(value, Notice):
        return notice_text(value)
    if isinstance(value, float):
        return number_format(value)  # 1,5 MB in Norwegian
    return value


def notices_text(notices: Iterable[Notice | str], separator: str = "; ") -> str:
    """Several notices in the active language, one after the other."""
    return separator.join(notice_text(notice) for notice in notices)

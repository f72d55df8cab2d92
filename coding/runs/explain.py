"""Why a value is missing, in the reader's language.

The pure agreement code stores its reasons with the run as fixed English sentences (the
constants in `coding.agreement.pooling`); runs computed before any translation stored the same
sentences. They are said here, where Django's catalogues are, for the results page and the
workbook. The CSV keeps the stored English: it is a machine format.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coding.agreement import pooling

REASONS = {
    pooling.NO_PAIRS: _("no unit was coded by two coders"),
    pooling.NO_VARIATION: _("no variation: every value is the same"),
    pooling.UNDEFINED: _("undefined"),
    pooling.NO_EXCERPT: _("no excerpt with this code"),
    pooling.ONE_CODE: _("needs at least two codes (chance agreement is 1 / number of codes)"),
    pooling.NO_COMMON_DOCUMENT: _("no document was coded by every chosen coder"),
    pooling.OVERLAPPING_CODES: _(
        "a coder applied two of the codes to the same text; uα and cuα over all codes need "
        "mutually exclusive codes (one semantic domain)"
    ),
    pooling.NO_CHARACTER_INTERVAL: _(
        "not computed: characters are not independent units, so a bootstrap over characters "
        "would give a misleadingly narrow interval"
    ),
}

LIGHT_NOTE = re.compile(
    re.escape(pooling.LIGHT_NOTE)
    .replace(r"\{used\}", r"(?P<used>\d+)")
    .replace(r"\{pairs\}", r"(?P<pairs>\d+)")
    .replace(r"\{undefined\}", r"(?P<undefined>\d+)")
)


def explain(reason: str) -> str:
    """The stored reason in the active language; a text this code does not know stays as is."""
    if not reason:
        return ""
    if reason in REASONS:
        return str(REASONS[reason])
    note = LIGHT_NOTE.fullmatch(reason)
    if note:
        numbers = {key: int(value) for key, value in note.groupdict().items()}
        return (
            ngettext(
                "mean of %(used)d of %(pairs)d coder pairs; %(undefined)d undefined (no variation "
                "in their shared units) left out",
                "mean of %(used)d of %(pairs)d coder pairs; %(undefined)d undefined (no variation "
                "in their shared units) left out",
                numbers["undefined"],
            )
            % numbers
        )
    return reason

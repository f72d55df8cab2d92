"""Why a value is missing, in the reader's language.

The pure agreement code stores its reasons with the run as English message ids (the constants
in `coding.agreement.pooling`, marked for the catalogues); runs computed before any translation
stored the same sentences. They are said here, where Django's catalogues are, for the results
page and the workbook. The CSV keeps the stored English: it is a machine format.
"""

from __future__ import annotations

import re

from django.utils.translation import ngettext

from coding.agreement import pooling
from coding.notices import notice_text

# Light's κ's note carries numbers: the stored sentence is matched and worded anew.
LIGHT_NOTE = re.compile(
    re.escape(pooling.LIGHT_NOTE)
    .replace(r"\{used\}", r"(?P<used>\d+)")
    .replace(r"\{pairs\}", r"(?P<pairs>\d+)")
    .replace(r"\{undefined\}", r"(?P<undefined>\d+)")
)


def explain(reason: str) -> str:
    """The stored reason in the active language; a text the catalogue does not know stays as
    it is."""
    note = LIGHT_NOTE.fullmatch(reason)
    if not note:
        return notice_text(reason)
    numbers = {key: int(value) for key, value in note.groupdict().items()}
    return (
        ngettext(
            "mean of %(used)d of %(pairs)d coder pairs; %(undefined)d undefined (no variation in "
            "their shared units) left out",
            "mean of %(used)d of %(pairs)d coder pairs; %(undefined)d undefined (no variation in "
            "their shared units) left out",
            numbers["undefined"],
        )
        % numbers
    )

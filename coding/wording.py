"""Sentences that pure code says, kept translatable without Django (pure: no Django imports).

Ingestion, the codebook formats and the agreement maths write their sentences in English as
message ids marked with :func:`gettext_noop` (xgettext extracts calls by that name into the
catalogues, `make messages`), with parameters kept apart in a :class:`Notice`. The Django layer
(coding/notices.py) looks each id up in the reader's language and fills in the parameters, so
translation never pulls Django into these packages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark an English message id for extraction; the id itself is the English wording."""
    return message


@dataclass(frozen=True)
class Notice:
    """A message id and its %(name)s parameters; `str()` gives the English sentence."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid

    def stored(self) -> dict[str, Any]:
        """The notice as JSON for a stored result (parameters plain values or notices)."""
        params = {
            name: value.stored() if isinstance(value, Notice) else value
            for name, value in self.params.items()
        }
        return {"msgid": self.msgid, "params": params}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Notice:
        """The notice that `stored` wrote."""
        params = {
            name: cls.from_stored(value) if isinstance(value, Mapping) else value
            for name, value in (data.get("params") or {}).items()
        }
        return cls(str(data.get("msgid", "")), params)

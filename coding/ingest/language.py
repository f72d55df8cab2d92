"""Guessing a document's language from its text, when the uploader chose none.

Search stems a document's words by its language, so an unset language searches it unstemmed;
guessing at ingestion gives most documents their stemmer without asking. The researcher sees
the guess among the document's details and can change it (which indexes it anew).

py3langid (BSD-3-Clause, langid.py's model of 97 languages, 4.5 MB, needs only numpy) tells
Bokmål ('no') from Nynorsk ('nn'), which langdetect (Apache-2.0, 'no' only, random unless
seeded) does not. The model takes a few seconds to load, once per worker process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_WORD = re.compile(r"[^\W\d_]{2,}")
SAMPLE = 20_000  # characters read: plenty for a guess, and fast
MIN_WORDS = 5
MIN_CONFIDENCE = 0.8
# py3langid's codes → the document languages offered on upload; any other language is "other".
CODES = {
    "no": "nb",
    "nb": "nb",
    "nn": "nn",
    "en": "en",
    "sv": "sv",
    "da": "da",
    "se": "se",
    "fi": "fi",
    "de": "de",
}


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415 (slow to load)

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The language code of `text` ('nb', 'nn', 'en', …, 'other'), or '' when the text is
    too short or the guess too unsure to set."""
    sample = text[:SAMPLE]
    if len(_WORD.findall(sample)) < MIN_WORDS:
        return ""
    code, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE:
        return ""
    return CODES.get(str(code), "other")

"""Word frequencies over documents, for the open-coding phase: which words a set of documents
uses most, with or without stop words, word forms apart or stemmed together.

Pure: no Django. Stop words come from the lists beside this module (stopwords/<language>.txt,
written for Concord); stems from the Snowball stemmers (snowballstemmer, BSD licence).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import snowballstemmer

# Letters, with inner hyphens and apostrophes (e-post, don't); numbers are no words here.
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
STOP_WORDS_DIR = Path(__file__).with_name("stopwords")
# A document's language → the stop word lists that apply to it. Norwegian with no written
# standard given, and a document with no language, take every list we have.
STOP_LISTS = {"nb": ("nb",), "nn": ("nn",), "no": ("nb", "nn"), "en": ("en",)}
ALL_LISTS = ("nb", "nn", "en")
# A document's language → its Snowball stemmer. Nynorsk has none of its own: the Norwegian
# (Bokmål) one knows many Nynorsk endings. Other languages are counted unstemmed.
STEMMERS = {
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "en": "english",
    "sv": "swedish",
    "da": "danish",
    "fi": "finnish",
    "de": "german",
}


@dataclass
class WordCount:
    word: str  # the most frequent form (of the stem, when stemmed)
    count: int  # occurrences
    documents: int  # documents holding it
    forms: list[str] = field(default_factory=list)  # stemmed: every form counted, most used first


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words for a document in `language` (an ISO code, "" when unknown)."""
    words: set[str] = set()
    for name in STOP_LISTS.get(language, ALL_LISTS):
        for line in (STOP_WORDS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip()
            if word:
                words.add(word)
    return frozenset(words)


def _stemmer(language: str) -> Callable[[str], str]:
    """The language's stemmer, remembering each word's stem: a corpus repeats its words."""
    algorithm = STEMMERS.get(language)
    if algorithm is None:
        return lambda word: word
    stemmer = snowballstemmer.stemmer(algorithm)
    stems: dict[str, str] = {}

    def stem(word: str) -> str:
        if word not in stems:
            stems[word] = stemmer.stemWord(word)
        return stems[word]

    return stem


def word_frequencies(
    documents: Iterable[tuple[int, str, str]], *, skip_stop_words: bool, stem: bool
) -> list[WordCount]:
    """Counts of the words of `documents` (id, language, text), case folded, most frequent
    first (ties alphabetically). With `stem`, the forms of a word that share a stem in their
    document's language are counted together."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    holders: dict[str, set[int]] = defaultdict(set)
    stemmers: dict[str, Callable[[str], str]] = {}
    for pk, language, text in documents:
        stops = stop_words(language) if skip_stop_words else frozenset()
        if stem and language not in stemmers:
            stemmers[language] = _stemmer(language)
        stem_of = stemmers.get(language)
        seen = Counter(m.group().casefold() for m in WORD.finditer(text))
        for word, n in seen.items():
            if word in stops:
                continue
            key = stem_of(word) if stem_of else word
            forms[key][word] += n
            holders[key].add(pk)
    counts = []
    for key, found in forms.items():
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        counts.append(
            WordCount(
                word=ranked[0][0],
                count=sum(found.values()),
                documents=len(holders[key]),
                forms=[word for word, _n in ranked] if stem else [],
            )
        )
    return sorted(counts, key=lambda w: (-w.count, w.word))

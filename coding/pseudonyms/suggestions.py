"""Strings worth adding to a project's pseudonym list (pure: no Django).

Two sources, each suggestion with how often it occurs, for a lead to add with one click:
speaker labels that are names rather than roles ("Kari Nordmann:" but not "Interviewer:"), and
capitalised words that recur in the middle of sentences (names of people, places and
organisations usually do; a capital after a full stop proves nothing). Words of the codebook and
common capitalised words are left out, and so is what the list already holds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from coding.ingest.turns import _ROLE_ONLY

# Capitalised words found mid-sentence that name nobody (English and Scandinavian).
_COMMON_WORDS = """
i i'm i've i'd i'll ok okay mr mrs ms dr jan feb mar apr may jun jul aug sep sept oct nov dec
january february march april june july august september october november december monday
tuesday wednesday thursday friday saturday sunday english norwegian swedish danish europe
european eu un covid internet excel word pdf it ikt nav de dem den det du jeg vi hun han ja nei
yes no interviewer informant respondent participant researcher
"""
COMMON = frozenset(_COMMON_WORDS.split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# Where a sentence starts: the text's start, after . ! ? : or a line break (with quotes).
_SENTENCE_END = re.compile(r"(?:^|[.!?:\n]|[.!?:][\"'”’)\]]?)\s*[\"'“‘(\[]?$")
MIN_COUNT = 2
MAX_SUGGESTIONS = 60


@dataclass(frozen=True)
class Suggestion:
    text: str
    count: int
    source: str  # "speaker" or "capitalised"


def is_role(speaker: str) -> bool:
    return bool(_ROLE_ONLY.fullmatch(speaker.strip()))


def speaker_suggestions(speakers: Iterable[str]) -> list[Suggestion]:
    """Speaker labels that are not roles, with how many turns each speaks."""
    counts = Counter(s.strip() for s in speakers if s and s.strip() and not is_role(s))
    return [Suggestion(s, n, "speaker") for s, n in counts.most_common()]


def capitalised_suggestions(
    texts: Iterable[str], *, exclude: Iterable[str] = (), minimum: int = MIN_COUNT
) -> list[Suggestion]:
    """Capitalised words (and runs of them: "Kari Nordmann") seen at least once in the middle
    of a sentence, counted wherever they occur (a name also starts sentences), kept when they
    occur at least ``minimum`` times; most frequent first."""
    excluded = {w.casefold() for w in exclude} | COMMON
    texts = list(texts)
    candidates: set[str] = set()
    for text in texts:
        candidates.update(_mid_sentence_runs(text, excluded))
    counts = Counter(
        {
            run: sum(len(re.findall(rf"(?<!\w){re.escape(run)}(?!\w)", t)) for t in texts)
            for run in candidates
        }
    )
    found = [Suggestion(t, n, "capitalised") for t, n in counts.items() if n >= minimum]
    return sorted(found, key=lambda s: (-s.count, s.text))


def _mid_sentence_runs(text: str, excluded: set[str]) -> list[str]:
    runs: list[str] = []
    run: list[str] = []
    run_end = -1
    run_mid = False
    for match in _WORD.finditer(text):
        word = match[0]
        capital = word[0].isupper() and word.casefold() not in excluded and len(word) > 1
        if capital and run and text[run_end : match.start()] == " ":
            run.append(word)  # "Kari Nordmann": one name, whatever starts it
        else:
            if run and run_mid:
                runs.append(" ".join(run))
            run = [word] if capital else []
            run_mid = not _SENTENCE_END.search(text[max(0, match.start() - 4) : match.start()])
        run_end = match.end()
    if run and run_mid:
        runs.append(" ".join(run))
    return runs


def suggestions(
    *,
    texts: Iterable[str],
    speakers: Iterable[str],
    listed: Iterable[str],
    codebook_words: Iterable[str],
) -> list[Suggestion]:
    """Speakers first, then recurring capitalised words; none already on the list."""
    listed_folded = {s.casefold() for s in listed}
    words = {w for name in codebook_words for w in _WORD.findall(name)}
    speaking = speaker_suggestions(speakers)
    # Part of a speaker's name, and no more frequent than the speaker: the speaker covers it.
    covered = {word: s.count for s in speaking for word in _WORD.findall(s.text) if word != s.text}
    found = [
        *speaking,
        *(
            s
            for s in capitalised_suggestions(texts, exclude=words | set(listed))
            if s.count > covered.get(s.text, -1)
        ),
    ]
    seen: set[str] = set()
    result = []
    for suggestion in found:
        key = suggestion.text.casefold()
        if key not in listed_folded and key not in seen:
            seen.add(key)
            result.append(suggestion)
    return result[:MAX_SUGGESTIONS]

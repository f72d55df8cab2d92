"""Checking a translated methods paragraph against the English one, sentence by sentence."""

from __future__ import annotations

import re

# A number as the paragraph writes it: 0.812, 0,812, 86.7, -0.115, 4 770 (narrow space), 0.1.0.
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-ZÆØÅ])")


def sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences (the references after the blank line left out)."""
    return SENTENCE_END.split(paragraph.split("\n\n")[0].strip())


def numbers(sentence: str, decimal: str = ".") -> list[str]:
    """The sentence's numbers, written with a decimal point, in order of size of their text
    (a translation may say them in another order)."""
    text = re.sub(r"(?<=\d)\u202f(?=\d)", "", sentence)
    found = NUMBER.findall(text)
    if decimal != ".":
        found = [n.replace(decimal, ".") for n in found]
    return sorted(found)


def assert_same_numbers(english: str, translated: str, *, decimal: str = ",") -> None:
    """As many sentences, and each with exactly the numbers of its English sentence."""
    ours, theirs = sentences(english), sentences(translated)
    assert len(ours) == len(theirs), (ours, theirs)
    for one, other in zip(ours, theirs, strict=True):
        assert numbers(one) == numbers(other, decimal), (one, other)
        if decimal != ".":  # no decimal point left behind (a version, 0.1.0, is no decimal)
            assert not [n for n in NUMBER.findall(other) if n.count(".") == 1], other

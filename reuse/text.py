"""Normalise and tokenise text, keeping a map back to the original character offsets.

Normalisation is Unicode NFKC, case folding, and folding of curly quotes and dashes to
their plain forms. Numbers are kept: news facts live in them. Words are runs of letters,
digits and combining marks in the normalised text, and each character of a script
written without spaces (Chinese, Japanese, Thai, ...) is a word; each word carries the half-open
character range it came from in the ORIGINAL text, so offsets never leak from the
normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import regex

__all__ = ["Normalised", "Tokens", "normalise", "tokenise"]

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Scripts written without spaces between words: each character is a token of its own.
_UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
# Most text has no combining marks left after NFKC and no unspaced script: the fast
# pattern is right for it. Marks inside words (Devanagari vowel signs, Arabic harakat)
# need the full pattern, or "सरकार" would split into two words.
_WORD = re.compile(r"[^\W_]+")
_WORD_FULL = regex.compile(rf"[{_UNSPACED}]|[\p{{L}}\p{{N}}\p{{M}}--_{_UNSPACED}]+", regex.V1)
_NEEDS_FULL = regex.compile(rf"[\p{{M}}{_UNSPACED}]")

IntArray = npt.NDArray[np.int64]
# Which ASCII bytes are word characters under _WORD: letters and digits.
_ASCII_WORD = np.array([chr(c).isalnum() for c in range(128)] + [False] * 128, dtype=np.int8)


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text with, for each of its characters, the original range it came from.

    ``starts[i]:ends[i]`` is the slice of the original text that produced character ``i``
    (one original cluster may produce several characters, as "ﬁ" gives "fi").
    """

    text: str
    starts: IntArray
    ends: IntArray
    simple: bool = True
    """No combining mark and no unspaced script: the fast word pattern applies."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of a text and the original character range of each."""

    words: tuple[str, ...]
    starts: IntArray
    ends: IntArray

    def __len__(self) -> int:
        return len(self.words)


def fold(fragment: str) -> str:
    """Return ``fragment`` normalised: NFKC, case folded, quotes and dashes folded.

    >>> fold("“Ĳssel” – ﬁne İlham")
    '"ijssel" - fine ilham'
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", fragment).casefold())
    # Casefolding "İ" gives "i" and a combining dot; drop the dot so "İlham" is "ilham".
    return folded.replace("i\u0307", "i").translate(_FOLD)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M") or unicodedata.combining(char) != 0


def _clusters(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into clusters: a base character and the marks after it."""
    out: list[tuple[int, int]] = []
    for i in range(start, end):
        if out and _is_mark(text[i]):
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def normalise(text: str) -> Normalised:
    """Normalise ``text`` and map every normalised character back to the original.

    Args:
        text: the original text.

    Returns:
        The normalised text and, per normalised character, its original range.

    >>> n = normalise("Ünïcode’s")
    >>> n.text, n.starts.tolist() == list(range(9))
    ("ünïcode's", True)
    """
    if text.isascii():
        idx = np.arange(len(text), dtype=np.int64)
        return Normalised(text.lower(), idx, idx + 1)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    simple = True
    pos = 0
    for match in _NON_ASCII.finditer(text):
        run_start, run_end = match.span()
        # A mark may combine with the ASCII letter before it ("e" + U+0301).
        if run_start > pos and _is_mark(text[run_start]):
            run_start -= 1
        if run_start > pos:
            pieces.append(text[pos:run_start].lower())
            starts.extend(range(pos, run_start))
            ends.extend(range(pos + 1, run_start + 1))
        for c_start, c_end in _clusters(text, run_start, run_end):
            folded = fold(text[c_start:c_end])
            if simple and _NEEDS_FULL.search(folded):
                simple = False
            pieces.append(folded)
            starts.extend([c_start] * len(folded))
            ends.extend([c_end] * len(folded))
        pos = run_end
    if pos < len(text):
        pieces.append(text[pos:].lower())
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return Normalised(
        "".join(pieces),
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
        simple,
    )


def _tokenise_ascii(text: str) -> Tokens:
    """`tokenise` for ASCII text, where a word is a run of letters and digits: the words
    come from one regex pass, their offsets from one vectorised pass over the bytes."""
    lowered = text.lower()
    words = tuple(_WORD.findall(lowered))
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens((), empty, empty)
    inside = np.zeros(len(text) + 2, dtype=np.int8)
    inside[1:-1] = _ASCII_WORD[np.frombuffer(lowered.encode("ascii"), dtype=np.uint8)]
    edges = np.flatnonzero(np.diff(inside))
    return Tokens(words, edges[0::2].astype(np.int64), edges[1::2].astype(np.int64))


def tokenise(text: str) -> Tokens:
    """Split ``text`` into normalised words with their original character ranges.

    >>> t = tokenise("The “Karabakh” region, 1,275 people")
    >>> t.words
    ('the', 'karabakh', 'region', '1', '275', 'people')
    >>> "The “Karabakh” region, 1,275 people"[t.starts[1]:t.ends[1]]
    'Karabakh'
    """
    if text.isascii():
        return _tokenise_ascii(text)
    return _tokenise_normalised(text)


def _tokenise_normalised(text: str) -> Tokens:
    """`tokenise` for any text: normalise, then find the words in the normalised form."""
    norm = normalise(text)
    words: list[str] = []
    first: list[int] = []
    last: list[int] = []
    pattern = _WORD if norm.simple else _WORD_FULL
    for match in pattern.finditer(norm.text):
        words.append(match.group())
        first.append(match.start())
        last.append(match.end() - 1)
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens((), empty, empty)
    return Tokens(
        tuple(words),
        norm.starts[np.array(first, dtype=np.int64)],
        norm.ends[np.array(last, dtype=np.int64)],
    )

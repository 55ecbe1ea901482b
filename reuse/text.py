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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import regex

__all__ = ["Normalised", "Tokens", "Words", "normalise", "scan", "tokenise"]

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
class Words:
    """`Tokens` in compact form: the words joined by single spaces (a word never holds
    a space), the original character range of each, and the line each is on (line
    breaks before it)."""

    joined: str
    starts: IntArray
    ends: IntArray
    lines: IntArray
    topical: npt.NDArray[np.bool_]
    """Words that can say what a text is about: two or more letters and no digit, or
    one character of a script written without spaces (what topic similarity counts)."""

    def __len__(self) -> int:
        return len(self.starts)


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


_SPACE = 32
_NEWLINE = 10
_ZERO, _NINE = ord("0"), ord("9")
_UNSPACED_CHAR = regex.compile(rf"[{_UNSPACED}]")
_LINE_BREAK = re.compile("\n")
# Each ASCII character folded for word finding: letters lower-cased, digits kept, and
# everything else a space.
_ASCII_FOLD = np.array(
    [ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(128)], dtype=np.uint32
)
_ASCII_TABLE = bytes(_ASCII_FOLD.tolist() + [_SPACE] * 128)
# Non-ASCII code points seen so far, folded the same way; -1 where a character folds to
# more than one word character, or is a combining mark or of an unspaced script, and
# only the general tokeniser is right.
_FOLDED: dict[int, int] = {}


def _fold_code_point(cp: int) -> int:
    if 0xD800 <= cp <= 0xDFFF:
        return -1
    char = chr(cp)
    if _is_mark(char):
        return -1
    folded = fold(char)
    if _NEEDS_FULL.search(folded):
        return -1
    if not _WORD.search(folded):
        return _SPACE
    return ord(folded) if len(folded) == 1 else -1


def scan(texts: Sequence[str]) -> list[Words]:
    """`tokenise` for bulk work: the same words and offsets, found for all ``texts`` in
    one pass of array operations.

    Text whose every character folds to at most one word character (nearly all news
    text: accents, curly quotes and dashes included) takes the vectorised path; any
    other text goes through `tokenise` alone.

    >>> w = scan(["The “Karabakh” région", "ﬁne"])
    >>> w[0].joined, w[0].starts.tolist(), w[1].joined
    ('the karabakh région', [0, 5, 15], 'fine')
    """
    if not texts:
        return []
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # Texts are joined by one space (never part of a word), so words never straddle two.
    firsts = np.cumsum(lengths + 1) - lengths - 1
    combined = " ".join(texts)
    general: set[int] = set()
    digits: npt.NDArray[np.bool_]
    if combined.isascii():
        raw = combined.encode("ascii")
        breaks = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == _NEWLINE)
        folded = np.frombuffer(raw.translate(_ASCII_TABLE), dtype=np.uint8)
        digits = (folded >= _ZERO) & (folded <= _NINE)
    else:
        cps = np.frombuffer(combined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        breaks = np.flatnonzero(cps == _NEWLINE)
        high = cps >= 128
        distinct = np.unique(cps[high])
        mapped = np.array([_fold_cached(cp) for cp in distinct.tolist()], dtype=np.int64)
        folded = np.empty_like(cps)
        folded[~high] = _ASCII_FOLD[cps[~high]]
        folded[high] = np.maximum(mapped, _SPACE)[np.searchsorted(distinct, cps[high])]
        # Other scripts' digits (a character of an unspaced script takes the general path).
        decimal = np.array([chr(max(c, 0)).isdecimal() for c in mapped.tolist()], dtype=bool)
        digits = (folded >= _ZERO) & (folded <= _NINE)
        digits[high] |= decimal[np.searchsorted(distinct, cps[high])]
        if (mapped < 0).any():
            where = np.flatnonzero(high)[np.isin(cps[high], distinct[mapped < 0])]
            general = set((np.searchsorted(firsts, where, side="right") - 1).tolist())
    word = folded != _SPACE
    starts = np.flatnonzero(word[1:] > word[:-1]) + 1
    ends = np.flatnonzero(word[1:] < word[:-1]) + 1
    if word.size and word[0]:
        starts = np.concatenate(([0], starts))
    if word.size and word[-1]:
        ends = np.concatenate((ends, [word.size]))
    doc = np.searchsorted(firsts, starts, side="right") - 1
    counts = np.bincount(doc, minlength=len(texts))
    lines = np.searchsorted(breaks, starts) - np.searchsorted(breaks, firsts)[doc]
    with_digit = np.concatenate(([0], np.cumsum(digits)))
    topical = (with_digit[ends] == with_digit[starts]) & (ends - starts >= 2)
    # The words of all texts, with one space after every word.
    keep = word.copy()
    keep[1:] |= word[:-1]
    encoding = "ascii" if folded.dtype == np.uint8 else "utf-32-le"
    letters = folded[keep].tobytes().decode(encoding)
    widths = np.bincount(doc, weights=ends - starts, minlength=len(texts)).astype(np.int64)
    widths += counts  # the spaces after each word
    bounds = np.concatenate(([0], np.cumsum(widths))).tolist()
    cuts = np.concatenate(([0], np.cumsum(counts))).tolist()
    out = []
    for n, text in enumerate(texts):
        if n in general:
            tokens = _tokenise_normalised(text)
            own = np.array([m.start() for m in _LINE_BREAK.finditer(text)], dtype=np.int64)
            line_of = np.searchsorted(own, tokens.starts)
            topic = np.array([_is_topical(w) for w in tokens.words], dtype=bool)
            out.append(Words(" ".join(tokens.words), tokens.starts, tokens.ends, line_of, topic))
            continue
        first, lo, hi = int(firsts[n]), cuts[n], cuts[n + 1]
        out.append(
            Words(
                letters[bounds[n] : bounds[n + 1] - 1] if hi > lo else "",
                starts[lo:hi] - first,
                ends[lo:hi] - first,
                lines[lo:hi],
                topical[lo:hi],
            )
        )
    return out


def _is_topical(word: str) -> bool:
    """`Words.topical` for one word."""
    if any(c.isdecimal() for c in word):
        return False
    return len(word) >= 2 or bool(_UNSPACED_CHAR.match(word))


def _fold_cached(cp: int) -> int:
    value = _FOLDED.get(cp)
    if value is None:
        value = _FOLDED[cp] = _fold_code_point(cp)
    return value

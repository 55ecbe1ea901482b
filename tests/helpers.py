"""Assertions about passages that several test modules share."""

from __future__ import annotations

from reuse.model import Document, PairResult, Passage, Result
from reuse.text import tokenise


def find_pair(result: Result, id_x: str, id_y: str) -> tuple[PairResult, bool]:
    """Return the reported pair of two ids and whether ``id_x`` is its ``a``."""
    for pair in result.pairs:
        if (pair.a, pair.b) == (id_x, id_y):
            return pair, True
        if (pair.a, pair.b) == (id_y, id_x):
            return pair, False
    raise AssertionError(f"no pair {id_x} / {id_y} among {[(p.a, p.b) for p in result.pairs]}")


def side(passage: Passage, x_is_a: bool) -> tuple[int, int]:
    """The character range of a passage in document x."""
    span = passage.a if x_is_a else passage.b
    return span.start, span.end


def word_index(document: Document, char: int) -> int:
    """Index of the word starting at or after character ``char``."""
    tokens = tokenise(document.text)
    for i, start in enumerate(tokens.starts.tolist()):
        if start >= char:
            return i
    return len(tokens)


def phrase_word_range(document: Document, first: str, last: str) -> tuple[int, int]:
    """Word range of ``document`` from phrase ``first`` through phrase ``last`` (inclusive)."""
    start_char = document.text.index(first)
    end_char = document.text.index(last, start_char) + len(last)
    return word_index(document, start_char), word_index(document, end_char)


def words_of(document: Document, start: int, end: int) -> tuple[int, int]:
    """Word range covering the character range ``[start, end)``."""
    return word_index(document, start), word_index(document, end)

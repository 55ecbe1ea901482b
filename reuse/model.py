"""Frozen types shared by every stage.

Offsets are half-open Python string indices into the ORIGINAL document text, so
``document.text[span.start:span.end]`` is exactly the passage a reader sees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

__all__ = [
    "Document",
    "Edit",
    "Notice",
    "PairResult",
    "Passage",
    "Progress",
    "Result",
    "Span",
    "TopicMatrix",
]


Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` by reading, comparing and writing; the
library itself never prints."""


@dataclass(frozen=True, slots=True)
class Document:
    """One article as `reuse` read it.

    ``text`` is the decoded text exactly as read (newlines untouched); every offset
    `reuse` reports indexes into it.
    """

    id: str
    text: str
    path: str | None = None
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a document needs a non-empty id")

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the UTF-8 encoded text, so a reader can check the offsets."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of one document's text."""

    doc_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end}) of {self.doc_id!r}")

    def __len__(self) -> int:
        return self.end - self.start


EditKind = Literal["replace", "insert", "delete"]


class Edit(NamedTuple):
    """A word-level difference inside a passage, in character offsets of both documents.

    ``delete``: words of ``a`` missing from ``b`` (``b_start == b_end``, where they would be);
    ``insert``: words of ``b`` missing from ``a``; ``replace``: both. A named tuple: a
    large corpus has millions of them, and a dataclass costs several times more to make.
    """

    kind: EditKind
    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of text that two documents share, allowing small edits inside it."""

    a: Span
    b: Span
    a_words: int
    b_words: int
    matched_words: int
    edits: tuple[Edit, ...] = ()

    def __post_init__(self) -> None:
        if self.matched_words > min(self.a_words, self.b_words):
            raise ValueError("a passage cannot match more words than either side has")

    @property
    def words(self) -> int:
        """Words of ``a`` inside the passage."""
        return self.a_words

    @property
    def identity(self) -> float:
        """Matched words over the mean of the two sides' word counts, in [0, 1]."""
        mean = (self.a_words + self.b_words) / 2
        return self.matched_words / mean if mean else 0.0


@dataclass(frozen=True, slots=True)
class PairResult:
    """What two documents share, ``a`` first."""

    a: str
    b: str
    shared_words: int
    b_shared_words: int
    a_coverage: float
    b_coverage: float
    topic_similarity: float
    resemblance: float
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class TopicMatrix:
    """TF-IDF cosine similarity of every document with every other, rows in ``ids`` order."""

    ids: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader should know about one input; ``skipped`` when it was left out."""

    source: str
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True, slots=True)
class Result:
    """The whole comparison: documents, reported pairs, and topic similarity."""

    documents: tuple[Document, ...]
    words: tuple[int, ...]
    pairs: tuple[PairResult, ...]
    topic: TopicMatrix | None
    settings: dict[str, object] = field(default_factory=dict)
    notices: tuple[Notice, ...] = ()

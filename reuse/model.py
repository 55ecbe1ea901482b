"""Frozen types shared by every stage.

Offsets are half-open Python string indices into the ORIGINAL document text, so
``document.text[span.start:span.end]`` is exactly the passage a reader sees.
"""

from __future__ import annotations

import functools
import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, overload

__all__ = [
    "Document",
    "Edit",
    "Edits",
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


EDIT_KINDS: tuple[EditKind, ...] = ("replace", "insert", "delete")
"""The kinds of edit, in the order of their codes in `Edits.packed`."""
EDIT_CODES = {kind: code for code, kind in enumerate(EDIT_KINDS)}
"""Each kind of edit's code in `Edits.packed`."""
# An edit from its plain tuple, without a Python call per edit (`Edit._make` is one).
_edit = functools.partial(tuple.__new__, Edit)


class Edits(Sequence[Edit]):
    """A passage's edits, in order: a sequence of `Edit`, equal to the tuple of them.

    Kept as a byte per edit for its kind and four 64-bit offsets, not as named tuples:
    a large corpus reports millions of edits, and a named tuple with its four numbers
    takes some 200 bytes where these take 33.
    """

    __slots__ = ("_kinds", "_offsets")
    _kinds: bytes
    _offsets: bytes

    def __init__(self, edits: Iterable[tuple[str, int, int, int, int]] = ()) -> None:
        rows = list(edits)
        try:
            kinds = bytes([EDIT_CODES[row[0]] for row in rows])  # type: ignore[index]
        except KeyError as error:
            raise ValueError(f"an edit is a replace, insert or delete, not {error}") from None
        if any(len(row) != 5 for row in rows):
            raise ValueError("an edit is a kind and four offsets")
        self._kinds = kinds
        self._offsets = array("q", [n for row in rows for n in row[1:]]).tobytes()

    @classmethod
    def packed(cls, kinds: bytes, offsets: bytes) -> Edits:
        """Edits from their kinds (0 replace, 1 insert, 2 delete; a byte each) and their
        offsets (``a_start, a_end, b_start, b_end`` of each, 64-bit, native order)."""
        if len(offsets) != 32 * len(kinds) or max(kinds, default=0) >= len(EDIT_KINDS):
            raise ValueError("packed edits need a kind byte and four offsets each")
        new = object.__new__(cls)
        new._kinds = kinds
        new._offsets = offsets
        return new

    def raw(self) -> tuple[bytes, bytes]:
        """The kinds and the offsets, as `packed` takes them."""
        return self._kinds, self._offsets

    def tuples(self) -> Iterator[tuple[EditKind, int, int, int, int]]:
        """Each edit as a plain tuple, ``(kind, a_start, a_end, b_start, b_end)``."""
        numbers = iter(memoryview(self._offsets).cast("q"))
        return zip(
            map(EDIT_KINDS.__getitem__, self._kinds),
            numbers,
            numbers,
            numbers,
            numbers,
            strict=True,
        )

    def __iter__(self) -> Iterator[Edit]:
        return map(_edit, self.tuples())

    def __len__(self) -> int:
        return len(self._kinds)

    @overload
    def __getitem__(self, index: int) -> Edit: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Edit, ...]: ...

    def __getitem__(self, index: int | slice) -> Edit | tuple[Edit, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        n = range(len(self._kinds))[index]
        numbers = memoryview(self._offsets).cast("q")[4 * n : 4 * n + 4].tolist()
        return Edit(EDIT_KINDS[self._kinds[n]], *numbers)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Edits):
            return self._kinds == other._kinds and self._offsets == other._offsets
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the equal tuple's

    def __repr__(self) -> str:
        return f"Edits({list(self)!r})"

    def __reduce__(self) -> tuple[Callable[[bytes, bytes], Edits], tuple[bytes, bytes]]:
        return Edits.packed, (self._kinds, self._offsets)


_NO_EDITS = Edits()


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of text that two documents share, allowing small edits inside it."""

    a: Span
    b: Span
    a_words: int
    b_words: int
    matched_words: int
    edits: Edits = _NO_EDITS
    """Given as any sequence of edits (or of plain 5-tuples), kept as `Edits`."""

    def __post_init__(self) -> None:
        if self.matched_words > min(self.a_words, self.b_words):
            raise ValueError("a passage cannot match more words than either side has")
        if not isinstance(self.edits, Edits):
            object.__setattr__(self, "edits", Edits(self.edits))

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

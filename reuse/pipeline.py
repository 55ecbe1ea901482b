"""The only place the stages are chained: documents in, a `Result` out."""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import ctypes
import dataclasses
import functools
import gc
import glob
import importlib
import itertools
import mmap
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

from reuse import __version__
from reuse.align import WordPassage, align_many, covered, merge_fragments
from reuse.candidates import POSITION_BITS, Layout, chosen_pairs, count_codes, shared_codes
from reuse.errors import InputError, SettingsError
from reuse.fingerprint import (
    distinct,
    jaccard_of_sets,
    joined_hashes,
    mix,
    narrow,
    run_hashes,
    sampled,
    shingle_hashes,
    widen,
)
from reuse.fragments import Sentences, index_sentences, match_sentences
from reuse.model import (
    EDIT_CODES,
    Document,
    Edits,
    Notice,
    PairResult,
    Passage,
    Progress,
    Result,
    Span,
    TopicMatrix,
)
from reuse.settings import Settings
from reuse.similarity import HashedTopics, fit_topics
from reuse.text import Tokens, scan

__all__ = ["Progress", "compare", "memory_needed"]


U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
T = TypeVar("T")
R = TypeVar("R")
# Documents whose sentence index (and topic row) is kept while aligning: each is built
# once, and reused by every pair it is in while it stays.
_DOCUMENT_CACHE = 20_000
# Documents whose words weigh topic similarity in a corpus too large for the full matrix.
_TOPIC_SAMPLE = 20_000
# Sampled documents between two progress reports while topic weights are learnt.
_TOPIC_STEP = 2_000
# Longest run of common lines (in words) that is boilerplate rather than reprinted text.
BOILERPLATE_WORDS = 50
# Boilerplate words get hashes made from this, their document and their position: as
# unlikely as two distinct words' to equal any other word's.
_BOILERPLATE_SEED = np.uint64(0xB0B0 << 48)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A document ready to compare, kept compact: a corpus holds one per document.

    The normalised words are one string (words never hold a space), not a tuple of
    strings, which would take several times the memory, and only where reworded search
    or the full topic matrix needs them (empty otherwise); character offsets are kept
    compact (`_compact_offsets`: a byte or two per word where a start and an end would
    take eight); ``shingles`` are the sample the corpus size calls for
    (`Settings.sample_for`), in document order, each hash mixed (`reuse.fingerprint.mix`,
    a bijection) as the candidate index wants it, and empty once it is counted
    (`_Corpus.drop_shingles`).
    """

    words: str
    gaps: npt.NDArray[np.integer[Any]]
    """Characters from the end of the word before (the text's start) to each word."""
    lengths: npt.NDArray[np.integer[Any]]
    """Characters in each word."""
    ids: U32
    """Word hashes in 4 bytes each (`reuse.fingerprint.narrow`): `hashes` widens them."""
    shingles: U64
    line_ends: npt.NDArray[np.int32]
    """Word index where each line (with words) ends; it starts where the last ended."""
    line_keys: U64
    """Hash of each line's words."""
    topical: npt.NDArray[np.bool_]
    """Words that count for topic similarity (see `reuse.text.Words.topical`)."""
    boilerplate_lines: npt.NDArray[np.bool_] | None = None
    """Which lines are boilerplate (see `_mask_boilerplate`); None before it is known."""

    def __len__(self) -> int:
        return len(self.lengths)

    @property
    def boilerplate(self) -> npt.NDArray[np.bool_] | None:
        """Which words are boilerplate (those of its lines); None before it is known."""
        if self.boilerplate_lines is None:
            return None
        sizes = np.diff(self.line_ends, prepend=0)
        words: npt.NDArray[np.bool_] = np.repeat(self.boilerplate_lines, sizes)
        return words

    @property
    def hashes(self) -> U64:
        """The word hashes."""
        return widen(self.ids)

    def tokens(self) -> Tokens:
        words = tuple(self.words.split(" ")) if len(self) else ()
        return Tokens(words, *_offsets(self.gaps, self.lengths, [len(self)]))


def _silent(stage: str, done: int, total: int) -> None:
    """Progress callback that reports nothing."""


@dataclass(frozen=True, slots=True)
class _Batch:
    """Prepared documents as a few flat arrays, which cost little to pass between
    processes (one `_Prepared` each would cost several times the work that made it).

    Document ``n``'s words are ``bounds[n]:bounds[n + 1]`` of the word arrays, its
    shingles ``shingle_bounds[n]:...`` of ``shingles``, its lines ``line_bounds[n]:...``
    of the line arrays (``line_ends`` counted in its own words).
    """

    joined: list[str]
    bounds: list[int]
    gaps: npt.NDArray[np.integer[Any]]
    lengths: npt.NDArray[np.integer[Any]]
    ids: U32
    """Word hashes in 4 bytes each (`reuse.fingerprint.narrow`)."""
    topical: npt.NDArray[np.bool_]
    shingles: U64
    shingle_bounds: list[int]
    line_ends: npt.NDArray[np.int32]
    line_keys: U64
    line_bounds: list[int]
    boilerplate_lines: npt.NDArray[np.bool_] | None = None
    """Which lines are boilerplate (see `_mask_boilerplate`), a byte a line where one a
    word would take several times more; None before it is known."""

    def document(self, n: int) -> _Prepared:
        """Document ``n`` of the batch, as views into the batch's arrays."""
        first, last = self.bounds[n], self.bounds[n + 1]
        lo, hi = self.line_bounds[n], self.line_bounds[n + 1]
        return _Prepared(
            self.joined[n],
            self.gaps[first:last],
            self.lengths[first:last],
            self.ids[first:last],
            self.shingles[self.shingle_bounds[n] : self.shingle_bounds[n + 1]],
            self.line_ends[lo:hi],
            self.line_keys[lo:hi],
            self.topical[first:last],
            None if self.boilerplate_lines is None else self.boilerplate_lines[lo:hi],
        )


class _Corpus(Sequence[_Prepared]):
    """Every prepared document, held as the batches that made them: ``corpus[k]`` is
    document ``k``, its views made when asked (and kept a while).

    A `_Prepared` per document would be a dozen Python objects each, a few KB per
    document, and every worker touching one (its reference count) would copy the
    memory page holding it: a worker would end up with its own copy of them all.
    """

    def __init__(self, batches: list[_Batch]) -> None:
        self.batches = batches
        self.firsts = [0, *itertools.accumulate(len(b.joined) for b in batches)]
        self.cache: dict[int, _Prepared] = {}
        self.without_shingles = False

    def __len__(self) -> int:
        return self.firsts[-1]

    @overload
    def __getitem__(self, k: int) -> _Prepared: ...

    @overload
    def __getitem__(self, k: slice) -> list[_Prepared]: ...

    def __getitem__(self, k: int | slice) -> _Prepared | list[_Prepared]:
        if isinstance(k, slice):
            return [self[n] for n in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        found = self.cache.get(k)
        if found is None:
            if not 0 <= k < len(self):
                raise IndexError(k)
            b = bisect.bisect_right(self.firsts, k) - 1
            found = self.batches[b].document(k - self.firsts[b])
            if len(self.cache) >= _DOCUMENT_CACHE:
                self.cache.clear()
            self.cache[k] = found
        return found

    def __iter__(self) -> Iterator[_Prepared]:
        for batch in self.batches:
            for n in range(len(batch.joined)):
                yield batch.document(n)

    def word_counts(self) -> list[int]:
        """Words in each document."""
        return [b.bounds[n + 1] - b.bounds[n] for b in self.batches for n in range(len(b.joined))]

    def shingle_counts(self) -> I64:
        """Sampled shingles of each document."""
        return self._counts("shingle_bounds")

    def drop_shingles(self) -> None:
        """Let go of the sampled shingles once the candidate index no longer needs
        them (8 bytes for every other word of a large corpus, as much as its words' hashes):
        a document's are made again from its words where wanted (`_shingle_set`)."""
        if self.without_shingles:
            return
        self.without_shingles = True
        empty = np.zeros(0, dtype=np.uint64)
        self.batches[:] = [
            dataclasses.replace(b, shingles=empty, shingle_bounds=[0] * len(b.bounds))
            for b in self.batches
        ]
        self.cache.clear()
        _give_back_freed_memory()

    def line_counts(self) -> I64:
        """Lines in each document."""
        return self._counts("line_bounds")

    def _counts(self, bounds: str) -> I64:
        """Each document's items, from the batches' ``bounds`` of them."""
        return np.concatenate(
            [np.diff(np.asarray(getattr(b, bounds), dtype=np.int64)) for b in self.batches]
            or [np.zeros(0, dtype=np.int64)]
        )


def _sampled_shingles(
    hashes: U64, counts: npt.NDArray[np.int64], k: int, every: int, *, placed: bool = False
) -> tuple[U64, list[int]]:
    """The one-in-``every`` sample of the shingles of documents whose word hashes are
    ``hashes``, ``counts[n]`` words each, all in one array, each mixed; and where each
    document's shingles start and end in it. ``placed``: for the candidate index, each
    hash's low `POSITION_BITS` bits are its first word's position in its document
    instead (see `reuse.candidates.Layout`)."""
    kept, cuts, position = _sampled_where(hashes, counts, k, every)
    if placed:
        low = np.uint64((1 << POSITION_BITS) - 1)
        kept &= ~low
        kept |= position.astype(np.uint64) & low
    return kept, cuts


def _sampled_where(
    hashes: U64, counts: npt.NDArray[np.int64], k: int, every: int
) -> tuple[U64, list[int], I64]:
    """`_sampled_shingles`, unplaced, and where each shingle's first word is in its
    document."""
    doc = np.repeat(np.arange(counts.size), counts)
    shingles = shingle_hashes(hashes, k)
    inside = doc[: shingles.size] == doc[k - 1 :]  # shingles within one document
    keep = inside & sampled(shingles, every) if shingles.size else inside
    # Kept shingles before each document's first word: every kept shingle starting in a
    # document's words is that document's.
    running = np.concatenate(([0], np.cumsum(keep)))
    starts = np.cumsum(counts) - counts
    firsts = np.minimum(starts, running.size - 1)
    cuts = [*running[firsts].tolist(), int(running[-1])]
    at = np.flatnonzero(keep)
    return mix(shingles[at]), cuts, at - starts[doc[at]]


def _prepare_many(texts: Sequence[str], settings: Settings, every: int) -> _Batch:
    """Prepare documents together: tokenising, hashing, shingling (the one-in-``every``
    sample that both finds candidates and estimates resemblance) and line keys each run
    once over all of them."""
    scanned = scan(texts)
    counts = np.fromiter((len(w) for w in scanned), dtype=np.int64, count=len(scanned))
    hashes = np.concatenate(joined_hashes([w.joined for w in scanned]))
    bounds = np.concatenate(([0], np.cumsum(counts)))
    doc = np.repeat(np.arange(len(scanned)), counts)
    shingles, shingle_bounds = _sampled_shingles(
        hashes, counts, settings.shingle_words, every, placed=True
    )
    # Lines: a new one wherever the line number or the document changes.
    line = np.concatenate([w.lines for w in scanned])
    new = np.ones(hashes.size, dtype=bool)
    new[1:] = (line[1:] != line[:-1]) | (doc[1:] != doc[:-1])
    line_starts = np.flatnonzero(new)
    line_ends = np.append(line_starts[1:], hashes.size)
    keys = run_hashes(hashes, line_starts, line_ends)
    gaps, lengths = _compact_offsets(
        np.concatenate([w.starts for w in scanned]),
        np.concatenate([w.ends for w in scanned]),
        bounds,
    )
    return _Batch(
        joined=[w.joined for w in scanned]
        if _shared.get("keep_words", True)
        else [""] * len(scanned),
        bounds=bounds.tolist(),
        gaps=gaps,
        lengths=lengths,
        ids=narrow(hashes),
        topical=np.concatenate([w.topical for w in scanned]),
        shingles=shingles,
        shingle_bounds=shingle_bounds,
        line_ends=(line_ends - bounds[doc[line_starts]]).astype(np.int32),
        line_keys=keys,
        line_bounds=np.searchsorted(line_starts, bounds).tolist(),
    )


def _compact_offsets(
    starts: I64, ends: I64, bounds: I64
) -> tuple[npt.NDArray[np.integer[Any]], npt.NDArray[np.integer[Any]]]:
    """Word offsets (documents ``bounds[n]:bounds[n + 1]`` of ``starts`` and ``ends``)
    as each word's gap from the end of the word before it in its document (from 0 for
    the first) and its length, in the smallest unsigned type that holds both: news text
    needs a byte each, where a start and an end need four each (a signed type should a
    word ever start before the last ends). `_offsets` undoes it."""
    before = np.zeros_like(ends)
    before[1:] = ends[:-1]
    firsts = bounds[:-1][bounds[:-1] < ends.size]
    before[firsts] = 0
    gaps, lengths = starts - before, ends - starts
    lowest = min(int(gaps.min(initial=0)), 0)
    highest = max(int(gaps.max(initial=0)), int(lengths.max(initial=0)))
    dtype = np.promote_types(np.min_scalar_type(lowest), np.min_scalar_type(highest))
    return gaps.astype(dtype), lengths.astype(dtype)


def _offsets(
    gaps: npt.NDArray[np.integer[Any]],
    lengths: npt.NDArray[np.integer[Any]],
    counts: Sequence[int] | I64,
) -> tuple[I64, I64]:
    """The starts and ends of words kept by `_compact_offsets`, of documents of
    ``counts[n]`` words each, all in one array."""
    sizes = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(gaps.astype(np.int64) + lengths)
    firsts = np.cumsum(sizes) - sizes
    # Each document's offsets count from its own start.
    base = np.where(firsts > 0, ends[np.maximum(firsts, 1) - 1] if ends.size else 0, 0)
    ends -= np.repeat(base, sizes)
    return ends - lengths, ends


def _line_sizes(corpus: _Corpus) -> I64:
    """Words in each line of each document, all documents in one array."""
    ends = np.concatenate([b.line_ends for b in corpus.batches] or [np.zeros(0, np.int32)]).astype(
        np.int64
    )
    before = np.concatenate(([0], ends[:-1]))
    counts = corpus.line_counts()
    firsts = np.cumsum(counts) - counts
    before[firsts[firsts < ends.size]] = 0
    return ends - before


def _boilerplate_lines(corpus: _Corpus, min_documents: int, sizes: I64) -> npt.NDArray[np.bool_]:
    """Which lines are boilerplate (all documents' lines in one array, of ``sizes``
    words each): lines found in ``min_documents`` documents or more, in runs of such
    lines at most BOILERPLATE_WORDS words long. A longer run is a story many outlets
    reprinted (every paragraph of it common), not boilerplate."""
    per_doc = corpus.line_counts()
    keys = np.concatenate([b.line_keys for b in corpus.batches] or [np.zeros(0, np.uint64)])
    if not keys.size:
        return np.zeros(0, dtype=bool)
    doc = np.repeat(np.arange(len(corpus), dtype=np.int64), per_doc)
    # Documents holding each key, a document counted once however often it repeats it.
    order = np.lexsort((doc, keys))
    k, d = keys[order], doc[order]
    new_doc = np.ones(k.size, dtype=bool)
    new_doc[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    new_key = np.ones(k.size, dtype=bool)
    new_key[1:] = k[1:] != k[:-1]
    group = np.cumsum(new_key) - 1
    documents = np.bincount(group, weights=new_doc).astype(np.int64)
    common = np.empty(k.size, dtype=bool)
    common[order] = documents[group] >= min_documents
    # Runs of consecutive common lines within a document, and their length in words.
    starts_run = np.ones(k.size, dtype=bool)
    starts_run[1:] = (common[1:] != common[:-1]) | (doc[1:] != doc[:-1])
    run = np.cumsum(starts_run) - 1
    run_words = np.bincount(run, weights=sizes)
    boilerplate: npt.NDArray[np.bool_] = common & (run_words[run] <= BOILERPLATE_WORDS)
    return boilerplate


def _mask_boilerplate(corpus: _Corpus, settings: Settings, every: int) -> _Corpus:
    """Take boilerplate lines (see `_boilerplate_lines`) out of shingles and alignment,
    in ``corpus`` itself: their words get hashes no other word is likely to have, in
    place (the batches' arrays are this process's own, and copies would double the
    memory of every document with boilerplate); the sampled shingles holding their
    words leave the index (`_mask_group`, about `_MASK_BATCH` documents in one pass)."""
    if not settings.boilerplate or len(corpus) < settings.boilerplate:
        return corpus
    sizes = _line_sizes(corpus)
    boiler = _boilerplate_lines(corpus, settings.boilerplate, sizes)
    if not boiler.any():
        return corpus
    # The batches are replaced in the corpus's own list, so each group's old shingles
    # are let go of as soon as its new ones are made, not all at the end.
    batches = corpus.batches
    corpus.cache.clear()
    group: list[int] = []
    first_line = first_doc = docs = lines = 0
    for b, batch in enumerate(corpus.batches):
        group.append(b)
        docs += len(batch.joined)
        lines += batch.line_bounds[-1]
        if docs < _MASK_BATCH and b + 1 < len(batches):
            continue
        span = slice(first_line, first_line + lines)
        if boiler[span].any():
            _mask_group(batches, group, first_doc, boiler[span], sizes[span], settings, every)
        first_line += lines
        first_doc += docs
        group, docs, lines = [], 0, 0
    return _Corpus(batches)


def _mask_group(
    batches: list[_Batch],
    group: list[int],
    first_doc: int,
    boiler: npt.NDArray[np.bool_],
    sizes: I64,
    settings: Settings,
    every: int,
) -> None:
    """Mask the boilerplate lines (``boiler``, of ``sizes`` words each) of the
    consecutive ``batches[group]``, whose first document is ``first_doc``, and leave
    out of their sampled shingles those holding a masked word: masked, such a shingle
    would be found in its own document only, and it says nothing about any pair. The
    batches are replaced in ``batches``."""
    members = [batches[g] for g in group]
    k = settings.shingle_words
    mask = np.repeat(boiler, sizes)
    ids = np.concatenate([b.ids for b in members])
    counts = np.concatenate([np.diff(np.asarray(b.bounds, dtype=np.int64)) for b in members])
    bounds = np.concatenate(([0], np.cumsum(counts)))
    shingles = np.concatenate([b.shingles for b in members])
    per_doc = np.concatenate([np.diff(np.asarray(b.shingle_bounds)) for b in members])
    position, unsure = _shingle_positions(shingles, per_doc, counts - k)
    # Documents where positions cannot be told from their low bits alone (a stretch of
    # over 2**POSITION_BITS words with no shingle sampled): sampled again, as they were.
    offsets = np.concatenate(([0], np.cumsum(per_doc)))
    for n in np.flatnonzero(unsure).tolist():
        _, _, exact = _sampled_where(
            widen(ids[bounds[n] : bounds[n + 1]]), counts[n : n + 1], k, every
        )
        position[offsets[n] : offsets[n + 1]] = exact
    # Masked words before each word: a shingle holds one when they rise over its words.
    before = np.zeros(mask.size + 1, dtype=np.int32)
    np.cumsum(mask, out=before[1:])
    first = np.repeat(bounds[:-1], per_doc) + position
    keep = before[first + k] == before[first]
    kept = np.concatenate(([0], np.cumsum(keep)))
    cuts = kept[offsets].tolist()
    shingles = shingles[keep]
    at = np.flatnonzero(mask)
    doc = np.searchsorted(bounds, at, side="right") - 1
    where = (at - bounds[doc]).astype(np.uint64)
    seeds = _BOILERPLATE_SEED + ((doc + first_doc).astype(np.uint64) << np.uint64(24)) + where
    ids[at] = (mix(seeds) >> np.uint64(32)).astype(np.uint32)
    word = n = line = 0
    for g, batch in zip(group, members, strict=True):
        words, docs, lines = batch.bounds[-1], len(batch.joined), batch.line_bounds[-1]
        batch.ids[:] = ids[word : word + words]
        lo, hi = cuts[n], cuts[n + docs]
        batches[g] = dataclasses.replace(
            batch,
            shingles=shingles[lo:hi],
            shingle_bounds=[c - lo for c in cuts[n : n + docs + 1]],
            boilerplate_lines=boiler[line : line + lines],
        )
        word += words
        n += docs
        line += lines


def _shingle_positions(shingles: U64, per_doc: I64, last: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Where each placed shingle starts in its document, from the low bits that hold
    it modulo 2**POSITION_BITS (`_sampled_shingles`): positions rise within a document,
    so where the low bits do not, they have gone round once more. The documents hold
    ``per_doc`` shingles each, the last starting at word ``last`` at most. Also which
    documents this cannot be sure of: where the last shingle found leaves room for a
    round more gone unseen (no shingle sampled for 2**POSITION_BITS words)."""
    size = 1 << POSITION_BITS
    low = (shingles & np.uint64(size - 1)).astype(np.int64)
    doc = np.repeat(np.arange(per_doc.size), per_doc)
    rounds = np.zeros(low.size, dtype=np.int64)
    rounds[1:] = (low[1:] <= low[:-1]) & (doc[1:] == doc[:-1])
    rounds = np.cumsum(rounds)
    has = per_doc > 0
    firsts, ends = (np.cumsum(per_doc) - per_doc)[has], np.cumsum(per_doc)[has] - 1
    position = low + size * (rounds - np.repeat(rounds[firsts], per_doc[has]))
    unsure = np.zeros(per_doc.size, dtype=bool)
    unsure[has] = last[has] - position[ends] >= size
    return position, unsure


def _char_ranges(
    prepared: Sequence[_Prepared] | Mapping[int, _Prepared],
    doc: npt.ArrayLike,
    first: Sequence[int],
    last: Sequence[int],
) -> tuple[I64, I64]:
    """Character range of each word range ``[first[n], last[n])`` of document
    ``doc[n]``, as the starts and the ends; an empty range sits after the word before
    it (at 0 before the first word). A few array operations for all ranges: a chunk of
    pairs has thousands, and an array operation per pair would cost more than the
    lookups themselves."""
    docs = np.asarray(doc, dtype=np.int64)
    if not docs.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    used = distinct(docs)
    sizes = np.fromiter((len(prepared[k]) for k in used.tolist()), np.int64, used.size)
    if not sizes.any():
        return np.zeros(docs.size, dtype=np.int64), np.zeros(docs.size, dtype=np.int64)
    bases = np.cumsum(sizes) - sizes
    starts, ends = _offsets(
        np.concatenate([prepared[k].gaps for k in used.tolist()]),
        np.concatenate([prepared[k].lengths for k in used.tolist()]),
        sizes,
    )
    slot = np.searchsorted(used, docs)
    size, base = sizes[slot], bases[slot]
    lo, hi = np.array(first, dtype=np.int64), np.array(last, dtype=np.int64)
    words = size > 0
    at_start = np.where(words, base + np.minimum(lo, size - 1), 0)
    # The end of the word before ``hi``: of the range's last word, or for an empty
    # range, of the word it sits after.
    at_end = np.where(words, base + np.maximum(hi - 1, 0), 0)
    start, end = starts[at_start], ends[at_end]
    filled = hi > lo
    after = np.where(words & (lo > 0), end, 0)
    return np.where(filled, start, after), np.where(filled, end, after)


_Found = tuple[Any, ...]
"""A pair's report as plain tuples and numbers, which cross between processes many
times faster than dataclasses: see `_pair_report` and `_report`."""


def _found_passages(
    kept: list[tuple[int, int, list[WordPassage]]], docs: Mapping[int, _Prepared]
) -> list[tuple[Any, ...]]:
    """Each pair's passages as ``(a_start, a_end, b_start, b_end, a_words, b_words,
    matched, kinds, offsets)`` in characters, the edits as `Edits.packed` takes them
    (a few bytes each, where a tuple per edit would cost the main process some 200
    bytes and its unpickling): the word ranges of every passage and edit of every pair
    are converted column by column (`_char_ranges`), not one tuple at a time (a chunk
    of pairs holds thousands of edits)."""
    passages = [w for _, _, wps in kept for w in wps]
    # A word edit is a plain tuple: (kind, a_start, a_end, b_start, b_end).
    edits = [e for w in passages for e in w.edits]
    per_pair = [len(wps) for _, _, wps in kept]
    a_of = np.repeat(np.array([i for i, _, _ in kept], dtype=np.int64), per_pair)
    b_of = np.repeat(np.array([j for _, j, _ in kept], dtype=np.int64), per_pair)
    per_passage = [len(w.edits) for w in passages]
    kinds, a0, a1, b0, b1 = zip(*edits, strict=True) if edits else ((), (), (), (), ())
    a_starts, a_ends = _char_ranges(
        docs,
        np.concatenate((a_of, np.repeat(a_of, per_passage))),
        [w.a_start for w in passages] + list(a0),
        [w.a_end for w in passages] + list(a1),
    )
    b_starts, b_ends = _char_ranges(
        docs,
        np.concatenate((b_of, np.repeat(b_of, per_passage))),
        [w.b_start for w in passages] + list(b0),
        [w.b_end for w in passages] + list(b1),
    )
    n = len(passages)
    # The edits as `Edits.packed` takes them: a kind byte and four 64-bit offsets each.
    codes = bytes(map(EDIT_CODES.__getitem__, kinds))
    offsets = np.stack((a_starts[n:], a_ends[n:], b_starts[n:], b_ends[n:]), axis=1)
    packed = offsets.astype(np.int64).tobytes()
    ranges = zip(
        a_starts[:n].tolist(),
        a_ends[:n].tolist(),
        b_starts[:n].tolist(),
        b_ends[:n].tolist(),
        strict=True,
    )
    found = []
    at = 0
    for w, count, (a0, a1, b0, b1) in zip(passages, per_passage, ranges, strict=True):
        found.append(
            (
                a0,
                a1,
                b0,
                b1,
                w.a_end - w.a_start,
                w.b_end - w.b_start,
                w.matched,
                codes[at : at + count],
                packed[32 * at : 32 * (at + count)],
            )
        )
        at += count
    out = []
    at = 0
    for count in per_pair:
        out.append(tuple(found[at : at + count]))
        at += count
    return out


def _report(found: _Found, documents: Sequence[Document]) -> PairResult:
    """The `PairResult` of a `_Found`."""
    i, j, a_shared, b_shared, a_coverage, b_coverage, topic, resemblance, passages = found
    a, b = documents[i].id, documents[j].id
    return PairResult(
        a=a,
        b=b,
        shared_words=a_shared,
        b_shared_words=b_shared,
        a_coverage=a_coverage,
        b_coverage=b_coverage,
        topic_similarity=topic,
        resemblance=resemblance,
        passages=tuple(
            Passage(
                a=Span(a, a0, a1),
                b=Span(b, b0, b1),
                a_words=a_words,
                b_words=b_words,
                matched_words=matched,
                edits=Edits.packed(kinds, offsets),
            )
            for a0, a1, b0, b1, a_words, b_words, matched, kinds, offsets in passages
        ),
    )


def _plan_pairs(
    documents: Sequence[Document],
    prepared: _Corpus,
    settings: Settings,
    pairs: Sequence[tuple[str, str]] | None,
    against: Collection[str] | None,
    pool: _Workers | None = None,
    counted: Callable[[int], None] = lambda parts: None,
    meanwhile: Callable[[], None] = lambda: None,
    parts: int | None = None,
) -> _Planned:
    """Return the ``(a, b)`` document indices to align, ``a`` first. The index is
    counted in ``parts`` parts (`_index_part`; by default as many as its shingles call
    for, `_index_parts_for`), on ``pool``'s workers when given; ``counted`` is told how
    many parts are done as they finish, and ``meanwhile`` runs here while workers
    count."""
    index = {d.id: i for i, d in enumerate(documents)}
    if pairs is not None:
        planned = []
        for id_a, id_b in pairs:
            for missing in (id_a, id_b):
                if missing not in index:
                    raise InputError(missing, "is listed in a pair but is not among the documents")
            planned.append((index[id_a], index[id_b]))
        meanwhile()
        return _Planned.of(planned)
    groups = None
    if against is not None:
        groups = [1 if d.id in against else 0 for d in documents]
    # Prepared shingles are already the sample the corpus size calls for; each part
    # gathers its own from the batches (`_index_part`).
    counts = prepared.shingle_counts()
    if parts is None:
        parts = _index_parts_for(int(counts.sum()))
    layout = Layout.for_corpus(len(documents))
    _shared["index"] = (prepared, counts, parts, settings.max_df, groups, layout)
    done: list[Any] = []
    try:
        tasks = [[part] for part in range(parts)]
        if pool is not None:
            pool.close()  # workers forked from here on see the index
        counting = map(_index_parts, tasks) if pool is None else pool.map(_index_parts, tasks)
        meanwhile()
        for chunk in counting:
            done += chunk
            counted(len(done))
        del _shared["index"]
        # The counted parts no longer need the shingles; once the workers that
        # inherited them are gone, their memory is free for the pairs.
        prepared.drop_shingles()
        left, right = _pairs_from_parts(done, settings, groups, layout, pool)
    finally:
        _shared.pop("index", None)
        for part in done:
            if isinstance(part[0], str):
                with contextlib.suppress(OSError):
                    os.unlink(part[0])
        if pool is not None:
            pool.close()  # workers that align need not keep the index
    if not left.size:
        return _Planned.of([])
    if groups is not None:
        first = np.asarray(groups, dtype=bool)[left]  # the reference first
    else:
        rank = np.empty(len(documents), dtype=np.int64)
        rank[sorted(range(len(documents)), key=lambda k: documents[k].id)] = np.arange(
            len(documents)
        )
        first = rank[left] < rank[right]  # the smaller id first
    return _Planned(np.where(first, left, right), np.where(first, right, left))


class _Planned(Sequence[tuple[int, int]]):
    """The pairs to align, ``(a, b)`` document indices, kept as two arrays: a tuple of
    two numbers each would take some 120 bytes a pair, half a GB at a million articles.
    A slice is a list of tuples (a chunk to align)."""

    def __init__(self, a: I64, b: I64) -> None:
        self.a, self.b = a, b

    @classmethod
    def of(cls, pairs: list[tuple[int, int]]) -> _Planned:
        both = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return cls(both[:, 0].copy(), both[:, 1].copy())

    def __len__(self) -> int:
        return int(self.a.size)

    @overload
    def __getitem__(self, k: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, k: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, k: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(k, slice):
            return list(zip(self.a[k].tolist(), self.b[k].tolist(), strict=True))
        return int(self.a[k]), int(self.b[k])


# The candidate index is counted in parts (a power of two, at least this many) by the
# top bits of the hashes, each of about this many shingles at most: a part's sorting
# and pairing take a few dozen bytes per shingle, on each worker at once.
_INDEX_PARTS = 4
_INDEX_PART_SHINGLES = 20_000_000
# Batches whose shingles a part gathers at a time.
_INDEX_BLOCK = 512


def _index_parts_for(shingles: int) -> int:
    """Parts of the candidate index of ``shingles`` shingles (see `_INDEX_PARTS`).

    >>> _index_parts_for(1000), _index_parts_for(90_000_000), _index_parts_for(300_000_000)
    (4, 8, 16)
    """
    return max(_INDEX_PARTS, 1 << (-(-shingles // _INDEX_PART_SHINGLES) - 1).bit_length())


# The parts' codes are then counted in ranges of pair codes, each range from every part
# at once: at least this many ranges, as many more (a power of two) as keep each near
# this many codes, at most as many as the steps each part reports to cut them by.
_CODE_RANGES = 8
_RANGE_CODES = 20_000_000
_RANGE_STEPS = 64


def _code_ranges_for(codes: int) -> int:
    """Ranges to count ``codes`` pair codes in (see `_CODE_RANGES`).

    >>> _code_ranges_for(1000), _code_ranges_for(300_000_000), _code_ranges_for(10**10)
    (8, 16, 64)
    """
    wanted = 1 << (-(-codes // _RANGE_CODES) - 1).bit_length()
    return min(_RANGE_STEPS, max(_CODE_RANGES, wanted))


def _index_part(part: int) -> tuple[Any, ...]:
    """`shared_codes` of the shingles whose top bits are ``part``: parts hold disjoint
    sets of hashes, so their codes put together are those of the whole.

    Returns the codes (shipped in shared memory from a worker, `_ship`, as they are
    otherwise) and, to cut the codes into ranges of about equal size, their number and
    the codes at each of `_RANGE_STEPS` equal steps through them."""
    corpus, counts, parts, max_df, groups, layout = _shared["index"]
    top = np.uint64(64 - (parts - 1).bit_length())
    shingles, owners = [], []
    for lo in range(0, len(corpus.batches), _INDEX_BLOCK):
        block = corpus.batches[lo : lo + _INDEX_BLOCK]
        first, last = corpus.firsts[lo], corpus.firsts[lo + len(block)]
        hashes = np.concatenate([b.shingles for b in block])
        chosen = hashes >> top == part
        shingles.append(hashes[chosen])
        # 32-bit document numbers (`shared_codes` takes fewer than 2**31 documents).
        docs = np.repeat(np.arange(first, last, dtype=np.int32), counts[first:last])
        owners.append(docs[chosen])
    codes = shared_codes(
        np.concatenate(shingles) if shingles else np.zeros(0, dtype=np.uint64),
        np.concatenate(owners) if owners else np.zeros(0, dtype=np.int32),
        len(corpus),
        max_df=max_df,
        groups=groups,
        mixed=True,
        layout=layout,
    )
    return _counted_part(codes, ship=multiprocessing.parent_process() is not None)


def _counted_part(codes: I64, *, ship: bool) -> tuple[Any, ...]:
    """A part's sorted ``codes`` as `_index_part` returns them: shipped when ``ship``
    and there is room, then their number and the codes at each of `_RANGE_STEPS`
    equal steps."""
    steps = (
        codes[(np.arange(1, _RANGE_STEPS) * codes.size) // _RANGE_STEPS].tolist()
        if codes.size
        else []
    )
    shipped = _ship([codes]) if ship else None
    counted = (codes.size, steps)
    return (codes, counted) if shipped is None else (*shipped, counted)


def _index_parts(parts: list[int]) -> list[tuple[Any, ...]]:
    return [_index_part(part) for part in parts]


def _pairs_from_parts(
    parts: list[tuple[Any, ...]],
    settings: Settings,
    groups: Sequence[int] | None,
    layout: Layout,
    pool: _Workers | None,
) -> tuple[I64, I64]:
    """The candidate pairs ``(left, right)`` (``left < right``, sorted) from the codes
    of every part (`_index_part`): the codes are cut into ranges at the same values in
    every part (and between pairs: all of a pair's codes in one range), and each range
    counted from all parts at once (`_count_range`), on ``pool``'s workers when the
    parts are shipped, so no process ever holds every code."""
    ranges = _code_ranges_for(sum(part[-1][0] for part in parts))
    steps = sorted(step for part in parts for step in part[-1][1])
    cuts = [steps[(k * len(steps)) // ranges] for k in range(1, ranges)] if steps else []
    cuts = [cut >> layout.position_bits << layout.position_bits for cut in cuts]
    bounds = [None, *cuts, None]
    sources = [part[:-1] for part in parts]
    chosen = (settings.min_shared, groups, layout, _min_span(settings))
    tasks = [[(sources, lo, hi, *chosen)] for lo, hi in itertools.pairwise(bounds)]
    # Parts not shipped are arrays of this process, which workers would be sent whole.
    shipped = all(isinstance(source[0], str) for source in sources)
    counting = (
        pool.map(_count_ranges, tasks)
        if pool is not None and shipped
        else map(_count_ranges, tasks)
    )
    counted = [pairs for chunk in counting for pairs in chunk]
    left = np.concatenate([c[0] for c in counted])
    right = np.concatenate([c[1] for c in counted])
    return left, right


def _min_span(settings: Settings) -> int:
    """Word positions a pair's shared shingles must lie apart (in a document that
    has positions, see `reuse.candidates.Layout`): their words must reach half of the
    shortest passage. Fewer, side by side, are a phrase (its few shingles all sampled);
    a passage's, with a shingle in two left out of the sample, lie further apart.

    >>> _min_span(Settings()), _min_span(Settings(min_words=30)), _min_span(Settings(min_words=8))
    (3, 10, 0)
    """
    return max(0, -(-settings.min_words // 2) - settings.shingle_words)


def _count_ranges(tasks: list[tuple[Any, ...]]) -> list[tuple[I64, I64]]:
    return [_count_range(task) for task in tasks]


def _count_range(task: tuple[Any, ...]) -> tuple[I64, I64]:
    """The candidate pairs among codes ``lo <= code < hi`` (None: no bound) of every
    part (an array, or a file `_ship` wrote): `count_codes` of them put together."""
    sources, lo, hi, min_shared, groups, layout, min_span = task
    pieces = []
    for source in sources:
        codes = source[0] if len(source) == 1 else _read_shipped(*source)[0]
        first = 0 if lo is None else int(np.searchsorted(codes, lo))
        last = codes.size if hi is None else int(np.searchsorted(codes, hi))
        pieces.append(codes[first:last])
    merged = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
    codes, shared = count_codes(merged)
    left, right, _ = chosen_pairs(
        codes, shared, min_shared=min_shared, groups=groups, layout=layout, min_span=min_span
    )
    return left, right


# Documents per fingerprinting task, pairs per alignment task and documents per
# sentence-indexing task: large enough that handing a task to a worker costs little
# beside it, small enough to spread the work.
_PREPARE_CHUNK = 256
_ALIGN_CHUNK = 256
_SENTENCE_CHUNK = 64
_SCAN_BATCH = 32
_MASK_BATCH = 256
# What workers read, set before they start (forked processes inherit it) and in the
# parent for a single process.
_shared: dict[str, Any] = {}
_SHARED_LOCK = threading.Lock()


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def _prepare_chunk(texts: list[str]) -> list[_Batch]:
    """Prepare the documents of ``texts``.

    A worker is sent the texts rather than reading those it inherited: reading a
    string writes its reference count, and the page holding it would be copied into
    the worker (a news article is about a page), a copy of the corpus across workers."""
    settings = _shared["settings"]
    # Small batches: their arrays stay in cache, and cost no fresh pages from the system.
    every = _shared["every"]
    return [_prepare_many(batch, settings, every) for batch in _chunks(texts, _SCAN_BATCH)]


_ARRAYS = ("gaps", "lengths", "ids", "topical", "line_ends", "line_keys")
# Where workers leave prepared batches for the parent to map: a pipe between processes
# carries a few hundred MB/s, and the arrays are most of a large corpus's memory.
_SHM = "/dev/shm"


_SHIPPED = "reuse-"


def _shipping_prefix(parent: int) -> str:
    """Names of the files workers of process ``parent`` ship batches in."""
    return f"{_SHIPPED}{parent}-"


def _remove_orphaned_batches() -> None:
    """Remove batches shipped for a comparison whose process is gone: one killed (for
    memory, say) cannot remove its own, and shared memory is the system's RAM."""
    for left in glob.glob(os.path.join(_SHM, f"{_SHIPPED}*-*")):
        pid = os.path.basename(left)[len(_SHIPPED) :].split("-")[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(left)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's
    return True


def _ship(arrays: Sequence[npt.NDArray[Any]]) -> tuple[str, list[tuple[str, int, int]]] | None:
    """Write ``arrays`` into one file in shared memory, for the parent to map
    (`_mapped`) instead of reading them through the pipe (which carries a few hundred
    MB/s); None where there is no room."""
    try:
        # Named for the comparing process, as it set before forking: a worker whose
        # parent is gone would otherwise name it for init, whose files are never
        # orphans (`_remove_orphaned_batches`).
        parent = _shared.get("parent", os.getppid())
        fd, path = tempfile.mkstemp(prefix=_shipping_prefix(parent), dir=_SHM)
    except OSError:
        return None
    layout = []
    try:
        with os.fdopen(fd, "wb") as out:
            at = 0
            for array in arrays:
                array = np.ascontiguousarray(array)
                out.write(array.data.cast("B"))
                layout.append((array.dtype.str, array.size, at))
                at += array.nbytes
                pad = -at % 8
                out.write(b"\0" * pad)
                at += pad
    except OSError:
        os.unlink(path)
        return None
    return path, layout


def _mapped(path: str, layout: list[tuple[str, int, int]]) -> list[npt.NDArray[Any]]:
    """The arrays `_ship` wrote, mapped from its file, which is removed at once.

    The mapping is shared: masking boilerplate writes into it without a copy of any
    page, and workers forked later read the same pages. (A private writable mapping
    would copy every page as it is mapped.)"""
    with open(path, "r+b") as f:
        size = os.fstat(f.fileno()).st_size
        mapped = _map_shared(f.fileno(), size) if size else b""
    os.unlink(path)
    return _arrays_in(mapped, layout)


def _read_shipped(path: str, layout: list[tuple[str, int, int]]) -> list[npt.NDArray[Any]]:
    """The arrays `_ship` wrote, read-only, the file left in place (other processes
    read it too)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        mapped = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) if size else b""
    return _arrays_in(mapped, layout)


def _arrays_in(
    mapped: mmap.mmap | bytes, layout: list[tuple[str, int, int]]
) -> list[npt.NDArray[Any]]:
    """The arrays `_ship` laid out, as views of the file's mapping."""
    return [
        np.frombuffer(mapped, dtype=dtype, count=count, offset=at) for dtype, count, at in layout
    ]


def _prepare_shipped(texts: list[str]) -> Any:
    """`_prepare_chunk` in a worker, its arrays shipped in shared memory (`_ship`);
    without room there, the batches go through the pipe as they are."""
    batches = _prepare_chunk(texts)
    if multiprocessing.parent_process() is None:
        return batches  # not in a worker: nothing to ship
    # Shingles in a file of their own: where boilerplate changes them all, the main
    # process lets go of the file, and the system frees it.
    files = [
        _ship([getattr(b, name) for b in batches for name in _ARRAYS]),
        _ship([b.shingles for b in batches]),
    ]
    if any(f is None for f in files):
        for f in files:
            if f is not None:
                os.unlink(f[0])
        return batches
    rest = [
        dataclasses.replace(b, **{name: None for name in (*_ARRAYS, "shingles")})  # type: ignore[arg-type]
        for b in batches
    ]
    return files, rest


def _map_shared(fd: int, size: int) -> mmap.mmap:
    """Map a file shared and writable, its pages mapped at once where the system
    allows: the parent maps while workers still prepare, and would otherwise fault on
    every page later, one at a time."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate and hasattr(mmap, "MAP_SHARED"):
        return mmap.mmap(
            fd, size, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ | mmap.PROT_WRITE
        )
    return mmap.mmap(fd, size, access=mmap.ACCESS_WRITE)


def _unship(shipped: Any) -> list[_Batch]:
    """The batches `_prepare_shipped` made, their arrays mapped (`_mapped`)."""
    if isinstance(shipped, list):
        return shipped
    (words, shingles), rest = shipped
    arrays = iter(_mapped(*words))
    shingle_arrays = iter(_mapped(*shingles))
    return [
        dataclasses.replace(
            batch,
            shingles=next(shingle_arrays),
            **{name: next(arrays) for name in _ARRAYS},
        )
        for batch in rest
    ]


def _align_chunk(planned: Sequence[tuple[int, int]]) -> list[_Found]:
    settings: Settings = _shared["settings"]
    prepared: _Corpus = _shared["prepared"]
    reworded = settings.reworded_for(len(prepared))
    # The chunk's documents, each looked up once (a pair's are needed at every step).
    docs = {k: prepared[k] for pair in planned for k in pair}
    kept = []
    exact = align_many([(docs[i].ids, docs[j].ids) for i, j in planned], settings)
    for (i, j), word_passages in zip(planned, exact, strict=True):
        pa, pb = docs[i], docs[j]
        fragments = []
        if reworded:
            fragments = match_sentences(
                _kept("sentences", i, _sentences),
                _kept("sentences", j, _sentences),
                threshold=reworded,
            )
        word_passages = merge_fragments(
            word_passages,
            [(f.a_start, f.a_end, f.b_start, f.b_end) for f in fragments],
            pa.ids,
            pb.ids,
            settings,
        )
        if word_passages or _shared["keep_empty"]:
            kept.append((i, j, word_passages))
    reported = [k for i, j, _ in kept for k in (i, j)]
    _keep_all("shingle_sets", reported, _shingle_sets)
    if "topics" in _shared:
        _keep_all("topic_rows", reported, _topic_rows)
    return [
        _pair_report(i, j, word_passages, found, len(docs[i]), len(docs[j]))
        for (i, j, word_passages), found in zip(kept, _found_passages(kept, docs), strict=True)
    ]


def _pair_report(
    i: int,
    j: int,
    word_passages: list[WordPassage],
    found: tuple[Any, ...],
    a_words: int,
    b_words: int,
) -> _Found:
    """The pair's report (see `_report`), its passages ``found`` in characters
    (`_found_passages`), its documents of ``a_words`` and ``b_words`` words; its topic
    similarity too in a corpus too large for the full matrix (otherwise it is filled in
    once all pairs are known)."""
    topic = 0.0
    if "topics" in _shared:
        topic = HashedTopics.cosine(
            _kept("topic_rows", i, _topic_row), _kept("topic_rows", j, _topic_row)
        )
    a_shared = covered([(p.a_start, p.a_end) for p in word_passages])
    b_shared = covered([(p.b_start, p.b_end) for p in word_passages])
    return (
        i,
        j,
        a_shared,
        b_shared,
        a_shared / max(1, a_words),
        b_shared / max(1, b_words),
        topic,
        jaccard_of_sets(
            _kept("shingle_sets", i, _shingle_set), _kept("shingle_sets", j, _shingle_set)
        ),
        found,
    )


def _topical(p: _Prepared) -> npt.NDArray[np.bool_]:
    """Which of a document's words count for its topic: not boilerplate's."""
    boilerplate = p.boilerplate  # made from the lines each time it is asked for
    return p.topical if boilerplate is None else p.topical & ~boilerplate


def _topic_terms(p: _Prepared) -> U64:
    return HashedTopics.terms(p.hashes, _topical(p))


def _topic_row(k: int) -> tuple[U64, npt.NDArray[np.float64]]:
    """Document ``k``'s topic row."""
    return _topic_rows([k])[0]


def _topic_rows(ks: list[int]) -> list[tuple[U64, npt.NDArray[np.float64]]]:
    """Documents ``ks``' topic rows, made together (their terms too: see
    `_topic_terms`)."""
    topics: HashedTopics = _shared["topics"]
    docs: list[_Prepared] = [_shared["prepared"][k] for k in ks]
    hashes = widen(np.concatenate([p.ids for p in docs]))
    topical = np.concatenate([_topical(p) for p in docs])
    bounds = np.cumsum([0] + [len(p) for p in docs]).tolist()
    terms, sizes = HashedTopics.terms_of_many(hashes, topical, bounds)
    return topics.rows(terms, sizes)


def _sentences(k: int) -> Sentences:
    """Document ``k``'s sentence index, for reworded search."""
    p: _Prepared = _shared["prepared"][k]
    return index_sentences(p.tokens(), _shared["documents"][k].text, p.boilerplate)


def _sentence_chunk(ks: list[int]) -> list[Sentences]:
    return [_sentences(k) for k in ks]


def _index_sentences(planned: _Planned, pool: _Workers, report: Progress) -> None:
    """Index the sentences of every document of the ``planned`` pairs (reworded search)
    once, on ``pool``'s workers, for the workers that align them to inherit: built while
    aligning, each worker would index every document its pairs hold, and most documents
    are in pairs on every worker. Left to the aligning where one process does all the
    work, or where the indexes would not all fit the cache (`_DOCUMENT_CACHE`)."""
    needed = np.union1d(planned.a, planned.b).tolist()
    if pool.processes == 1 or len(needed) > _DOCUMENT_CACHE:
        return
    cache: dict[int, Sentences] = _shared.setdefault("sentences", {})
    chunks = _chunks(needed, _SENTENCE_CHUNK)
    done = 0
    report("indexing sentences", done, len(needed))
    for ks, indexes in zip(chunks, pool.map(_sentence_chunk, chunks), strict=True):
        cache.update(zip(ks, indexes, strict=True))
        done += len(ks)
        report("indexing sentences", done, len(needed))
    pool.close()  # workers forked from here on inherit the indexes


def _shingle_set(k: int) -> U64:
    """Document ``k``'s distinct sampled shingles, sorted (see `_shingle_sets`)."""
    return _shingle_sets([k])[0]


def _shingle_sets(ks: list[int]) -> list[U64]:
    """Documents ``ks``' distinct sampled shingles, each sorted: made again from their
    words, together, as fingerprinting (or masking boilerplate) made them, since the
    corpus no longer keeps them (`_Corpus.drop_shingles`)."""
    docs: list[_Prepared] = [_shared["prepared"][k] for k in ks]
    settings: Settings = _shared["settings"]
    counts = np.fromiter((len(p) for p in docs), dtype=np.int64, count=len(docs))
    ids = np.concatenate([p.ids for p in docs]) if docs else np.zeros(0, dtype=np.uint32)
    shingles, cuts = _sampled_shingles(widen(ids), counts, settings.shingle_words, _shared["every"])
    return [distinct(shingles[lo:hi]) for lo, hi in itertools.pairwise(cuts)]


def _kept(name: str, k: int, make: Callable[[int], T]) -> T:
    """``make(k)``, kept in the cache ``name`` while it may serve another pair (a
    document is in a few pairs, and a chunk of pairs often repeats one)."""
    cache: dict[int, T] = _shared.setdefault(name, {})
    if k not in cache:
        if len(cache) >= _DOCUMENT_CACHE:
            cache.clear()
        cache[k] = make(k)
    return cache[k]


def _keep_all(name: str, ks: list[int], make_all: Callable[[list[int]], list[T]]) -> None:
    """Put into the cache ``name`` (see `_kept`) those of ``ks`` it lacks, made together
    by ``make_all``."""
    cache: dict[int, T] = _shared.setdefault(name, {})
    missing = sorted({k for k in ks if k not in cache})
    if missing:
        if len(cache) + len(missing) > _DOCUMENT_CACHE:
            cache.clear()
        cache.update(zip(missing, make_all(missing), strict=True))


class _Workers:
    """Run tasks in this process or in forked worker processes, results in task order.

    Workers read the settings and (once `share` is called) the prepared documents
    from what they inherit, so only tasks (texts to prepare, pairs to align) and
    results cross between processes. Without ``fork`` (Windows) everything runs in
    this process.
    """

    def __init__(self, workers: int, documents: Sequence[Document], settings: Settings) -> None:
        if workers < 0:
            raise SettingsError(f"workers must be 0 (one per core) or more, got {workers}")
        self.processes = workers or os.cpu_count() or 1
        if "fork" not in multiprocessing.get_all_start_methods():
            self.processes = 1
        self.state = {"documents": documents, "settings": settings}
        self.pool: Any = None

    def __enter__(self) -> _Workers:
        # One comparison at a time per process: `_shared` is module state.
        _SHARED_LOCK.acquire()
        _shared.clear()
        _shared.update(self.state)
        _shared["parent"] = os.getpid()
        self.hugepages: bool | None = None
        if self.processes > 1:
            _remove_orphaned_batches()
            self.hugepages = _use_hugepages(False)
        return self

    def share(self, prepared: _Corpus) -> None:
        """Make the prepared documents visible to workers started from now on."""
        self.close()
        _shared["prepared"] = prepared

    def map(
        self, task: Callable[[Any], list[R]], chunks: Iterable[Any], count: int | None = None
    ) -> Iterator[list[R]]:
        """Results of ``task`` on each chunk, in order. Workers start on the chunks at
        once, so this process can do other work before taking the results; in this
        process, each chunk runs as its result is taken. ``chunks`` may be made as they
        are taken, ``count`` of them (a list's length by default)."""
        n = len(chunks) if count is None else count  # type: ignore[arg-type]
        if self.processes == 1 or n < 2:
            return map(task, chunks)
        if self.pool is None:
            context = multiprocessing.get_context("fork")
            self.pool = context.Pool(min(self.processes, n))
        results: Iterator[list[R]] = self.pool.imap(functools.partial(_in_own_heap, task), chunks)
        return results

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
            # Batches shipped for results never taken (an error, an interrupt).
            for left in glob.glob(os.path.join(_SHM, f"{_shipping_prefix(os.getpid())}*")):
                with contextlib.suppress(OSError):
                    os.unlink(left)
        _shared.clear()
        if self.hugepages is not None:
            _use_hugepages(self.hugepages)
        _SHARED_LOCK.release()


# A worker's own thread for its tasks, with the process it belongs to (a process forked
# from one that has it must make its own).
_task_thread: tuple[int, concurrent.futures.ThreadPoolExecutor] | None = None


def _in_own_heap(task: Callable[[Any], list[R]], chunk: Any) -> list[R]:
    """``task(chunk)``, run in a worker on a thread of its own, which glibc gives a heap
    of its own. On the worker's main thread, memory would come from the free room of
    the heap inherited from the parent process, and every page of it written into
    would be copied (copy on write): the more memory the parent holds, the more each
    worker copies, gigabytes each at a million articles."""
    global _task_thread
    if _task_thread is None or _task_thread[0] != os.getpid():
        _task_thread = (os.getpid(), concurrent.futures.ThreadPoolExecutor(1))
    return _task_thread[1].submit(task, chunk).result()


def _give_back_freed_memory() -> None:
    """Hand the memory freed on the heap back to the system: glibc may keep it (more so
    as `reuse.cli.tune_memory` sets it), and the shingles just let go of are a large part
    of a corpus's memory, which the rest of the run would hold for nothing."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _use_hugepages(enabled: bool) -> bool | None:
    """Ask numpy to request transparent huge pages for large arrays (its default on
    Linux), or not; returns the previous choice, None where numpy cannot tell.

    With worker processes forked from this one, huge pages cost more than they save:
    100,000 articles on two workers take about 5% longer with them (one process is
    unaffected). numpy offers the switch only under a private name."""
    for module in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            switch = getattr(importlib.import_module(module), "_set_madvise_hugepage", None)
        except ImportError:
            continue
        if switch is not None:
            return bool(switch(enabled))
    return None


# Peak memory of a comparison per character of text, all its processes together (their
# proportional set sizes summed), on `benchmarks.scale`'s news-like articles: 5.8 bytes
# at 300,000 articles (the main process's peak resident size alone 4.7).
_BYTES_PER_CHARACTER = 6


def memory_needed(documents: Sequence[Document]) -> int:
    """Roughly how many bytes comparing ``documents`` takes at its peak (a large corpus;
    a small one needs little beyond Python itself)."""
    return _BYTES_PER_CHARACTER * sum(len(d.text) for d in documents)


def compare(
    documents: Sequence[Document],
    settings: Settings | None = None,
    *,
    pairs: Sequence[tuple[str, str]] | None = None,
    against: Collection[str] | None = None,
    notices: Sequence[Notice] = (),
    progress: Progress | None = None,
    workers: int = 1,
) -> Result:
    """Find the passages documents share, and how similar their topics are.

    Args:
        documents: the corpus; ids must be unique.
        settings: knobs; defaults when omitted.
        pairs: compare exactly these ``(a_id, b_id)`` pairs, in this order, reporting
            each even when nothing is shared.
        against: ids of reference documents; only pairs of a reference and a
            non-reference document are compared, with the reference as ``a``.
        notices: input notices to carry into the result (skipped files and the like).
        progress: called as ``progress(stage, done, total)`` while working.
        workers: processes to fingerprint and align in (0: one per core). The result
            is the same, byte for byte, for any number.

    Returns:
        The documents, the pairs sharing passages (ranked by shared words), and topic
        similarity.

    Raises:
        InputError: duplicate document ids, or a pair naming an unknown id.
    """
    with _without_cycle_collector():
        return _compare(documents, settings, pairs, against, notices, progress, workers)


@contextlib.contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Pause Python's cycle collector: a comparison makes millions of small objects and
    no reference cycles, and the collector would scan them again and again (half the
    time spent building a large corpus's reports)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compare(
    documents: Sequence[Document],
    settings: Settings | None,
    pairs: Sequence[tuple[str, str]] | None,
    against: Collection[str] | None,
    notices: Sequence[Notice],
    progress: Progress | None,
    workers: int,
) -> Result:
    settings = settings or Settings()
    report = progress or _silent
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise InputError(document.id, "duplicate document id; ids must be unique")
        seen.add(document.id)

    total = len(documents)
    matrix = total <= settings.topic_matrix_limit  # else topics for reported pairs only
    with _Workers(workers, documents, settings) as pool:
        batches: list[_Batch] = []
        done = 0
        # The words as text serve only reworded search and the full topic matrix.
        _shared["every"] = settings.sample_for(total)
        _shared["keep_words"] = settings.reworded_for(total) > 0 or matrix
        texts = [
            [d.text for d in documents[k : k + _PREPARE_CHUNK]]
            for k in range(0, total, _PREPARE_CHUNK)
        ]
        for shipped in pool.map(_prepare_shipped, texts):
            for batch in _unship(shipped):
                batches.append(batch)
                done += len(batch.joined)
            report("fingerprinting", done, total)
        prepared = _Corpus(batches)
        del batches, texts
        # Steps: boilerplate, each part of the candidate index, the pairs from it.
        parts = _index_parts_for(int(prepared.shingle_counts().sum()))
        steps = parts + 2
        report("finding candidates", 0, steps)
        prepared = _mask_boilerplate(prepared, settings, _shared["every"])
        pool.share(prepared)
        report("finding candidates", 1, steps)

        def counted(parts: int) -> None:
            report("finding candidates", 1 + parts, steps)

        def fit_sampled_topics() -> None:
            """Beyond the full matrix, each reported pair gets its topic similarity
            while it is aligned, from word weights learnt on an evenly spread sample;
            learnt here while workers count the candidate index."""
            if matrix:
                return
            sample = range(0, total, -(-total // _TOPIC_SAMPLE))
            terms = []
            for first in range(0, len(sample), _TOPIC_STEP):
                report("topic similarity", first, len(sample))
                terms += [_topic_terms(prepared[k]) for k in sample[first : first + _TOPIC_STEP]]
            _shared["topics"] = HashedTopics.fit(terms)
            report("topic similarity", len(sample), len(sample))

        planned = _plan_pairs(
            documents, prepared, settings, pairs, against, pool, counted, fit_sampled_topics, parts
        )
        prepared.drop_shingles()  # when not already (pairs given: no index)
        report("finding candidates", steps, steps)
        if settings.reworded_for(total):
            _index_sentences(planned, pool, report)
        _shared["keep_empty"] = pairs is not None
        aligned: list[tuple[int, int]] = []
        results: list[PairResult] = []
        # Each chunk's pairs made as a worker is sent it, not all at once.
        starts = range(0, len(planned), _ALIGN_CHUNK)
        chunks = (planned[k : k + _ALIGN_CHUNK] for k in starts)
        for k, found in zip(starts, pool.map(_align_chunk, chunks, len(starts)), strict=True):
            # Built here while the workers align the next chunks.
            if matrix:  # the pairs' topic similarity is filled in from the matrix
                aligned += [(f[0], f[1]) for f in found]
            results += [_report(f, documents) for f in found]
            report("aligning", min(k + _ALIGN_CHUNK, len(planned)), len(planned))

    if matrix:
        report("topic similarity", 0, 1)
        topics = fit_topics([p.words for p in prepared])
        values = topics.pairs([i for i, _ in aligned], [j for _, j in aligned])
        results = [
            dataclasses.replace(result, topic_similarity=value)
            for result, value in zip(results, values.tolist(), strict=True)
        ]
    if pairs is None:
        results.sort(key=lambda r: (-r.shared_words, r.a, r.b))

    topic = None
    if matrix:
        dense = topics.matrix()
        topic = TopicMatrix(
            ids=tuple(d.id for d in documents),
            matrix=tuple(tuple(float(v) for v in row) for row in dense),
        )
        report("topic similarity", 1, 1)
    used = settings.as_dict()
    used["sample"] = settings.sample_for(total)
    used["reworded"] = settings.reworded_for(total)
    used["version"] = __version__
    return Result(
        documents=tuple(documents),
        words=tuple(prepared.word_counts()),
        pairs=tuple(results),
        topic=topic,
        settings=used,
        notices=tuple(notices),
    )

"""Find the document pairs worth aligning, from sampled shingle hashes.

Whole-document MinHash LSH misses passage reuse: a 100-word passage inside two
600-word articles leaves their Jaccard near 0.1. Instead every document contributes
its sampled shingle hashes to one sorted index; a pair of documents is a candidate
when it shares at least ``min_shared`` of them, wherever they lie in each document.
Where the hashes also carry their word positions (`Layout`), the shared ones must
besides lie at least ``min_span`` words apart: a few shingles side by side are one
short run of words, a phrase unrelated articles share by chance ("for the first time
in its history"), which no passage comes of and whose pairs, in a large corpus, far
outnumber those of real reuse.
Hashes found in a single document say nothing. A hash found in more than ``max_df``
documents is boilerplate (datelines, "Also Read", share buttons) or a passage many
outlets reprinted; pairing all its documents would cost the square of their number,
so its documents are each paired with one representative, the first of them (under
``groups``, with every reference document among them) instead of with each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reuse.fingerprint import postings, run_starts

__all__ = [
    "POSITION_BITS",
    "Layout",
    "candidates_from_counts",
    "chosen_pairs",
    "count_codes",
    "find_candidates",
    "find_candidates_flat",
    "shared_codes",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


# Codes made at a time while pairing the members of groups of one size.
_PAIRING_STEP = 1 << 22
# Bits of a word position a hash may carry (its low bits, see `Layout`): positions are
# compared a few words apart, so their remainder by 2**10 serves.
POSITION_BITS = 10


@dataclass(frozen=True, slots=True)
class Layout:
    """How a pair code packs documents ``i < j`` and, when ``position_bits``, the
    position (mod ``2**position_bits``) in ``i`` of the hash they share:
    ``((i << doc_bits) | j) << position_bits | position``. Codes sort by pair, then
    position.

    With positions, the hashes given to `shared_codes` carry each shingle's word
    position in its document in their low ``position_bits`` bits (the index never
    reads a hash's low bits: the document takes their place).

    >>> Layout.for_corpus(1000), Layout.for_corpus(2**30)
    (Layout(doc_bits=10, position_bits=10), Layout(doc_bits=32, position_bits=0))
    """

    doc_bits: int = 32
    position_bits: int = 0

    @classmethod
    def for_corpus(cls, n_documents: int) -> Layout:
        """Positions for ``n_documents``, when a code has room for them."""
        doc_bits = max(1, (n_documents - 1).bit_length())
        if 2 * doc_bits + POSITION_BITS > 63:
            return cls()
        return cls(doc_bits, POSITION_BITS)

    def code(self, i: I64, j: I64, position: I64 | None) -> I64:
        """The codes of pairs ``(i, j)``, ``i < j``, sharing a hash at ``position`` in ``i``."""
        code: I64 = (i << self.doc_bits) | j
        if self.position_bits:
            code <<= self.position_bits
            code |= position & ((1 << self.position_bits) - 1)  # type: ignore[operator]
        return code


def _pairs_in_groups(
    docs: I64, positions: I64 | None, starts: I64, sizes: I64, out: I64, layout: Layout
) -> None:
    """Write the `Layout` code of every within-group pair ``(i, j)``, ``i < j``, into
    ``out`` (as long as their number): straight into the one array that is sorted
    next, a few million at a time, rather than into pieces put together after (pair
    codes are where the candidate index peaks in memory). Each group's members are
    sorted (`reuse.fingerprint.postings` sorts them)."""
    at = 0
    for size in np.unique(sizes).tolist():
        left, right = np.triu_indices(size, k=1)
        rows = starts[sizes == size]
        step = max(1, _PAIRING_STEP // max(1, left.size))
        for first in range(0, rows.size, step):
            chunk = rows[first : first + step]
            where = chunk[:, None] + np.arange(size)  # a row of postings per group
            members = docs[where]
            block = out[at : at + chunk.size * left.size].reshape(chunk.size, left.size)
            np.left_shift(members[:, left], layout.doc_bits, out=block)
            block |= members[:, right]
            if layout.position_bits and positions is not None:
                block <<= layout.position_bits
                block |= positions[where][:, left]
            at += block.size
    if at != out.size:
        raise ValueError("out must hold every pair exactly")


def _pairs_in_large_groups(
    docs: I64,
    positions: I64 | None,
    starts: I64,
    sizes: I64,
    labels: npt.NDArray[np.int64] | None,
    layout: Layout,
) -> I64:
    """Pair each member of a large group with its first member, or with its references."""
    if labels is None and starts.size:
        # All groups at once: members are sorted, so the first is the smallest.
        offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        first = np.repeat(starts, sizes)
        other = offset > 0
        at = first[other]
        return layout.code(
            docs[at], docs[at + offset[other]], None if positions is None else positions[at]
        )
    out: list[I64] = []
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        members = docs[start : start + size]
        placed = None if positions is None else positions[start : start + size]
        codes = []
        for k in np.flatnonzero(labels[members] == 1) if labels is not None else [0]:
            first = members[k]
            others = members != first
            low, high = np.minimum(members[others], first), np.maximum(members[others], first)
            position = None
            if placed is not None:
                position = np.where(members[others] < first, placed[others], placed[k])
            codes.append(layout.code(low, high, position))
        if codes:
            # Two references in one group would otherwise count their pair twice.
            out.append(np.unique(np.concatenate(codes)))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def find_candidates(
    fingerprints: Sequence[U64],
    *,
    min_shared: int,
    max_df: int,
    groups: Sequence[int] | None = None,
) -> list[tuple[int, int, int]]:
    """Return the document pairs sharing at least ``min_shared`` fingerprint hashes.

    Args:
        fingerprints: per document, its sampled shingle hashes (duplicates allowed).
        min_shared: distinct hashes a pair must share.
        max_df: hashes in more documents than this only pair their documents with one
            representative (with the references, under ``groups``).
        groups: optional group label per document; when given, only pairs of documents
            with different labels are returned (``--against``: references vs the rest).

    Returns:
        ``(i, j, shared)`` with ``i < j`` document indices, sorted by ``(i, j)``.

    >>> h = lambda *v: np.array(v, dtype=np.uint64)
    >>> find_candidates([h(1, 2, 3), h(1, 2, 3, 9), h(1, 7, 8)], min_shared=2, max_df=10)
    [(0, 1, 3)]
    """
    lengths = np.fromiter((f.size for f in fingerprints), dtype=np.int64, count=len(fingerprints))
    hashes = np.concatenate(fingerprints) if fingerprints else np.zeros(0, dtype=np.uint64)
    owners = np.repeat(np.arange(len(fingerprints), dtype=np.int64), lengths)
    return find_candidates_flat(
        hashes, owners, len(fingerprints), min_shared=min_shared, max_df=max_df, groups=groups
    )


def find_candidates_flat(
    hashes: U64,
    owners: I64,
    n_documents: int,
    *,
    min_shared: int,
    max_df: int,
    groups: Sequence[int] | None = None,
) -> list[tuple[int, int, int]]:
    """`find_candidates` with every document's hashes in one array: ``hashes[n]``
    belongs to document ``owners[n]``, of ``n_documents``."""
    codes, counts = count_codes(
        shared_codes(hashes, owners, n_documents, max_df=max_df, groups=groups)
    )
    return candidates_from_counts(codes, counts, min_shared=min_shared, groups=groups)


def shared_codes(
    hashes: U64,
    owners: I64,
    n_documents: int,
    *,
    max_df: int,
    groups: Sequence[int] | None = None,
    mixed: bool = False,
    layout: Layout = Layout(),
) -> I64:
    """The pair code (``layout``'s, by default ``i * 2**32 + j``, ``i < j``) of every
    pair of documents sharing a hash, once per distinct hash they share, sorted:
    `count_codes` turns them into the pairs and how many distinct hashes each shares.

    The index splits by hash: the codes of disjoint sets of hashes, put together, are
    the codes of their union, so parts can be counted apart, in parallel. Eight bytes
    per shared hash, where codes and counts would take sixteen per pair: most pairs
    share a single hash, and merging parts is where a large corpus peaks in memory.
    ``mixed``: the hashes are already well mixed (see `reuse.fingerprint.postings`);
    with positions (see `Layout`) they must be.
    """
    if n_documents >= 2**31 or n_documents > 1 << layout.doc_bits:
        raise ValueError("too many documents for one candidate index")
    empty = np.zeros(0, dtype=np.int64)
    if hashes.size == 0:
        return empty
    # Two hashes merged by `postings` give a pair one extra shared hash at worst, and
    # alignment checks every candidate.
    hashes, docs, _, positions = postings(
        hashes, owners, n_documents, mixed=mixed, placed=layout.position_bits
    )
    starts = np.flatnonzero(run_starts(hashes))
    sizes = np.diff(np.append(starts, hashes.size))
    labels = None if groups is None else np.asarray(groups, dtype=np.int64)
    keep = (sizes >= 2) & (sizes <= max_df)
    large = sizes > max_df
    others = _pairs_in_large_groups(docs, positions, starts[large], sizes[large], labels, layout)
    pairs = int((sizes[keep] * (sizes[keep] - 1) // 2).sum())
    codes = np.empty(pairs + others.size, dtype=np.int64)
    _pairs_in_groups(docs, positions, starts[keep], sizes[keep], codes[:pairs], layout)
    codes[pairs:] = others
    codes.sort()
    return codes


def count_codes(codes: I64) -> tuple[I64, I64]:
    """The distinct pair codes, sorted, and how often each occurs. ``codes`` is sorted
    in place; made of sorted parts, it sorts by merging them."""
    codes.sort(kind="stable")
    firsts = np.flatnonzero(run_starts(codes))
    return codes[firsts], np.diff(np.append(firsts, codes.size))


def candidates_from_counts(
    codes: I64, counts: I64, *, min_shared: int, groups: Sequence[int] | None = None
) -> list[tuple[int, int, int]]:
    """The pairs of `count_codes` sharing at least ``min_shared`` hashes, as
    `find_candidates` returns them."""
    left, right, counts = chosen_pairs(codes, counts, min_shared=min_shared, groups=groups)
    return list(zip(left.tolist(), right.tolist(), counts.tolist(), strict=True))


def chosen_pairs(
    codes: I64,
    counts: I64,
    *,
    min_shared: int,
    groups: Sequence[int] | None = None,
    layout: Layout = Layout(),
    min_span: int = 0,
) -> tuple[I64, I64, I64]:
    """`candidates_from_counts` as three arrays: left documents, right documents and
    the hashes each pair shares; with positions (``layout``), only pairs whose shared
    hashes lie at least ``min_span`` words apart in the left document (positions are
    compared by their remainder: a cluster of them across a multiple of
    ``2**position_bits`` looks wide, and is kept)."""
    if layout.position_bits:
        pairs = codes >> layout.position_bits
        starts = np.flatnonzero(run_starts(pairs))
        ends = np.append(starts[1:], pairs.size)[: starts.size] - 1
        position = codes & ((1 << layout.position_bits) - 1)
        codes = pairs[starts]
        counts = np.add.reduceat(counts, starts) if starts.size else counts
        wide = position[ends] - position[starts] >= min_span
        chosen = (counts >= min_shared) & wide
    else:
        chosen = counts >= min_shared
    pair_codes, counts = codes[chosen], counts[chosen]
    left = pair_codes >> layout.doc_bits
    right = pair_codes & ((1 << layout.doc_bits) - 1)
    if groups is not None:
        labels = np.asarray(groups, dtype=np.int64)
        cross = labels[left] != labels[right]
        left, right, counts = left[cross], right[cross], counts[cross]
    return left, right, counts

"""Align a candidate pair word by word into shared passages.

1. Seeds: every place where the same ``seed_words`` words occur in both documents.
2. Runs: seeds on one diagonal and consecutive in both documents merge into exact runs.
3. Chains: runs are chained in document order while the gap between them is a small
   edit: at most ``max_gap`` words on either side, and at most ``max_indel`` words more
   on one side than on the other. A substituted word keeps a passage whole; an inserted
   promo line or caption (many words on one side, none on the other) ends it. Chains
   are built independently, so passages are found in any order in the two documents.
4. Refinement: each chain is aligned with rapidfuzz's LCS opcodes on integer word ids,
   giving the matched words and the word-level edits inside the passage.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel

from reuse.fingerprint import run_starts, shingle_hashes, widen
from reuse.settings import Settings

__all__ = [
    "WordEdit",
    "WordPassage",
    "align_many",
    "align_words",
    "covered",
    "merge_fragments",
]

U64 = npt.NDArray[np.uint64]
Hashes = U64 | npt.NDArray[np.uint32]
"""Word hashes, or a corpus's words in 4 bytes each (`reuse.fingerprint.narrow`)."""
I64 = npt.NDArray[np.int64]

# A seed phrase repeated more often than this in either document is a refrain or
# boilerplate; anchoring on it would only multiply spurious runs.
_MAX_OCCURRENCES = 50
# A reworded fragment holding an exact passage this long is left to the exact passages.
LONG_EXACT = 50
# Passages in order in both documents join across gaps of at most JOIN_GAP words on
# each side, the longer gap at most JOIN_RATIO times the shorter plus JOIN_SLACK words.
JOIN_GAP = 40
JOIN_RATIO = 2
JOIN_SLACK = 4


# Scratch tables for `_both_sides`, one per thread: allocating one for each batch of
# pairs would cost a page fault for every page it touches.
_scratch = threading.local()
# Golden-ratio multiplier: spreads pair numbers over the high bits `_both_sides` uses.
_PAIR_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


class WordEdit(NamedTuple):
    """A non-matching stretch inside a passage, in word indices of both documents (a
    named tuple: a long passage has dozens, and they are made by the million)."""

    kind: str  # "replace", "insert" or "delete"
    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(frozen=True, slots=True)
class WordPassage:
    """A shared passage in word indices: ``[a_start, a_end)`` of a, ``[b_start, b_end)`` of b."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int
    edits: tuple[WordEdit, ...]

    @property
    def identity(self) -> float:
        """Matched words over the mean of both sides' lengths."""
        return 2 * self.matched / ((self.a_end - self.a_start) + (self.b_end - self.b_start))


@dataclass(slots=True)
class _Chain:
    a_start: int
    b_start: int
    a_end: int
    b_end: int
    matched: int


def covered(ranges: list[tuple[int, int]]) -> int:
    """Positions inside at least one of the half-open ``ranges`` (overlaps counted once).

    >>> covered([(0, 5), (3, 8), (10, 12), (4, 4)])
    10
    """
    total = reach = 0
    for start, end in sorted(ranges):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _chain(runs: list[tuple[int, int, int]], max_gap: int, max_indel: int) -> list[_Chain]:
    """Chain runs (sorted by position in a) whose gaps are small edits."""
    active: list[_Chain] = []
    done: list[_Chain] = []
    # Comparisons rather than max() and abs(): this loop runs for every run of every pair.
    for i0, j0, length in runs:
        still: list[_Chain] = []
        for chain in active:
            (still if chain.a_end + max_gap >= i0 else done).append(chain)
        active = still
        best: tuple[int, int, _Chain, int] | None = None
        for chain in active:
            if j0 < chain.b_start:
                continue
            shift = chain.a_end - i0
            if chain.b_end - j0 > shift:
                shift = chain.b_end - j0
            if shift < 0:
                shift = 0
            if shift >= length:
                continue
            gap_a = i0 + shift - chain.a_end
            gap_b = j0 + shift - chain.b_end
            gap = gap_a if gap_a > gap_b else gap_b
            if gap > max_gap or not -max_indel <= gap_a - gap_b <= max_indel:
                continue
            if best is None or gap < best[0] or (gap == best[0] and -chain.matched < best[1]):
                best = (gap, -chain.matched, chain, shift)
        if best is None:
            active.append(_Chain(i0, j0, i0 + length, j0 + length, length))
        else:
            chain, shift = best[2], best[3]
            chain.a_end, chain.b_end = i0 + length, j0 + length
            chain.matched += length - shift
    return done + active


# A word edit from its plain tuple, without a Python call (the named tuple's own
# constructor is one).
_word_edit = functools.partial(tuple.__new__, WordEdit)


def _edits(
    opcodes: list[tuple[str, int, int, int, int]], a0: int, b0: int
) -> tuple[int, list[WordEdit]]:
    """Return matched words and the edits (shifted by ``a0`` and ``b0``), merging
    adjacent inserts and deletes."""
    matched = 0
    edits: list[WordEdit] = []
    last_a = last_b = -1  # where the last edit ends
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal":
            matched += a2 - a1
            continue
        a1, a2, b1, b2 = a1 + a0, a2 + a0, b1 + b0, b2 + b0
        if a1 == last_a and b1 == last_b:
            prev = edits.pop()
            a1, b1 = prev.a_start, prev.b_start
        kind = "replace" if a2 > a1 and b2 > b1 else ("delete" if a2 > a1 else "insert")
        edits.append(_word_edit((kind, a1, a2, b1, b2)))
        last_a, last_b = a2, b2
    return matched, edits


Words = Hashes | list[int]
"""A document's word hashes, as an array or a list."""


def _stretch(words: Words, start: int, end: int) -> list[int]:
    """``words[start:end]`` as a list (only the stretch of an array is converted)."""
    part = words[start:end]
    return part if isinstance(part, list) else part.tolist()


def _refine(a: Words, b: Words, chain: _Chain) -> WordPassage | None:
    """Align a chain's stretch word by word; None when not one word matches."""
    a0, b0 = chain.a_start, chain.b_start
    ops = cast(
        "list[tuple[str, int, int, int, int]]",
        Indel.opcodes(_stretch(a, a0, chain.a_end), _stretch(b, b0, chain.b_end)).as_list(),
    )
    # A chain starts and ends on exact runs, but LCS may pick an equal-cost alignment
    # that does not; trim any edit at either end so the passage starts and ends matched.
    first, last = 0, len(ops)
    while first < last and ops[first][0] != "equal":
        first += 1
    while last > first and ops[last - 1][0] != "equal":
        last -= 1
    if first == last:
        return None
    matched, edits = _edits(ops[first:last], a0, b0)
    return WordPassage(
        ops[first][1] + a0,
        ops[last - 1][2] + a0,
        ops[first][3] + b0,
        ops[last - 1][4] + b0,
        matched,
        tuple(edits),
    )


def _overlap(s1: int, e1: int, s2: int, e2: int) -> int:
    return max(0, min(e1, e2) - max(s1, s2))


def _drop_overlapping(passages: list[WordPassage]) -> list[WordPassage]:
    """Keep the best of passages that align the same text, and drop repeats of a phrase
    that a passage at least twice as long already covers on one side."""
    kept: list[WordPassage] = []
    for p in sorted(passages, key=lambda p: (-p.matched, p.a_start, p.b_start)):
        clash = False
        for q in kept:
            inside_a = _overlap(p.a_start, p.a_end, q.a_start, q.a_end) * 2 > p.a_end - p.a_start
            inside_b = _overlap(p.b_start, p.b_end, q.b_start, q.b_end) * 2 > p.b_end - p.b_start
            # The same text on both sides; or a phrase of one side that a much longer
            # passage already covers, matched again where it repeats on the other side.
            if (inside_a and inside_b) or ((inside_a or inside_b) and q.matched >= 2 * p.matched):
                clash = True
                break
        if not clash:
            kept.append(p)
    return sorted(kept, key=lambda p: (p.a_start, p.b_start))


def align_words(a: Hashes, b: Hashes, settings: Settings) -> list[WordPassage]:
    """Return the passages two word-hash sequences share, ordered by position in ``a``.

    Args:
        a: word hashes of the first document (or its 4-byte words, see `Hashes`).
        b: word hashes of the second document.
        settings: ``seed_words``, ``max_gap``, ``max_indel``, ``min_words`` and
            ``min_identity`` are used.

    Returns:
        Passages of at least ``min_words`` words on each side and at least
        ``min_identity`` identity, none aligning the same text as a better one.
    """
    return align_many([(a, b)], settings)[0]


def align_many(
    pairs: Sequence[tuple[Hashes, Hashes]], settings: Settings
) -> list[list[WordPassage]]:
    """`align_words` for many pairs: seeds and runs are found for all of them in one
    pass of array operations, and only runs that could make a passage go on to the
    chaining and word-by-word alignment, which run per pair."""
    k = settings.seed_words
    enough = settings.min_words * settings.min_identity
    out = []
    for (a, b), runs in zip(pairs, _batch_runs(pairs, k, settings.max_gap, enough), strict=True):
        chains = _chain(runs, settings.max_gap, settings.max_indel)
        passages = []
        for chain in chains:
            if chain.matched < enough:
                continue
            passage = _refine(a, b, chain)
            if (
                passage is not None
                and passage.a_end - passage.a_start >= settings.min_words
                and passage.b_end - passage.b_start >= settings.min_words
                and passage.identity >= settings.min_identity
            ):
                passages.append(passage)
        out.append(_drop_overlapping(passages))
    return out


def _batch_runs(
    pairs: Sequence[tuple[Hashes, Hashes]], k: int, max_gap: int, enough: float
) -> list[list[tuple[int, int, int]]]:
    """`_runs` of `_seeds` for every pair, less the runs no chain can use.

    A run is left out when it is shorter than ``enough`` words and no other run of its
    pair lies within ``max_gap`` words of it in ``a``: it could only ever be a chain of
    its own, too short to keep, so leaving it out changes no passage.
    """
    if not pairs:
        return []
    # Every document's k-word shingles, all documents in one array, the pairs' a sides
    # then their b sides (document s is side s // n of pair s % n): a shingle starting
    # at t is kept when it ends inside the same document.
    n = len(pairs)
    words = [a for a, _ in pairs] + [b for _, b in pairs]
    lengths = np.fromiter((w.size for w in words), dtype=np.int64, count=len(words))
    flat: U64 = np.concatenate(words)
    if flat.dtype == np.uint32:  # a corpus's words: their hashes' bits all random
        flat = widen(flat)  # type: ignore[arg-type]
    hashes = shingle_hashes(flat, k, mixed=False)
    segment = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    if not hashes.size:
        return [[] for _ in pairs]
    split = int(first[n])  # where the b sides start
    pair_of = np.repeat(np.tile(np.arange(n, dtype=np.int64), 2), lengths)[: hashes.size]
    inside = segment[: hashes.size] == segment[k - 1 :]
    t = np.flatnonzero(inside & _both_sides(hashes, pair_of, split))
    if not t.size:
        return [[] for _ in pairs]
    # One sort of packed keys: pair, shingle hash (its top bits), side (a or b),
    # then the shingle's index, from which its hash and position are recovered.
    pair_bits = max(1, (n - 1).bit_length())
    index_bits = max(1, int(t[-1]).bit_length())
    hash_bits = 64 - pair_bits - 1 - index_bits
    if hash_bits < 16:
        raise ValueError("too many words in one batch of pairs")
    u = np.uint64
    keys = pair_of[t].astype(u) << u(64 - pair_bits)
    keys |= hashes[t] >> u(64 - hash_bits) << u(1 + index_bits)
    keys |= (t >= split).astype(u) << u(index_bits)
    keys |= t.astype(u)
    keys.sort()
    group = keys >> u(1 + index_bits)
    side = ((keys >> u(index_bits)) & u(1)).astype(bool)
    index = (keys & u((1 << index_bits) - 1)).astype(np.int64)
    # Runs of one pair and hash: a entries, then b entries.
    starts = np.flatnonzero(run_starts(group))
    sizes = np.diff(np.append(starts, keys.size))
    b_count = np.add.reduceat(side.astype(np.int64), starts)
    a_count = sizes - b_count
    usable = (a_count > 0) & (b_count > 0)
    usable &= (a_count <= _MAX_OCCURRENCES) & (b_count <= _MAX_OCCURRENCES)
    # Each a entry meets each b entry of its run.
    run_of = np.repeat(np.arange(starts.size), sizes)
    a_entry = np.flatnonzero(~side & usable[run_of])
    meets = b_count[run_of[a_entry]]
    a_at = np.repeat(a_entry, meets)
    offsets = np.arange(a_at.size) - np.repeat(np.cumsum(meets) - meets, meets)
    b_at = (starts + a_count)[run_of[a_at]] + offsets
    ta, tb = index[a_at], index[b_at]
    same = hashes[ta] == hashes[tb]  # packed keys keep only part of the hash
    ta, tb = ta[same], tb[same]
    if not ta.size:
        return [[] for _ in pairs]
    pair = segment[ta]  # a sides: pair s is document s
    i = ta - first[segment[ta]]
    j = tb - first[segment[tb]]
    # Runs: seeds on one diagonal, consecutive in a.
    span = int(j.max()) + 1
    pair, diag, i = _sort_rows(pair, i - j + span, i)
    diag -= span
    j = i - diag
    breaks = np.flatnonzero((np.diff(pair) != 0) | (np.diff(diag) != 0) | (np.diff(i) != 1)) + 1
    run_start = np.concatenate(([0], breaks)).astype(np.int64)
    run_end = np.append(breaks, i.size)
    r_pair, i0, j0 = pair[run_start], i[run_start], j[run_start]
    length = run_end - run_start + (k - 1)
    r_pair, i0, j0, length = _sort_rows(r_pair, i0, j0, length)
    end = i0 + length
    # Isolated short runs: no earlier run ends, and no later run starts, within max_gap.
    new_pair = run_starts(r_pair)
    last_pair = np.append(r_pair[1:] != r_pair[:-1], True)
    lift = r_pair * (int(end.max()) + 2 * max_gap + 2)
    earlier_end = np.maximum.accumulate(end + lift) - lift
    earlier_end = np.concatenate(([0], earlier_end[:-1]))
    earlier_end[new_pair] = -(2 * max_gap + 2)
    later_start = np.append(i0[1:], 0)
    later_start[last_pair] = int(end.max()) + 2 * max_gap + 2
    near = (earlier_end >= i0 - max_gap) | (later_start <= end + max_gap)
    keep = near | (length >= enough)
    r_pair, i0, j0, length = r_pair[keep], i0[keep], j0[keep], length[keep]
    bounds = np.searchsorted(r_pair, np.arange(len(pairs) + 1)).tolist()
    i0_list, j0_list, length_list = i0.tolist(), j0.tolist(), length.tolist()
    return [
        list(
            zip(
                i0_list[bounds[p] : bounds[p + 1]],
                j0_list[bounds[p] : bounds[p + 1]],
                length_list[bounds[p] : bounds[p + 1]],
                strict=True,
            )
        )
        for p in range(len(pairs))
    ]


def _sort_rows(*columns: I64) -> list[I64]:
    """Rows of non-negative ``columns`` sorted by the first column, then the next, and so
    on; returned as columns. One sort of each row packed into one number where the
    columns fit in 63 bits (several times faster than a sort by each), else a sort by
    each."""
    bits = [max(1, int(c.max()).bit_length()) for c in columns]
    if sum(bits) > 63:
        order = np.lexsort(columns[::-1])
        return [c[order] for c in columns]
    key = np.zeros(columns[0].size, dtype=np.int64)
    for column, width in zip(columns, bits, strict=True):
        key <<= width
        key |= column
    key.sort()
    out = []
    for width in reversed(bits):
        out.append(key & ((1 << width) - 1))
        key >>= width
    return out[::-1]


def _both_sides(hashes: U64, pair: I64, split: int) -> npt.NDArray[np.bool_]:
    """Which shingles may occur on both sides of their pair: the a sides' shingles
    (``hashes[:split]``) and the b sides' (the rest), each of pair ``pair``, whose hash,
    combined with the pair, falls in a table slot the other side also fills.

    Every shingle with a match on the other side is kept, and a few without (slots
    shared by chance: the table has eight slots or more per shingle). Most shingles of
    a pair occur on one side only, and leaving them out before the sort that finds the
    matches spares most of its work.
    """
    bits = max(16, (8 * hashes.size).bit_length())
    if getattr(_scratch, "table", None) is None or _scratch.table.size < 1 << bits:
        _scratch.table = np.zeros(1 << bits, dtype=bool)
    table = _scratch.table
    pair_mix = np.arange(int(pair.max(initial=0)) + 1, dtype=np.uint64) * _PAIR_MULTIPLIER
    # Slots below 2**63: the same numbers as signed indices, without a copy.
    slot = ((hashes ^ pair_mix[pair]) >> np.uint64(64 - bits)).view(np.intp)
    a_slot, b_slot = slot[:split], slot[split:]
    table[a_slot] = True
    b_hit = table.take(b_slot)
    table[a_slot] = False
    table[b_slot[b_hit]] = True
    a_hit = table.take(a_slot)
    table[b_slot] = False  # clean for the next batch
    return np.concatenate((a_hit, b_hit))


def merge_fragments(
    passages: list[WordPassage],
    fragments: list[tuple[int, int, int, int]],
    a: Hashes,
    b: Hashes,
    settings: Settings,
) -> list[WordPassage]:
    """Fold reworded fragments ``(a_start, a_end, b_start, b_end)`` into the exact passages.

    A fragment absorbs the exact passages it overlaps in both documents, so a reworded
    case found in pieces becomes one passage; it is then aligned word by word like any
    passage, for its matched words and edits. Last, passages that follow each other
    across a similar gap on both sides are joined (`join_adjacent`), fragments or not.
    """
    if not fragments and len(passages) < 2:
        return passages
    kept = list(passages)
    merged = []
    for a0, a1, b0, b1 in fragments:
        inside = [
            p
            for p in kept
            if _overlap(a0, a1, p.a_start, p.a_end) and _overlap(b0, b1, p.b_start, p.b_end)
        ]
        if any(p.a_end - p.a_start >= LONG_EXACT for p in inside):
            # A long exact passage is precise evidence with exact boundaries; a fragment
            # of whole sentences around it would blur them, and bridge the promo line
            # between two such passages.
            continue
        for p in inside:
            a0, a1 = min(a0, p.a_start), max(a1, p.a_end)
            b0, b1 = min(b0, p.b_start), max(b1, p.b_end)
        kept = [p for p in kept if p not in inside]
        passage = _refine(a, b, _Chain(a0, b0, a1, b1, 0))
        if (
            passage is not None
            and passage.a_end - passage.a_start >= settings.min_words
            and passage.b_end - passage.b_start >= settings.min_words
        ):
            merged.append(passage)
    return join_adjacent(_drop_overlapping(kept + merged), a, b)


def join_adjacent(passages: list[WordPassage], a: Words, b: Words) -> list[WordPassage]:
    """Join passages that follow each other in both documents across a similar gap.

    A sentence rewritten in both documents leaves gaps of similar length on both sides
    between the passages around it, and they are one passage with an edit inside. A line
    inserted on one side only (a promo line, a caption) leaves a one-sided gap and keeps
    them apart.
    """
    out = sorted(passages, key=lambda p: (p.a_start, p.b_start))
    n = 0
    while n < len(out) - 1:
        p, q = out[n], out[n + 1]
        gap_a, gap_b = q.a_start - p.a_end, q.b_start - p.b_end
        joined = None
        if (
            min(gap_a, gap_b) >= 0
            and max(gap_a, gap_b) <= JOIN_GAP
            and max(gap_a, gap_b) <= JOIN_RATIO * min(gap_a, gap_b) + JOIN_SLACK
        ):
            joined = _refine(a, b, _Chain(p.a_start, p.b_start, q.a_end, q.b_end, 0))
        if joined is None:
            n += 1
        else:
            out[n : n + 2] = [joined]
            n = max(0, n - 1)
    return out

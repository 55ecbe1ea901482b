"""Word hashes, shingle hashes, consistent sampling and exact shingle-set Jaccard.

Every function here has a plain-Python twin in ``tests/test_fingerprint.py`` that must
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "HashSet",
    "distinct",
    "jaccard",
    "jaccard_of_sets",
    "joined_hashes",
    "mix",
    "narrow",
    "postings",
    "run_hashes",
    "run_starts",
    "sample",
    "sampled",
    "shingle_hashes",
    "widen",
    "word_hashes",
]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

# Odd 64-bit multiplier for the polynomial shingle hash (the golden-ratio constant).
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
# Odd multiplier for the polynomial word hash over code points, and its inverse
# modulo 2**64 (odd numbers are invertible), which shifts a word's sum to its start.
_WORD_MULTIPLIER = np.uint64(0xC2B2AE3D27D4EB4F)
_WORD_INVERSE = np.uint64(pow(0xC2B2AE3D27D4EB4F, -1, 2**64))
_POWER_CACHE: tuple[U64, U64] = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
# A word's hash holds 32 bits spread over all 64 by this odd multiplier: a corpus keeps
# each word in 4 bytes (`narrow`), and `widen` gives back the very same 64-bit hash.
# Two distinct words share a hash once in 2**32 comparisons.
_WIDEN = np.uint64(0xD6E8FEB86659FD93)
_NARROW = np.uint64(pow(0xD6E8FEB86659FD93, -1, 2**64))


def word_hashes(words: Sequence[str]) -> U64:
    """Return a 64-bit hash of each word (32 bits of it, see `narrow`).

    >>> word_hashes(["a", "b"]).tolist() == joined_hashes(["a b"])[0].tolist()
    True
    """
    if not words:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    ends = np.cumsum(lengths)
    return _word_hashes(_span_hashes("".join(words), ends - lengths, ends))


def joined_hashes(texts: Sequence[str]) -> list[U64]:
    """Return the hashes of the words of each text, its words joined by single spaces.

    All texts are hashed in one pass of array operations, so no Python code runs per
    word (or per text, beyond joining and splitting).
    """
    counts = np.fromiter(
        (t.count(" ") + 1 if t else 0 for t in texts), dtype=np.int64, count=len(texts)
    )
    joined = " ".join(t for t in texts if t)
    if not joined:
        return [np.zeros(0, dtype=np.uint64) for _ in texts]
    cps = _code_points(joined)
    gaps = np.flatnonzero(cps == 32)
    starts = np.concatenate(([0], gaps + 1))
    ends = np.concatenate((gaps, [cps.size]))
    hashes = _word_hashes(_span_hashes(cps, starts, ends))
    return np.split(hashes, np.cumsum(counts)[:-1])


def _word_hashes(spans: U64) -> U64:
    """Word hashes from the `_span_hashes` of the words: 32 of their bits, widened."""
    return widen((spans >> np.uint64(32)).astype(np.uint32))


def narrow(hashes: U64) -> U32:
    """Word hashes in 4 bytes each; `widen` gives them back.

    >>> h = word_hashes(["shared", "passage"])
    >>> (widen(narrow(h)) == h).all()
    np.True_
    """
    return (hashes * _NARROW).astype(np.uint32)


def widen(ids: U32) -> U64:
    """The word hashes `narrow` kept in 4 bytes each."""
    return ids.astype(np.uint64) * _WIDEN


def _code_points(text: str) -> npt.NDArray[np.uint8] | npt.NDArray[np.uint32]:
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _powers(n: int) -> tuple[U64, U64]:
    """``P ** t`` and ``P ** -t`` modulo 2**64 for ``t < n`` (at least), cached."""
    global _POWER_CACHE
    if _POWER_CACHE[0].size < n:
        size = max(n, 2 * _POWER_CACHE[0].size)
        up = np.full(size, _WORD_MULTIPLIER, dtype=np.uint64)
        down = np.full(size, _WORD_INVERSE, dtype=np.uint64)
        up[0] = down[0] = 1
        _POWER_CACHE = (np.cumprod(up), np.cumprod(down))
    return _POWER_CACHE


def run_hashes(values: npt.NDArray[np.unsignedinteger[Any]], starts: I64, ends: I64) -> U64:
    """Hash each run ``values[starts[i]:ends[i]]`` (word hashes of a line, say).

    A run's hash is the polynomial ``sum(values[start + t] * P ** t)`` modulo 2**64 (from
    prefix sums over all values, shifted to the run's start by ``P ** -start``),
    combined with its length and mixed.
    """
    return _span_hashes(values, np.asarray(starts, np.int64), np.asarray(ends, np.int64))


def _span_hashes(text: str | npt.NDArray[np.unsignedinteger[Any]], starts: I64, ends: I64) -> U64:
    """Hash ``text[starts[i]:ends[i]]`` for every ``i``: a word's hash is `run_hashes`
    of its code points."""
    if isinstance(text, str):
        text = _code_points(text)
    n = text.size
    up, down = _powers(n + 1)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    prefix[1:] = text
    prefix[1:] *= up[:n]
    np.cumsum(prefix, out=prefix)
    raw = (prefix[ends] - prefix[starts]) * down[starts]
    return mix(raw * _WORD_MULTIPLIER + (ends - starts).astype(np.uint64))


def mix(h: U64) -> U64:
    """The 64-bit MurmurHash3 finalizer, a bijection that spreads every input bit over
    all output bits."""
    h = h ^ (h >> np.uint64(33))  # a new array; the rest works in it
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def shingle_hashes(hashes: U64, k: int, *, mixed: bool = True) -> U64:
    """Return one hash per run of ``k`` consecutive word hashes (``len - k + 1`` of them).

    The hash is the polynomial ``sum(h[i + t] * M ** (k - 1 - t))`` modulo 2**64, then
    mixed, so that ``hash % n == 0`` keeps an unbiased one-in-``n`` sample. Unmixed, the
    same shingles still share a hash, its high bits as random as the word hashes' (the
    last word's are added as they are): enough where no sample is taken.

    >>> shingle_hashes(np.array([1, 2, 3], dtype=np.uint64), 4).size
    0
    """
    n = hashes.size - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = hashes[:n].astype(np.uint64)  # a copy, for the rest to work in
    for t in range(1, k):
        acc *= _MULTIPLIER
        acc += hashes[t : t + n]
    return mix(acc) if mixed else acc


def sampled(hashes: U64, every: int) -> npt.NDArray[np.bool_]:
    """Which hashes a one-in-``every`` sample keeps: those divisible by ``every``, so the
    same shingle is kept in every document.

    >>> sampled(np.array([4, 5, 8], dtype=np.uint64), 4).tolist()
    [True, False, True]
    """
    if every == 1:
        return np.ones(hashes.size, dtype=bool)
    if every & (every - 1) == 0:  # a power of two: a mask, much cheaper than division
        low: npt.NDArray[np.bool_] = hashes & np.uint64(every - 1) == 0
        return low
    kept: npt.NDArray[np.bool_] = hashes % np.uint64(every) == 0
    return kept


def sample(hashes: U64, every: int) -> U64:
    """Keep the hashes `sampled` keeps.

    >>> sample(np.array([4, 5, 8], dtype=np.uint64), 4).tolist()
    [4, 8]
    """
    if every == 1:
        return hashes
    kept: U64 = hashes[sampled(hashes, every)]
    return kept


def run_starts(ordered: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values in ``ordered`` starts.

    >>> run_starts(np.array([1, 1, 2, 5, 5])).tolist()
    [True, False, True, True, False]
    """
    new = np.ones(ordered.size, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    return new


def distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The distinct values, sorted: `np.unique` by one sort, several times faster on the
    short arrays of one document.

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    return ordered[run_starts(ordered)]


def postings(
    hashes: U64, owners: I64, n_documents: int, *, mixed: bool = False, placed: int = 0
) -> tuple[U64, I64, int, I64 | None]:
    """Each distinct ``(hash, document)`` once, sorted by hash then document, where
    ``hashes[n]`` belongs to document ``owners[n]``.

    One sort of 64-bit keys: the hash (mixed, so every bit is random; ``mixed`` says
    the hashes already are) in the high bits, the document in the low ``bits``.
    Dropping the hash's low bits merges two distinct hashes about N**2 / 2**(65 - bits)
    times among N hashes, a handful among tens of millions. Returns the hashes as
    ``mix(hash) >> bits`` (``hash >> bits`` when ``mixed``), the documents, ``bits``,
    and None; or, when the mixed hashes carry a position in their low ``placed`` bits,
    the hashes shifted by ``bits + placed``, and each posting's first position last
    (the keys hold it below the document).
    """
    if placed and not mixed:
        raise ValueError("hashes carrying positions must be mixed already")
    u = np.uint64
    bits = max(1, (n_documents - 1).bit_length())
    low = bits + placed
    source = hashes if mixed else mix(hashes)
    keys = source >> u(low) << u(low)
    keys |= owners.astype(u) << u(placed)
    if placed:
        keys |= source & u((1 << placed) - 1)
        keys.sort()
        keys = keys[run_starts(keys >> u(placed))]
    else:
        keys = distinct(keys)
    documents = ((keys >> u(placed)) & u((1 << bits) - 1)).astype(np.int64)
    positions = (keys & u((1 << placed) - 1)).astype(np.int64) if placed else None
    return keys >> u(low), documents, bits, positions


def jaccard(a: U64, b: U64) -> float:
    """Return the Jaccard similarity of two sets of shingle hashes (duplicates allowed).

    Exact, and cheaper for one pair than two MinHash signatures: a pair's resemblance is
    computed once, when it is reported.

    >>> jaccard(np.array([1, 2, 2], dtype=np.uint64), np.array([2, 3], dtype=np.uint64))
    0.3333333333333333
    """
    return jaccard_of_sets(distinct(a), distinct(b))


def jaccard_of_sets(ua: U64, ub: U64) -> float:
    """`jaccard` of two sets given as their `distinct` values, which a caller comparing
    one document with several can compute once."""
    if not ua.size or not ub.size:
        return 0.0
    at = np.minimum(np.searchsorted(ub, ua), ub.size - 1)
    shared = int(np.count_nonzero(ub[at] == ua))
    return shared / (ua.size + ub.size - shared)


class HashSet:
    """A fixed set of 64-bit values that answers "which of these are members?" for a
    whole array in a few array operations: one multiply, shift and lookup per value,
    several times faster than a binary search of a sorted array (stop words are looked
    up for every word of every document).

    Each member has a slot of its own in a table, ``(value * multiplier) >> shift``
    (multiply-shift hashing); the multiplier is searched for, deterministically, until
    no two members share a slot. A slot no member took holds some member whose own slot
    is elsewhere, so no value found there is a member of that slot.

    >>> s = HashSet(np.array([3, 7, 7], dtype=np.uint64))
    >>> s.members(np.array([7, 0, 3, 8], dtype=np.uint64)).tolist()
    [True, False, True, False]
    """

    def __init__(self, values: npt.NDArray[Any]) -> None:
        members = distinct(np.asarray(values, dtype=np.uint64))
        self.size = int(members.size)
        # With 2**bits slots, a random odd multiplier gives two members one slot with
        # chance at most 2 / 2**bits: from about the members squared up, a few tries
        # find a multiplier that gives none; a wider table follows a run of failures.
        bits = max(4, 2 * self.size.bit_length() - 2)
        rng = np.random.default_rng(0x5EED)
        tries = 0
        while True:
            multiplier = np.uint64(int(rng.integers(0, 2**63, dtype=np.uint64)) * 2 + 1)
            shift = np.uint64(64 - bits)
            slots = (members * multiplier) >> shift
            if distinct(slots).size == members.size:
                break
            tries += 1
            if tries % 32 == 0:
                bits += 1
        table = np.full(1 << bits, members[0] if self.size else 0, dtype=np.uint64)
        table[slots] = members
        self._table, self._multiplier, self._shift = table, multiplier, shift

    def members(self, values: U64) -> npt.NDArray[np.bool_]:
        """Which ``values`` are in the set."""
        if not self.size:
            return np.zeros(values.shape, dtype=bool)
        found: npt.NDArray[np.bool_] = (
            self._table[(values * self._multiplier) >> self._shift] == values
        )
        return found

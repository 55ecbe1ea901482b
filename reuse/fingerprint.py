"""Word hashes, shingle hashes, consistent sampling and exact shingle-set Jaccard.

Every function here has a plain-Python twin in ``tests/test_fingerprint.py`` that must
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import xxhash

__all__ = [
    "jaccard",
    "sample",
    "shingle_hashes",
    "word_hashes",
]

U64 = npt.NDArray[np.uint64]

# Odd 64-bit multiplier for the polynomial shingle hash (the golden-ratio constant).
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def word_hashes(words: Iterable[str]) -> U64:
    """Return the 64-bit xxh3 hash of each word's UTF-8 bytes.

    >>> word_hashes(["a"]).tolist() == [xxhash.xxh3_64_intdigest(b"a")]
    True
    """
    digest = xxhash.xxh3_64_intdigest
    return np.fromiter((digest(w.encode("utf-8")) for w in words), dtype=np.uint64)


def _mix(h: U64) -> U64:
    """The 64-bit MurmurHash3 finalizer: spreads every input bit over the low bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(hashes: U64, k: int) -> U64:
    """Return one hash per run of ``k`` consecutive word hashes (``len - k + 1`` of them).

    The hash is the polynomial ``sum(h[i + t] * M ** (k - 1 - t))`` modulo 2**64, then
    mixed, so that ``hash % n == 0`` keeps an unbiased one-in-``n`` sample.

    >>> shingle_hashes(np.array([1, 2, 3], dtype=np.uint64), 4).size
    0
    """
    n = hashes.size - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = np.zeros(n, dtype=np.uint64)
    for t in range(k):
        acc = acc * _MULTIPLIER + hashes[t : t + n]
    return _mix(acc)


def sample(hashes: U64, every: int) -> U64:
    """Keep the hashes divisible by ``every``: the same shingle is kept in every document.

    >>> sample(np.array([4, 5, 8], dtype=np.uint64), 4).tolist()
    [4, 8]
    """
    if every == 1:
        return hashes
    kept: U64 = hashes[hashes % np.uint64(every) == 0]
    return kept


def jaccard(a: U64, b: U64) -> float:
    """Return the Jaccard similarity of two sets of shingle hashes (duplicates allowed).

    Exact, and cheaper for one pair than two MinHash signatures: a pair's resemblance is
    computed once, when it is reported.

    >>> jaccard(np.array([1, 2, 2], dtype=np.uint64), np.array([2, 3], dtype=np.uint64))
    0.3333333333333333
    """
    ua, ub = np.unique(a), np.unique(b)
    if not ua.size or not ub.size:
        return 0.0
    shared = np.intersect1d(ua, ub, assume_unique=True).size
    return shared / (ua.size + ub.size - shared)

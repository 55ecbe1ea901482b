"""Word hashes, shingle hashes, consistent sampling and MinHash signatures.

Every function here has a plain-Python twin in ``tests/test_fingerprint.py`` that must
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import xxhash
from datasketch import MinHash

__all__ = [
    "MINHASH_PERMUTATIONS",
    "estimate_jaccard",
    "minhash",
    "sample",
    "shingle_hashes",
    "word_hashes",
]

U64 = npt.NDArray[np.uint64]

# Odd 64-bit multiplier for the polynomial shingle hash (the golden-ratio constant).
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
MINHASH_PERMUTATIONS = 128
_MINHASH_SEED = 1


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


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[U64, U64]:
    # datasketch's own affine permutations, so a signature here equals datasketch's
    # MinHash(scheme="affine64") of the same 64-bit values (tested); this module only
    # vectorises the application over many values at once.
    a, b = MinHash(num_perm=num_perm, seed=_MINHASH_SEED, scheme="affine64").permutations
    return np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)


def minhash(shingles: U64, num_perm: int = MINHASH_PERMUTATIONS) -> U64:
    """Return the MinHash signature of a set of 64-bit shingle hashes.

    Args:
        shingles: shingle hashes (duplicates allowed).
        num_perm: signature length.

    Returns:
        ``num_perm`` minima; all ``2**64 - 1`` for an empty set.
    """
    a, b = _permutations(num_perm)
    if shingles.size == 0:
        return np.full(num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
    mixed = _mix(np.unique(shingles))
    out = np.empty(num_perm, dtype=np.uint64)
    # Chunk the permutations so a long document never builds a huge matrix.
    step = max(1, 1_000_000 // mixed.size)
    for lo in range(0, num_perm, step):
        hi = min(num_perm, lo + step)
        out[lo:hi] = (np.outer(a[lo:hi], mixed) + b[lo:hi, None]).min(axis=1)
    return out


def estimate_jaccard(sig_a: U64, sig_b: U64) -> float:
    """Return the share of equal signature positions, the MinHash estimate of Jaccard.

    >>> estimate_jaccard(np.array([1, 2], dtype=np.uint64), np.array([1, 3], dtype=np.uint64))
    0.5
    """
    if sig_a.size != sig_b.size or sig_a.size == 0:
        raise ValueError("signatures must be non-empty and of equal length")
    return float(np.count_nonzero(sig_a == sig_b)) / sig_a.size

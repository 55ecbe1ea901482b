"""The sorted candidate index against a brute-force count of shared hashes."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from reuse.candidates import find_candidates


def arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


def brute(docs: list[list[int]], min_shared: int, max_df: int) -> list[tuple[int, int, int]]:
    df: dict[int, int] = {}
    for doc in docs:
        for h in set(doc):
            df[h] = df.get(h, 0) + 1
    out = []
    for i, j in itertools.combinations(range(len(docs)), 2):
        shared = {h for h in set(docs[i]) & set(docs[j]) if df[h] <= max_df}
        if len(shared) >= min_shared:
            out.append((i, j, len(shared)))
    return out


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=25), max_size=12),
    st.integers(1, 4),
    st.integers(2, 6),
)
def test_matches_brute_force(docs: list[list[int]], min_shared: int, max_df: int) -> None:
    fingerprints = [np.array(d, dtype=np.uint64) for d in docs]
    assert find_candidates(fingerprints, min_shared=min_shared, max_df=max_df) == brute(
        docs, min_shared, max_df
    )


def test_boilerplate_hashes_are_ignored() -> None:
    boiler = list(range(100, 110))
    docs = [arr(*boiler, 1000 + i) for i in range(5)]
    assert find_candidates(docs, min_shared=3, max_df=4) == []
    assert find_candidates(docs, min_shared=3, max_df=5)[0] == (0, 1, 10)


def test_groups_keep_only_cross_pairs() -> None:
    docs = [arr(1, 2, 3), arr(1, 2, 3), arr(1, 2, 3)]
    assert find_candidates(docs, min_shared=3, max_df=10, groups=[1, 0, 0]) == [
        (0, 1, 3),
        (0, 2, 3),
    ]


def test_empty_corpus() -> None:
    assert find_candidates([], min_shared=1, max_df=10) == []
    assert find_candidates([arr()], min_shared=1, max_df=10) == []

"""The sorted candidate index against a brute-force count of shared hashes."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reuse.candidates import find_candidates


def arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


def links(
    docs: list[list[int]], max_df: int, groups: list[int] | None = None
) -> dict[tuple[int, int], list[int]]:
    """The hashes linking each pair: those both hold, except that a hash in more than
    max_df documents links its documents only to its first document (or, with groups,
    to its references)."""
    holders: dict[int, list[int]] = {}
    for n, doc in enumerate(docs):
        for h in set(doc):
            holders.setdefault(h, []).append(n)
    through: dict[tuple[int, int], list[int]] = {}
    for h, members in holders.items():
        if len(members) <= max_df:
            linked = set(itertools.combinations(members, 2))
        elif groups is None:
            linked = {(members[0], m) for m in members[1:]}
        else:
            linked = {
                (min(r, m), max(r, m)) for r in members if groups[r] for m in members if m != r
            }
        for pair in linked:
            through.setdefault(pair, []).append(h)
    return through


def brute(
    docs: list[list[int]], min_shared: int, max_df: int, groups: list[int] | None = None
) -> list[tuple[int, int, int]]:
    """Count shared hashes pair by pair (see `links`)."""
    shared = Counter({pair: len(hs) for pair, hs in links(docs, max_df, groups).items()})
    return sorted(
        (i, j, count)
        for (i, j), count in shared.items()
        if count >= min_shared and (groups is None or groups[i] != groups[j])
    )


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=25), max_size=12),
    st.integers(1, 4),
    st.integers(2, 6),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_matches_brute_force(
    docs: list[list[int]], min_shared: int, max_df: int, grouped: bool, rng: random.Random
) -> None:
    fingerprints = [np.array(d, dtype=np.uint64) for d in docs]
    groups = [rng.randrange(2) for _ in docs] if grouped else None
    got = find_candidates(fingerprints, min_shared=min_shared, max_df=max_df, groups=groups)
    assert got == brute(docs, min_shared, max_df, groups)


@given(
    st.lists(st.lists(st.integers(0, 12), max_size=25), max_size=14),
    st.integers(1, 40),
)
def test_pairs_made_a_few_at_a_time_are_all_the_pairs(docs: list[list[int]], step: int) -> None:
    """Groups of one size paired a few codes at a time (down to a group at a time)."""
    from reuse import candidates

    fingerprints = [np.array(d, dtype=np.uint64) for d in docs]
    expected = brute(docs, 1, 10)
    saved = candidates._PAIRING_STEP
    candidates._PAIRING_STEP = step
    try:
        assert find_candidates(fingerprints, min_shared=1, max_df=10) == expected
    finally:
        candidates._PAIRING_STEP = saved


def test_frequent_hashes_link_to_one_representative() -> None:
    # A passage reprinted by more than max_df documents is still found, through the
    # first of them, at a cost linear in their number.
    reprinted = list(range(100, 110))
    docs = [arr(*reprinted, 1000 + i) for i in range(5)]
    assert find_candidates(docs, min_shared=3, max_df=4) == [(0, n, 10) for n in range(1, 5)]
    assert len(find_candidates(docs, min_shared=3, max_df=5)) == 10
    with_refs = find_candidates(docs, min_shared=3, max_df=4, groups=[0, 0, 1, 0, 1])
    assert [(i, j) for i, j, _ in with_refs] == [(0, 2), (0, 4), (1, 2), (1, 4), (2, 3), (3, 4)]


def test_groups_keep_only_cross_pairs() -> None:
    docs = [arr(1, 2, 3), arr(1, 2, 3), arr(1, 2, 3)]
    assert find_candidates(docs, min_shared=3, max_df=10, groups=[1, 0, 0]) == [
        (0, 1, 3),
        (0, 2, 3),
    ]


def test_empty_corpus() -> None:
    assert find_candidates([], min_shared=1, max_df=10) == []
    assert find_candidates([arr()], min_shared=1, max_df=10) == []


@given(
    st.lists(st.lists(st.integers(0, 40), max_size=25), min_size=2, max_size=12),
    st.integers(1, 4),
    st.integers(0, 3),
    st.booleans(),
)
def test_codes_of_parts_count_into_the_counts_of_the_whole(
    docs: list[list[int]], parts_bits: int, max_df_extra: int, with_groups: bool
) -> None:
    from reuse.candidates import candidates_from_counts, count_codes, shared_codes
    from reuse.fingerprint import mix

    hashes = mix(np.array([h for doc in docs for h in doc], dtype=np.uint64))
    owners = np.repeat(np.arange(len(docs)), [len(doc) for doc in docs])
    groups = [n % 2 for n in range(len(docs))] if with_groups else None
    max_df = 2 + max_df_extra
    whole = count_codes(
        shared_codes(hashes, owners, len(docs), max_df=max_df, groups=groups, mixed=True)
    )
    top = hashes >> np.uint64(64 - parts_bits)
    parts = [
        shared_codes(
            hashes[top == p], owners[top == p], len(docs), max_df=max_df, groups=groups, mixed=True
        )
        for p in range(2**parts_bits)
    ]
    for part in parts:
        assert part.tolist() == sorted(part.tolist())
    merged = count_codes(np.concatenate(parts))
    assert merged[0].tolist() == whole[0].tolist()
    assert merged[1].tolist() == whole[1].tolist()
    # And the candidates are those the one-call API finds, from the unmixed hashes.
    raw = [arr(*doc) for doc in docs]
    assert candidates_from_counts(*merged, min_shared=2, groups=groups) == find_candidates(
        raw, min_shared=2, max_df=max_df, groups=groups
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            # Positions near one another, and across a multiple of 2**POSITION_BITS.
            st.tuples(st.integers(0, 30), st.integers(0, 12) | st.integers(1018, 1030)),
            max_size=25,
        ),
        max_size=12,
    ),
    st.integers(1, 4),
    st.integers(2, 6),
    st.integers(0, 8),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_positions_keep_the_pairs_whose_shared_hashes_lie_apart(
    docs: list[list[tuple[int, int]]],
    min_shared: int,
    max_df: int,
    min_span: int,
    grouped: bool,
    rng: random.Random,
) -> None:
    """Hashes carrying positions: the pairs of `brute` whose shared hashes' first
    positions in the left document (their remainder by 2**POSITION_BITS) lie at
    least ``min_span`` apart; with ``min_span`` 0, exactly those of `brute`."""
    from reuse.candidates import POSITION_BITS

    low = (1 << POSITION_BITS) - 1
    groups = [rng.randrange(2) for _ in docs] if grouped else None
    got = placed_candidates(docs, min_shared, max_df, min_span, groups)
    first: list[dict[int, int]] = [{} for _ in docs]  # each hash's first position
    for n, doc in enumerate(docs):
        for h, at in doc:
            first[n][h] = min(first[n].get(h, low + 1), at & low)
    plain = [[h for h, _ in doc] for doc in docs]
    expected = [
        (i, j, len(through))
        for (i, j), through in sorted(links(plain, max_df, groups).items())
        if len(through) >= min_shared
        and (groups is None or groups[i] != groups[j])
        and max(first[i][h] for h in through) - min(first[i][h] for h in through) >= min_span
    ]
    assert got == expected
    if min_span == 0:
        assert got == brute(plain, min_shared, max_df, groups)


def placed_candidates(
    docs: list[list[tuple[int, int]]],
    min_shared: int,
    max_df: int,
    min_span: int,
    groups: list[int] | None,
) -> list[tuple[int, int, int]]:
    """The candidates of documents of ``(hash, position)``, positions in the hashes."""
    from reuse.candidates import POSITION_BITS, Layout, chosen_pairs, count_codes, shared_codes
    from reuse.fingerprint import mix

    low = (1 << POSITION_BITS) - 1
    hashes = mix(np.array([h for doc in docs for h, _ in doc], dtype=np.uint64))
    hashes &= ~np.uint64(low)
    hashes |= np.array([at & low for doc in docs for _, at in doc], dtype=np.uint64)
    owners = np.repeat(np.arange(len(docs)), [len(doc) for doc in docs])
    layout = Layout.for_corpus(len(docs))
    codes = shared_codes(
        hashes, owners, len(docs), max_df=max_df, groups=groups, mixed=True, layout=layout
    )
    left, right, shared = chosen_pairs(
        *count_codes(codes), min_shared=min_shared, groups=groups, layout=layout, min_span=min_span
    )
    return list(zip(left.tolist(), right.tolist(), shared.tolist(), strict=True))


def test_a_reference_pairs_by_the_positions_in_the_left_document() -> None:
    """In a hash group too large to pair whole, a reference pairs with each other
    member; the pair's positions are those of its left document, the reference or not."""
    tight = [(h, 5 + h) for h in (1, 2, 3)]  # three shingles side by side
    apart = [(h, 100 * h) for h in (1, 2, 3)]
    docs = [tight, apart, apart, tight]
    groups = [0, 1, 0, 0]
    assert placed_candidates(docs, 3, 2, 3, groups) == [(1, 2, 3), (1, 3, 3)]
    assert placed_candidates(docs, 3, 2, 2, groups) == [(0, 1, 3), (1, 2, 3), (1, 3, 3)]

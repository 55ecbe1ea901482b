"""Word-level alignment: planted passages are found whole, in any order, and nothing else."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reuse.align import (
    JOIN_GAP,
    _Chain,
    _chain,
    _drop_overlapping,
    _refine,
    align_many,
    align_words,
    covered,
    join_adjacent,
    merge_fragments,
)
from reuse.fingerprint import narrow, word_hashes
from reuse.settings import Settings

DEFAULT = Settings()


def words(rng: np.random.Generator, n: int) -> list[int]:
    # A vocabulary this large makes chance matches between random texts impossible.
    return rng.integers(1, 2**62, n).tolist()


def arr(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


def brute_runs(a: list[int], b: list[int], min_len: int) -> list[tuple[int, int, int]]:
    """Every maximal exact common run of at least ``min_len`` words, by dynamic programming."""
    runs = []
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            if a[i] == b[j]:
                table[i][j] = table[i + 1][j + 1] + 1
    for i in range(len(a)):
        for j in range(len(b)):
            starts_run = i == 0 or j == 0 or a[i - 1] != b[j - 1]
            if starts_run and table[i][j] >= min_len:
                runs.append((i, j, table[i][j]))
    return runs


def edit_copy(rng: np.random.Generator, passage: list[int], n_edits: int) -> list[int]:
    """Substitute, delete or insert one word at ``n_edits`` well separated places."""
    out = list(passage)
    spots = sorted(rng.choice(np.arange(4, len(passage) - 4, 6), n_edits, replace=False).tolist())
    for spot in reversed(spots):
        kind = rng.integers(3)
        if kind == 0:
            out[spot] = int(rng.integers(1, 2**62))
        elif kind == 1:
            del out[spot]
        else:
            out.insert(spot, int(rng.integers(1, 2**62)))
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    lengths=st.lists(st.integers(24, 80), min_size=1, max_size=3),
    edits=st.integers(0, 3),
    reverse=st.booleans(),
)
def test_planted_passages_are_found_whole(
    seed: int, lengths: list[int], edits: int, reverse: bool
) -> None:
    rng = np.random.default_rng(seed)
    passages = [words(rng, n) for n in lengths]
    copies = [edit_copy(rng, p, edits) for p in passages]
    a: list[int] = []
    b: list[int] = []
    a_ranges, b_ranges = [], []
    for p in passages:
        # Unrelated text longer than max_gap between passages: a shorter stretch
        # replaced on both sides is an edit, and rightly joins them.
        a += words(rng, int(rng.integers(DEFAULT.max_gap + 1, 30)))
        a_ranges.append((len(a), len(a) + len(p)))
        a += p
    order = list(range(len(copies)))[:: -1 if reverse else 1]
    b_ranges = [(0, 0)] * len(copies)
    for k in order:
        b += words(rng, int(rng.integers(0, 30)))
        b_ranges[k] = (len(b), len(b) + len(copies[k]))
        b += copies[k]
    a += words(rng, 10)
    found = align_words(arr(a), arr(b), DEFAULT)
    assert len(found) == len(passages)
    for (a0, a1), (b0, b1) in zip(a_ranges, b_ranges, strict=True):
        match = [p for p in found if p.a_start < a1 and a0 < p.a_end]
        assert len(match) == 1
        p = match[0]
        # An edit at the very edge can only move a boundary by the edit itself.
        assert abs(p.a_start - a0) <= 1 and abs(p.a_end - a1) <= 1
        assert abs(p.b_start - b0) <= 1 and abs(p.b_end - b1) <= 1
    # Every substantial exact run brute force finds lies inside a reported passage.
    for i, j, n in brute_runs(a, b, 8):
        assert any(
            p.a_start <= i and i + n <= p.a_end and p.b_start <= j and j + n <= p.b_end
            for p in found
        )
    for p in found:
        for e in p.edits:
            assert p.a_start < e.a_start <= e.a_end < p.a_end


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_unrelated_texts_share_nothing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # A small vocabulary makes many chance 3-word matches: none may become a passage.
    a = rng.integers(1, 40, 400).tolist()
    b = rng.integers(1, 40, 400).tolist()
    assert align_words(arr(a), arr(b), DEFAULT) == []


def test_short_insertion_is_bridged_long_one_splits() -> None:
    rng = np.random.default_rng(1)
    first, second = words(rng, 30), words(rng, 30)
    for inserted, expected in ((DEFAULT.max_indel, 1), (DEFAULT.max_indel + 1, 2)):
        a = first + second
        b = first + words(rng, inserted) + second
        found = align_words(arr(a), arr(b), DEFAULT)
        assert len(found) == expected, inserted


def test_substitutions_keep_one_passage() -> None:
    rng = np.random.default_rng(2)
    passage = words(rng, 60)
    edited = list(passage)
    for spot in (10, 25, 40):
        edited[spot] = 7
    found = align_words(arr(passage), arr(edited), DEFAULT)
    assert len(found) == 1
    assert (found[0].a_start, found[0].a_end, found[0].matched) == (0, 60, 57)
    assert [(e.kind, e.a_start, e.b_start) for e in found[0].edits] == [
        ("replace", 10, 10),
        ("replace", 25, 25),
        ("replace", 40, 40),
    ]


def test_too_short_or_too_different_is_dropped() -> None:
    rng = np.random.default_rng(3)
    short = words(rng, DEFAULT.min_words - 1)
    assert align_words(arr(short), arr(short), DEFAULT) == []
    exact = words(rng, DEFAULT.min_words)
    assert len(align_words(arr(exact), arr(exact), DEFAULT)) == 1


def test_repeated_passage_in_b_is_found_twice() -> None:
    rng = np.random.default_rng(4)
    passage = words(rng, 40)
    b = passage + words(rng, 20) + passage
    found = align_words(arr(passage), arr(b), DEFAULT)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in found] == [
        (0, 40, 0, 40),
        (0, 40, 60, 100),
    ]


def test_low_identity_chain_is_dropped() -> None:
    # Runs of 3 matching words separated by 4 replaced words: a chain, but only 3/7 alike.
    rng = np.random.default_rng(5)
    a: list[int] = []
    b: list[int] = []
    for _ in range(6):
        run = words(rng, 3)
        a += run + words(rng, 4)
        b += run + words(rng, 4)
    assert align_words(arr(a), arr(b), DEFAULT) == []
    loose = Settings(min_identity=0.3)
    (found,) = align_words(arr(a), arr(b), loose)
    assert found.matched == 18


def test_same_text_aligned_once_even_when_repeated_in_both() -> None:
    rng = np.random.default_rng(6)
    passage = words(rng, 30)
    a = passage + passage
    found = align_words(arr(a), arr(a), DEFAULT)
    spans = [(p.a_start, p.a_end, p.b_start, p.b_end) for p in found]
    # The whole text aligns with itself; the cross alignments of the repeat remain,
    # but no two reported passages align the same text on both sides.
    assert (0, 60, 0, 60) in spans
    for p in found:
        for q in found:
            if p is not q:
                assert not (
                    p.a_start < q.a_end
                    and q.a_start < p.a_end
                    and p.b_start < q.b_end
                    and q.b_start < p.b_end
                    and min(p.a_end, q.a_end) - max(p.a_start, q.a_start)
                    > (p.a_end - p.a_start) / 2
                )


def test_passage_starts_and_ends_on_a_match() -> None:
    rng = np.random.default_rng(7)
    passage = words(rng, 40)
    a = [1, 2, *passage, 3]
    b = [1, 9, 9, *passage, 4]
    (found,) = align_words(arr(a), arr(b), DEFAULT)
    assert (found.a_start, found.a_end, found.b_start, found.b_end) == (2, 42, 3, 43)
    assert found.edits == ()


def test_passages_around_a_sentence_rewritten_on_both_sides_join() -> None:
    rng = np.random.default_rng(8)
    first, second = words(rng, 30), words(rng, 30)
    for gap_a, gap_b, joined in ((12, 10, True), (20, 0, False), (JOIN_GAP + 1, JOIN_GAP, False)):
        a = first + words(rng, gap_a) + second
        b = first + words(rng, gap_b) + second
        found = align_words(arr(a), arr(b), DEFAULT)
        assert len(found) == 2, (gap_a, gap_b)
        spans = [(p.a_start, p.a_end, p.b_start, p.b_end) for p in join_adjacent(found, a, b)]
        if joined:
            assert spans == [(0, 60 + gap_a, 0, 60 + gap_b)]
        else:
            assert spans == [(0, 30, 0, 30), (30 + gap_a, 60 + gap_a, 30 + gap_b, 60 + gap_b)]


def test_passages_out_of_order_never_join() -> None:
    rng = np.random.default_rng(9)
    first, second = words(rng, 30), words(rng, 30)
    a = first + words(rng, 5) + second
    b = second + words(rng, 5) + first
    found = align_words(arr(a), arr(b), DEFAULT)
    assert join_adjacent(found, a, b) == found
    assert len(found) == 2


def test_fragment_without_one_shared_word_is_dropped() -> None:
    rng = np.random.default_rng(10)
    a, b = words(rng, 40), words(rng, 40)
    assert merge_fragments([], [(0, 40, 0, 40)], arr(a), arr(b), DEFAULT) == []


def reference_align(a: list[int], b: list[int], s: Settings) -> list[object]:
    """`align_words` with seeds and runs found the plain way, every run kept."""
    k = s.seed_words
    where: dict[tuple[int, ...], list[int]] = {}
    for j in range(len(b) - k + 1):
        where.setdefault(tuple(b[j : j + k]), []).append(j)
    a_count: dict[tuple[int, ...], int] = {}
    for i in range(len(a) - k + 1):
        a_count[tuple(a[i : i + k])] = a_count.get(tuple(a[i : i + k]), 0) + 1
    seeds = {
        (i, j)
        for i in range(len(a) - k + 1)
        for j in where.get(tuple(a[i : i + k]), [])
        if len(where[tuple(a[i : i + k])]) <= 50 and a_count[tuple(a[i : i + k])] <= 50
    }
    runs = sorted(
        (i, j, n + k - 1)
        for i, j in seeds
        if (i - 1, j - 1) not in seeds
        for n in [next(n for n in range(1, len(a) + 1) if (i + n, j + n) not in seeds)]
    )
    passages = []
    for chain in _chain(runs, s.max_gap, s.max_indel):
        if chain.matched < s.min_words * s.min_identity:
            continue
        p = _refine(a, b, chain)
        if (
            p is not None
            and min(p.a_end - p.a_start, p.b_end - p.b_start) >= s.min_words
            and p.identity >= s.min_identity
        ):
            passages.append(p)
    return list(_drop_overlapping(passages))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_pairs=st.integers(1, 6),
    vocabulary=st.sampled_from([6, 40, 2**40]),
)
def test_batched_alignment_equals_plain_alignment_pair_by_pair(
    seed: int, n_pairs: int, vocabulary: int
) -> None:
    """Small vocabularies make repeated phrases and chance runs everywhere: the runs the
    batch leaves out must never have changed a passage."""
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(n_pairs):
        a = rng.integers(1, vocabulary, int(rng.integers(0, 90))).tolist()
        b = rng.integers(1, vocabulary, int(rng.integers(0, 90))).tolist()
        if a and rng.random() < 0.7:
            start = int(rng.integers(0, len(a)))
            shared = a[start : start + int(rng.integers(5, 40))]
            b = b[:10] + (edit_copy(rng, shared, 1) if len(shared) > 12 else shared) + b[10:]
        pairs.append((a, b))
    got = align_many([(arr(a), arr(b)) for a, b in pairs], DEFAULT)
    assert got == [reference_align(a, b, DEFAULT) for a, b in pairs]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_pairs=st.integers(1, 6))
def test_four_byte_words_align_as_their_hashes_do(seed: int, n_pairs: int) -> None:
    """A corpus keeps its words in 4 bytes each (`narrow`); aligned as they are, they
    give the passages their 64-bit hashes give, repeated phrases and edits included."""
    rng = np.random.default_rng(seed)
    vocabulary = int(rng.integers(5, 200))
    pairs = []
    for _ in range(n_pairs):
        a = rng.integers(0, vocabulary, int(rng.integers(0, 120))).tolist()
        b = rng.integers(0, vocabulary, int(rng.integers(0, 120))).tolist()
        if len(a) > 30:
            start = int(rng.integers(0, len(a) - 30))
            b = b[:20] + edit_copy(rng, a[start : start + 30], 2) + b[20:]
        pairs.append((word_hashes([f"w{n}" for n in a]), word_hashes([f"w{n}" for n in b])))
    narrowed = [(narrow(a), narrow(b)) for a, b in pairs]
    assert narrowed[0][0].dtype == np.uint32
    assert align_many(narrowed, DEFAULT) == align_many(pairs, DEFAULT)


def test_short_runs_at_the_gap_limit_still_chain() -> None:
    """Two 4-word runs, each too short alone, make a passage when the gap between them
    is at most max_gap words, and none when it is one more."""
    for gap, expected in ((DEFAULT.max_gap, 1), (DEFAULT.max_gap + 1, 0)):
        rng = np.random.default_rng(gap)
        left, right = words(rng, 4), words(rng, 4)
        a = words(rng, 20) + left + words(rng, gap) + right + words(rng, 20)
        b = words(rng, 30) + left + words(rng, gap) + right + words(rng, 30)
        got = align_many([(arr(a), arr(b))], DEFAULT)[0]
        assert len(got) == expected
        assert got == reference_align(a, b, DEFAULT)


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12))
def test_covered_counts_each_position_once(ranges: list[tuple[int, int]]) -> None:
    assert covered(ranges) == len({n for start, end in ranges for n in range(start, end)})


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_pairs=st.integers(1, 40))
@example(seed=304, n_pairs=2)  # the second pair's b has no shingles
def test_shingles_without_a_match_across_are_mostly_left_out(seed: int, n_pairs: int) -> None:
    """Every shingle whose hash the other side of its pair also has is kept (pairs
    holding the same hash apart), and most of the others are left out."""
    from reuse.align import _both_sides

    rng = np.random.default_rng(seed)
    hashes, segment = [], []
    for doc in range(2 * n_pairs):
        own = rng.integers(0, 2**63, int(rng.integers(0, 300)), dtype=np.uint64)
        hashes.append(own)
        segment.append(np.full(own.size, doc, dtype=np.int64))
    # Shared hashes: within pairs, and one hash in every document of every pair.
    common = rng.integers(0, 2**63, dtype=np.uint64)
    for doc in range(0, 2 * n_pairs, 2):
        copied = min(hashes[doc].size, hashes[doc + 1].size) // 3
        hashes[doc + 1][:copied] = hashes[doc][:copied]
        hashes[doc] = np.append(hashes[doc], common)
        segment[doc] = np.append(segment[doc], doc)
    # A hash of one pair's a in another pair's b only: no match.
    if n_pairs > 1 and hashes[0].size > 1 and hashes[3].size:
        hashes[3][-1] = hashes[0][0]
    # The pairs' a sides, then their b sides, as `_batch_runs` lays them out.
    order = list(range(0, 2 * n_pairs, 2)) + list(range(1, 2 * n_pairs, 2))
    h = np.concatenate([hashes[d] for d in order])
    seg = np.concatenate([segment[d] for d in order])
    split = sum(hashes[d].size for d in order[:n_pairs])
    keep = _both_sides(h, seg // 2, split)
    sides = {(int(s) // 2, int(s) % 2, int(x)) for s, x in zip(seg, h, strict=True)}
    matched = np.array(
        [(int(s) // 2, 1 - int(s) % 2, int(x)) in sides for s, x in zip(seg, h, strict=True)]
    )
    assert keep[matched].all()
    unmatched = int(np.count_nonzero(~matched))
    if unmatched >= 200:
        assert np.count_nonzero(keep[~matched]) <= unmatched / 4


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 300), st.integers(0, 2**20), st.integers(0, 2**20)),
        min_size=1,
        max_size=40,
    ),
    wide=st.booleans(),
)
def test_rows_sort_by_each_column_in_turn(rows: list[tuple[int, int, int]], wide: bool) -> None:
    """Packed into one number, or (too wide to pack) sorted column by column."""
    from reuse.align import _sort_rows

    if wide:  # 63 bits cannot hold the three columns
        rows = [(p, i << 30, j << 30) for p, i, j in rows]
    columns = [np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)]
    got = _sort_rows(*columns)
    assert [tuple(map(int, r)) for r in zip(*got, strict=True)] == sorted(rows)


@settings(max_examples=200, deadline=None)
@example(a=[1, 2], b=[2], bounds=(0, 2, 0, 1))  # an unmatched word first
@example(a=[2, 1], b=[2], bounds=(0, 2, 0, 1))  # and last
@example(a=[0, 1, 2, 0], b=[0, 3, 0], bounds=(0, 4, 0, 3))  # a delete beside an insert
@given(
    a=st.lists(st.integers(0, 5), max_size=40),
    b=st.lists(st.integers(0, 5), max_size=40),
    bounds=st.tuples(
        st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)
    ),
)
def test_a_refined_stretch_starts_and_ends_matched_and_accounts_for_every_word(
    a: list[int], b: list[int], bounds: tuple[int, int, int, int]
) -> None:
    """Any stretch, including one that starts or ends on words without a match: the
    passage is trimmed to its first and last match, its matched words are the longest
    common subsequence, and its edits, separated by matches, cover every other word."""
    a0, a1, b0, b1 = bounds
    a0, a1 = min(a0, a1, len(a)), min(max(a0, a1), len(a))
    b0, b1 = min(b0, b1, len(b)), min(max(b0, b1), len(b))
    x, y = a[a0:a1], b[b0:b1]
    lcs = [[0] * (len(y) + 1) for _ in range(len(x) + 1)]
    for i in range(len(x) - 1, -1, -1):
        for j in range(len(y) - 1, -1, -1):
            same = lcs[i + 1][j + 1] + 1 if x[i] == y[j] else 0
            lcs[i][j] = max(same, lcs[i + 1][j], lcs[i][j + 1])
    p = _refine(
        np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64), _Chain(a0, b0, a1, b1, 0)
    )
    if not lcs[0][0]:
        assert p is None
        return
    assert p is not None
    assert a0 <= p.a_start < p.a_end <= a1 and b0 <= p.b_start < p.b_end <= b1
    assert a[p.a_start] == b[p.b_start] and a[p.a_end - 1] == b[p.b_end - 1]
    assert p.matched == lcs[0][0]
    a_edited = b_edited = 0
    a_at, b_at = p.a_start, p.b_start
    for e in p.edits:
        assert e.a_start > a_at and e.b_start > b_at  # a match before every edit
        assert e.kind == (
            "replace"
            if e.a_end > e.a_start and e.b_end > e.b_start
            else "delete"
            if e.a_end > e.a_start
            else "insert"
        )
        a_edited += e.a_end - e.a_start
        b_edited += e.b_end - e.b_start
        a_at, b_at = e.a_end, e.b_end
    assert a_at < p.a_end and b_at < p.b_end  # and after the last
    assert p.a_end - p.a_start == p.matched + a_edited
    assert p.b_end - p.b_start == p.matched + b_edited

"""Reworded reuse: runs of sentences whose words largely agree, in any word order.

Exact runs miss text whose words were shuffled, replaced or translated back and forth.
Following the best PAN text-alignment systems (Sanchez-Perez, Sidorov and Gelbukh 2014),
sentences are compared as bags of content words: a pair of sentences is a seed when both
their TF-IDF cosine and their Dice coefficient pass a threshold; seeds close to each other
in both documents are clustered into fragments, and a fragment is kept when its two sides,
taken whole, are still similar.

How many seeds a fragment needs depends on the rest of the two texts. Two independent
reports of one event share a sentence or two of facts (a casualty list, a unit's name)
and are alike elsewhere too; two texts alike nowhere but in two sentences share them
because one took them from the other. So a fragment needs three seeds, or two when the
sentences outside the seeds are unrelated.

A summary condenses a long text into a few sentences, each matching sentences spread
across the original; where it covers most of the original, it summarises all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from reuse.fingerprint import word_hashes
from reuse.text import Tokens

__all__ = ["Fragment", "find_fragments"]

U64 = npt.NDArray[np.uint64]

_SENTENCE_END = re.compile(r"[.!?]\s|\n")
# A sentence shorter than this joins the next one: headings and fragments say little.
_MIN_SENTENCE_WORDS = 4
# Seeds a fragment needs: independent reports of one event share a sentence or two of
# facts (a casualty list, a unit's name); reworded reuse runs longer. Two seeds are
# enough when the sentences outside any seed are less alike than UNRELATED (cosine of
# their TF-IDF bags): texts on one subject are alike well beyond their shared facts.
MIN_SEEDS = 3
MIN_SEEDS_UNRELATED = 2
UNRELATED = 0.25
# How many times longer the summarised stretch must be than the summary. A summary's
# matches may lie any distance apart in the summarised text.
SUMMARY_RATIO = 3
# A summary whose matches span at least this share of the summarised text summarises
# all of it: its first and last sentences are rarely condensed in so many words.
WHOLE_TEXT = 0.5
# An ordinary fragment is "balanced" when its longer side is less than this many times
# its shorter side: reworded text, not a summary.
BALANCED = 2.0
# A summary is short and matches most of its own sentences; scattered chance matches
# over a long stretch are not a summary.
SUMMARY_DENSITY = 0.6
SUMMARY_SENTENCES = 12
# Stemmed word hashes, by word: bounded, so a long run over many texts cannot grow it
# without end.
_STEM_CACHE: dict[str, int] = {}
_STEM_CACHE_MAX = 2_000_000


@dataclass(frozen=True, slots=True)
class Fragment:
    """Word ranges ``[a_start, a_end)`` and ``[b_start, b_end)`` that say the same thing."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    seeds: int


def sentences(tokens: Tokens, text: str) -> list[tuple[int, int]]:
    """Split a text's words into sentences, as ``[start, end)`` word ranges."""
    n = len(tokens)
    if n == 0:
        return []
    out = []
    start = 0
    ends = tokens.ends.tolist()
    starts = tokens.starts.tolist()
    for i in range(n - 1):
        gap = text[ends[i] : starts[i + 1]]
        if _SENTENCE_END.search(gap + " ") and i + 1 - start >= _MIN_SENTENCE_WORDS:
            out.append((start, i + 1))
            start = i + 1
    out.append((start, n))
    return out


def _bags(
    hashes: U64,
    spans: list[tuple[int, int]],
    vocab: dict[int, int],
    ignore: npt.NDArray[np.bool_] | None,
) -> csr_matrix:
    """One row of content-word (stemmed, not stop word) presence per sentence; words
    marked in ``ignore`` are left out."""
    if ignore is not None and ignore.any():
        hashes = hashes.copy()
        hashes[ignore] = next(iter(_STOP_STEMS))
    rows, cols = [], []
    for row, (start, end) in enumerate(spans):
        for h in set(hashes[start:end].tolist()) - _STOP_STEMS:
            rows.append(row)
            cols.append(vocab.setdefault(h, len(vocab)))
    data = np.ones(len(rows), dtype=np.float64)
    return csr_matrix((data, (rows, cols)), shape=(len(spans), max(1, len(vocab) + 1)))


def _stem(word: str) -> str:
    """A light English suffix stripper, so "killed", "kills" and "killing" meet.

    >>> [_stem(w) for w in ("killed", "kills", "killing", "cities", "gas", "was")]
    ['kill', 'kill', 'kill', 'city', 'gas', 'was']
    """
    if len(word) > 4:
        if word.endswith("ies"):
            return word[:-3] + "y"
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


def _stemmed(words: tuple[str, ...]) -> U64:
    """Hashes of the stemmed words; a word met before costs one dictionary lookup."""
    if len(_STEM_CACHE) > _STEM_CACHE_MAX:
        _STEM_CACHE.clear()
    out = np.empty(len(words), dtype=np.uint64)
    for i, word in enumerate(words):
        h = _STEM_CACHE.get(word)
        if h is None:
            h = _STEM_CACHE[word] = xxhash.xxh3_64_intdigest(_stem(word).encode("utf-8"))
        out[i] = h
    return out


def _cluster(seeds: list[tuple[int, int]], gaps: tuple[int, int]) -> list[list[tuple[int, int]]]:
    """Split seeds into groups whose sentences lie within ``gaps`` (a, b) of each other.

    >>> _cluster([(0, 0), (1, 2), (9, 3), (10, 30)], (4, 4))
    [[(0, 0), (1, 2)], [(9, 3)], [(10, 30)]]
    """
    groups = [sorted(seeds)]
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            split: list[list[tuple[int, int]]] = []
            for group in groups:
                ordered = sorted(group, key=lambda s: (s[axis], s[1 - axis]))
                current = [ordered[0]]
                for seed in ordered[1:]:
                    if seed[axis] - current[-1][axis] > gaps[axis]:
                        split.append(current)
                        current = []
                        changed = True
                    current.append(seed)
                split.append(current)
            groups = split
    return sorted(groups)


def find_fragments(
    a: Tokens,
    a_text: str,
    b: Tokens,
    b_text: str,
    *,
    threshold: float,
    max_gap: int = 5,
    a_ignore: npt.NDArray[np.bool_] | None = None,
    b_ignore: npt.NDArray[np.bool_] | None = None,
) -> list[Fragment]:
    """Return the reworded fragments two texts share.

    Args:
        a, b: the tokens of each text; a_text, b_text: the texts.
        threshold: cosine and Dice a sentence pair must both reach to seed a fragment.
        max_gap: sentences between seeds that one fragment may span.
        a_ignore, b_ignore: words to leave out (boilerplate), if any.
    """
    a_spans, b_spans = sentences(a, a_text), sentences(b, b_text)
    if not a_spans or not b_spans:
        return []
    vocab: dict[int, int] = {}
    a_bags = _bags(_stemmed(a.words), a_spans, vocab, a_ignore)
    b_bags = _bags(_stemmed(b.words), b_spans, vocab, b_ignore)
    width = max(a_bags.shape[1], b_bags.shape[1])
    a_bags.resize((a_bags.shape[0], width))
    b_bags.resize((b_bags.shape[0], width))
    # Inverse sentence frequency over both texts' sentences.
    df = np.asarray(a_bags.sum(axis=0)).ravel() + np.asarray(b_bags.sum(axis=0)).ravel()
    idf = np.log((len(a_spans) + len(b_spans) + 1) / (df + 1)) + 1.0
    a_w, b_w = a_bags.multiply(idf).tocsr(), b_bags.multiply(idf).tocsr()
    a_norm = np.sqrt(np.asarray(a_w.multiply(a_w).sum(axis=1)).ravel())
    b_norm = np.sqrt(np.asarray(b_w.multiply(b_w).sum(axis=1)).ravel())
    common = (a_bags @ b_bags.T).tocoo()
    a_sizes = np.asarray(a_bags.sum(axis=1)).ravel()
    b_sizes = np.asarray(b_bags.sum(axis=1)).ravel()
    seeds = []
    dots = (a_w @ b_w.T).tocsr()
    for i, j, shared in zip(
        common.row.tolist(), common.col.tolist(), common.data.tolist(), strict=True
    ):
        dice = 2 * shared / (a_sizes[i] + b_sizes[j])
        if dice < threshold:
            continue
        cosine = dots[i, j] / (a_norm[i] * b_norm[j])
        if cosine >= threshold:
            seeds.append((i, j))
    if len(seeds) < MIN_SEEDS_UNRELATED:
        return []
    min_seeds = MIN_SEEDS_UNRELATED if _background(seeds, a_w, b_w) < UNRELATED else MIN_SEEDS

    def build(groups: list[list[tuple[int, int]]], dense: int = -1) -> list[Fragment]:
        found = []
        for group in groups:
            # Seeds count as the sentences they pair on the side with fewer: one
            # sentence matching a line repeated in the other text is one seed.
            if min(len({s[0] for s in group}), len({s[1] for s in group})) < min_seeds:
                continue
            i0, i1 = min(s[0] for s in group), max(s[0] for s in group)
            j0, j1 = min(s[1] for s in group), max(s[1] for s in group)
            if dense >= 0:
                # A summary matches sentence after sentence of itself; scattered chance
                # matches do not.
                first, last = (i0, i1) if dense == 0 else (j0, j1)
                matched = len({s[dense] for s in group})
                if matched < SUMMARY_DENSITY * (last - first + 1):
                    continue
                if last - first + 1 > SUMMARY_SENTENCES:
                    continue
            a_bag = a_w[i0 : i1 + 1].sum(axis=0)
            b_bag = b_w[j0 : j1 + 1].sum(axis=0)
            whole = float(np.asarray(a_bag @ b_bag.T).item())
            whole /= float(np.linalg.norm(a_bag) * np.linalg.norm(b_bag)) or 1.0
            if whole >= threshold:
                found.append(
                    Fragment(
                        a_spans[i0][0], a_spans[i1][1], b_spans[j0][0], b_spans[j1][1], len(group)
                    )
                )
        return found

    fragments = build(_cluster(seeds, (max_gap, max_gap)))
    # A summary condenses a long stretch of the other text: its sentences match sentences
    # spread far apart there. Cluster again with no gap limit on the longer side, and keep
    # what comes out several times longer on that side than on the summary's.
    unbounded = len(a_spans) + len(b_spans)
    summaries = [
        _whole(f, len(a), len(b))
        for f in build(_cluster(seeds, (max_gap, unbounded)), dense=0)
        if f.b_end - f.b_start >= SUMMARY_RATIO * (f.a_end - f.a_start)
    ] + [
        _whole(f, len(a), len(b))
        for f in build(_cluster(seeds, (unbounded, max_gap)), dense=1)
        if f.a_end - f.a_start >= SUMMARY_RATIO * (f.b_end - f.b_start)
    ]
    # Where one balanced fragment holds half a summary's seeds, the stretch is reworded
    # text, not a summary. Otherwise the summary replaces the pieces of it found as
    # ordinary fragments.
    summaries = [
        summary for summary in summaries if 2 * _reworded_seeds(summary, fragments) < summary.seeds
    ]
    fragments = [f for f in fragments if not any(_overlaps(s, f) for s in summaries)]
    return sorted(fragments + summaries, key=lambda f: (f.a_start, f.b_start))


def _background(seeds: list[tuple[int, int]], a_w: csr_matrix, b_w: csr_matrix) -> float:
    """Cosine of the TF-IDF bags of the two texts' sentences outside any seed."""
    a_rest = np.ones(a_w.shape[0], dtype=bool)
    b_rest = np.ones(b_w.shape[0], dtype=bool)
    a_rest[[i for i, _ in seeds]] = False
    b_rest[[j for _, j in seeds]] = False
    a_bag = np.asarray(a_w[a_rest].sum(axis=0)).ravel()
    b_bag = np.asarray(b_w[b_rest].sum(axis=0)).ravel()
    norm = float(np.linalg.norm(a_bag) * np.linalg.norm(b_bag))
    return float(a_bag @ b_bag) / norm if norm else 0.0


def _whole(summary: Fragment, a_words: int, b_words: int) -> Fragment:
    """Stretch a summary over the whole summarised text when it spans most of it."""
    if summary.b_end - summary.b_start >= SUMMARY_RATIO * (summary.a_end - summary.a_start):
        if summary.b_end - summary.b_start >= WHOLE_TEXT * b_words:
            return Fragment(summary.a_start, summary.a_end, 0, b_words, summary.seeds)
    elif summary.a_end - summary.a_start >= WHOLE_TEXT * a_words:
        return Fragment(0, a_words, summary.b_start, summary.b_end, summary.seeds)
    return summary


def _reworded_seeds(summary: Fragment, fragments: list[Fragment]) -> int:
    """The most seeds one balanced fragment inside ``summary`` holds."""
    return max(
        (
            f.seeds
            for f in fragments
            if _overlaps(summary, f)
            and max(f.a_end - f.a_start, f.b_end - f.b_start)
            < BALANCED * min(f.a_end - f.a_start, f.b_end - f.b_start)
        ),
        default=0,
    )


def _overlaps(f: Fragment, g: Fragment) -> bool:
    """Whether two fragments overlap in both texts."""
    return _overlaps_a(f, g) and _overlaps_b(f, g)


def _overlaps_a(f: Fragment, g: Fragment) -> bool:
    return f.a_start < g.a_end and g.a_start < f.a_end


def _overlaps_b(f: Fragment, g: Fragment) -> bool:
    return f.b_start < g.b_end and g.b_start < f.b_end


# Stop words as written and as stemmed: a content word can stem to either.
_STOP_STEMS = frozenset(
    word_hashes(sorted(ENGLISH_STOP_WORDS | {_stem(w) for w in ENGLISH_STOP_WORDS})).tolist()
)

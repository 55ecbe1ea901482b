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
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from reuse.fingerprint import HashSet, distinct, run_starts, word_hashes
from reuse.text import Tokens

__all__ = ["Fragment", "Sentences", "find_fragments", "index_sentences", "match_sentences"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_LINE_OR_STOP = re.compile(r"\n|[.!?](?=\s)")
_STOP = re.compile(r"[.!?]")
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


def _member(values: npt.NDArray[Any], sorted_set: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Which ``values`` are in ``sorted_set`` (ascending), by binary search."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return np.asarray(sorted_set[at] == values)


def sentences(tokens: Tokens, text: str) -> list[tuple[int, int]]:
    """Split a text's words into sentences, as ``[start, end)`` word ranges.

    A sentence ends where the text between two words holds a line break, or a full stop,
    question or exclamation mark followed by white space or by the next word; a sentence
    of fewer than four words runs on into the next.
    """
    n = len(tokens)
    if n == 0:
        return []
    starts, ends = tokens.starts, tokens.ends
    breaks = [m.start() for m in _LINE_OR_STOP.finditer(text)]
    stops = np.array([m.start() for m in _STOP.finditer(text)], dtype=np.int64)
    # A stop right before a word ends the gap it is in, as well.
    stops = stops[_member(stops + 1, starts)]
    marks = distinct(np.concatenate([np.array(breaks, dtype=np.int64), stops]))
    between = np.searchsorted(marks, starts[1:]) - np.searchsorted(marks, ends[:-1])
    out = []
    start = 0
    for i in np.flatnonzero(between > 0).tolist():
        if i + 1 - start >= _MIN_SENTENCE_WORDS:
            out.append((start, i + 1))
            start = i + 1
    out.append((start, n))
    return out


@dataclass(frozen=True, slots=True)
class Sentences:
    """A text's sentences as sets of content words (stemmed, not stop words).

    ``term`` and ``sentence`` list each (content word, sentence) once, sorted by word;
    ``terms`` and ``counts`` are the distinct words and how many sentences hold each.
    Built once per document, then matched against any number of others.
    """

    spans: list[tuple[int, int]]
    term: U64
    sentence: I64
    sizes: I64
    terms: U64
    counts: I64


def index_sentences(
    tokens: Tokens, text: str, ignore: npt.NDArray[np.bool_] | None = None
) -> Sentences:
    """Split a text into sentences and index their content words; words marked in
    ``ignore`` (boilerplate) are left out."""
    spans = sentences(tokens, text)
    hashes = _stemmed(tokens.words)
    keep = ~_STOP_WORDS.members(hashes)
    if ignore is not None:
        keep &= ~ignore
    lengths = [end - start for start, end in spans]
    owner = np.repeat(np.arange(len(spans), dtype=np.int64), lengths)
    term, sentence = hashes[keep], owner[keep]
    # One entry per (word, sentence), sorted by word then sentence.
    order = np.lexsort((sentence, term))
    term, sentence = term[order], sentence[order]
    first = np.ones(len(term), dtype=bool)
    first[1:] = (term[1:] != term[:-1]) | (sentence[1:] != sentence[:-1])
    term, sentence = term[first], sentence[first]
    # ``term`` is sorted: each distinct word starts a run, as long as its sentence count.
    firsts = np.flatnonzero(run_starts(term))
    terms, counts = term[firsts], np.diff(np.append(firsts, term.size))
    return Sentences(
        spans=spans,
        term=term,
        sentence=sentence,
        sizes=np.bincount(sentence, minlength=len(spans)).astype(np.int64),
        terms=terms,
        counts=counts.astype(np.int64),
    )


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
    new = set(words).difference(_STEM_CACHE)
    if new:
        _STEM_CACHE.update(zip(new, word_hashes([_stem(w) for w in new]).tolist(), strict=True))
    return np.fromiter(map(_STEM_CACHE.__getitem__, words), dtype=np.uint64, count=len(words))


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
) -> list[Fragment]:
    """Return the reworded fragments two texts share (see `match_sentences`)."""
    return match_sentences(
        index_sentences(a, a_text), index_sentences(b, b_text), threshold=threshold, max_gap=max_gap
    )


def match_sentences(
    sa: Sentences, sb: Sentences, *, threshold: float, max_gap: int = 5
) -> list[Fragment]:
    """Return the reworded fragments two indexed texts share.

    Args:
        sa, sb: each text's sentences, from `index_sentences`.
        threshold: cosine and Dice a sentence pair must both reach to seed a fragment.
        max_gap: sentences between seeds that one fragment may span.
    """
    a_spans, b_spans = sa.spans, sb.spans
    if not a_spans or not b_spans or not len(sa.term) or not len(sb.term):
        return []
    # Both texts' words in one numbering; inverse sentence frequency over both texts.
    union = distinct(np.concatenate((sa.terms, sb.terms)))
    df = np.zeros(len(union), dtype=np.int64)
    df[np.searchsorted(union, sa.terms)] += sa.counts
    df[np.searchsorted(union, sb.terms)] += sb.counts
    idf = np.log((len(a_spans) + len(b_spans) + 1) / (df + 1)) + 1.0
    a_col, b_col = np.searchsorted(union, sa.term), np.searchsorted(union, sb.term)
    a_norm = np.sqrt(np.bincount(sa.sentence, idf[a_col] ** 2, minlength=len(a_spans)))
    b_norm = np.sqrt(np.bincount(sb.sentence, idf[b_col] ** 2, minlength=len(b_spans)))
    # Every (a entry, b entry) with the same word: each b word's entries are a run.
    lo = np.searchsorted(sb.term, sa.term, side="left")
    hi = np.searchsorted(sb.term, sa.term, side="right")
    runs = hi - lo
    a_at = np.repeat(np.arange(len(sa.term)), runs)
    b_at = np.repeat(lo - (np.cumsum(runs) - runs), runs) + np.arange(int(runs.sum()))
    key = sa.sentence[a_at] * len(b_spans) + sb.sentence[b_at]
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    new = run_starts(ordered)
    pairs = ordered[new]
    inverse = np.empty(key.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    shared = np.bincount(inverse)
    dots = np.bincount(inverse, idf[a_col[a_at]] ** 2)
    ii, jj = pairs // len(b_spans), pairs % len(b_spans)
    dice = 2 * shared / (sa.sizes[ii] + sb.sizes[jj])
    cosine = dots / (a_norm[ii] * b_norm[jj])
    hit = (dice >= threshold) & (cosine >= threshold)
    seeds = list(zip(ii[hit].tolist(), jj[hit].tolist(), strict=True))
    a_w = _Weights(sa.sentence, a_col, idf, len(union))
    b_w = _Weights(sb.sentence, b_col, idf, len(union))
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
            if _cosine(a_w.bag(i0, i1), b_w.bag(j0, j1)) >= threshold:
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
    a_words, b_words = a_spans[-1][1], b_spans[-1][1]
    summaries = [
        _whole(f, a_words, b_words)
        for f in build(_cluster(seeds, (max_gap, unbounded)), dense=0)
        if f.b_end - f.b_start >= SUMMARY_RATIO * (f.a_end - f.a_start)
    ] + [
        _whole(f, a_words, b_words)
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


class _Weights:
    """Sums of a text's sentence rows, each word weighted by its inverse frequency."""

    def __init__(self, sentence: I64, column: I64, idf: F64, width: int) -> None:
        self.sentence, self.column, self.idf, self.width = sentence, column, idf, width

    def _sum(self, chosen: npt.NDArray[np.bool_]) -> F64:
        counts = np.bincount(self.column[chosen], minlength=self.width)
        return counts * self.idf

    def bag(self, first: int, last: int) -> F64:
        """Sentences ``first`` to ``last``, inclusive."""
        return self._sum((self.sentence >= first) & (self.sentence <= last))

    def rest(self, excluded: list[int]) -> F64:
        """Every sentence but the ``excluded`` ones."""
        return self._sum(~np.isin(self.sentence, excluded))


def _cosine(u: F64, v: F64) -> float:
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(u @ v) / norm if norm else 0.0


def _background(seeds: list[tuple[int, int]], a_w: _Weights, b_w: _Weights) -> float:
    """Cosine of the TF-IDF bags of the two texts' sentences outside any seed."""
    return _cosine(a_w.rest([i for i, _ in seeds]), b_w.rest([j for _, j in seeds]))


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
_STOP_WORDS = HashSet(
    word_hashes(sorted(ENGLISH_STOP_WORDS | {_stem(w) for w in ENGLISH_STOP_WORDS}))
)

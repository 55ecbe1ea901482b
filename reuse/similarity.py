"""Topic similarity: TF-IDF cosine between documents.

High topic similarity means "about the same story", not copying; it is reported beside
the passages, never mixed into them. A corpus of modest size gets the full matrix from
scikit-learn; a large one gets the same weighting computed on word hashes, for the
reported pairs only, with word weights learnt from a sample.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from reuse.fingerprint import HashSet, postings, run_starts, word_hashes

__all__ = ["HashedTopics", "TopicModel", "fit_topics"]

# Words of two or more letters (numbers and one-letter words say little about a topic),
# and single Chinese or Japanese characters, which are words of their own.
_TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


class TopicModel:
    """L2-normalised TF-IDF rows of a corpus; cosine similarity is a row dot product."""

    def __init__(self, rows: csr_matrix) -> None:
        self._rows = csr_matrix(rows)

    def pair(self, i: int, j: int) -> float:
        """Return the cosine similarity of documents ``i`` and ``j``."""
        return float(self.pairs([i], [j])[0])

    def pairs(self, left: list[int], right: list[int]) -> npt.NDArray[np.float64]:
        """Return the cosine similarity of each ``(left[k], right[k])``, in one pass."""
        if not left:
            return np.zeros(0, dtype=np.float64)
        products = self._rows[left].multiply(self._rows[right]).sum(axis=1)
        return np.clip(np.asarray(products, dtype=np.float64).ravel(), 0.0, 1.0)

    def matrix(self) -> npt.NDArray[np.float64]:
        """Return the dense ``n x n`` cosine matrix (only for corpora of modest size)."""
        dense = (self._rows @ self._rows.T).toarray()
        np.clip(dense, 0.0, 1.0, out=dense)
        np.fill_diagonal(dense, 1.0)
        return np.asarray(dense, dtype=np.float64)


def fit_topics(texts: Sequence[str], fit_on: Sequence[int] | None = None) -> TopicModel:
    """Fit TF-IDF on ``texts`` (already normalised) and return the row model.

    With ``fit_on``, word weights are learnt from those texts only (a large corpus's
    sample); every text still gets its row, and words the sample never saw are left out.

    English stop words are removed and term frequencies are sublinear, so a long
    article is not similar to everything merely by being long.

    >>> m = fit_topics(["the flood hit the river town", "river flood town", "budget vote"])
    >>> m.pair(0, 1) > 0.5 > m.pair(0, 2)
    True
    """
    vectorizer = TfidfVectorizer(
        token_pattern=_TOKEN_PATTERN,
        stop_words="english",
        sublinear_tf=True,
        lowercase=False,
        dtype=np.float64,
    )
    try:
        if fit_on is None:
            rows = vectorizer.fit_transform(texts)
        else:
            vectorizer.fit([texts[k] for k in fit_on])
            rows = vectorizer.transform(texts)
    except ValueError:
        # Every text was empty of topic words (only numbers or stop words).
        rows = csr_matrix((len(texts), 1), dtype=np.float64)
    return TopicModel(rows)


U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
_STOP_WORDS = HashSet(word_hashes(sorted(ENGLISH_STOP_WORDS)))


class HashedTopics:
    """`fit_topics` weighting on word hashes: sublinear term frequency, smoothed inverse
    document frequency from the documents it was fitted on (words they never hold are
    left out), L2-normalised rows; stop words and words that are not `topical` (see
    `reuse.text.Words`) do not count.

    Built once from a sample; then each document's row costs a few array operations,
    so a corpus too large for the full matrix pays only for the pairs it reports.
    """

    def __init__(self, vocabulary: U64, idf: F64, bits: int) -> None:
        # Words are ``hash >> bits``, as the fitting sort packed them (word hashes are
        # already mixed, every bit random).
        self.vocabulary, self.idf, self._bits = vocabulary, idf, bits

    @staticmethod
    def terms(hashes: U64, topical: npt.NDArray[np.bool_]) -> U64:
        """The hashes of a document's words that count for its topic."""
        chosen: U64 = hashes[topical]
        if not chosen.size:
            return chosen
        kept: U64 = chosen[~_STOP_WORDS.members(chosen)]
        return kept

    @classmethod
    def fit(cls, documents: list[U64]) -> HashedTopics:
        """Learn word weights from documents given as their `terms`."""
        n = len(documents)
        if not n or not sum(d.size for d in documents):
            return cls(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.float64), 0)
        owners = np.repeat(
            np.arange(n, dtype=np.int64), np.fromiter((d.size for d in documents), np.int64, n)
        )
        keys, _, bits, _ = postings(np.concatenate(documents), owners, n, mixed=True)
        firsts = np.flatnonzero(run_starts(keys))
        df = np.diff(np.append(firsts, keys.size))
        idf = np.log((1 + n) / (1 + df)) + 1.0
        return cls(keys[firsts], idf.astype(np.float64), bits)

    def row(self, terms: U64) -> tuple[U64, F64]:
        """A document's row: the vocabulary positions it uses, sorted, and their weights."""
        if not terms.size or not self.vocabulary.size:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.float64)
        words = np.sort(terms >> np.uint64(self._bits))
        firsts = np.flatnonzero(run_starts(words))
        counts = np.diff(np.append(firsts, words.size))
        words = words[firsts]
        at = np.minimum(np.searchsorted(self.vocabulary, words), self.vocabulary.size - 1)
        known = self.vocabulary[at] == words
        weights = (1.0 + np.log(counts[known])) * self.idf[at[known]]
        norm = float(np.sqrt(weights @ weights))
        return words[known], weights / norm if norm else weights

    @staticmethod
    def terms_of_many(
        hashes: U64, topical: npt.NDArray[np.bool_], bounds: Sequence[int]
    ) -> tuple[U64, npt.NDArray[np.int64]]:
        """`terms` of many documents, document ``n``'s words being
        ``bounds[n]:bounds[n + 1]`` of ``hashes`` and ``topical``: all the terms in one
        array, and how many each document has."""
        chosen = topical & ~_STOP_WORDS.members(hashes)
        running = np.concatenate(([0], np.cumsum(chosen)))
        return hashes[chosen], np.diff(running[np.asarray(bounds, dtype=np.int64)])

    def rows(self, terms: U64, sizes: npt.NDArray[np.int64]) -> list[tuple[U64, F64]]:
        """`row` of each of many documents, whose terms are all in one array, ``sizes[n]``
        of them for document ``n``; with the same values, by one sort and one vocabulary
        lookup for all of them instead of one each."""
        n = sizes.size
        if not n:
            return []
        if not self.vocabulary.size:
            return [self.row(t) for t in np.split(terms, np.cumsum(sizes)[:-1])]
        doc = np.repeat(np.arange(n, dtype=np.uint64), sizes)
        words = terms >> np.uint64(self._bits)
        # Sorted by document, then word: both in one number where the document's index
        # fits above the word (``bits`` high bits are free), else a sort by each.
        if n.bit_length() <= self._bits:
            shift = np.uint64(64 - self._bits)
            key = np.sort((doc << shift) | words)
            doc, words = key >> shift, key & ((np.uint64(1) << shift) - np.uint64(1))
        else:
            order = np.lexsort((words, doc))
            doc, words = doc[order], words[order]
        firsts = np.flatnonzero(run_starts(words) | run_starts(doc))
        counts = np.diff(np.append(firsts, words.size))
        words, doc = words[firsts], doc[firsts]
        at = np.minimum(np.searchsorted(self.vocabulary, words), self.vocabulary.size - 1)
        known = self.vocabulary[at] == words
        words, doc = words[known], doc[known]
        weights = (1.0 + np.log(counts[known])) * self.idf[at[known]]
        bounds = np.searchsorted(doc, np.arange(n + 1, dtype=np.uint64)).tolist()
        out = []
        for lo, hi in itertools.pairwise(bounds):
            # A copy of its own for each, as `row` makes: the same dot product, bit
            # for bit.
            own = weights[lo:hi].copy()
            norm = float(np.sqrt(own @ own))
            out.append((words[lo:hi], own / norm if norm else own))
        return out

    @staticmethod
    def cosine(a: tuple[U64, F64], b: tuple[U64, F64]) -> float:
        """Cosine similarity of two rows."""
        (wa, va), (wb, vb) = a, b
        if not wa.size or not wb.size:
            return 0.0
        at = np.minimum(np.searchsorted(wb, wa), wb.size - 1)
        hit = wb[at] == wa
        return min(1.0, max(0.0, float(va[hit] @ vb[at[hit]])))

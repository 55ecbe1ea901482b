"""Topic similarity: TF-IDF cosine between documents (scikit-learn).

High topic similarity means "about the same story", not copying; it is reported beside
the passages, never mixed into them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["TopicModel", "fit_topics"]

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

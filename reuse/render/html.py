"""The HTML report: one self-contained file a reader can email, open offline and print.

All CSS and JavaScript are inlined and pinned by hash in a Content-Security-Policy, so
the file loads nothing and no injected script could run; every piece of article text
goes through Jinja2's autoescaping. The page works with JavaScript off: passages link to
their twins with plain anchors and long unshared stretches fold with ``<details>``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass
from importlib import resources

import jinja2
import numpy as np

from reuse.model import Document, PairResult, Result
from reuse.text import tokenise

__all__ = ["DEFAULT_PAIR_VIEWS", "render_html"]

DEFAULT_PAIR_VIEWS = 50
# Matrices are drawn up to this many articles; beyond, the ranked list says it all.
MATRIX_MAX = 40
# The articles table lists at most this many (those in the most-shared pairs first).
ARTICLES_MAX = 1000
# Unshared stretches longer than this many words fold away (open them, or print).
FOLD_WORDS = 80
# Folds longer than this stay folded in print too, or one long article fills the paper.
PRINT_FOLD_WORDS = 400
# Pair views stop once their articles add up to this many characters: each view holds
# both full texts, and the file must stay small enough to email.
PAIR_VIEW_CHARS = 3_000_000
# Six passage looks, each a colour AND an underline style, so no reader relies on hue.
PASSAGE_LOOKS = 6
# Nine steps of a single-hue sequential scale (ColorBrewer), colour-blind safe.
SCALE_STEPS = 9


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of one column's text: plain, or inside passage ``number`` (edited or not)."""

    text: str
    number: int = 0
    edited: bool = False


@dataclass(frozen=True, slots=True)
class Segment:
    """A part of a column: an unshared stretch (maybe folded) or a shared stretch.

    A shared stretch shows the look of ``number``, the lowest-numbered passage covering
    it (passages can overlap when text repeats), and carries the badges of the passages
    that begin exactly there, so every passage has its anchor in both columns.
    """

    kind: str  # "text", "fold" or "passage"
    pieces: tuple[Piece, ...]
    number: int = 0
    words: int = 0
    starts: tuple[int, ...] = ()
    long: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    """One article in a pair view."""

    side: str
    doc: Document
    words: int
    segments: tuple[Segment, ...]
    strip: tuple[tuple[int, float, float], ...]  # (passage number, x, width) in 0..1000


@dataclass(frozen=True, slots=True)
class PairView:
    rank: int
    pair: PairResult
    a: Column
    b: Column


def _scale(value: float) -> int:
    """Return the palette step (0..8) of a share in [0, 1].

    >>> _scale(0.0), _scale(0.5), _scale(1.0)
    (0, 4, 8)
    """
    return min(SCALE_STEPS - 1, max(0, round(value * (SCALE_STEPS - 1))))


def _percent(value: float) -> str:
    """A share as a whole percentage; a little reuse never reads as none.

    >>> _percent(0.0), _percent(0.003), _percent(0.785)
    ('0%', '<1%', '78%')
    """
    if 0 < value < 0.005:
        return "<1%"
    return f"{value * 100:.0f}%"


def _pieces(
    text: str, start: int, end: int, marks: list[tuple[int, int]], number: int
) -> list[Piece]:
    """Split ``text[start:end]`` into plain and edited pieces of passage ``number``."""
    out: list[Piece] = []
    pos = start
    for m_start, m_end in sorted(marks):
        m_start, m_end = max(m_start, pos), min(m_end, end)
        if m_end <= m_start:
            continue
        if m_start > pos:
            out.append(Piece(text[pos:m_start], number))
        out.append(Piece(text[m_start:m_end], number, edited=True))
        pos = m_end
    if end > pos:
        out.append(Piece(text[pos:end], number))
    return out


def _unshared(text: str) -> Segment:
    words = len(tokenise(text))
    if words <= FOLD_WORDS:
        return Segment("text", (Piece(text),), words=words)
    return Segment("fold", (Piece(text),), words=words, long=words > PRINT_FOLD_WORDS)


def _column(side: str, doc: Document, words: int, pair: PairResult) -> Column:
    """Lay out one article of a pair: unshared stretches and numbered passages in order."""
    spans = []
    for number, passage in enumerate(pair.passages, 1):
        span = passage.a if side == "a" else passage.b
        marks = [
            (e.a_start, e.a_end) if side == "a" else (e.b_start, e.b_end)
            for e in passage.edits
            if e.kind != ("insert" if side == "a" else "delete")
        ]
        spans.append((span.start, span.end, number, marks))
    text = doc.text
    # Cut the text at every passage boundary: each piece between two cuts lies wholly
    # inside or outside each passage, however the passages overlap.
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    segments: list[Segment] = []
    unshared_from: int | None = None
    for lo, hi in itertools.pairwise(cuts):
        covering = [(n, marks) for s, e, n, marks in spans if s <= lo and hi <= e]
        if not covering:
            unshared_from = lo if unshared_from is None else unshared_from
            continue
        if unshared_from is not None:
            segments.append(_unshared(text[unshared_from:lo]))
            unshared_from = None
        number, marks = min(covering)
        starts = tuple(sorted(n for s, _, n, _ in spans if s == lo))
        pieces = tuple(_pieces(text, lo, hi, marks, number))
        segments.append(Segment("passage", pieces, number=number, starts=starts))
    if unshared_from is not None and unshared_from < len(text):
        segments.append(_unshared(text[unshared_from:]))
    tokens = tokenise(text)
    total = max(1, len(tokens))

    def word_at(char: int) -> int:
        return int(np.searchsorted(tokens.starts, char))

    # Positions in words, like the percentages; a 1-unit gap keeps neighbours apart.
    strip = tuple(
        (
            n,
            round(1000 * word_at(s) / total, 1),
            max(1.0, round(1000 * (word_at(e) - word_at(s)) / total - 1, 1)),
        )
        for s, e, n, _ in sorted(spans)
    )
    return Column(side, doc, words, tuple(segments), strip)


def _found_elsewhere(result: Result, shown: list[Document]) -> dict[str, float]:
    """Share of each shown article's words inside a passage shared with any other article."""
    covered: dict[str, list[tuple[int, int]]] = {d.id: [] for d in shown}
    for pair in result.pairs:
        for passage in pair.passages:
            for span in (passage.a, passage.b):
                if span.doc_id in covered:
                    covered[span.doc_id].append((span.start, span.end))
    out = {}
    for doc in shown:
        starts = tokenise(doc.text).starts
        inside = np.zeros(starts.size, dtype=bool)
        for start, end in covered[doc.id]:
            inside |= (starts >= start) & (starts < end)
        out[doc.id] = float(inside.mean()) if starts.size else 0.0
    return out


def _articles_shown(result: Result) -> list[Document]:
    """All articles of a modest corpus; of a big one, those of the top pairs first."""
    if len(result.documents) <= ARTICLES_MAX:
        return list(result.documents)
    docs = {d.id: d for d in result.documents}
    ranked: dict[str, None] = {}
    for pair in result.pairs:
        ranked.setdefault(pair.a)
        ranked.setdefault(pair.b)
    ordered = [docs[i] for i in ranked] + [d for d in result.documents if d.id not in ranked]
    return ordered[:ARTICLES_MAX]


def _passage_matrix(result: Result) -> list[list[float | None]]:
    """Row article's share found in the column article (directional coverage)."""
    index = {d.id: i for i, d in enumerate(result.documents)}
    n = len(result.documents)
    matrix: list[list[float | None]] = [[0.0] * n for _ in range(n)]
    for i in range(n):
        matrix[i][i] = None
    for pair in result.pairs:
        i, j = index[pair.a], index[pair.b]
        matrix[i][j] = max(matrix[i][j] or 0.0, pair.a_coverage)
        matrix[j][i] = max(matrix[j][i] or 0.0, pair.b_coverage)
    return matrix


def _asset(name: str) -> str:
    return resources.files("reuse.render").joinpath("templates", name).read_text(encoding="utf-8")


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reuse.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = _percent
    env.filters["scale"] = _scale
    return env


def render_html(result: Result, *, pair_views: int = DEFAULT_PAIR_VIEWS) -> str:
    """Return the whole comparison as one self-contained HTML page.

    Args:
        result: what `reuse.compare` returned.
        pair_views: how many top-ranked pairs get a side-by-side view (the rest are
            listed and ranked); keeps the file a reasonable size on big corpora.

    Returns:
        The page; the same result gives the same bytes.
    """
    words = dict(zip((d.id for d in result.documents), result.words, strict=True))
    docs = {d.id: d for d in result.documents}
    sharing = [p for p in result.pairs if p.passages]
    views: list[PairView] = []
    budget = PAIR_VIEW_CHARS
    for rank, pair in enumerate(sharing[:pair_views], 1):
        budget -= len(docs[pair.a].text) + len(docs[pair.b].text)
        if budget < 0 and views:
            break
        a = _column("a", docs[pair.a], words[pair.a], pair)
        views.append(PairView(rank, pair, a, _column("b", docs[pair.b], words[pair.b], pair)))
    index = {d.id: i for i, d in enumerate(result.documents)}
    # A matrix cell links to its pair's view, or to its row in the ranking when the pair
    # is ranked below the views.
    pair_anchor: dict[frozenset[str], str] = {}
    for rank, p in enumerate(sharing, 1):
        anchor = f"pair-{rank}" if rank <= len(views) else f"rank-{rank}"
        pair_anchor.setdefault(frozenset((p.a, p.b)), anchor)
    links = [
        [pair_anchor.get(frozenset((row.id, col.id))) for col in result.documents]
        for row in result.documents
    ]
    shown = _articles_shown(result)
    css, script = _asset("report.css"), _asset("report.js")
    csp = (
        "default-src 'none'; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = _environment().get_template("report.html.j2")
    return template.render(
        result=result,
        words=words,
        articles=shown,
        hidden_articles=len(result.documents) - len(shown),
        elsewhere=_found_elsewhere(result, shown),
        show_matrices=len(result.documents) <= MATRIX_MAX,
        passage_matrix=_passage_matrix(result),
        topic=result.topic,
        links=links,
        index=index,
        views=views,
        sharing=sharing,
        hidden_views=len(sharing) - len(views),
        looks=PASSAGE_LOOKS,
        css=css,
        script=script,
        csp=csp,
        settings=result.settings,
    )

"""The terminal view: ranked pairs, passages side by side with a word-level diff, topics.

Differences are marked by style AND by text, never by colour alone: words only in A
are struck through and wrapped as ``[-word-]``, words only in B are underlined and
wrapped as ``{+word+}`` (the wdiff convention), so the diff survives ``NO_COLOR``,
pipes and screen readers.
"""

from __future__ import annotations

import re

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from reuse.model import Document, PairResult, Passage, Result

__all__ = ["render_result"]

_SPACE = re.compile(r"\s+")
A_ONLY = "strike bold red"
B_ONLY = "underline bold green"
TOPIC_MATRIX_MAX = 15
ARTICLES_MAX = 50
RANKED_MAX = 50


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text)


def _side(
    doc: Document,
    start: int,
    end: int,
    marks: list[tuple[int, int]],
    style: str,
    opener: str,
    closer: str,
) -> Text:
    """The passage ``doc.text[start:end]`` with ``marks`` (char ranges) styled and wrapped."""
    out = Text()
    pos = start
    for m_start, m_end in sorted(marks):
        if m_end <= m_start:
            continue
        out.append(_flat(doc.text[pos:m_start]))
        out.append(opener + _flat(doc.text[m_start:m_end]) + closer, style=style)
        pos = m_end
    out.append(_flat(doc.text[pos:end]))
    return out


def _passage_view(number: int, passage: Passage, a: Document, b: Document) -> Table:
    a_marks = [(e.a_start, e.a_end) for e in passage.edits if e.kind != "insert"]
    b_marks = [(e.b_start, e.b_end) for e in passage.edits if e.kind != "delete"]
    title = (
        f"Passage {number}: {passage.words} words in A (chars {passage.a.start}-{passage.a.end}), "
        f"{passage.b_words} in B (chars {passage.b.start}-{passage.b.end}), "
        f"{_pct(passage.identity)} identical, {len(passage.edits)} edit"
        f"{'' if len(passage.edits) == 1 else 's'}"
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE, expand=True)
    table.add_column(Text("A: " + a.id), ratio=1)
    table.add_column(Text("B: " + b.id), ratio=1)
    table.add_row(
        _side(a, passage.a.start, passage.a.end, a_marks, A_ONLY, "[-", "-]"),
        _side(b, passage.b.start, passage.b.end, b_marks, B_ONLY, "{+", "+}"),
    )
    return table


def _pair_view(rank: int, pair: PairResult, docs: dict[str, Document]) -> Panel:
    a, b = docs[pair.a], docs[pair.b]
    parts: list[Text | Table] = [
        Text(
            f"{_pct(pair.a_coverage)} of A is in B, {_pct(pair.b_coverage)} of B is in A; "
            f"topic similarity {pair.topic_similarity:.2f}"
        )
    ]
    if not pair.passages:
        parts.append(Text("No shared passage."))
    for number, passage in enumerate(pair.passages, 1):
        parts.append(_passage_view(number, passage, a, b))
    title = Text(f"Pair {rank}: A = {a.id}  B = {b.id}")
    return Panel(Group(*parts), title=title, title_align="left")


def _pairs_table(result: Result) -> Table:
    table = Table(title="Pairs sharing passages (copied text)", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("A", overflow="fold")
    table.add_column("B", overflow="fold")
    for name, justify in (
        ("shared words", "right"),
        ("A in B", "right"),
        ("B in A", "right"),
        ("passages", "right"),
        ("topic", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for rank, pair in enumerate(result.pairs[:RANKED_MAX], 1):
        table.add_row(
            str(rank),
            Text(pair.a),
            Text(pair.b),
            str(pair.shared_words),
            _pct(pair.a_coverage),
            _pct(pair.b_coverage),
            str(len(pair.passages)),
            f"{pair.topic_similarity:.2f}",
        )
    return table


def _articles_table(result: Result) -> Table:
    table = Table(title="Articles", title_justify="left")
    table.add_column("id", overflow="fold")
    table.add_column("title", overflow="fold")
    table.add_column("words", justify="right")
    for doc, words in zip(result.documents, result.words, strict=True):
        table.add_row(Text(doc.id), Text(doc.title or ""), str(words))
    return table


def _topic_table(result: Result) -> Table | Text:
    if result.topic is None or len(result.topic.ids) > TOPIC_MATRIX_MAX:
        return Text(
            "Topic similarity matrix: not shown for this many articles "
            "(each pair's value is in the table above; use --format json for the matrix)."
        )
    ids = result.topic.ids
    table = Table(
        title="Same topic (TF-IDF cosine, 0-1): similar subject matter, NOT evidence of copying",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("article")
    for n in range(1, len(ids) + 1):
        table.add_column(str(n), justify="right")
    for n, (doc_id, row) in enumerate(zip(ids, result.topic.matrix, strict=True), 1):
        table.add_row(
            str(n), Text(doc_id), *("-" if i == n - 1 else f"{v:.2f}" for i, v in enumerate(row))
        )
    return table


def render_result(result: Result, console: Console, *, max_pairs: int = 10) -> None:
    """Print ``result`` to ``console``: ranking, the top pairs' passages, then topics."""
    docs = {d.id: d for d in result.documents}
    n_docs = len(result.documents)
    if n_docs <= ARTICLES_MAX:
        console.print(_articles_table(result))
    if result.pairs:
        console.print(_pairs_table(result))
        if len(result.pairs) > RANKED_MAX:
            console.print(
                f"{len(result.pairs) - RANKED_MAX} more pairs share passages; "
                "use --format json, jsonl or csv for all of them."
            )
    else:
        console.print(
            f"No shared passages of {result.settings.get('min_words')} words or more "
            f"among {n_docs} article{'' if n_docs == 1 else 's'}."
        )
    shown = result.pairs[:max_pairs]
    for rank, pair in enumerate(shown, 1):
        console.print(_pair_view(rank, pair, docs))
    if len(result.pairs) > len(shown):
        console.print(
            f"{len(result.pairs) - len(shown)} more pair(s) not shown; "
            "use --show N or --format json."
        )
    console.print(_topic_table(result))

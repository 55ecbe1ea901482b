"""Machine-readable output: JSON, JSON Lines and CSV.

The JSON field names are a contract users' scripts rely on: fields may be added,
never renamed. Floats are rounded to 4 decimals; output is byte-for-byte
deterministic for the same result.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from reuse.model import EDIT_KINDS, Edits, PairResult, Passage, Progress, Result

__all__ = [
    "CSV_COLUMNS",
    "pair_dict",
    "pair_json",
    "passage_dict",
    "result_dict",
    "write_csv",
    "write_json",
    "write_jsonl",
]

CSV_COLUMNS = (
    "a",
    "b",
    "passage",
    "a_start",
    "a_end",
    "b_start",
    "b_end",
    "words",
    "b_words",
    "identity",
    "a_coverage",
    "b_coverage",
    "topic_similarity",
    "a_text",
    "b_text",
)


# Stands in for the matrix while the rest is indented; json.dumps escapes NUL inside any
# real string, so no article text or id can look like it.
_MATRIX = "\u0000matrix\u0000"


def _r(value: float) -> float:
    return round(value, 4)


def passage_dict(passage: Passage) -> dict[str, Any]:
    """Return one passage as the JSON contract shapes it."""
    return {
        "a": [passage.a.start, passage.a.end],
        "b": [passage.b.start, passage.b.end],
        "words": passage.words,
        "b_words": passage.b_words,
        "matched_words": passage.matched_words,
        "identity": _r(passage.identity),
        "edits": [
            {"kind": e.kind, "a": [e.a_start, e.a_end], "b": [e.b_start, e.b_end]}
            for e in passage.edits
        ],
    }


def pair_dict(pair: PairResult) -> dict[str, Any]:
    """Return one pair as the JSON contract shapes it."""
    return {
        "a": pair.a,
        "b": pair.b,
        "shared_words": pair.shared_words,
        "b_shared_words": pair.b_shared_words,
        "a_coverage": _r(pair.a_coverage),
        "b_coverage": _r(pair.b_coverage),
        "topic_similarity": _r(pair.topic_similarity),
        "resemblance": _r(pair.resemblance),
        "passages": [passage_dict(p) for p in pair.passages],
    }


# Pairs written between two progress reports.
_PROGRESS_EVERY = 1_000


def _reporting(pairs: Sequence[PairResult], progress: Progress | None) -> Iterator[PairResult]:
    """The pairs, reporting progress on the way; done is reported by the caller."""
    for n, pair in enumerate(pairs):
        if progress is not None and n % _PROGRESS_EVERY == 0:
            progress("writing", n, len(pairs))
        yield pair


def result_dict(result: Result, *, progress: Progress | None = None) -> dict[str, Any]:
    """Return the whole result as the JSON contract shapes it."""
    documents = [
        {
            "id": d.id,
            "path": d.path,
            "title": d.title,
            "words": words,
            "chars": len(d.text),
            "sha256": d.sha256,
            "date": d.date,
            "outlet": d.outlet,
            "url": d.url,
        }
        for d, words in zip(result.documents, result.words, strict=True)
    ]
    topic = None
    if result.topic is not None:
        topic = {
            "ids": list(result.topic.ids),
            "matrix": [[_r(v) for v in row] for row in result.topic.matrix],
        }
    return {
        "reuse": {"settings": result.settings},
        "documents": documents,
        "pairs": [pair_dict(p) for p in _reporting(result.pairs, progress)],
        "topic_similarity": topic,
        "notices": [
            {"source": n.source, "message": n.message, "skipped": n.skipped} for n in result.notices
        ],
    }


def write_json(result: Result, out: TextIO, *, progress: Progress | None = None) -> None:
    """Write the result as one indented JSON document; each matrix row on one line."""
    data = result_dict(result, progress=progress)
    topic = data["topic_similarity"]
    rows = ""
    if topic is not None:
        # One number per line would make the matrix most of the file at a few
        # thousand documents; one row per line keeps it readable and compact.
        rows = ",\n".join("      " + json.dumps(row) for row in topic["matrix"])
        topic["matrix"] = _MATRIX
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if topic is not None:
        text = text.replace(json.dumps(_MATRIX), f"[\n{rows}\n    ]" if rows else "[]", 1)
    out.write(text)
    out.write("\n")
    if progress is not None:
        progress("writing", len(result.pairs), len(result.pairs))


def pair_json(pair: PairResult) -> str:
    """``json.dumps(pair_dict(pair), ensure_ascii=False)``, byte for byte, written
    directly: a large corpus reports a hundred thousand pairs with dozens of edits each,
    and building a dict per edit took most of the time spent writing them."""
    passages = []
    for p in pair.passages:
        edits = _edits_json(p.edits)
        passages.append(
            f'{{"a": [{p.a.start}, {p.a.end}], "b": [{p.b.start}, {p.b.end}], '
            f'"words": {p.words}, "b_words": {p.b_words}, "matched_words": {p.matched_words}, '
            f'"identity": {_number(p.identity)}, "edits": [{edits}]}}'
        )
    return (
        f'{{"a": {_string(pair.a)}, "b": {_string(pair.b)}, '
        f'"shared_words": {pair.shared_words}, "b_shared_words": {pair.b_shared_words}, '
        f'"a_coverage": {_number(pair.a_coverage)}, "b_coverage": {_number(pair.b_coverage)}, '
        f'"topic_similarity": {_number(pair.topic_similarity)}, '
        f'"resemblance": {_number(pair.resemblance)}, "passages": [{", ".join(passages)}]}}'
    )


# What ``json.dumps(s, ensure_ascii=False)`` returns for a string, without the encoder
# object it builds on every call.
_string = json.encoder.encode_basestring
# One template per kind of edit (in the order of their codes), its four offsets left to
# fill: a passage's edits are then written by one format of all their offsets.
_EDIT_TEMPLATES = tuple(
    f'{{"kind": "{kind}", "a": [%d, %d], "b": [%d, %d]}}' for kind in EDIT_KINDS
)


def _edits_json(edits: Edits) -> str:
    """The edits as `pair_dict` would have ``json.dumps`` write them, between brackets."""
    kinds, offsets = edits.raw()
    template = ", ".join(map(_EDIT_TEMPLATES.__getitem__, kinds))
    return template % tuple(memoryview(offsets).cast("q")) if kinds else ""


def _number(value: float) -> str:
    """``json.dumps(_r(value))``, which writes a finite float as its repr."""
    rounded = round(value, 4)
    if isinstance(rounded, float) and math.isfinite(rounded):
        return float.__repr__(rounded)
    return json.dumps(rounded)


def write_jsonl(
    result: Result, out: TextIO, *, progress: Progress | None = None, workers: int = 1
) -> None:
    """Write one JSON object per reported pair, one per line; formatted by ``workers``
    processes (0: one per core) when there are many pairs, with the same bytes."""
    for text in _rendered(result.pairs, _jsonl_lines, {}, workers, progress):
        out.write(text)


def _jsonl_lines(pairs: Sequence[PairResult], texts: Mapping[str, str]) -> str:
    return "".join([pair_json(pair) + "\n" for pair in pairs])


def write_csv(
    result: Result, out: TextIO, *, progress: Progress | None = None, workers: int = 1
) -> None:
    """Write one row per passage, with both passages' text for spreadsheet readers;
    formatted by ``workers`` processes (0: one per core) when there are many pairs."""
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    texts = {d.id: d.text for d in result.documents}
    for text in _rendered(result.pairs, _csv_rows, texts, workers, progress):
        out.write(text)


def _csv_rows(pairs: Sequence[PairResult], texts: Mapping[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for pair in pairs:
        if not pair.passages:
            # Only under --pairs: a listed pair sharing nothing still gets its row.
            writer.writerow(
                [
                    pair.a,
                    pair.b,
                    0,
                    "",
                    "",
                    "",
                    "",
                    0,
                    0,
                    0.0,
                    0.0,
                    0.0,
                    _r(pair.topic_similarity),
                    "",
                    "",
                ]
            )
        for number, p in enumerate(pair.passages, 1):
            writer.writerow(
                [
                    pair.a,
                    pair.b,
                    number,
                    p.a.start,
                    p.a.end,
                    p.b.start,
                    p.b.end,
                    p.words,
                    p.b_words,
                    _r(p.identity),
                    _r(pair.a_coverage),
                    _r(pair.b_coverage),
                    _r(pair.topic_similarity),
                    texts[pair.a][p.a.start : p.a.end],
                    texts[pair.b][p.b.start : p.b.end],
                ]
            )
    return out.getvalue()


_Render = Callable[[Sequence[PairResult], Mapping[str, str]], str]
# Pairs formatted at a time, and the fewest pairs worth starting processes for (a
# process costs about as much as formatting a few thousand pairs).
_RENDER_CHUNK = 2_000
_PARALLEL_FROM = 20_000
# What worker processes format, by a token of its own: set before they start, so
# they inherit it instead of receiving every pair through a pipe.
_rendering: dict[int, tuple[Sequence[PairResult], _Render, Mapping[str, str]]] = {}
_tokens = itertools.count()


def _render_span(task: tuple[int, int, int]) -> str:
    token, start, end = task
    pairs, render, texts = _rendering[token]
    return render(pairs[start:end], texts)


def _rendered(
    pairs: Sequence[PairResult],
    render: _Render,
    texts: Mapping[str, str],
    workers: int,
    progress: Progress | None,
) -> Iterator[str]:
    """``render`` of the pairs a chunk at a time, in order: in this process, or in
    ``workers`` forked ones (0: one per core) when there are enough pairs to gain."""
    spans = [
        (start, min(start + _RENDER_CHUNK, len(pairs)))
        for start in range(0, len(pairs), _RENDER_CHUNK)
    ]
    processes = workers or os.cpu_count() or 1
    parallel = (
        processes > 1
        and len(pairs) >= _PARALLEL_FROM
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not parallel:
        texts_of: Iterator[str] = (render(pairs[a:b], texts) for a, b in spans)
        yield from _reported(spans, texts_of, len(pairs), progress)
        return
    token = next(_tokens)
    _rendering[token] = (pairs, render, texts)
    try:
        with multiprocessing.get_context("fork").Pool(min(processes, len(spans))) as pool:
            texts_of = pool.imap(_render_span, [(token, a, b) for a, b in spans])
            yield from _reported(spans, texts_of, len(pairs), progress)
    finally:
        del _rendering[token]


def _reported(
    spans: list[tuple[int, int]], texts: Iterator[str], total: int, progress: Progress | None
) -> Iterator[str]:
    for (start, _), text in zip(spans, texts, strict=True):
        if progress is not None:
            progress("writing", start, total)
        yield text
    if progress is not None:
        progress("writing", total, total)

"""Data formats and the terminal view."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import reuse
from reuse.model import Document, Edit, PairResult, Passage, Result, Span
from reuse.render.data import CSV_COLUMNS, write_csv, write_json, write_jsonl
from reuse.render.terminal import render_result

SHARED = (
    'The council said, "the bridge will close on Monday", and added that\nrepairs '
    "would take three weeks while ferries carry commuters across the river, officials said"
)


def corpus(n_unrelated: int = 0) -> list[Document]:
    rng = random.Random(1)
    filler = [" ".join(f"x{rng.randrange(10**6)}" for _ in range(40)) for _ in range(3)]
    docs = [
        Document("one", f"{filler[0]}. {SHARED}. {filler[1]}"),
        Document("two", f"{filler[2]}\n{SHARED.replace('three', 'four')}"),
    ]
    for n in range(n_unrelated):
        docs.append(Document(f"z{n:02d}", " ".join(f"y{rng.randrange(10**6)}" for _ in range(30))))
    return docs


def result(n_unrelated: int = 0, **kwargs: int) -> Result:
    return reuse.compare(corpus(n_unrelated), reuse.Settings(**kwargs))


def plain(res: Result, **kwargs: int) -> str:
    out = io.StringIO()
    render_result(res, Console(file=out, width=100, color_system=None), **kwargs)
    return out.getvalue()


def test_csv_round_trips_passage_text_with_quotes_commas_and_newlines() -> None:
    out = io.StringIO()
    res = result()
    write_csv(res, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    texts = {d.id: d.text for d in res.documents}
    (row,) = rows
    assert row["a_text"] == texts["one"][int(row["a_start"]) : int(row["a_end"])]
    assert '"the bridge will close on Monday"' in row["a_text"]
    assert "\n" in row["b_text"]


def test_json_rounds_floats_and_is_valid() -> None:
    out = io.StringIO()
    res = result()
    write_json(res, out)
    data = json.loads(out.getvalue())
    coverage = data["pairs"][0]["a_coverage"]
    assert coverage == round(coverage, 4) != res.pairs[0].a_coverage
    texts = {d.id: d.text for d in res.documents}
    (edit,) = data["pairs"][0]["passages"][0]["edits"]
    assert edit["kind"] == "replace"
    assert texts["one"][slice(*edit["a"])] == "three"
    assert texts["two"][slice(*edit["b"])] == "four"


def test_jsonl_writes_nothing_without_pairs() -> None:
    out = io.StringIO()
    write_jsonl(result(min_words=200), out)
    assert out.getvalue() == ""


def test_terminal_marks_edits_by_text_without_colour() -> None:
    text = plain(result())
    assert "[-three-]" in text and "{+four+}" in text
    assert "Pairs sharing passages" in text


def test_terminal_lists_articles_with_titles() -> None:
    docs = [Document("one", corpus()[0].text, title="Bridge closes"), corpus()[1]]
    text = plain(reuse.compare(docs))
    assert "Articles" in text and "Bridge closes" in text


def test_terminal_caps_the_ranking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reuse.render.terminal.RANKED_MAX", 0)
    text = plain(result(), max_pairs=0)
    assert "1 more pairs share passages" in text


@pytest.mark.parametrize(
    "number",
    [
        0,
        1,
        0.5,
        1 / 3,
        2.00004999,
        1e-7,
        123456.789,
        float("nan"),
        float("inf"),
        np.float64(0.1234567),
    ],
)
def test_jsonl_numbers_are_those_of_json(number: float) -> None:
    from reuse.render.data import pair_dict, pair_json

    edit = Edit("replace", 3, 5, 4, 7)
    passage = Passage(
        Span("a", 0, 9), Span("b", 1, 12), 2, 3, 1, (edit, edit._replace(kind="insert"))
    )
    pair = PairResult("a", "b", 2, 3, number, number, number, number, (passage,))
    assert pair_json(pair) == json.dumps(pair_dict(pair), ensure_ascii=False)


def test_terminal_says_when_nothing_is_shared() -> None:
    text = plain(result(min_words=200))
    assert "No shared passages of 200 words or more among 2 articles." in text


def test_terminal_limits_pairs_shown_and_large_topic_matrix() -> None:
    text = plain(result(n_unrelated=20), max_pairs=0)
    assert "1 more pair(s) not shown" in text
    assert "Topic similarity matrix: not shown" in " ".join(text.split())


@pytest.mark.parametrize("ids", [("a", "b"), ('q"uote\\', "naïve\u0000日本\u2028")])
def test_each_jsonl_line_is_exactly_the_json_of_its_pair(ids: tuple[str, str]) -> None:
    from reuse.render.data import pair_dict, pair_json

    rng = random.Random(5)
    words = [f"w{rng.randrange(10**6)}" for _ in range(200)]
    edited = list(words)
    for spot in range(7, 190, 11):  # a substitution every 11 words: many edits
        edited[spot] = f"x{spot}"
    del edited[50]
    edited.insert(120, "inserted")
    docs = [Document(ids[0], " ".join(words)), Document(ids[1], " ".join(edited))]
    result = reuse.compare(docs)
    (pair,) = result.pairs
    assert sum(len(p.edits) for p in pair.passages) > 10
    assert pair_json(pair) == json.dumps(pair_dict(pair), ensure_ascii=False)
    buffer = io.StringIO()
    write_jsonl(result, buffer)
    assert json.loads(buffer.getvalue()) == pair_dict(pair)


@pytest.mark.parametrize("writer", [write_json, write_jsonl, write_csv])
def test_writers_report_progress_and_write_the_same_bytes(writer: Any) -> None:
    from reuse.render import data

    res = result(n_unrelated=3)
    plain_out, reported_out = io.StringIO(), io.StringIO()
    writer(res, plain_out)
    seen: list[tuple[str, int, int]] = []
    writer(res, reported_out, progress=lambda *args: seen.append(args))
    assert reported_out.getvalue() == plain_out.getvalue()
    total = len(res.pairs)
    assert total and seen[0] == ("writing", 0, total) and seen[-1] == ("writing", total, total)
    # A large result reports as it goes, not only at the end.
    copies = 3 * max(data._PROGRESS_EVERY, data._RENDER_CHUNK) // len(res.pairs) + 500
    many = Result(res.documents, res.words, res.pairs * copies, res.topic, res.settings)
    seen.clear()
    writer(many, io.StringIO(), progress=lambda *args: seen.append(args))
    done = [d for _, d, _ in seen]
    assert len(done) > 3 and done == sorted(done) and done[-1] == len(many.pairs)
    assert len(many.pairs) > data._PROGRESS_EVERY


@pytest.mark.parametrize("writer", [write_jsonl, write_csv])
def test_many_pairs_are_formatted_on_several_cores_with_the_same_bytes(
    writer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reuse.render import data
    from tests.test_pipeline import _planted_corpus

    monkeypatch.setattr(data, "_PARALLEL_FROM", 10)
    monkeypatch.setattr(data, "_RENDER_CHUNK", 7)
    res = reuse.compare(_planted_corpus(60, seed=4))
    assert len(res.pairs) > 3 * data._RENDER_CHUNK
    outputs = []
    for workers in (1, 2, 3, 0):
        out = io.StringIO()
        writer(res, out, workers=workers)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]


def test_formatting_runs_in_worker_processes_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from reuse.render import data

    monkeypatch.setattr(data, "_PARALLEL_FROM", 10)
    monkeypatch.setattr(data, "_RENDER_CHUNK", 3)
    pairs = result().pairs * 40

    def render(chunk: Any, texts: Any) -> str:
        return f"{len(chunk)}:{os.getpid()},"

    parts = list(data._rendered(pairs, render, {}, 2, None))
    assert [int(p.split(":")[0]) for p in parts] == [3] * 13 + [1]
    pids = {int(p.split(":")[1].rstrip(",")) for p in parts}
    assert os.getpid() not in pids and len(pids) >= 1
    # Too few pairs, or one worker: formatted here.
    serial = list(data._rendered(pairs[:9], render, {}, 2, None))
    serial += list(data._rendered(pairs, render, {}, 1, None))
    assert {int(p.split(":")[1].rstrip(",")) for p in serial} == {os.getpid()}
    assert not data._rendering  # nothing left behind


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete"]),
            *[st.integers(0, 2**40)] * 4,
        ),
        max_size=8,
    )
)
def test_jsonl_edits_are_those_of_json_however_many(rows: list[tuple]) -> None:
    """No edit, one, several of every kind, large offsets: written as json would."""
    from reuse.render.data import pair_dict, pair_json

    passage = Passage(Span("a", 0, 2**41), Span("b", 0, 2**41), 5, 5, 4, rows)
    pair = PairResult("a", "b", 5, 5, 0.5, 0.5, 0.1, 0.2, (passage, passage))
    assert pair_json(pair) == json.dumps(pair_dict(pair), ensure_ascii=False)

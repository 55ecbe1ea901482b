"""The HTML report as text: self-contained, escaped, deterministic, sized."""

from __future__ import annotations

import base64
import hashlib
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import reuse
from reuse.cli import app
from reuse.model import Document, Result
from reuse.render import html as html_module
from reuse.render.html import render_html
from tests.conftest import SEEDS

HOSTILE = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> </textarea> "
    '"quoted" & <b>bold</b> {{ 7*7 }} {% raw %}'
)


def _filler(rng: random.Random, n: int) -> str:
    return " ".join(f"w{rng.randrange(10**6)}" for _ in range(n))


@pytest.fixture(scope="module")
def seeds_result(seed_documents: list[Document]) -> Result:
    return reuse.compare(seed_documents)


def hostile_result() -> Result:
    rng = random.Random(3)
    shared = _filler(rng, 40)
    docs = [
        Document("<b>a</b>", f"{HOSTILE}\n{shared}\n{_filler(rng, 30)}", title=HOSTILE),
        Document("b.txt", f"{_filler(rng, 30)} {shared} {HOSTILE}", outlet=HOSTILE),
    ]
    return reuse.compare(docs)


def test_report_is_deterministic(seeds_result: Result, seed_documents: list[Document]) -> None:
    again = reuse.compare(seed_documents)
    assert render_html(seeds_result) == render_html(again)


def test_inline_assets_are_pinned_by_the_csp(seeds_result: Result) -> None:
    page = render_html(seeds_result)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1).replace("&#39;", "'")
    assert "default-src 'none'" in policy
    for tag in ("style", "script"):
        (body,) = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.S)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy


def test_nothing_is_loaded_from_elsewhere(seeds_result: Result) -> None:
    page = render_html(seeds_result)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert ' style="' not in page  # no inline styles: the CSP allows none


def test_article_text_is_escaped_everywhere() -> None:
    page = render_html(hostile_result())
    body = page.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    assert "<script>" not in body
    assert "<img" not in body
    assert "</textarea>" not in body
    assert "<b>" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "{{ 7*7 }}" in body  # article text is data, never template code


def anchors_resolve(page: str) -> None:
    """Every in-page link and twin names an element that exists."""
    ids = set(re.findall(r' id="([^"]+)"', page))
    targets = re.findall(r'href="#([^"]+)"', page) + re.findall(r'data-twin="([^"]+)"', page)
    assert targets and set(targets) <= ids, set(targets) - ids


def test_passages_carry_the_same_number_in_both_columns(seeds_result: Result) -> None:
    page = render_html(seeds_result)
    for n in (1, 2, 3):
        for side, other in (("a", "b"), ("b", "a")):
            assert f'id="p1-{side}-{n}"' in page
            assert f'data-twin="p1-{other}-{n}"' in page
            assert f'href="#p1-{other}-{n}"' in page
    assert 'id="p1-a-4"' not in page
    anchors_resolve(page)


def test_overlapping_passages_each_keep_an_anchor_on_both_sides() -> None:
    # A paragraph repeated in B is shared twice by the same text of A.
    rng = random.Random(6)
    paragraph = _filler(rng, 40)
    a = Document("a", f"{_filler(rng, 20)}\n{paragraph}\n{_filler(rng, 20)}")
    b = Document("b", f"{paragraph}\n{_filler(rng, 30)}\n{paragraph}")
    result = reuse.compare([a, b])
    (pair,) = result.pairs
    assert len(pair.passages) == 2
    page = render_html(result)
    for n in (1, 2):
        assert f'id="p1-a-{n}"' in page and f'id="p1-b-{n}"' in page
    anchors_resolve(page)


def test_edits_are_marked_inside_passages(seeds_result: Result) -> None:
    page = render_html(seeds_result)
    assert '<ins title="not in A">illegally</ins>' in page
    assert '<del title="not in B">is</del>' in page
    assert '<ins title="not in A">was</ins>' in page


def test_promo_lines_lie_outside_passages(seeds_result: Result) -> None:
    page = render_html(seeds_result)
    for mark in re.findall(r"<mark.*?</mark>", page, flags=re.S):
        assert "Also Read" not in mark


def test_long_unshared_stretches_fold(seeds_result: Result) -> None:
    page = render_html(seeds_result)
    folds = re.findall(r"<summary>(\d+) words not shared</summary>", page)
    cjk = render_html(
        reuse.compare(
            [
                Document("x", "東京" * 200 + "。" + "大阪の知事は本日会見した" * 10),
                Document("y", "大阪の知事は本日会見した" * 10),
            ]
        )
    )
    assert "<details" in cjk  # unspaced text folds too, counted in characters
    assert folds and all(int(n) > html_module.FOLD_WORDS for n in folds)


def test_pair_views_are_limited_but_every_pair_is_ranked() -> None:
    rng = random.Random(4)
    shared = _filler(rng, 40)
    docs = [Document(f"d{n}", f"{_filler(rng, 20)} {shared} {_filler(rng, 20)}") for n in range(3)]
    result = reuse.compare(docs)
    assert len(result.pairs) == 3
    page = render_html(result, pair_views=1)
    assert page.count('<article class="pair"') == 1
    assert page.count('<tr id="rank-') == 3
    assert "2 more pairs ranked above without a side-by-side view" in page
    # A matrix cell of a pair without a view links to its ranking row.
    assert 'href="#rank-2"' in page and 'href="#pair-2"' not in page


def test_big_corpora_drop_matrices_and_cap_articles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_module, "MATRIX_MAX", 2)
    monkeypatch.setattr(html_module, "ARTICLES_MAX", 2)
    result = hostile_result()
    extra = reuse.compare([*result.documents, Document("c", "lone words here")])
    page = render_html(extra)
    assert 'id="shares"' not in page and 'id="topic"' not in page
    assert "1 more article is not listed here" in page


def test_cli_writes_the_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["compare", str(SEEDS), "--html", str(target), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}" in " ".join(result.stderr.split())
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert '"pairs"' in result.stdout


def test_listed_pairs_sharing_nothing_are_counted_apart() -> None:
    rng = random.Random(7)
    shared = _filler(rng, 40)
    docs = [
        Document("a", f"{_filler(rng, 20)} {shared}"),
        Document("b", f"{shared} {_filler(rng, 20)}"),
        Document("c", _filler(rng, 50)),
    ]
    result = reuse.compare(docs, pairs=[("a", "b"), ("a", "c"), ("b", "a")])
    page = render_html(result)
    assert "3 articles compared; 2 pairs share passages." in page
    assert "1 listed pair shares no passage." in page
    assert page.count('<article class="pair"') == 2


def test_input_strings_are_isolated_for_bidirectional_text() -> None:
    result = hostile_result()
    doc = Document("rtl\u202eevil", "x", title="Title \u202e reversed")
    page = render_html(reuse.compare([*result.documents, doc]))
    assert (
        "<bdi>Title \u202e reversed</bdi>" in page
        or '<bdi class="title">Title \u202e reversed</bdi>' in page
    )
    assert 'dir="auto"' in page

"""Acceptance on the bundled sample corpus, and on a perturbed copy of it."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

import reuse
from reuse.corpus import load
from reuse.model import Document, Result
from tests.conftest import SEEDS
from tests.helpers import find_pair, phrase_word_range, side, words_of

WIRE_A, WIRE_B = "002_613337a6ab66b71b.txt", "004_6623b29a815e021a.txt"
# The three Anadolu passages, by their first and last words in 002.
EXPECTED = [
    ("The Karabakh region had been", "injured 487 others"),
    ("Some 150 of the 1,275", "deliberate crime of genocide"),
    ("It further said", "it added"),
]
UNRELATED = [
    "Local bakeries reported a sharp rise in flour prices after the autumn harvest failed "
    "across the northern valleys and mills ran short of grain.",
    "The city council postponed its vote on the new cycling lanes until engineers finish "
    "a survey of the bridges along the river embankment.",
    "A travelling exhibition of medieval maps opens next week at the regional library, "
    "with guided tours for schools on Tuesday and Thursday mornings.",
]


def check_wire_pair(result: Result, copy: Document, wire: Document, excluded: list[str]) -> None:
    """The 002/004 acceptance: three whole passages, boundaries within 3 words."""
    pair, copy_is_a = find_pair(result, copy.id, wire.id)
    assert len(pair.passages) == 3
    passages = sorted(pair.passages, key=lambda p: side(p, copy_is_a))
    for passage, (first, last) in zip(passages, EXPECTED, strict=True):
        for doc, is_a in ((copy, copy_is_a), (wire, not copy_is_a)):
            expected = phrase_word_range(doc, first, last)
            got = words_of(doc, *side(passage, is_a))
            assert abs(got[0] - expected[0]) <= 3, (doc.id, first, got, expected)
            assert abs(got[1] - expected[1]) <= 3, (doc.id, last, got, expected)
    for text in excluded:
        start = copy.text.index(text)
        for passage in pair.passages:
            p_start, p_end = side(passage, copy_is_a)
            assert p_end <= start or p_start >= start + len(text), text
    copy_cov = pair.a_coverage if copy_is_a else pair.b_coverage
    wire_cov = pair.b_coverage if copy_is_a else pair.a_coverage
    assert 0.68 <= copy_cov <= 0.85
    assert 0.33 <= wire_cov <= 0.45


def check_no_other_reuse(result: Result, copy: Document, wire: Document) -> None:
    for pair in result.pairs:
        if {pair.a, pair.b} != {copy.id, wire.id}:
            assert max(pair.a_coverage, pair.b_coverage) <= 0.10, pair


def test_seed_wire_passages(seed_documents: list[Document]) -> None:
    result = reuse.compare(seed_documents)
    docs = {d.id: d for d in seed_documents}
    also_read = re.findall(r"Also Read:[^\n]*", docs[WIRE_A].text)
    assert len(also_read) == 3
    check_wire_pair(result, docs[WIRE_A], docs[WIRE_B], also_read)
    check_no_other_reuse(result, docs[WIRE_A], docs[WIRE_B])


def test_seed_wire_edits_are_reported(seed_documents: list[Document]) -> None:
    docs = {d.id: d for d in seed_documents}
    pair, _ = find_pair(reuse.compare(seed_documents), WIRE_A, WIRE_B)
    edits = [
        (e.kind, docs[pair.a].text[e.a_start : e.a_end], docs[pair.b].text[e.b_start : e.b_end])
        for p in pair.passages
        for e in p.edits
    ]
    assert edits == [("insert", "", "illegally"), ("replace", "is", "was")]


def test_topic_similarity_separates_story_from_unrelated(
    seed_documents: list[Document], pan13: Path
) -> None:
    controls = [
        Document(f"control-{n}", (pan13 / "src" / f"source-document0000{n}.txt").read_text())
        for n in (1, 2, 3)
    ]
    result = reuse.compare([*seed_documents, *controls])
    assert result.topic is not None
    index = {doc_id: i for i, doc_id in enumerate(result.topic.ids)}
    matrix = result.topic.matrix
    seeds = [d.id for d in seed_documents]
    story = [matrix[index[x]][index[y]] for x, y in itertools.combinations(seeds, 2)]
    unrelated = [matrix[index[s]][index[c.id]] for s in seeds for c in controls]
    assert min(story) >= 0.1
    assert min(story) > 3 * max(unrelated)


def _swap_quotes(text: str) -> str:
    """Curly quotes become straight, straight ones curly."""
    out = []
    double_open = True
    for char in text:
        if char in "\u201c\u201d":
            out.append('"')
        elif char == "\u2019":
            out.append("'")
        elif char == '"':
            out.append("\u201c" if double_open else "\u201d")
            double_open = not double_open
        elif char == "'":
            out.append("\u2019")
        else:
            out.append(char)
    return "".join(out)


def test_swap_quotes_swaps_both_ways() -> None:
    assert _swap_quotes('\u201ca\u201d "b" it\u2019s') == '"a" \u201cb\u201d it\'s'


def _reorder(text: str, keep_together: tuple[int, int]) -> str:
    """Reverse the paragraphs, keeping paragraphs ``keep_together`` (inclusive) as one unit."""
    paragraphs = re.split(r"\n{2,}", text)
    first, last = keep_together
    units = [
        *paragraphs[:first],
        "\n\n".join(paragraphs[first : last + 1]),
        *paragraphs[last + 1 :],
    ]
    return "\n\n".join(reversed(units))


def _perturbed(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    names = {
        "000": "notes/first-report.txt",
        "001": "zeta.txt",
        "002": "wire/mina copy.txt",
        "003": "b.txt",
        "004": "a-story.txt",
    }
    for source in sorted(SEEDS.glob("*.txt")):
        text = source.read_bytes().decode("utf-8")
        key = source.name[:3]
        if key == "002":
            lines = re.findall(r"Also Read:[^\n]*", text)
            for line, sentence in zip(lines, UNRELATED, strict=True):
                text = text.replace(line, sentence)
        if key == "004":
            # The Anadolu block spans paragraphs 3-6 of 004; moving a paragraph out of
            # it would split the shared passages themselves, so it moves as a unit.
            text = _reorder(text, (3, 6))
        target = tmp_path / names[key]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_swap_quotes(text).encode("utf-8"))
    return tmp_path, names


def test_perturbed_seeds(tmp_path: Path) -> None:
    folder, names = _perturbed(tmp_path)
    loaded = load([str(folder)])
    assert loaded.notices == ()
    docs = {d.id: d for d in loaded.documents}
    assert sorted(docs) == sorted(names.values())
    copy, wire = docs[names["002"]], docs[names["004"]]
    result = reuse.compare(loaded.documents)
    check_wire_pair(result, copy, wire, UNRELATED)
    check_no_other_reuse(result, copy, wire)


def test_passages_found_in_any_order(seed_documents: list[Document]) -> None:
    docs = {d.id: d for d in seed_documents}
    wire = docs[WIRE_B]
    paragraphs = re.split(r"\n{2,}", wire.text)
    # Move the paragraph holding the end of passage 2 and the start of passage 3 last.
    moved = [*paragraphs[:5], *paragraphs[6:], paragraphs[5]]
    shuffled = Document("shuffled", "\n\n".join(moved))
    original = find_pair(reuse.compare([docs[WIRE_A], wire]), WIRE_A, WIRE_B)[0]
    pair, copy_is_a = find_pair(reuse.compare([docs[WIRE_A], shuffled]), WIRE_A, "shuffled")
    assert len(pair.passages) >= 4
    coverage = pair.a_coverage if copy_is_a else pair.b_coverage
    assert abs(coverage - original.a_coverage) <= 0.03


@pytest.mark.parametrize("min_words", [15, 30])
def test_min_words_is_respected(seed_documents: list[Document], min_words: int) -> None:
    result = reuse.compare(seed_documents, reuse.Settings(min_words=min_words))
    for pair in result.pairs:
        for passage in pair.passages:
            assert passage.a_words >= min_words and passage.b_words >= min_words

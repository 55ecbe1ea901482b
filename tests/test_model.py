"""The shared types check their invariants."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reuse.model import Document, Edit, Edits, Notice, Passage, Span


def test_span_is_half_open_and_checked() -> None:
    assert len(Span("a", 3, 10)) == 7
    with pytest.raises(ValueError, match="bad span"):
        Span("a", 5, 4)
    with pytest.raises(ValueError, match="bad span"):
        Span("a", -1, 4)


def test_document_hash_is_of_utf8_text() -> None:
    doc = Document("x", "Şücayet\r\n")
    assert doc.sha256 == hashlib.sha256("Şücayet\r\n".encode()).hexdigest()
    with pytest.raises(ValueError, match="non-empty id"):
        Document("", "text")


def test_passage_identity_and_words() -> None:
    p = Passage(Span("a", 0, 10), Span("b", 0, 12), a_words=10, b_words=12, matched_words=9)
    assert p.words == 10
    assert p.identity == pytest.approx(9 / 11)
    with pytest.raises(ValueError, match="cannot match more words"):
        Passage(Span("a", 0, 1), Span("b", 0, 1), a_words=3, b_words=2, matched_words=3)


def test_notice_reads_as_source_and_message() -> None:
    assert str(Notice("x.pdf", "not supported")) == "x.pdf: not supported"


edit_rows = st.lists(
    st.tuples(
        st.sampled_from(["replace", "insert", "delete"]),
        st.integers(0, 2**40),
        st.integers(0, 2**40),
        st.integers(0, 2**40),
        st.integers(0, 2**40),
    ),
    max_size=12,
)


@given(edit_rows)
def test_edits_are_the_sequence_of_edits_they_were_given(rows: list[tuple]) -> None:
    import pickle

    edits = Edits(rows)
    expected = tuple(Edit(*row) for row in rows)
    assert len(edits) == len(rows)
    assert tuple(edits) == expected and all(type(e) is Edit for e in edits)
    assert list(edits.tuples()) == rows
    assert edits == expected and expected == edits and edits == list(expected)
    assert hash(edits) == hash(expected)
    assert [edits[n] for n in range(-len(rows), len(rows))] == list(expected * 2)
    assert edits[1:3] == expected[1:3]
    assert pickle.loads(pickle.dumps(edits)) == edits
    assert Edits.packed(edits._kinds, edits._offsets) == edits
    if rows:
        changed = [*rows[:-1], (rows[-1][0], *(n + 1 for n in rows[-1][1:]))]
        assert edits != Edits(changed) and edits != tuple(Edits(changed))
    with pytest.raises(IndexError):
        edits[len(rows)]


def test_a_passage_keeps_its_edits_compact_however_given() -> None:
    a, b = Span("a", 0, 10), Span("b", 5, 15)
    given = (Edit("replace", 1, 2, 6, 7), ("insert", 3, 3, 8, 9))
    passage = Passage(a, b, 3, 3, 2, given)
    assert isinstance(passage.edits, Edits)
    assert passage.edits == (Edit("replace", 1, 2, 6, 7), Edit("insert", 3, 3, 8, 9))
    assert passage == Passage(a, b, 3, 3, 2, Edits(given))
    assert Passage(a, b, 3, 3, 3).edits == ()


def test_edits_refuse_what_is_not_an_edit() -> None:
    with pytest.raises(ValueError, match="replace, insert or delete"):
        Edits([("swap", 1, 2, 3, 4)])
    with pytest.raises(ValueError, match="four offsets"):
        Edits([("insert", 1, 2, 3)])
    with pytest.raises(ValueError, match="packed"):
        Edits.packed(b"\x03", bytes(32))
    with pytest.raises(ValueError, match="packed"):
        Edits.packed(b"\x00", bytes(31))

"""The shared types check their invariants."""

from __future__ import annotations

import hashlib

import pytest

from reuse.model import Document, Notice, Passage, Span


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

"""Reworded reuse: sentences with the same content words in another order."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

import reuse
from reuse.fragments import find_fragments, sentences
from reuse.model import Document
from reuse.text import tokenise

VOCAB = [f"term{n}" for n in range(3000)]


def sentence(rng: random.Random, n: int = 14) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(n)]


def reword(rng: random.Random, words: list[str]) -> list[str]:
    """Shuffle a sentence's words and replace two of them."""
    out = list(words)
    rng.shuffle(out)
    for spot in rng.sample(range(len(out)), 2):
        out[spot] = rng.choice(VOCAB)
    return out


def text_of(sents: list[list[str]]) -> str:
    return " ".join(" ".join(s).capitalize() + "." for s in sents)


def fragments(a: str, b: str) -> list[tuple[int, int, int, int]]:
    ta, tb = tokenise(a), tokenise(b)
    found = find_fragments(ta, a, tb, b, threshold=0.33)
    return [(f.a_start, f.a_end, f.b_start, f.b_end) for f in found]


def test_sentences_split_at_stops_and_newlines_and_join_short_ones() -> None:
    text = "One two three four. Five six seven eight!\nNine ten. Eleven twelve thirteen fourteen"
    spans = sentences(tokenise(text), text)
    assert spans == [(0, 4), (4, 8), (8, 14)]


def test_reworded_passage_is_one_fragment() -> None:
    rng = random.Random(1)
    shared = [sentence(rng) for _ in range(5)]
    a = text_of([sentence(rng) for _ in range(6)] + shared + [sentence(rng) for _ in range(4)])
    b = text_of([sentence(rng) for _ in range(3)] + [reword(rng, s) for s in shared])
    assert fragments(a, b) == [(6 * 14, 11 * 14, 3 * 14, 8 * 14)]


def on_topic(rng: random.Random, topic: list[str], n: int = 14) -> list[str]:
    """A sentence mostly in a subject's vocabulary, as reports of one event are."""
    return [rng.choice(topic) if rng.random() < 0.7 else rng.choice(VOCAB) for _ in range(n)]


def test_two_similar_sentences_in_texts_on_one_subject_are_not_enough() -> None:
    rng = random.Random(2)
    topic = rng.sample(VOCAB, 40)
    shared = [sentence(rng) for _ in range(2)]
    a = text_of([on_topic(rng, topic) for _ in range(5)] + shared + [on_topic(rng, topic)])
    b = text_of([on_topic(rng, topic) for _ in range(5)] + [reword(rng, s) for s in shared])
    assert fragments(a, b) == []


def test_two_similar_sentences_in_otherwise_unrelated_texts_are_reuse() -> None:
    for seed in range(5):
        rng = random.Random(seed)
        shared = [sentence(rng) for _ in range(2)]
        a = text_of([sentence(rng) for _ in range(5)] + shared + [sentence(rng) for _ in range(5)])
        b = text_of([sentence(rng) for _ in range(5)] + [reword(rng, s) for s in shared])
        assert fragments(a, b) == [(5 * 14, 7 * 14, 5 * 14, 7 * 14)]


def test_one_similar_sentence_is_never_enough() -> None:
    rng = random.Random(6)
    shared = sentence(rng)
    a = text_of([sentence(rng) for _ in range(5)] + [shared] + [sentence(rng) for _ in range(5)])
    b = text_of([sentence(rng) for _ in range(5)] + [reword(rng, shared)])
    assert fragments(a, b) == []


def test_reworded_reuse_through_compare_and_switch_off() -> None:
    rng = random.Random(3)
    shared = [sentence(rng) for _ in range(5)]
    docs = [
        Document("a", text_of([sentence(rng) for _ in range(4)] + shared)),
        Document(
            "b", text_of([reword(rng, s) for s in shared] + [sentence(rng) for _ in range(4)])
        ),
    ]
    # Reworded text shares no exact shingles, so only listed pairs (or pairs that also
    # share exact text) are aligned at all.
    (pair,) = reuse.compare(docs, pairs=[("a", "b")]).pairs
    (passage,) = pair.passages
    assert passage.identity < 0.5  # reworded: found by sentence, not by exact runs
    assert passage.a_words >= 60 and passage.b_words >= 60
    off = reuse.compare(docs, reuse.Settings(reworded=0), pairs=[("a", "b")])
    assert off.pairs[0].passages == ()


def test_summary_spans_the_stretch_it_condenses() -> None:
    rng = random.Random(4)
    source = [sentence(rng) for _ in range(60)]
    # Five summary sentences, each restating a source sentence six sentences apart: too
    # far apart for an ordinary fragment, the spread of a summary.
    summary = [reword(rng, source[6 * k]) for k in range(5)]
    a = text_of([sentence(rng) for _ in range(3)] + summary + [sentence(rng) for _ in range(3)])
    b = text_of(source)
    ((a0, a1, b0, b1),) = fragments(a, b)
    assert (a0, a1) == (3 * 14, 8 * 14)
    assert (b0, b1) == (0, 25 * 14)  # from the first restated sentence to the last


def test_summary_of_most_of_a_text_spans_all_of_it() -> None:
    rng = random.Random(5)
    source = [sentence(rng) for _ in range(40)]
    # Restating sentences 6 to 30 of 40: a summary's first and last lines rarely
    # condense the very first and last sentences of the original.
    summary = [reword(rng, source[6 + 6 * k]) for k in range(5)]
    a = text_of(summary + [sentence(rng) for _ in range(3)])
    b = text_of(source)
    assert fragments(a, b) == [(0, 5 * 14, 0, 40 * 14)]
    # And the same with the summary second.
    assert fragments(b, a) == [(0, 40 * 14, 0, 5 * 14)]


def test_summary_replaces_the_pieces_found_as_ordinary_fragments() -> None:
    rng = random.Random(7)
    source = [sentence(rng) for _ in range(60)]
    # Three restated sentences close together make an ordinary fragment on their own;
    # with the rest of the summary they are one summary of the whole stretch.
    picks = [0, 1, 2, 10, 16, 22, 28]
    summary = [reword(rng, source[k]) for k in picks]
    a = text_of(summary)
    b = text_of(source + [sentence(rng) for _ in range(20)])
    assert fragments(a, b) == [(0, 7 * 14, 0, 29 * 14)]


def test_reworded_text_holding_half_the_matches_is_not_a_summary() -> None:
    rng = random.Random(8)
    source = [sentence(rng) for _ in range(60)]
    # Three sentences reworded in place, then three scattered chance-like matches: the
    # block is reworded text, and the scattered sentences do not make it a summary.
    picks = [0, 1, 2, 16, 22, 28]
    a = text_of([reword(rng, source[k]) for k in picks])
    b = text_of(source + [sentence(rng) for _ in range(20)])
    assert fragments(a, b) == [(0, 3 * 14, 0, 3 * 14)]


def test_one_sentence_matching_a_repeated_line_is_one_seed() -> None:
    rng = random.Random(9)
    line = sentence(rng)
    a = text_of([sentence(rng) for _ in range(3)] + [line] + [sentence(rng) for _ in range(3)])
    b = text_of([reword(rng, line), sentence(rng), reword(rng, line)])
    assert fragments(a, b) == []


def _sentences_reference(text: str) -> list[tuple[int, int]]:
    """Sentence splitting gap by gap, as plainly as it can be written."""
    import re

    tokens = tokenise(text)
    n = len(tokens)
    if n == 0:
        return []
    out, start = [], 0
    for i in range(n - 1):
        gap = text[int(tokens.ends[i]) : int(tokens.starts[i + 1])]
        if re.search(r"[.!?]\s|\n", gap + " ") and i + 1 - start >= 4:
            out.append((start, i + 1))
            start = i + 1
    out.append((start, n))
    return out


@given(st.text(alphabet="ab1 .!?,\n\t'\u00e9\u3002", max_size=120))
def test_sentence_split_agrees_with_the_plain_definition(text: str) -> None:
    assert sentences(tokenise(text), text) == _sentences_reference(text)

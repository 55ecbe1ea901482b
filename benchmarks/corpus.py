"""Generate news-like articles with planted reused passages, and the truth.

    python -m benchmarks.corpus 10000 out/          # out/articles.jsonl, out/truth.jsonl

Words and word sequences come from an order-2 word Markov chain trained on the PAN 2013
source documents (real English prose). A chain alone rarely repeats a five-word phrase,
but real writers do ("at the end of the", "for the first time in"): every article also
holds a few phrases drawn from the five-word phrases that recur across the training
documents, each as often as it recurs there, so unrelated articles share about as many
5-word shingles as unrelated real documents do. ``shingle_sharing`` measures both.

Each article has 400-800 words in paragraphs, and most end with one or two boilerplate
lines (a newsletter call, a copyright line) drawn from a small pool shared by thousands
of articles: text that repeats everywhere and is not reuse. Reused passages (50-300
words) are copied from an origin article into one or more others, lightly edited: 5-10%
of the words substituted, deleted or inserted. A few passages are reused by many
articles, as wire copy is.

``truth.jsonl`` holds one line per pair of articles sharing a planted passage, with the
passage's character spans in both (every two articles holding copies of one passage
share it, not only origin and copy).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.pan13 import corpus_root

I64 = npt.NDArray[np.int64]

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|[0-9]+|[.,]")
_END = "."
# Lines of CSS or HTML left in the web pages the PAN sources were taken from: the same
# junk recurs in many of them, and would be shared by unrelated generated articles.
_MARKUP = re.compile(r"font-|style=|<[a-z]+|&[a-z]+;|\{|\}")
BOILERPLATE_LINES = 40
PLANTED_SHARE = 0.3  # articles that hold at least one planted copy, roughly
MANY = (5, 30)  # a wire passage is reused by this many articles
MANY_SHARE = 0.05  # of planted passages
JUMP = 0.15
RARE, RARE_JUMP = 2, 0.5
RESTART = 0.5
REPEATED = 0.1  # share of a training line's 5-grams seen before, above which it is left out
PHRASE = 5  # words in a common phrase
# Common phrases per article, chosen so that `shingle_sharing` of generated articles
# matches the real documents' (0.17 shared shingles per 600-word pair).
PHRASES = 28.0


@dataclass(frozen=True, slots=True)
class Chain:
    """An order-2 word Markov chain: after the bigram ``keys[s]``, the next word is one of
    ``nexts[starts[s] : starts[s] + counts[s]]`` (with repeats, so by frequency)."""

    words: list[str]
    keys: I64
    starts: I64
    counts: I64
    nexts: I64
    sentence_starts: I64  # states that begin a sentence
    # Order 1, by previous word: after word w, one of nexts1[starts1[w] : starts1[w] + counts1[w]].
    starts1: I64
    counts1: I64
    nexts1: I64
    # Five-word phrases found in two training texts or more, one row per text holding
    # each (so a phrase is drawn as often as texts use it).
    phrases: I64

    @property
    def vocabulary(self) -> int:
        return len(self.words)


def train(texts: Iterator[str]) -> Chain:
    """Learn the chain from texts."""
    tokens: list[str] = []
    text_of: list[int] = []
    seen: set[int] = set()
    for number, text in enumerate(texts):
        for line in text.splitlines():
            if _MARKUP.search(line):
                continue
            found = _TOKEN.findall(line)
            grams = [hash(tuple(found[k : k + 5])) for k in range(len(found) - 4)]
            repeated = 0
            for gram in grams:
                repeated += gram in seen
                seen.add(gram)
            # Lists, tables and boilerplate repeat their phrases; the chain would loop
            # in them and unrelated articles would share long runs.
            if repeated <= REPEATED * len(grams):
                tokens += found
                text_of += [number] * len(found)
        tokens.append(_END)
        text_of.append(number)
    words, ids = np.unique(np.array(tokens, dtype=object), return_inverse=True)
    ids = ids.astype(np.int64)
    v = len(words)
    key = ids[:-2] * v + ids[1:-1]
    order = np.argsort(key, kind="stable")
    key, nexts = key[order], ids[2:][order]
    keys, starts, counts = np.unique(key, return_index=True, return_counts=True)
    end = int(np.searchsorted(words, _END))
    first = keys // v
    order1 = np.argsort(ids[:-1], kind="stable")
    counts1 = np.bincount(ids[:-1], minlength=v).astype(np.int64)
    return Chain(
        words=[str(w) for w in words],
        keys=keys,
        starts=starts.astype(np.int64),
        counts=counts.astype(np.int64),
        nexts=nexts,
        sentence_starts=np.flatnonzero(first == end).astype(np.int64),
        starts1=(np.cumsum(counts1) - counts1).astype(np.int64),
        counts1=counts1,
        nexts1=ids[1:][order1],
        phrases=_recurring_phrases(
            ids, np.array(text_of, dtype=np.int64), np.isin(words, [_END, ","])
        ),
    )


def _recurring_phrases(ids: I64, text_of: I64, punctuation: npt.NDArray[np.bool_]) -> I64:
    """Five-word phrases (words only, no punctuation) found in two texts or more: one
    row of word ids per text holding each."""
    n = ids.size - PHRASE + 1
    if n <= 0:
        return np.zeros((0, PHRASE), dtype=np.int64)
    window = np.lib.stride_tricks.sliding_window_view(ids, PHRASE)
    inside = (text_of[:n] == text_of[PHRASE - 1 :]) & ~punctuation[window].any(axis=1)
    key = np.zeros(n, dtype=np.uint64)
    for t in range(PHRASE):
        key = key * np.uint64(0x100000001B3) + window[:, t].astype(np.uint64)
    at = np.flatnonzero(inside)
    # One occurrence per phrase and text, then phrases held by two texts or more.
    order = np.lexsort((text_of[at], key[at]))
    at = at[order]
    k, doc = key[at], text_of[at]
    first = np.ones(at.size, dtype=bool)
    first[1:] = (k[1:] != k[:-1]) | (doc[1:] != doc[:-1])
    at, k = at[first], k[first]
    new = np.ones(at.size, dtype=bool)
    new[1:] = k[1:] != k[:-1]
    group = np.cumsum(new) - 1
    texts = np.bincount(group)
    phrases: I64 = window[at[texts[group] >= 2]].copy()
    return phrases


def pan_chain() -> Chain:
    root = corpus_root()
    if root is None:
        raise SystemExit("PAN 2013 corpus not found: it is the generator's source of English")
    files = sorted((root / "src").glob("*.txt"))
    return train(f.read_text(encoding="utf-8", errors="replace") for f in files)


def walk(chain: Chain, n: int, length: int, rng: np.random.Generator) -> npt.NDArray[np.int32]:
    """``n`` word-id sequences of ``length`` words, generated side by side.

    Now and then (JUMP) the next word follows the previous word alone: an order-2 chain
    left to itself copies long runs of its training text where a bigram has only one
    continuation, and unrelated articles would share them.
    """
    v = chain.vocabulary
    state = rng.choice(chain.sentence_starts, n)
    # 32-bit ids: a million articles of 800 words take 3.2 GB, not 6.4.
    out = np.empty((n, length), dtype=np.int32)
    for t in range(length):
        pick = chain.starts[state] + (rng.random(n) * chain.counts[state]).astype(np.int64)
        word = chain.nexts[pick]
        # A bigram seen once or twice has one or two continuations: left alone, the
        # chain would copy its training text word for word from there.
        jump = rng.random(n) < np.where(chain.counts[state] <= RARE, RARE_JUMP, JUMP)
        prev = chain.keys[state[jump]] % v
        pick1 = chain.starts1[prev] + (rng.random(len(prev)) * chain.counts1[prev]).astype(np.int64)
        word[jump] = chain.nexts1[pick1]
        out[:, t] = word
        key = (chain.keys[state] % v) * v + word
        at = np.minimum(np.searchsorted(chain.keys, key), len(chain.keys) - 1)
        lost = chain.keys[at] != key  # the bigram only ended the training text
        # After a rare word (a name, a typo list) even the word alone leaves one way on:
        # now and then start afresh instead.
        lost |= (chain.counts1[word] <= RARE) & (rng.random(n) < RESTART)
        at[lost] = rng.choice(chain.sentence_starts, int(lost.sum()))
        state = at
    return out


class Renderer:
    """Word ids to text with character offsets: words spaced, punctuation attached,
    sentences capitalised, a paragraph break every few sentences."""

    def __init__(self, chain: Chain) -> None:
        words = chain.words
        self.end = words.index(_END)
        self.punct = np.array([w in {".", ","} for w in words])
        self.plain = [(w if p else " " + w) for w, p in zip(words, self.punct, strict=True)]
        self.capital = [
            (w if p else " " + w[:1].upper() + w[1:])
            for w, p in zip(words, self.punct, strict=True)
        ]

    def render(self, ids: list[int], rng: np.random.Generator) -> tuple[str, list[int], list[int]]:
        """Return the text and each word's start and end offsets."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        sentence_start = True
        for word in ids:
            piece = self.capital[word] if sentence_start else self.plain[word]
            if sentence_start and parts and rng.random() < 0.3:
                piece = "\n\n" + piece[1:]
            elif not parts:
                piece = piece.lstrip()
            parts.append(piece)
            skip = len(piece) - len(piece.lstrip())
            starts.append(at + skip)
            at += len(piece)
            ends.append(at)
            sentence_start = word == self.end
        return "".join(parts), starts, ends


@dataclass(frozen=True, slots=True)
class Planted:
    """One article's copy of a planted passage: word range ``[start, end)``."""

    passage: int
    article: int
    start: int
    end: int


def _add_phrases(body: npt.NDArray[np.int32], chain: Chain, rng: np.random.Generator) -> None:
    """Write common phrases over the words of each article (row of ``body``), PHRASES
    of them on average per 600 words, at places a phrase fits."""
    if not chain.phrases.size:
        return
    n, length = body.shape
    count = rng.poisson(PHRASES * length / 600, n)
    rows = np.repeat(np.arange(n), count)
    at = rng.integers(0, length - PHRASE + 1, rows.size)
    chosen = chain.phrases[rng.integers(0, len(chain.phrases), rows.size)]
    for t in range(PHRASE):
        body[rows, at + t] = chosen[:, t]


def _edit(ids: list[int], rate: float, v: int, rng: np.random.Generator) -> list[int]:
    out = []
    for word in ids:
        if rng.random() >= rate:
            out.append(word)
            continue
        kind = rng.integers(3)
        if kind == 0:
            out.append(int(rng.integers(v)))
        elif kind == 2:
            out += [word, int(rng.integers(v))]
    return out


def generate(
    n: int, chain: Chain, seed: int = 0
) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    """Return ``n`` articles (``id``, ``text``) and the planted pairs' truth."""
    articles: list[dict[str, str]] = []
    truth = generate_into(n, chain, articles.append, seed)
    return articles, truth


def _article_id(i: int) -> str:
    return f"a{i:07d}"


def generate_into(
    n: int, chain: Chain, emit: Callable[[dict[str, str]], object], seed: int = 0
) -> list[dict[str, object]]:
    """Make ``n`` articles (``id``, ``text``), handing each to ``emit`` as soon as it is
    written, and return the planted pairs' truth. Only word ids are held for every
    article, in one array, so a million articles fit in a few GB."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(400, 801, n)
    body = walk(chain, n, 800, rng)
    _add_phrases(body, chain, rng)
    boiler = [
        walk(chain, 1, int(rng.integers(8, 25)), rng)[0].tolist() for _ in range(BOILERPLATE_LINES)
    ]

    # Planted passages: each taken from an origin article, pasted into others.
    copies: list[Planted] = []
    planted = 0
    pasted: dict[int, list[tuple[int, npt.NDArray[np.int32], int]]] = {}
    budget = int(n * PLANTED_SHARE)
    taken: dict[int, list[tuple[int, int]]] = {}
    while budget > 0 and n > 1:
        many = rng.random() < MANY_SHARE
        k = int(rng.integers(*MANY)) if many else 1
        k = min(k, n - 1)
        size = int(rng.integers(50, 301))
        origin = int(rng.integers(n))
        if lengths[origin] <= size:
            continue
        start = int(rng.integers(0, lengths[origin] - size))
        # Passages never overlap in their origin: each shared stretch has one story.
        if any(s < start + size and start < e for s, e in taken.get(origin, [])):
            continue
        taken.setdefault(origin, []).append((start, start + size))
        source = body[origin, start : start + size].tolist()
        copies.append(Planted(planted, origin, start, start + size))
        others = rng.choice(np.delete(np.arange(n), origin), k, replace=False)
        for target in others.tolist():
            edited = _edit(source, float(rng.uniform(0.05, 0.10)), chain.vocabulary, rng)
            at = int(rng.integers(0, int(lengths[target]) + 1))
            copy = np.array(edited, dtype=np.int32)
            pasted.setdefault(target, []).append((at, copy, planted))
        planted += 1
        budget -= k + 1

    renderer = Renderer(chain)
    spans: dict[tuple[int, int], tuple[int, int]] = {}  # (passage, article) -> chars
    origins: dict[int, list[tuple[int, int, int]]] = {}
    for c in copies:
        origins.setdefault(c.article, []).append((c.passage, c.start, c.end))
    for i in range(n):
        words = body[i, : lengths[i]].tolist()
        marks = list(origins.get(i, []))  # passage, start word, end word
        # Copies go in at sentence starts, never inside another passage.
        for at, pasted_ids, passage in sorted(pasted.get(i, []), key=lambda p: p[0]):
            at = _sentence_start(words, at, renderer.end)
            for _, s, e in marks:
                if s < at < e:
                    at = e
            words[at:at] = pasted_ids.tolist()
            marks = [
                (p, s + len(pasted_ids), e + len(pasted_ids)) if s >= at else (p, s, e)
                for p, s, e in marks
            ]
            marks.append((passage, at, at + len(pasted_ids)))
        lines = rng.choice(BOILERPLATE_LINES, int(rng.integers(0, 3)), replace=False).tolist()
        text, starts, ends = renderer.render(words, rng)
        for line in lines:
            tail, _, _ = renderer.render(boiler[line], rng)
            text += "\n\n" + tail
        for passage, s, e in marks:
            spans[(passage, i)] = (starts[s], ends[e - 1])
        emit({"id": _article_id(i), "text": text})

    sizes = {c.passage: c.end - c.start for c in copies}
    holders: dict[int, list[int]] = {}
    for passage, article in spans:
        holders.setdefault(passage, []).append(article)
    truth: list[dict[str, object]] = []
    for passage, members in sorted(holders.items()):
        members.sort()
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                truth.append(
                    {
                        "passage": passage,
                        "words": sizes[passage],
                        "a": _article_id(a),
                        "a_span": list(spans[(passage, a)]),
                        "b": _article_id(b),
                        "b_span": list(spans[(passage, b)]),
                    }
                )
    return truth


def _sentence_start(words: list[int], at: int, end: int) -> int:
    """The first word of the sentence at or after word ``at`` (or the end)."""
    while at < len(words) and at > 0 and words[at - 1] != end:
        at += 1
    return at


def _shingles(text: str) -> set[int]:
    from reuse.fingerprint import shingle_hashes, word_hashes
    from reuse.text import tokenise

    return set(shingle_hashes(word_hashes(tokenise(text).words), 5).tolist())


def _shared_per_600(sa: set[int], sb: set[int]) -> float:
    """Shared 5-word shingles, scaled to two 600-word texts."""
    if not sa or not sb:
        return 0.0
    return len(sa & sb) * (600 / len(sa)) * (600 / len(sb))


def _without_common_lines(texts: list[str]) -> list[str]:
    """The texts without lines found word for word in 10 or more of them: boilerplate,
    which ``reuse`` leaves out (generated newsletter calls, Project Gutenberg's licence)."""
    counts: dict[str, int] = {}
    for text in texts:
        for line in set(text.splitlines()):
            counts[line] = counts.get(line, 0) + 1
    return [
        "\n".join(line for line in text.splitlines() if counts[line] < 10 or not line.strip())
        for text in texts
    ]


def shingle_sharing(
    articles: list[dict[str, str]], truth: list[dict[str, object]], samples: int = 1000
) -> dict[str, float]:
    """Shared 5-word shingles between unrelated texts, boilerplate lines left out: the
    mean per pair of 600-word texts (``generated``, ``real``) and the share of pairs
    sharing any (``generated_any``, ``real_any``), for random generated pairs with no
    planted passage and the real unrelated PAN 2013 no-plagiarism pairs."""
    rng = np.random.default_rng(1)
    related = {(t["a"], t["b"]) for t in truth} | {(t["b"], t["a"]) for t in truth}
    chosen = rng.choice(len(articles), min(2 * samples, len(articles)), replace=False).tolist()
    texts = _without_common_lines([articles[k]["text"] for k in chosen])
    sets = [_shingles(t) for t in texts]
    generated = [
        (sets[n], sets[n + 1])
        for n in range(0, len(chosen) - 1, 2)
        if (articles[chosen[n]]["id"], articles[chosen[n + 1]]["id"]) not in related
    ]
    out = _sharing("generated", generated)
    root = corpus_root()
    if root is not None:
        names = (root / "01-no-plagiarism" / "pairs").read_text(encoding="utf-8").split()
        names = names[: 2 * samples]
        real = _without_common_lines(
            [
                (root / ("susp" if n.startswith("susp") else "src") / n).read_text(
                    encoding="utf-8", errors="replace"
                )
                for n in names
            ]
        )
        real_sets = [_shingles(t) for t in real]
        out |= _sharing(
            "real", [(real_sets[n], real_sets[n + 1]) for n in range(0, len(real_sets) - 1, 2)]
        )
    return out


def _sharing(name: str, pairs: list[tuple[set[int], set[int]]]) -> dict[str, float]:
    if not pairs:
        return {name: 0.0, f"{name}_any": 0.0}
    return {
        name: float(np.mean([_shared_per_600(a, b) for a, b in pairs])),
        f"{name}_any": float(np.mean([bool(a & b) for a, b in pairs])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="articles to generate")
    parser.add_argument("out", type=Path, help="folder for articles.jsonl and truth.jsonl")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--measure", action="store_true", help="compare shingle sharing with real text"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    kept: list[dict[str, str]] = []  # only to measure sharing; a large corpus streams

    def write(article: dict[str, str]) -> None:
        f.write(json.dumps(article) + "\n")
        if args.measure:
            kept.append(article)

    with (args.out / "articles.jsonl").open("w", encoding="utf-8") as f:
        truth = generate_into(args.n, pan_chain(), write, args.seed)
    with (args.out / "truth.jsonl").open("w", encoding="utf-8") as f:
        for line in truth:
            f.write(json.dumps(line) + "\n")
    print(f"{args.n} articles, {len(truth)} planted pairs -> {args.out}")
    if args.measure:
        sharing = shingle_sharing(kept, truth)
        print(
            "shared 5-word shingles per unrelated pair of 600-word texts: "
            + ", ".join(f"{k} {v:.2f}" for k, v in sharing.items())
        )


if __name__ == "__main__":
    main()

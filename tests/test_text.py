"""Normalisation and tokenising keep an exact map back to the original text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reuse.text import _is_topical, fold, normalise, scan, tokenise

# Text with the characters news actually contains: accents (composed and combining),
# curly quotes, dashes, ligatures, full-width digits, non-Latin scripts.
news_chars = st.sampled_from(
    [
        *"abcXYZ 019.,;:'\"-\n\t",
        "é",
        "e\u0301",
        "ß",
        "İ",
        "ﬁ",
        "１",
        "’",
        "“",
        "”",
        "–",
        "—",
        "Ş",
        "ü",
        "ñ",
        "ß",
        "Ω",
        "ж",
        *["\u00a0", "\u200b", "ア", "\u0308"],
    ]
)
news_text = st.lists(news_chars, max_size=60).map("".join) | st.text(max_size=60)


def test_normalise_folds_case_quotes_dashes_and_width() -> None:
    assert normalise("“Don’t” – ＡＢ ﬁ").text == '"don\'t" - ab fi'


def test_ascii_fast_path_is_identity_map() -> None:
    n = normalise("Hello, World")
    assert n.text == "hello, world"
    assert n.starts.tolist() == list(range(12))
    assert n.ends.tolist() == list(range(1, 13))


def test_tokens_keep_numbers_and_original_offsets() -> None:
    text = "Some 150 of the 1,275 Azerbaijanis — “missing”."
    tokens = tokenise(text)
    assert tokens.words == ("some", "150", "of", "the", "1", "275", "azerbaijanis", "missing")
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "Some",
        "150",
        "of",
        "the",
        "1",
        "275",
        "Azerbaijanis",
        "missing",
    ]


def test_combining_mark_stays_with_its_letter() -> None:
    text = "Cafe\u0301 au lait"
    tokens = tokenise(text)
    assert tokens.words[0] == "café"
    assert text[tokens.starts[0] : tokens.ends[0]] == "Cafe\u0301"


def test_curly_and_straight_apostrophes_tokenise_alike() -> None:
    assert tokenise("country’s").words == tokenise("country's").words == ("country", "s")


def test_empty_and_wordless_text() -> None:
    assert len(tokenise("")) == 0
    assert len(tokenise(" — … ")) == 0


@given(news_text)
def test_offset_map_round_trips(text: str) -> None:
    n = normalise(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    # Each normalised character comes from a slice of the original whose own
    # normalisation is a run of characters containing it, in order.
    rebuilt = []
    previous: tuple[int, int] | None = None
    for start, end in zip(n.starts.tolist(), n.ends.tolist(), strict=True):
        assert 0 <= start < end <= len(text)
        if (start, end) != previous:
            rebuilt.append(normalise(text[start:end]).text)
            previous = (start, end)
    assert "".join(rebuilt) == n.text
    assert n.starts.tolist() == sorted(n.starts.tolist())


@given(news_text)
def test_every_token_slices_the_original(text: str) -> None:
    tokens = tokenise(text)
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends, strict=True):
        assert word in fold(text[start:end])
    assert tokens.starts.tolist() == sorted(tokens.starts.tolist())


def test_marks_stay_inside_words() -> None:
    # Devanagari vowel signs and Arabic harakat are combining marks, not word breaks.
    assert tokenise("सरकार दरकार").words == ("सरकार", "दरकार")
    assert tokenise("مُحَمَّد and").words == ("مُحَمَّد", "and")
    assert tokenise("İlham Ilham").words == ("ilham", "ilham")


def test_unspaced_scripts_are_one_token_per_character() -> None:
    text = "東京都の知事, Tokyo"
    tokens = tokenise(text)
    assert tokens.words == ("東", "京", "都", "の", "知", "事", "tokyo")
    assert text[tokens.starts[4] : tokens.ends[4]] == "知"


spaced_words = st.lists(
    st.sampled_from(["सरकार", "दरकार", "مُحَمَّد", "naïve", "Cafe\u0301", "über", "1,275", "ω", "x"]),
    min_size=1,
    max_size=12,
)


@given(spaced_words)
def test_words_are_never_split_inside(words: list[str]) -> None:
    text = " ".join(words)
    expected = tuple(w for word in words for w in fold(word).split(","))
    assert tokenise(text).words == expected


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_fast_tokeniser_agrees_with_the_general_one(text: str) -> None:
    from reuse.text import _tokenise_ascii, _tokenise_normalised

    fast, general = _tokenise_ascii(text), _tokenise_normalised(text)
    assert fast.words == general.words
    assert fast.starts.tolist() == general.starts.tolist()
    assert fast.ends.tolist() == general.ends.tolist()


def _scan_agrees(texts: list[str]) -> None:
    for text, words in zip(texts, scan(texts), strict=True):
        tokens = tokenise(text)
        assert words.joined == " ".join(tokens.words)
        assert words.starts.tolist() == tokens.starts.tolist()
        assert words.ends.tolist() == tokens.ends.tolist()
        assert words.lines.tolist() == [text.count("\n", 0, s) for s in tokens.starts.tolist()]
        assert words.topical.tolist() == [_is_topical(w) for w in tokens.words]


@given(st.lists(st.text(max_size=80), max_size=6))
def test_bulk_scan_agrees_with_tokenise(texts: list[str]) -> None:
    _scan_agrees(texts)


@given(
    st.lists(st.text(alphabet="ab Zé’“”—…\nßﬁ1İ\u0301日_-", max_size=60), min_size=1, max_size=6)
)
def test_bulk_scan_agrees_on_news_punctuation_and_hard_characters(texts: list[str]) -> None:
    _scan_agrees(texts)


def test_bulk_scan_handles_each_text_on_its_own_path() -> None:
    texts = ["Plain ASCII text.", "Dé “quoted” — text…", "ﬁne straße", "सरकार दरकार", "", "日本"]
    _scan_agrees(texts)
    assert [w.joined for w in scan(texts)][:3] == [
        "plain ascii text",
        "dé quoted text",
        "fine strasse",
    ]


def test_topical_words_have_two_letters_and_no_digit() -> None:
    (words,) = scan(["The 2nd of May: 1,275 people, a x1 Ünal ٣٣ 日本"])
    topical = [w for w, t in zip(words.joined.split(), words.topical, strict=True) if t]
    assert topical == ["the", "of", "may", "people", "ünal", "日", "本"]

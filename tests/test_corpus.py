"""Tests for reuse.corpus: every input rule users rely on, with exact expected values."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reuse.corpus import SUPPORTED, Columns, Loaded, load, load_pairs
from reuse.errors import InputError, SettingsError
from reuse.model import Document, Notice

# charset_normalizer names this French sample cp1252 and decodes it back exactly.
FRENCH = (
    "Le maire a déclaré que le café rouvrirait lundi. « Nous sommes ravis », a-t-elle dit. "
    "Les habitants, qui avaient payé 12 € pour les billets, "
    "ont applaudi à la fin de la réunion.\r\n"
)


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def ids(loaded: Loaded) -> list[str]:
    return [document.id for document in loaded.documents]


def messages(loaded: Loaded) -> list[str]:
    return [str(notice) for notice in loaded.notices]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from tmp_path, so relative arguments read like a user's."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- text files ---------------------------------------------------------------------------


def test_every_supported_extension_loads(in_tmp: Path) -> None:
    contents = {
        ".json": '{"text": "Alpha"}',
        ".jsonl": '{"text": "Alpha"}\n',
        ".ndjson": '{"text": "Alpha"}\n',
        ".csv": "text\nAlpha\n",
        ".tsv": "text\nAlpha\n",
    }
    for suffix in SUPPORTED:
        write(in_tmp / f"f{suffix}", contents.get(suffix, "Alpha"))
    loaded = load(["."])
    assert loaded.notices == ()
    assert [d.text for d in loaded.documents] == ["Alpha"] * len(SUPPORTED)


def test_text_file_document_fields(in_tmp: Path) -> None:
    write(in_tmp / "story.txt", "\n  Storm hits coast  \nWinds of 100 km/h.\n")
    loaded = load(["story.txt"])
    assert loaded == Loaded(
        documents=(
            Document(
                id="story.txt",
                text="\n  Storm hits coast  \nWinds of 100 km/h.\n",
                path="story.txt",
                title="Storm hits coast",
            ),
        ),
        notices=(),
        origins=(0,),
    )


def test_title_too_long_or_a_sentence_is_none(in_tmp: Path) -> None:
    write(in_tmp / "a.md", "x" * 151 + "\nbody")
    write(in_tmp / "b.text", "y" * 150 + "\nbody")
    write(in_tmp / "c.txt", "BAKU, March 2. Events were held, a source said.\nbody")
    loaded = load(["a.md", "b.text", "c.txt"])
    assert [d.title for d in loaded.documents] == [None, "y" * 150, None]


def test_extension_is_case_insensitive(in_tmp: Path) -> None:
    write(in_tmp / "LOUD.TXT", "Shouted headline")
    assert ids(load(["LOUD.TXT"])) == ["LOUD.TXT"]


def test_crlf_newlines_preserved_exactly(in_tmp: Path) -> None:
    write(in_tmp / "win.txt", b"Title\r\nLine two\r\n\r\nLine four\r")
    assert load(["win.txt"]).documents[0].text == "Title\r\nLine two\r\n\r\nLine four\r"


def test_bom_dropped(in_tmp: Path) -> None:
    write(in_tmp / "bom.txt", b"\xef\xbb\xbfHeadline\nBody")
    loaded = load(["bom.txt"])
    assert loaded.documents[0].text == "Headline\nBody"
    assert loaded.documents[0].title == "Headline"
    assert loaded.notices == ()


def test_cp1252_decoded_with_non_skipping_notice(in_tmp: Path) -> None:
    write(in_tmp / "old.txt", FRENCH.encode("cp1252"))
    loaded = load(["old.txt"])
    assert loaded.documents[0].text == FRENCH
    assert loaded.notices == (
        Notice(
            "old.txt",
            "not UTF-8; decoded as cp1252 (if letters look wrong, save it as UTF-8)",
            skipped=False,
        ),
    )


def test_undetectable_encoding_skipped(in_tmp: Path) -> None:
    write(in_tmp / "noise.txt", bytes(range(256)) * 4)
    write(in_tmp / "ok.txt", "Fine")
    loaded = load(["noise.txt", "ok.txt"])
    assert ids(loaded) == ["ok.txt"]
    assert messages(loaded) == [
        "noise.txt: is not UTF-8 and its encoding cannot be detected; save it as UTF-8"
    ]


def test_empty_file_skipped(in_tmp: Path) -> None:
    write(in_tmp / "blank.txt", " \n\t\r\n")
    write(in_tmp / "ok.txt", "Fine")
    loaded = load(["blank.txt", "ok.txt"])
    assert ids(loaded) == ["ok.txt"]
    assert loaded.notices == (
        Notice("blank.txt", "is empty; put the article's text in it or leave it out"),
    )


def test_stdin_is_one_text_document() -> None:
    loaded = load(["-"], stdin=io.BytesIO(b"Wire story\r\nBody"))
    assert loaded == Loaded(
        (Document(id="-", text="Wire story\r\nBody", path="-", title="Wire story"),), (), (0,)
    )


def test_stdin_missing_is_a_notice() -> None:
    loaded = load(["-"])
    assert loaded.documents == ()
    assert messages(loaded) == ["-: no standard input to read; pipe the article in or name a file"]


# --- folders and ids ----------------------------------------------------------------------


def test_folder_recursive_sorted_and_hidden_ignored(in_tmp: Path) -> None:
    write(in_tmp / "news/b.txt", "B")
    write(in_tmp / "news/z.txt", "Z")
    write(in_tmp / "news/a.txt", "A")
    write(in_tmp / "news/sub/c.md", "C")
    write(in_tmp / "news/sub/deeper/d.txt", "D")
    write(in_tmp / "news/.hidden.txt", "H")
    write(in_tmp / "news/.git/e.txt", "E")
    write(in_tmp / "news/sub/.cache/f.txt", "F")
    loaded = load(["news"])
    # Sorted by the whole relative path, so sub/ comes before z.txt, unlike a plain walk.
    assert ids(loaded) == ["a.txt", "b.txt", "sub/c.md", "sub/deeper/d.txt", "z.txt"]
    assert [d.path for d in loaded.documents] == [
        os.path.join("news", "a.txt"),
        os.path.join("news", "b.txt"),
        os.path.join("news", "sub", "c.md"),
        os.path.join("news", "sub", "deeper", "d.txt"),
        os.path.join("news", "z.txt"),
    ]
    assert loaded.notices == ()


def test_documents_follow_argument_order(in_tmp: Path) -> None:
    write(in_tmp / "z.txt", "Z")
    write(in_tmp / "dir/y.txt", "Y")
    write(in_tmp / "a.txt", "A")
    assert ids(load(["z.txt", "dir", "a.txt"])) == ["z.txt", "y.txt", "a.txt"]


def test_single_file_id_is_argument_as_given(in_tmp: Path) -> None:
    write(in_tmp / "deep/er/x.txt", "X")
    write(in_tmp / "y.txt", "Y")
    loaded = load(["deep/er/x.txt", str(in_tmp / "y.txt")])
    assert ids(loaded) == ["deep/er/x.txt", f"{in_tmp}/y.txt"]


def test_same_id_from_two_arguments_is_prefixed(in_tmp: Path) -> None:
    write(in_tmp / "a/x.txt", "from a")
    write(in_tmp / "a/only_a.txt", "only a")
    write(in_tmp / "b/x.txt", "from b")
    loaded = load(["a", "b/"])
    assert ids(loaded) == ["only_a.txt", "a/x.txt", "b/x.txt"]
    assert [d.text for d in loaded.documents] == ["only a", "from a", "from b"]
    assert loaded.notices == ()


def test_folder_id_colliding_with_file_argument_prefixes_the_folder_one(in_tmp: Path) -> None:
    write(in_tmp / "x.txt", "top")
    write(in_tmp / "d/x.txt", "inside")
    loaded = load(["x.txt", "d"])
    assert ids(loaded) == ["x.txt", "d/x.txt"]


def test_same_argument_twice_keeps_first(in_tmp: Path) -> None:
    write(in_tmp / "x.txt", "X")
    write(in_tmp / "d/y.txt", "Y")
    loaded = load(["x.txt", "x.txt", "d", "./d/y.txt", "./x.txt"])
    assert ids(loaded) == ["x.txt", "y.txt"]
    assert loaded.origins == (0, 2)
    assert loaded.notices == (
        Notice("x.txt", "given twice; read once", skipped=False),
        Notice("./d/y.txt", f"is the same file as {os.path.join('d', 'y.txt')}; read once", False),
        Notice("./x.txt", "is the same file as x.txt; read once", skipped=False),
    )


def test_duplicate_record_id_skipped_keeping_first(in_tmp: Path) -> None:
    write(in_tmp / "r.jsonl", '{"id": "7", "text": "first"}\n{"id": 7, "text": "second"}\n')
    loaded = load(["r.jsonl"])
    assert [(d.id, d.text) for d in loaded.documents] == [("r.jsonl#7", "first")]
    assert messages(loaded) == [
        "r.jsonl:2: duplicate id r.jsonl#7 (first seen in r.jsonl:1); skipped"
    ]


def test_missing_path(in_tmp: Path) -> None:
    write(in_tmp / "ok.txt", "Fine")
    loaded = load(["nope.txt", "ok.txt"])
    assert ids(loaded) == ["ok.txt"]
    assert loaded.notices == (Notice("nope.txt", "no such file or folder"),)


def test_unsupported_extension(in_tmp: Path) -> None:
    write(in_tmp / "d/report.pdf", b"%PDF-1.7")
    write(in_tmp / "d/story.txt", "Fine")
    loaded = load(["d", "notes"])
    assert ids(loaded) == ["story.txt"]
    assert messages(loaded) == [
        "notes: no such file or folder",
        f"{os.path.join('d', 'report.pdf')}: .pdf is not a supported input; "
        "save the article as .txt, .md, .json, .jsonl or .csv",
    ]


def test_file_without_extension_and_broken_link(in_tmp: Path) -> None:
    write(in_tmp / "d/README", "R")
    os.symlink(in_tmp / "nowhere.txt", in_tmp / "d/link.txt")
    loaded = load(["d", "d/README"])
    assert loaded.documents == ()
    assert messages(loaded) == [
        f"{os.path.join('d', 'link.txt')}: is a broken link or not a regular file; skipped",
        "d/README: given twice; read once",
        f"{os.path.join('d', 'README')}: a file without an extension is not a supported input; "
        "save the article as .txt, .md, .json, .jsonl or .csv",
    ]


def test_stdin_named_twice_is_read_once() -> None:
    loaded = load(["-", "-"], stdin=io.BytesIO(b"Once"))
    assert ids(loaded) == ["-"]
    assert messages(loaded) == ["-: given twice; read once"]


def test_permission_error_skips_only_that_file(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(in_tmp / "d/a.txt", "A")
    write(in_tmp / "d/locked.txt", "L")
    write(in_tmp / "d/z.txt", "Z")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    loaded = load(["d"])
    assert ids(loaded) == ["a.txt", "z.txt"]
    assert loaded.notices == (
        Notice(
            os.path.join("d", "locked.txt"),
            "could not be read (Permission denied); check that it exists and that you may read it",
        ),
    )


# --- JSON Lines and JSON ------------------------------------------------------------------


def test_jsonl_good_and_bad_records(in_tmp: Path) -> None:
    lines = [
        '{"id": "a1", "text": "Alpha", "title": "T", "date": "2024-01-02", "outlet": "Wire",'
        ' "url": "https://x.test/a"}',
        "",
        "{not json",
        "[1, 2]",
        '{"title": "no text"}',
        '{"text": "   "}',
        '{"text": 5}',
        '{"text": "Beta", "id": 42, "date": 20240103}',
        '{"text": "Gamma"}',
    ]
    write(in_tmp / "feed.jsonl", "\n".join(lines) + "\n")
    loaded = load(["feed.jsonl"])
    assert loaded.documents == (
        Document(
            id="feed.jsonl#a1",
            text="Alpha",
            path="feed.jsonl",
            title="T",
            date="2024-01-02",
            outlet="Wire",
            url="https://x.test/a",
        ),
        Document(id="feed.jsonl#42", text="Beta", path="feed.jsonl", date="20240103"),
        Document(id="feed.jsonl#9", text="Gamma", path="feed.jsonl"),
    )
    assert messages(loaded) == [
        "feed.jsonl:3: is not valid JSON (Expecting property name enclosed in double quotes);"
        " fix it",
        'feed.jsonl:4: is not a JSON object; each record must look like {"text": ...}',
        "feed.jsonl:5: has no 'text' field; add it or name the text field with --text-col",
        "feed.jsonl:6: its 'text' field is empty; fill it in or remove it",
        "feed.jsonl:7: its 'text' field is not a string; make it one",
    ]
    assert all(notice.skipped for notice in loaded.notices)


def test_ndjson_with_custom_text_field(in_tmp: Path) -> None:
    write(in_tmp / "f.ndjson", '{"body": "Alpha", "key": "k"}\n')
    loaded = load(["f.ndjson"], columns=Columns(text="body", id="key"))
    assert loaded.documents == (Document(id="f.ndjson#k", text="Alpha", path="f.ndjson"),)


def test_jsonl_keeps_u2028_inside_strings(in_tmp: Path) -> None:
    write(in_tmp / "f.jsonl", '{"text": "one\u2028two"}\n')
    assert load(["f.jsonl"]).documents[0].text == "one\u2028two"


def test_json_unusable_metadata_is_ignored_with_notice(in_tmp: Path) -> None:
    write(in_tmp / "f.jsonl", '{"text": "Alpha", "title": ["x"]}\n')
    loaded = load(["f.jsonl"])
    assert loaded.documents == (Document(id="f.jsonl#1", text="Alpha", path="f.jsonl"),)
    assert loaded.notices == (
        Notice(
            "f.jsonl:1",
            "its 'title' field is not a string or a number; ignored it",
            skipped=False,
        ),
    )


def test_json_list(in_tmp: Path) -> None:
    records = [{"text": "Alpha", "id": "a"}, {"text": ""}, {"text": "Gamma", "outlet": "Wire"}]
    write(in_tmp / "list.json", json.dumps(records))
    loaded = load(["list.json"])
    assert loaded.documents == (
        Document(id="list.json#a", text="Alpha", path="list.json"),
        Document(id="list.json#3", text="Gamma", path="list.json", outlet="Wire"),
    )
    assert messages(loaded) == ["list.json#2: its 'text' field is empty; fill it in or remove it"]


def test_json_single_object(in_tmp: Path) -> None:
    write(in_tmp / "one.json", json.dumps({"text": "Alpha", "title": "Headline"}))
    loaded = load(["one.json"])
    assert loaded == Loaded(
        (Document(id="one.json#1", text="Alpha", path="one.json", title="Headline"),), (), (0,)
    )


def test_json_documents_key(in_tmp: Path) -> None:
    data = {"source": "x", "documents": [{"text": "Alpha"}, "oops", {"text": "Beta", "id": 2}]}
    write(in_tmp / "wrapped.json", json.dumps(data))
    loaded = load(["wrapped.json"])
    assert ids(loaded) == ["wrapped.json#1", "wrapped.json#2"]
    assert [d.text for d in loaded.documents] == ["Alpha", "Beta"]
    assert messages(loaded) == [
        'wrapped.json#2: is not a JSON object; each record must look like {"text": ...}'
    ]


def test_json_invalid_file(in_tmp: Path) -> None:
    write(in_tmp / "bad.json", '{"text": "x",}')
    loaded = load(["bad.json"])
    assert loaded.documents == ()
    assert messages(loaded) == [
        "bad.json: is not valid JSON (Expecting property name enclosed in double quotes"
        " at line 1, column 14); fix it"
    ]


def test_record_files_without_records(in_tmp: Path) -> None:
    write(in_tmp / "none.json", "[]")
    write(in_tmp / "header.csv", "id,text\n\n")
    write(in_tmp / "bad.jsonl", "{oops\n")
    loaded = load(["none.json", "header.csv", "bad.jsonl"])
    assert loaded.documents == ()
    assert messages(loaded) == [
        "none.json: holds no records; add some or leave it out",
        "header.csv: holds no records; add some or leave it out",
        "bad.jsonl:1: is not valid JSON (Expecting property name enclosed in double quotes);"
        " fix it",
    ]


# --- CSV and TSV --------------------------------------------------------------------------


def test_csv_default_columns(in_tmp: Path) -> None:
    content = (
        "id,title,text,date,outlet,url,extra\r\n"
        'n1,Head,"Body, with comma\r\nand a newline",2024-05-01,Wire,https://x.test,?\r\n'
        ",,,,,,\r\n"
        ",,Second body,,,,\r\n"
    )
    write(in_tmp / "news.csv", content)
    loaded = load(["news.csv"])
    assert loaded.documents == (
        Document(
            id="news.csv#n1",
            text="Body, with comma\r\nand a newline",
            path="news.csv",
            title="Head",
            date="2024-05-01",
            outlet="Wire",
            url="https://x.test",
        ),
        Document(id="news.csv#5", text="Second body", path="news.csv"),
    )
    assert messages(loaded) == ["news.csv:4: its 'text' field is empty; fill it in or remove it"]


def test_csv_custom_columns_and_bom(in_tmp: Path) -> None:
    write(in_tmp / "c.csv", "\ufeffkey,body,source\nk1,Alpha,Wire\nk2,Beta\n")
    loaded = load(["c.csv"], columns=Columns(text="body", id="key", outlet="source"))
    assert loaded.documents == (
        Document(id="c.csv#k1", text="Alpha", path="c.csv", outlet="Wire"),
        Document(id="c.csv#k2", text="Beta", path="c.csv"),
    )
    assert loaded.notices == ()


def test_csv_missing_text_column_lists_columns(in_tmp: Path) -> None:
    write(in_tmp / "c.csv", "id,body,headline\n1,Alpha,A\n")
    write(in_tmp / "ok.txt", "Fine")
    loaded = load(["c.csv", "ok.txt"])
    assert ids(loaded) == ["ok.txt"]
    assert loaded.notices == (
        Notice(
            "c.csv",
            "has no 'text' column (its columns: id, body, headline); "
            "name the text column with --text-col",
        ),
    )


def test_csv_large_field(in_tmp: Path) -> None:
    big = "word " * 40_000
    write(in_tmp / "big.csv", f'text\n"{big}"\n')
    assert load(["big.csv"]).documents[0].text == big


def test_tsv(in_tmp: Path) -> None:
    write(in_tmp / "t.tsv", "id\ttext\n1\tAlpha, with comma\n2\tBeta\n")
    loaded = load(["t.tsv"])
    assert [(d.id, d.text) for d in loaded.documents] == [
        ("t.tsv#1", "Alpha, with comma"),
        ("t.tsv#2", "Beta"),
    ]


def test_csv_cp1252_decoded_with_notice(in_tmp: Path) -> None:
    write(in_tmp / "old.csv", f'text\n"{FRENCH}"\n'.encode("cp1252"))
    loaded = load(["old.csv"])
    assert [d.text for d in loaded.documents] == [FRENCH]
    assert loaded.notices == (
        Notice(
            "old.csv",
            "not UTF-8; decoded as cp1252 (if letters look wrong, save it as UTF-8)",
            skipped=False,
        ),
    )


def test_records_from_folder_use_relative_file_id(in_tmp: Path) -> None:
    write(in_tmp / "d/sub/f.jsonl", '{"text": "Alpha"}\n')
    assert ids(load(["d"])) == ["sub/f.jsonl#1"]


def test_empty_column_name_rejected() -> None:
    with pytest.raises(SettingsError, match="the text column name cannot be empty"):
        Columns(text="")


# --- pairs --------------------------------------------------------------------------------


def test_load_pairs_tab_and_space_relative_to_pairs_file(in_tmp: Path) -> None:
    write(in_tmp / "data/with space.txt", "Spaced")
    write(in_tmp / "data/b.txt", "Bee")
    write(in_tmp / "data/c.md", "Sea")
    write(
        in_tmp / "data/pairs.txt",
        "# pairs to compare\n\n  # indented comment\nwith space.txt\tb.txt\nb.txt   c.md\r\n",
    )
    loaded, pairs = load_pairs("data/pairs.txt")
    assert pairs == (("with space.txt", "b.txt"), ("b.txt", "c.md"))
    assert loaded.documents == (
        Document(id="with space.txt", text="Spaced", path="data/with space.txt", title="Spaced"),
        Document(id="b.txt", text="Bee", path="data/b.txt", title="Bee"),
        Document(id="c.md", text="Sea", path="data/c.md", title="Sea"),
    )
    assert loaded.notices == ()


def test_load_pairs_absolute_paths(in_tmp: Path) -> None:
    a = write(in_tmp / "a.txt", "A")
    b = write(in_tmp / "b.txt", "B")
    write(in_tmp / "lists/pairs.tsv", f"{a}\t{b}\n")
    _, pairs = load_pairs("lists/pairs.tsv")
    assert pairs == ((a, b),)


def test_load_pairs_missing_file_drops_its_pairs(in_tmp: Path) -> None:
    write(in_tmp / "a.txt", "A")
    write(in_tmp / "b.txt", "B")
    write(in_tmp / "pairs.tsv", "a.txt\tgone.txt\nb.txt\tgone.txt\na.txt\tb.txt\n")
    loaded, pairs = load_pairs("pairs.tsv")
    assert pairs == (("a.txt", "b.txt"),)
    assert ids(loaded) == ["a.txt", "b.txt"]
    assert messages(loaded) == [
        "gone.txt: no such file or folder",
        "gone.txt: 2 pair(s) using it dropped; fix it or its lines in pairs.tsv",
    ]


def test_load_pairs_file_with_many_documents_dropped(in_tmp: Path) -> None:
    write(in_tmp / "a.txt", "A")
    write(in_tmp / "many.jsonl", '{"text": "x"}\n{"text": "y"}\n')
    write(in_tmp / "one.jsonl", '{"text": "z", "id": "q"}\n')
    write(in_tmp / "pairs.tsv", "a.txt many.jsonl\na.txt one.jsonl\n")
    loaded, pairs = load_pairs("pairs.tsv")
    assert pairs == (("a.txt", "one.jsonl"),)
    assert loaded.documents[1] == Document(id="one.jsonl", text="z", path="one.jsonl")
    assert messages(loaded) == [
        "many.jsonl: holds 2 documents; a file in a pairs file must hold exactly one",
        "many.jsonl: 1 pair(s) using it dropped; fix it or its lines in pairs.tsv",
    ]


def test_load_pairs_malformed_self_and_repeated_lines(in_tmp: Path) -> None:
    write(in_tmp / "a.txt", "A")
    write(in_tmp / "b.txt", "B")
    write(
        in_tmp / "pairs.tsv",
        "a.txt\nx y z\na.txt ./a.txt\na.txt b.txt  # the wire pair\nb.txt a.txt\na.txt b.txt\n",
    )
    loaded, pairs = load_pairs("pairs.tsv")
    # Every well-formed line is a pair, in file order: repeats and reversals included.
    assert pairs == (("a.txt", "a.txt"), ("a.txt", "b.txt"), ("b.txt", "a.txt"), ("a.txt", "b.txt"))
    assert messages(loaded) == [
        "pairs.tsv:1: expected two paths separated by a tab or spaces; fix it",
        "pairs.tsv:2: expected two paths separated by a tab or spaces; fix it",
    ]


def test_load_pairs_unreadable_pairs_file_raises(in_tmp: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_pairs("missing.tsv")
    assert caught.value.source == "missing.tsv"
    assert caught.value.reason == (
        "could not be read (No such file or directory); "
        "check that it exists and that you may read it"
    )


# --- property -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text().filter(lambda s: bool(s.strip()) and not s.startswith("\ufeff")))
def test_utf8_text_round_trips_exactly(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_bytes(text.encode("utf-8"))
        loaded = load([str(path)])
    assert loaded.notices == ()
    assert loaded.documents[0].text == text


# --- encodings, reports, clashes ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "El señor Muñoz dijo que la reunión terminó sin acuerdo.",
        "The council said “the bridge will close” – repairs cost €3m at 25°C.",
        "Die Bürgermeisterin äußerte sich zur Schließung der Brücke.",
    ],
)
def test_western_legacy_text_is_read_as_cp1252(in_tmp: Path, text: str) -> None:
    write(in_tmp / "old.txt", text.encode("cp1252"))
    loaded = load(["old.txt"])
    assert loaded.documents[0].text == text
    assert "decoded as cp1252" in loaded.notices[0].message


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Minister powiedział, że rząd nie zgodzi się na żadne ustępstwa w sprawie łączności.",
            "cp1250",
        ),
        ("Президент заявил, что переговоры продолжатся на следующей неделе в столице.", "cp1251"),
    ],
)
def test_other_legacy_text_is_not_forced_into_cp1252(
    in_tmp: Path, text: str, encoding: str
) -> None:
    write(in_tmp / "old.txt", text.encode(encoding))
    loaded = load(["old.txt"])
    assert "decoded as cp1252" not in loaded.notices[0].message
    assert not loaded.notices[0].skipped


def test_reuse_report_in_the_folder_is_ignored(in_tmp: Path) -> None:
    write(in_tmp / "d/a.txt", "Alpha")
    write(
        in_tmp / "d/result.json", json.dumps({"reuse": {}, "documents": [{"id": "x"}], "pairs": []})
    )
    loaded = load(["d"])
    assert ids(loaded) == ["a.txt"]
    assert loaded.notices == (
        Notice(os.path.join("d", "result.json"), "is a reuse report, not articles; ignored", False),
    )


def test_unclosed_csv_quote_is_reported_not_swallowed(in_tmp: Path) -> None:
    write(in_tmp / "q.csv", 'id,text\n1,"Alpha\n2,Beta\n')
    loaded = load(["q.csv"])
    assert ids(loaded) == []
    assert len(loaded.notices) == 1 and "is not valid CSV" in loaded.notices[0].message


def test_prefixing_that_creates_a_new_clash_prefixes_again(in_tmp: Path) -> None:
    write(in_tmp / "a/x.txt", "A")
    write(in_tmp / "b/x.txt", "B")
    write(in_tmp / "b/a/x.txt", "BA")
    loaded = load(["a", "b"])
    assert loaded.notices == ()
    assert sorted(ids(loaded)) == ["a/x.txt", "b/a/x.txt", "b/x.txt"]
    assert {d.id: d.text for d in loaded.documents} == {
        "a/x.txt": "A",
        "b/a/x.txt": "BA",
        "b/x.txt": "B",
    }


def test_origins_name_the_argument_of_each_document(in_tmp: Path) -> None:
    write(in_tmp / "ref/w.txt", "W")
    write(in_tmp / "new/n.txt", "N")
    write(in_tmp / "new/ref/w.txt", "W2")
    loaded = load(["new/ref", "new"])
    assert list(zip(ids(loaded), loaded.origins, strict=True)) == [("w.txt", 0), ("n.txt", 1)]


def test_reading_reports_progress_in_bytes_per_file(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"article number {n}" * (n + 1), encoding="utf-8")
    sizes = [(tmp_path / f"{n}.txt").stat().st_size for n in range(3)]
    seen: list[tuple[str, int, int]] = []
    loaded = load([str(tmp_path)], progress=lambda *args: seen.append(args))
    assert len(loaded.documents) == 3
    total = sum(sizes)
    assert seen == [
        ("reading", 0, total),
        ("reading", sizes[0], total),
        ("reading", sizes[0] + sizes[1], total),
        ("reading", total, total),
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_reading_one_large_file_of_records_reports_as_it_goes(tmp_path: Path, suffix: str) -> None:
    from reuse import records

    rng = random.Random(4)
    n = 4 * records._ADVANCE_EVERY + 7
    path = tmp_path / f"many{suffix}"
    with path.open("w", encoding="utf-8", newline="") as f:
        if suffix == ".csv":
            writer = csv.writer(f)
            writer.writerow(["id", "text"])
            writer.writerows([str(k), f"words {rng.random()}, more\nlines"] for k in range(n))
        else:
            for k in range(n):
                f.write(json.dumps({"id": str(k), "text": f"words {rng.random()}"}) + "\n")
    seen: list[tuple[str, int, int]] = []
    loaded = load([str(path)], progress=lambda *args: seen.append(args))
    assert len(loaded.documents) == n
    size = path.stat().st_size
    done = [d for _, d, _ in seen]
    assert {t for _, _, t in seen} == {size}
    assert done == sorted(done) and done[0] == 0 and done[-1] == size
    assert len([d for d in done if 0 < d < size]) >= 3  # between start and end


_JSONL_LINE = st.one_of(
    st.builds(
        lambda i, t: json.dumps({"id": i, "text": t}, ensure_ascii=False),
        st.text(alphabet="ab1", min_size=1, max_size=3),
        st.text(alphabet="xy \u2028\u00e9\r", max_size=8),
    ),
    st.sampled_from(["", "   ", "{not json", '{"id": "n"}', "[1, 2]", '"text"']),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_JSONL_LINE, max_size=8), st.booleans(), st.sampled_from(["\n", "\r\n"]), st.booleans()
)
def test_jsonl_read_a_line_at_a_time_is_the_file_read_whole(
    lines: list[str], bom: bool, newline: str, final_newline: bool
) -> None:
    from unittest import mock

    from reuse import corpus

    text = newline.join(lines) + (newline if final_newline else "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.jsonl"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        streamed = load([str(path)])
        with mock.patch.object(corpus._Reader, "_stream_jsonl", return_value=None) as whole:
            read_whole = load([str(path)])
        assert whole.called
    assert streamed == read_whole


def test_jsonl_is_not_read_whole_unless_it_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reuse import corpus

    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "a", "text": "caf\u00e9 one"}\n{"id": "b", "text": "two"}\n', "utf-8")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(
        '{"id": "c", "text": "ok"}\n{"id": "d", "text": "caf\u00e9"}\n'.encode("cp1252")
    )
    whole_reads: list[str] = []
    real = corpus._read_bytes

    def spy(path: str, stdin: object = None) -> bytes:
        whole_reads.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(corpus, "_read_bytes", spy)
    loaded = load([str(tmp_path)])
    assert [d.text for d in loaded.documents] == ["caf\u00e9 one", "two", "ok", "caf\u00e9"]
    assert whole_reads == ["latin.jsonl"]  # read again whole, to find its encoding
    # One notice, from the second reading: none left over from the first.
    assert [n.message for n in loaded.notices] == [
        "not UTF-8; decoded as cp1252 (if letters look wrong, save it as UTF-8)"
    ]

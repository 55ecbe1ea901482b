"""The command line: exit codes, stdout/stderr discipline, formats and options."""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse.cli import app
from tests.conftest import SEEDS

runner = CliRunner()
WIRE_A, WIRE_B = "002_613337a6ab66b71b.txt", "004_6623b29a815e021a.txt"


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def test_json_contract_on_seeds() -> None:
    result = run("compare", str(SEEDS), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["documents"]] == sorted(p.name for p in SEEDS.glob("*.txt"))
    doc = data["documents"][0]
    assert set(doc) >= {"id", "path", "title", "words", "chars", "sha256"}
    (pair,) = data["pairs"]
    assert set(pair) >= {
        "a",
        "b",
        "shared_words",
        "a_coverage",
        "b_coverage",
        "topic_similarity",
        "passages",
    }
    assert (pair["a"], pair["b"]) == (WIRE_A, WIRE_B)
    texts = {p.name: p.read_bytes().decode("utf-8") for p in SEEDS.glob("*.txt")}
    for passage in pair["passages"]:
        assert set(passage) >= {"a", "b", "words", "identity"}
        a_text = texts[WIRE_A][passage["a"][0] : passage["a"][1]]
        assert len(a_text.split()) >= 60
    assert data["topic_similarity"]["ids"] == [d["id"] for d in data["documents"]]
    assert len(data["topic_similarity"]["matrix"]) == 5


def test_json_is_byte_identical_across_runs() -> None:
    first = run("compare", str(SEEDS), "--format", "json")
    second = run("compare", str(SEEDS), "--format", "json")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


def test_table_output_shows_ranking_diff_and_topics() -> None:
    result = run("compare", str(SEEDS))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Pairs sharing passages" in out
    assert "{+illegally+}" in out
    assert "[-is-]" in out and "{+was+}" in out
    assert "NOT evidence of copying" in " ".join(out.split())
    assert result.stderr == ""


def test_jsonl_one_pair_per_line() -> None:
    result = run("compare", str(SEEDS), "--format", "jsonl")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["a"] == WIRE_A


def test_csv_one_row_per_passage() -> None:
    result = run("compare", str(SEEDS), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["passage"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["a_text"].startswith("The Karabakh region had been")
    assert rows[1]["b_text"].endswith("deliberate crime of genocide")


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run("compare", str(SEEDS), "--format", "json", "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["pairs"][0]["b"] == WIRE_B


def test_missing_path_is_named_and_others_still_compared() -> None:
    result = run("compare", str(SEEDS), "no/such/folder", "--format", "json")
    assert result.exit_code == 3
    assert "no/such/folder" in result.stderr
    assert len(json.loads(result.stdout)["pairs"]) == 1


def test_only_missing_paths_is_a_usage_error() -> None:
    result = run("compare", "no/such/folder")
    assert result.exit_code == 2
    assert "no/such/folder" in result.stderr
    assert "nothing readable" in result.stderr
    assert result.stdout == ""


def test_unreadable_file_among_good_ones(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pathlib.Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name.startswith("003_"):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    result = run("compare", str(corpus), "--format", "json")
    assert result.exit_code == 3
    assert "003_eeef8d4a06e91ded.txt" in result.stderr
    assert "Permission denied" in result.stderr
    data = json.loads(result.stdout)
    assert len(data["documents"]) == 4
    assert data["pairs"][0]["a"] == WIRE_A


def test_unsupported_file_is_skipped(corpus: Path) -> None:
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4")
    result = run("compare", str(corpus), "--format", "json")
    assert result.exit_code == 3
    assert "scan.pdf" in result.stderr and ".txt" in result.stderr
    assert len(json.loads(result.stdout)["documents"]) == 5


def test_single_document_is_a_usage_error() -> None:
    result = run("compare", str(SEEDS / WIRE_A))
    assert result.exit_code == 2
    assert "need two" in result.stderr


def test_stdin_is_a_document() -> None:
    text = (SEEDS / WIRE_A).read_text(encoding="utf-8")
    result = run("compare", "-", str(SEEDS / WIRE_B), "--format", "json", input=text)
    assert result.exit_code == 0, result.stderr
    pair = json.loads(result.stdout)["pairs"][0]
    assert {pair["a"], pair["b"]} == {"-", str(SEEDS / WIRE_B)}
    assert len(pair["passages"]) == 3


def test_min_words_option() -> None:
    loose = json.loads(run("compare", str(SEEDS), "--format", "json", "--min-words", "8").stdout)
    strict = json.loads(run("compare", str(SEEDS), "--format", "json", "--min-words", "120").stdout)
    assert len(loose["pairs"]) > 1
    assert [len(p["passages"]) for p in strict["pairs"]] == [1]
    assert loose["reuse"]["settings"]["min_words"] == 8


def test_bad_option_value_is_a_usage_error() -> None:
    result = run("compare", str(SEEDS), "--min-words", "0")
    assert result.exit_code == 2


def test_pairs_file_lists_pairs_in_order(tmp_path: Path) -> None:
    listing = tmp_path / "pairs.txt"
    listing.write_text(
        f"{SEEDS / WIRE_B}\t{SEEDS / WIRE_A}\n"
        f"{SEEDS / '000_29bdf07f8de61b52.txt'}  {SEEDS / WIRE_A}\n"
    )
    result = run("compare", "--pairs", str(listing), "--format", "json")
    assert result.exit_code == 0, result.stderr
    pairs = json.loads(result.stdout)["pairs"]
    assert [(p["a"], p["b"]) for p in pairs] == [
        (str(SEEDS / WIRE_B), str(SEEDS / WIRE_A)),
        (str(SEEDS / "000_29bdf07f8de61b52.txt"), str(SEEDS / WIRE_A)),
    ]
    assert len(pairs[0]["passages"]) == 3
    assert pairs[1]["passages"] == []


def test_pairs_file_relative_paths_and_missing_file(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "docs")
    listing = tmp_path / "pairs.txt"
    listing.write_text(f"docs/{WIRE_A} docs/{WIRE_B}\ndocs/gone.txt docs/{WIRE_A}\n")
    result = run("compare", "--pairs", str(listing), "--format", "json")
    assert result.exit_code == 3
    assert "gone.txt" in result.stderr
    pairs = json.loads(result.stdout)["pairs"]
    assert [(p["a"], p["b"]) for p in pairs] == [(f"docs/{WIRE_A}", f"docs/{WIRE_B}")]


def test_pairs_with_paths_is_a_usage_error(tmp_path: Path) -> None:
    listing = tmp_path / "pairs.txt"
    listing.write_text("")
    result = run("compare", str(SEEDS), "--pairs", str(listing))
    assert result.exit_code == 2
    assert "--pairs" in result.stderr


def test_against_makes_the_reference_a(tmp_path: Path) -> None:
    new, wire = tmp_path / "new", tmp_path / "wire"
    new.mkdir()
    wire.mkdir()
    for name in SEEDS.glob("*.txt"):
        target = wire if name.name == WIRE_B else new
        shutil.copy(name, target / name.name)
    result = run("compare", str(new), "--against", str(wire), "--format", "json")
    assert result.exit_code == 0, result.stderr
    pairs = json.loads(result.stdout)["pairs"]
    assert [(p["a"], p["b"]) for p in pairs] == [(WIRE_B, WIRE_A)]


def test_extract_prints_text_exactly_and_its_hash(tmp_path: Path) -> None:
    source = tmp_path / "crlf.txt"
    source.write_bytes("Title\r\n\r\nBody “quoted” text.\r\n".encode())
    result = run("extract", str(source))
    assert result.exit_code == 0
    assert result.stdout_bytes == source.read_bytes()
    data = json.loads(run("compare", str(source), str(SEEDS / WIRE_A), "--format", "json").stdout)
    sha = next(d["sha256"] for d in data["documents"] if d["id"] == str(source))
    assert f"sha256 {sha}" in result.stderr


def test_extract_needs_id_for_several_records(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text('{"id": "x", "text": "one"}\n{"id": "y", "text": "two"}\n')
    assert run("extract", str(records)).exit_code == 2
    result = run("extract", str(records), "--id", f"{records}#y")
    assert result.exit_code == 0
    assert result.stdout == "two"


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("reuse ")


def test_same_bytes_across_processes_and_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "reuse", "compare", str(SEEDS), "--format", "json"],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert b'"pairs"' in outputs[0]


def test_unexpected_failure_exits_1_with_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("reuse.cli.run_compare", broken)
    result = run("compare", str(SEEDS))
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


def test_empty_column_name_is_a_usage_error() -> None:
    result = run("compare", str(SEEDS), "--text-col", "")
    assert result.exit_code == 2
    assert "text column name cannot be empty" in result.stderr


def test_unwritable_output_is_named(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.json"
    result = run("compare", str(SEEDS), "--format", "json", "-o", str(target))
    assert result.exit_code == 2
    assert str(target) in result.stderr and "cannot write output" in result.stderr


def test_markup_in_titles_is_shown_as_text(tmp_path: Path) -> None:
    for name in (WIRE_A, WIRE_B):
        text = (SEEDS / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text("[bold]Wire[/] story [/]\n" + text, encoding="utf-8")
    result = run("compare", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "[bold]Wire[/] story [/]" in result.stdout


def test_against_folder_nested_inside_path(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "all")
    (tmp_path / "all" / "ref").mkdir()
    shutil.move(tmp_path / "all" / WIRE_B, tmp_path / "all" / "ref" / WIRE_B)
    result = run(
        "compare",
        str(tmp_path / "all"),
        "--against",
        str(tmp_path / "all" / "ref"),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    pairs = json.loads(result.stdout)["pairs"]
    assert [(p["a"], p["b"]) for p in pairs] == [(WIRE_B, WIRE_A)]


def test_against_reads_stdin() -> None:
    text = (SEEDS / WIRE_B).read_text(encoding="utf-8")
    result = run("compare", str(SEEDS / WIRE_A), "--against", "-", "-f", "json", input=text)
    assert result.exit_code == 0, result.stderr
    assert [(p["a"], p["b"]) for p in json.loads(result.stdout)["pairs"]] == [
        ("-", str(SEEDS / WIRE_A))
    ]


def test_empty_pairs_file_says_so(tmp_path: Path) -> None:
    listing = tmp_path / "pairs.txt"
    listing.write_text("# nothing yet\n")
    result = run("compare", "--pairs", str(listing))
    assert result.exit_code == 2
    assert "no pair of readable files listed" in result.stderr


def test_csv_lists_pairs_without_passages_under_pairs(tmp_path: Path) -> None:
    listing = tmp_path / "pairs.txt"
    listing.write_text(f"{SEEDS / '000_29bdf07f8de61b52.txt'}\t{SEEDS / WIRE_A}\n")
    result = run("compare", "--pairs", str(listing), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["passage"], r["a_start"]) for r in rows] == [("0", "")]


def test_extract_exit_3_when_something_was_skipped(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text('{"id": "x", "text": "one"}\n{"id": "y"}\n')
    result = run("extract", str(records))
    assert result.exit_code == 3
    assert result.stdout == "one"
    assert "r.jsonl:2" in result.stderr


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reuse", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_output_is_utf8_whatever_the_locale() -> None:
    done = _cli("compare", str(SEEDS), "--format", "csv", env={"PYTHONIOENCODING": "latin-1"})
    assert done.returncode == 0, done.stderr
    assert "’".encode() in done.stdout
    extracted = _cli("extract", str(SEEDS / WIRE_A), env={"PYTHONIOENCODING": "latin-1"})
    assert extracted.stdout == (SEEDS / WIRE_A).read_bytes()


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_closed_pipe_is_not_an_error(tmp_path: Path, fmt: str) -> None:
    # Enough output to fill the pipe, so the writer meets the closed end.
    text = (SEEDS / WIRE_A).read_text(encoding="utf-8")
    for n in range(30):
        (tmp_path / f"copy{n:02d}.txt").write_text(text, encoding="utf-8")
    done = subprocess.run(
        f"{sys.executable} -m reuse compare {tmp_path} --format {fmt} | head -c 10; "
        "exit ${PIPESTATUS[0]}",
        shell=True,
        capture_output=True,
        check=False,
        executable="/bin/bash",
    )
    assert len(done.stdout) == 10
    assert (done.returncode, done.stderr) == (0, b"")


def test_no_color_keeps_text_markers_and_drops_colour() -> None:
    done = _cli("compare", str(SEEDS), env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert done.returncode == 0
    out = done.stdout.decode()
    assert "{+illegally+}" in out
    assert "\x1b[" in out  # styles (strike, underline) are kept ...
    assert "\x1b[31" not in out and "\x1b[32" not in out and "38;5" not in out  # ... colours not


def test_workers_option_changes_no_byte(tmp_path: Path) -> None:
    from tests.test_pipeline import _planted_corpus

    with (tmp_path / "articles.jsonl").open("w", encoding="utf-8") as f:
        for doc in _planted_corpus(600, seed=3):
            f.write(json.dumps({"id": doc.id, "text": doc.text}) + "\n")
    outputs = [
        run("compare", str(tmp_path / "articles.jsonl"), "-f", "jsonl", "--workers", n)
        for n in ("1", "2")
    ]
    assert all(r.exit_code == 0 for r in outputs), outputs[0].output
    assert outputs[0].stdout.count("\n") > 100
    assert outputs[0].stdout == outputs[1].stdout
    bad = run("compare", str(tmp_path / "articles.jsonl"), "--workers", "-1")
    assert bad.exit_code != 0


def test_command_restores_the_cycle_collector() -> None:
    import gc

    assert gc.isenabled()
    result = run("compare", str(SEEDS), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert gc.isenabled()


def test_a_terminal_sees_a_bar_for_every_stage_and_the_data_stays_clean(tmp_path: Path) -> None:
    out = tmp_path / "pairs.jsonl"
    done = _cli(
        "compare",
        str(SEEDS),
        "-f",
        "jsonl",
        "-o",
        str(out),
        env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"},
    )
    assert done.returncode == 0, done.stderr
    stages = ("reading", "fingerprinting", "finding candidates", "aligning", "writing")
    for stage in stages:
        assert stage.encode() in done.stderr, stage
    assert b"\x1b" not in out.read_bytes() and out.read_bytes().count(b"\n") >= 1
    # Without a terminal, no bar at all.
    quiet = _cli("compare", str(SEEDS), "-f", "jsonl", "-o", str(out))
    assert quiet.returncode == 0 and quiet.stderr == b""


def test_a_corpus_larger_than_free_memory_is_announced_and_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reuse import cli

    quiet = run("compare", str(SEEDS), "-f", "jsonl")
    assert "may need about" not in quiet.stderr  # this machine has room for five articles
    needed = sum(len(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")) * 10
    monkeypatch.setattr(cli, "_available_memory", lambda: needed // 2)
    loud = run("compare", str(SEEDS), "-f", "jsonl")
    assert loud.exit_code == 0 and loud.stdout == quiet.stdout
    assert f"reuse: note: 5 articles may need about {needed / 1e6:.0f} MB of memory" in loud.stderr
    monkeypatch.setattr(cli, "_available_memory", lambda: None)  # a system that does not say
    assert "may need" not in run("compare", str(SEEDS), "-f", "jsonl").stderr


def test_available_memory_is_read_from_the_system() -> None:
    from reuse import cli

    available = cli._available_memory()
    assert available is None or 0 < available < 2**50
    if os.path.exists("/proc/meminfo"):
        assert available is not None

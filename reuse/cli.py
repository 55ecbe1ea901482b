"""The `reuse` command line: a thin layer over `reuse.corpus` and `reuse.pipeline`.

Data goes to stdout (or ``--output``); progress, notices and errors go to stderr.
Exit codes: 0 done; 3 done but some inputs were skipped; 2 usage error or nothing
readable to compare; 1 an unexpected failure (a bug, shown with its traceback).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from reuse import __version__
from reuse.corpus import Columns, Loaded, load, load_pairs
from reuse.errors import OutputError, ReuseError
from reuse.model import Notice
from reuse.pipeline import compare as run_compare
from reuse.pipeline import memory_needed
from reuse.render.data import write_csv, write_json, write_jsonl
from reuse.render.html import DEFAULT_PAIR_VIEWS, render_html
from reuse.render.terminal import render_result
from reuse.settings import Settings

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3
DEFAULTS = Settings()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Find where news articles reuse each other's text, and how similar their topics are.",
)


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    _stderr().print(f"reuse: error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


def _report_notices(notices: tuple[Notice, ...]) -> None:
    err = _stderr()
    for notice in notices:
        word = "skipped" if notice.skipped else "note"
        err.print(f"reuse: {word}: {notice}", markup=False, soft_wrap=True)


class _DataConsole(Console):
    """A console for the table view: a closed pipe ends the run like any other format."""

    def on_broken_pipe(self) -> None:
        # rich exits with status 1 here; let _output end quietly instead.
        raise BrokenPipeError


class _Rate(ProgressColumn):
    """Items (or megabytes) per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        if not task.speed:
            return Text("")
        if task.fields.get("bytes"):
            return Text(f"{task.speed / 1e6:,.1f} MB/s", style="progress.data.speed")
        return Text(f"{task.speed:,.0f}/s", style="progress.data.speed")


class _Done(MofNCompleteColumn):
    """Done of total, in megabytes for a stage that counts bytes."""

    def render(self, task: Task) -> Text:
        if task.fields.get("bytes"):
            total = task.total or 0
            return Text(
                f"{task.completed / 1e6:,.1f}/{total / 1e6:,.1f} MB", style="progress.download"
            )
        return super().render(task)


@contextmanager
def _progress(*, enabled: bool = True) -> Iterator[Progress]:
    console = _stderr()
    bar = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        _Done(),
        _Rate(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        # Bars only for a person watching; a log file gets no control characters.
        disable=not (enabled and console.is_terminal),
    )
    with bar:
        yield bar


def _reporter(bar: Progress) -> Callable[[str, int, int], None]:
    """A progress callback that shows each stage as a bar."""
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            # Reading counts bytes (see `reuse.corpus.load`); every other stage, items.
            tasks[stage] = bar.add_task(stage, total=total, bytes=stage == "reading")
        bar.update(tasks[stage], completed=done, total=total)

    return report


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """Yield a UTF-8 text stream to ``path`` or stdout, whatever the locale says."""
    where = str(path) if path is not None else "standard output"
    try:
        if path is None:
            sys.stdout.flush()
            handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        else:
            handle = path.open("w", encoding="utf-8", newline="")
        try:
            yield handle
            handle.flush()
        finally:
            if path is None:
                handle.detach()
            else:
                handle.close()
    except BrokenPipeError:
        _reader_went_away()
    except OSError as exc:
        raise OutputError(f"{where}: cannot write output: {exc.strerror or exc}") from exc


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reuse {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Find where news articles reuse each other's text, and how similar their topics are."""


ColumnOption = Annotated[str, typer.Option(help="CSV/JSON field for this value.")]


def tune_memory() -> None:
    """Let this process keep the memory that array operations free, for the next ones.

    By default glibc hands freed memory back to the system almost at once, and every
    page taken again costs a fault: on a virtual machine, many times more than the
    arithmetic done in it. Worker processes inherit the setting. Elsewhere than glibc,
    nothing changes.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)  # arrays up to 32 MB from the heap
    libc.mallopt(_M_TRIM_THRESHOLD, 2**30)  # keep up to 1 GB freed at the heap's top


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _collector_paused(command: Callable[..., None]) -> Callable[..., None]:
    """Run ``command`` with Python's cycle collector paused: a comparison's output is
    millions of small objects and no cycles, which the collector would scan over and
    over."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        enabled = gc.isenabled()
        gc.disable()
        try:
            command(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


@app.command()
@_collector_paused
def compare(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH...",
            help="Folders (searched recursively), files (.txt .md .json .jsonl .csv .tsv), "
            "or - for standard input.",
            show_default=False,
        ),
    ] = None,
    format_: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.")
    ] = Format.table,
    min_words: Annotated[
        int,
        typer.Option(
            min=1,
            help="Shortest passage reported, in words on each side. Lower finds short shared "
            "phrases and more coincidences; higher keeps only substantial reuse.",
        ),
    ] = DEFAULTS.min_words,
    reworded: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Cosine and Dice two sentences need to count as one sentence reworded; 0 "
            "turns reworded-passage search off. Default: 0.33 up to 20,000 articles, off "
            "above (it costs more than the rest of the comparison).",
            show_default=False,
        ),
    ] = None,
    pairs: Annotated[
        Path | None,
        typer.Option(
            "--pairs",
            help="Compare exactly the pairs listed in this file (two paths a line, tab or "
            "space separated, relative to the file's folder); no PATH needed.",
        ),
    ] = None,
    against: Annotated[
        list[str] | None,
        typer.Option(
            "--against",
            help="Compare each document of PATH only with the documents here (repeatable); "
            "the reference is A.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    show: Annotated[
        int, typer.Option(min=0, help="Pairs shown with their passages in the table view.")
    ] = 10,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the comparison as one self-contained HTML report to this file.",
        ),
    ] = None,
    html_pairs: Annotated[
        int,
        typer.Option(
            min=0, help="Pairs given a side-by-side view in the HTML report (all are ranked)."
        ),
    ] = DEFAULT_PAIR_VIEWS,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Processes to fingerprint, align and format JSONL or CSV output in; 0 uses "
            "every core. The output is the same for any number.",
        ),
    ] = 0,
    text_col: ColumnOption = "text",
    id_col: ColumnOption = "id",
    title_col: ColumnOption = "title",
    date_col: ColumnOption = "date",
    outlet_col: ColumnOption = "outlet",
    url_col: ColumnOption = "url",
) -> None:
    """Find passages shared between articles, and their topic similarity."""
    paths = paths or []
    against = against or []
    tune_memory()
    try:
        columns = Columns(
            text=text_col, id=id_col, title=title_col, date=date_col, outlet=outlet_col, url=url_col
        )
        settings = Settings(min_words=min_words, reworded=reworded)
        listed: tuple[tuple[str, str], ...] | None = None
        references: set[str] | None = None
        if pairs is not None:
            if paths or against:
                raise _fail("--pairs compares only the listed pairs; give no PATH or --against")
            loaded, listed = load_pairs(str(pairs), columns=columns)
        else:
            if not paths:
                raise _fail("give at least one PATH to compare (or --pairs FILE)")
            stdin = sys.stdin.buffer if "-" in [*paths, *against] else None
            # References first: a file reached through both is a reference, read once.
            with _progress() as bar:
                loaded = load(
                    [*against, *paths], columns=columns, stdin=stdin, progress=_reporter(bar)
                )
            if against:
                references = {
                    d.id
                    for d, origin in zip(loaded.documents, loaded.origins, strict=True)
                    if origin < len(against)
                }
        _report_notices(loaded.notices)
        _check_enough(loaded, listed, references, pairs or paths)
        _warn_of_memory(loaded)
        with _progress() as bar:
            result = run_compare(
                loaded.documents,
                settings,
                pairs=listed,
                against=references,
                notices=loaded.notices,
                progress=_reporter(bar),
                workers=workers,
            )
        writers: dict[Format, Callable[..., None]] = {
            Format.json: write_json,
            # Many pairs are formatted on as many cores as they were compared on.
            Format.jsonl: functools.partial(write_jsonl, workers=workers),
            Format.csv: functools.partial(write_csv, workers=workers),
        }
        with _output(output) as out:
            if format_ in writers:
                # A bar only while the data goes to a file or a pipe, not between its lines.
                to_file = output is not None or not sys.stdout.isatty()
                with _progress(enabled=to_file) as bar:
                    writers[format_](result, out, progress=_reporter(bar))
            else:
                render_result(result, _DataConsole(file=out, highlight=False), max_pairs=show)
        if html is not None:
            with _output(html) as out:
                out.write(render_html(result, pair_views=html_pairs))
            _stderr().print(f"reuse: wrote {html}", markup=False, soft_wrap=True)
    except ReuseError as exc:
        raise _fail(str(exc)) from None
    if any(n.skipped for n in loaded.notices):
        raise typer.Exit(EXIT_SKIPPED)


def _warn_of_memory(loaded: Loaded) -> None:
    """Say so before a long run when the corpus likely needs more memory than is free:
    the system would otherwise stop it part-way, without a word from us."""
    needed, available = memory_needed(loaded.documents), _available_memory()
    if available is not None and needed > available:
        _stderr().print(
            f"reuse: note: {len(loaded.documents):,} articles may need about "
            f"{_amount(needed)} of memory and {_amount(available)} is available; "
            "if the run is stopped, compare fewer articles at a time",
            markup=False,
            soft_wrap=True,
        )


def _amount(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def _available_memory() -> int | None:
    """Bytes of memory the system can still hand out, where it says (Linux)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _check_enough(
    loaded: Loaded,
    listed: tuple[tuple[str, str], ...] | None,
    references: set[str] | None,
    given: Path | list[str],
) -> None:
    if listed is not None and not listed:
        raise _fail(f"{given}: no pair of readable files listed; nothing to compare")
    n = len(loaded.documents)
    if n == 0:
        names = " ".join(given) if isinstance(given, list) else str(given)
        raise _fail(f"nothing readable to compare in {names}")
    if listed is not None:
        return
    if references is not None:
        if not references:
            raise _fail("no readable reference document under --against")
        if len(references) == n:
            raise _fail("no readable document to compare with the --against references")
        return
    if n < 2:
        raise _fail(f"only one readable document ({loaded.documents[0].id}); need two to compare")


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="A file, folder, or - for standard input.")],
    id_: Annotated[
        str | None, typer.Option("--id", help="Which document, when PATH holds several.")
    ] = None,
    text_col: ColumnOption = "text",
    id_col: ColumnOption = "id",
) -> None:
    """Print a document's text exactly as reuse reads it: offsets index into it."""
    try:
        columns = Columns(text=text_col, id=id_col)
        loaded = load([path], columns=columns, stdin=sys.stdin.buffer if path == "-" else None)
        _report_notices(loaded.notices)
        documents = loaded.documents
        if id_ is not None:
            documents = tuple(d for d in documents if d.id == id_)
            if not documents:
                raise _fail(f"{path}: no document with id {id_!r}")
        if not documents:
            raise _fail(f"{path}: nothing readable")
        if len(documents) > 1:
            ids = ", ".join(d.id for d in documents[:5])
            raise _fail(
                f"{path} holds {len(documents)} documents ({ids}, ...); choose one with --id"
            )
        _stderr().print(f"sha256 {documents[0].sha256}", markup=False)
        # The exact UTF-8 bytes the sha256 is of, whatever the terminal's encoding.
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(documents[0].text.encode("utf-8"))
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            _reader_went_away()
    except ReuseError as exc:
        raise _fail(str(exc)) from None
    if any(n.skipped for n in loaded.notices):
        raise typer.Exit(EXIT_SKIPPED)


def _reader_went_away() -> NoReturn:
    """End quietly: the reader stopped early (``reuse ... | head``), not an error of ours."""
    # Point stdout at nothing so the interpreter's final flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(EXIT_OK)


def main() -> None:
    """Run the command line."""
    app(prog_name="reuse")

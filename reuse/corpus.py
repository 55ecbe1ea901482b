"""Turn input paths (files, folders, stdin, JSONL, JSON, CSV) into `Document`s.

A bad input item never stops the run: it becomes a `Notice` that names it and says
what to do, and the rest is still loaded.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from reuse.errors import InputError
from reuse.model import Document, Notice, Progress
from reuse.records import JSONL_SUFFIXES, RECORD_SUFFIXES, Columns, RecordParser

__all__ = ["SUPPORTED", "Columns", "Loaded", "load", "load_pairs"]

_STDIN = "-"
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
SUPPORTED = tuple(sorted(_TEXT_SUFFIXES | RECORD_SUFFIXES))
# Western European text has far fewer accented letters than this share of all letters.
_MAX_ACCENTED = 0.3
# Symbols that do stand against letters in Western text ("25°C", "€3m", "Brand™").
_WESTERN_SYMBOLS = frozenset("°€£¥$©®™§")
_WESTERN_CODECS = frozenset({"cp1252", "latin_1", "iso8859_15"})
_COMMENT = re.compile(r"\s+#.*$")
_SAVE_AS = "save the article as .txt, .md, .json, .jsonl or .csv"
# A longer first line is a paragraph, not a headline.
_TITLE_MAX_CHARS = 150


@dataclass(frozen=True, slots=True)
class Loaded:
    """The documents that were read, in input order, and what the reader should know.

    ``origins[i]`` is the index, in the ``paths`` given to `load`, of the argument
    document ``i`` was found under.
    """

    documents: tuple[Document, ...]
    notices: tuple[Notice, ...]
    origins: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Source:
    """One file (or stdin) to read, with the argument it was found under."""

    arg: str
    path: str
    file_id: str
    in_folder: bool
    origin: int = 0
    prefixed: bool = False


def load(
    paths: Sequence[str],
    *,
    columns: Columns = Columns(),
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> Loaded:
    """Read every document under ``paths``, skipping (with a notice) what cannot be used.

    Args:
        paths: files, folders (walked recursively, hidden entries ignored) or ``"-"`` for stdin.
        columns: the CSV columns / JSON fields to read.
        stdin: the bytes stream ``"-"`` stands for.
        progress: called as ``progress("reading", bytes done, bytes)`` after each file
            and, in a file of records, every few thousand records.

    Returns:
        The documents in argument order (files sorted by path within a folder, records in
        file order) and one notice per skipped or doubtful item.
    """
    reader = _Reader(columns, stdin)
    sources = []
    real_seen: dict[str, str] = {}
    for origin, arg in enumerate(paths):
        for source in _expand(arg, reader.notices):
            # One file reached through two arguments (a folder and a file inside it, or
            # --against inside PATH) is read once, under the first.
            real = source.path if source.path == _STDIN else os.path.realpath(source.path)
            if real in real_seen:
                first = real_seen[real]
                note = "given twice" if first == source.path else f"is the same file as {first}"
                reader.notices.append(Notice(source.path, f"{note}; read once", skipped=False))
                continue
            real_seen[real] = source.path
            sources.append(replace(source, origin=origin))
    documents: list[Document] = []
    origins: list[int] = []
    files_seen: dict[str, str] = {}
    ids_seen: dict[str, str] = {}
    unique = _disambiguate(sources)
    # Progress counts bytes: one file may hold a million articles.
    sizes = [_size(source.path) for source in unique]
    total = sum(sizes)
    done = 0
    report = progress or (lambda stage, done, total: None)
    for source, size in zip(unique, sizes, strict=True):
        report("reading", done, total)

        def advance(share: float, done: int = done, size: int = size) -> None:
            report("reading", done + min(size, int(share * size)), total)

        done += size
        # A whole file seen twice is one notice, not one per record (and stdin is read once).
        if not _is_new(source.file_id, source.path, files_seen, reader.notices):
            continue
        try:
            found = reader.read(source.path, source.file_id, advance)
        except InputError as error:
            reader.skip(error)
            continue
        for document, where in found:
            if _is_new(document.id, where, ids_seen, reader.notices):
                documents.append(document)
                origins.append(source.origin)
    report("reading", total, total)
    return Loaded(tuple(documents), tuple(reader.notices), tuple(origins))


def load_pairs(
    pairs_file: str, *, columns: Columns = Columns()
) -> tuple[Loaded, tuple[tuple[str, str], ...]]:
    """Read a file of document pairs, one pair of paths per line, and the files it names.

    Args:
        pairs_file: lines of two paths separated by a tab or spaces; ``#`` starts a comment.
            Relative paths are resolved against this file's folder.
        columns: the CSV columns / JSON fields to read.

    Returns:
        The documents the kept pairs use (each id is its path as written in the pairs file)
        with the notices, and the kept pairs of ids in file order.

    Raises:
        InputError: the pairs file itself cannot be read.
    """
    reader = _Reader(columns)
    notices = reader.notices
    text = reader.decode(_read_bytes(pairs_file), pairs_file)
    base = os.path.dirname(pairs_file)
    files: dict[str, tuple[str, str]] = {}  # normalised path -> (id, path to read)
    lines: list[tuple[str, str, int]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        # "#" starts a comment at the start of a line or after white space.
        line = _COMMENT.sub("", raw)
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{pairs_file}:{number}"
        fields = [f.strip() for f in line.split("\t")] if line.count("\t") == 1 else line.split()
        if len(fields) != 2 or not all(fields):
            notices.append(Notice(where, "expected two paths separated by a tab or spaces; fix it"))
            continue
        keys = [os.path.normpath(os.path.join(base, written)) for written in fields]
        for key, written in zip(keys, fields, strict=True):
            files.setdefault(key, (_slashes(written), os.path.join(base, written)))
        lines.append((keys[0], keys[1], number))

    uses = Counter(key for a, b, _ in lines for key in (a, b))
    documents: dict[str, Document] = {}
    for key, (file_id, path) in files.items():
        try:
            documents[key] = reader.read_one(path, file_id)
        except InputError as error:
            reader.skip(error)
            dropped = f"{uses[key]} pair(s) using it dropped; fix it or its lines in {pairs_file}"
            notices.append(Notice(path, dropped))

    # Every listed pair is kept, repeats and reversals included: the report follows the file.
    pairs: list[tuple[str, str]] = []
    used: dict[str, Document] = {}
    for a, b, _number in lines:
        if a not in documents or b not in documents:
            continue
        pairs.append((documents[a].id, documents[b].id))
        used.setdefault(a, documents[a])
        used.setdefault(b, documents[b])
    return Loaded(tuple(used.values()), tuple(notices)), tuple(pairs)


def _expand(arg: str, notices: list[Notice]) -> list[_Source]:
    """List the files one argument stands for, each with its id before disambiguation."""
    name = _slashes(arg)
    if arg == _STDIN:
        return [_Source(arg=_STDIN, path=_STDIN, file_id=_STDIN, in_folder=False)]
    if os.path.isdir(arg):
        return [
            _Source(name, path, file_id, in_folder=True) for path, file_id in _walk(arg, notices)
        ]
    if not os.path.exists(arg):
        notices.append(Notice(arg, "no such file or folder"))
        return []
    return [_Source(arg=name, path=arg, file_id=name, in_folder=False)]


def _walk(folder: str, notices: list[Notice]) -> list[tuple[str, str]]:
    """Return ``(path, id relative to folder)`` for every visible file, sorted by id."""

    def on_error(error: OSError) -> None:
        notices.append(Notice(str(error.filename or folder), _unreadable(error)))

    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        # Sorted in place so the walk, and any error notices it raises, are deterministic.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            if not os.path.isfile(path):
                notices.append(Notice(path, "is a broken link or not a regular file; skipped"))
                continue
            found.append((path, _slashes(os.path.relpath(path, folder))))
    found.sort(key=lambda item: item[1])
    return found


def _disambiguate(sources: list[_Source]) -> list[_Source]:
    """Prefix with its argument every folder-relative id that two different arguments yield.

    Prefixing can create a new clash (``a/x.txt`` from folder ``b``), so it repeats until
    no folder-relative id is shared by two arguments.
    """
    while True:
        args_by_id: dict[str, set[str]] = {}
        for source in sources:
            args_by_id.setdefault(source.file_id, set()).add(source.arg)
        clashing = [
            s.in_folder and not s.prefixed and len(args_by_id[s.file_id]) > 1 for s in sources
        ]
        if not any(clashing):
            return sources
        sources = [
            replace(s, file_id=posixpath.join(s.arg, s.file_id), prefixed=True) if clash else s
            for s, clash in zip(sources, clashing, strict=True)
        ]


class _Reader:
    """Reads files into documents, collecting a notice for everything skipped or doubtful.

    Methods raise `InputError` when a whole file is unusable; a bad record only adds a notice.
    """

    def __init__(self, columns: Columns, stdin: BinaryIO | None = None) -> None:
        self.columns = columns
        self.stdin = stdin
        self.notices: list[Notice] = []

    def skip(self, error: InputError) -> None:
        self.notices.append(Notice(error.source, error.reason))

    def read(
        self, path: str, file_id: str, advance: Callable[[float], None] | None = None
    ) -> list[tuple[Document, str]]:
        """Read one file (or stdin) as ``(document, where it came from)`` pairs;
        ``advance`` hears how far through a file of records the parsing is."""
        if path == _STDIN:
            text, suffix = self.decode(_read_bytes(_STDIN, self.stdin), _STDIN), ".txt"
        else:
            suffix = os.path.splitext(path)[1].lower()
            if suffix not in SUPPORTED:
                what = f"{suffix} is" if suffix else "a file without an extension is"
                raise InputError(path, f"{what} not a supported input; {_SAVE_AS}")
            if suffix in JSONL_SUFFIXES:
                streamed = self._stream_jsonl(path, file_id, advance)
                if streamed is not None:
                    return streamed
            text = self.decode(_read_bytes(path), path)
        if not text.strip():
            raise InputError(path, _EMPTY)
        if suffix in _TEXT_SUFFIXES:
            return [(Document(id=file_id, text=text, path=path, title=_title(text)), path)]
        return RecordParser(self.columns, self.notices, advance).parse(text, suffix, path, file_id)

    def _stream_jsonl(
        self, path: str, file_id: str, advance: Callable[[float], None] | None
    ) -> list[tuple[Document, str]] | None:
        """A JSON Lines file read a line at a time, so a large one is never whole in
        memory; None when it is not UTF-8 (read whole, `decode` then says what it is)."""
        size = _size(path)
        read = 0
        blank = True

        def lines() -> Iterator[str]:
            nonlocal read, blank
            with open(path, "rb") as f:
                for raw in f:  # split on b"\n" only, as the decoded text would be
                    if not read and raw.startswith(codecs.BOM_UTF8):
                        raw = raw[len(codecs.BOM_UTF8) :]
                    read += len(raw)
                    line = raw.decode("utf-8")  # its "\n" kept: copying it off costs more
                    blank = blank and (not line or line.isspace())
                    yield line

        noted = len(self.notices)
        parser = RecordParser(self.columns, self.notices, advance)
        try:
            found = parser.parse_jsonl(lines(), lambda n: read / max(size, 1), path, file_id)
        except UnicodeDecodeError:
            del self.notices[noted:]  # the whole file is read again
            return None
        except OSError as error:
            raise InputError(path, _unreadable(error)) from error
        except InputError:
            if blank:  # not a file without records: an empty one
                raise InputError(path, _EMPTY) from None
            raise
        return found

    def read_one(self, path: str, file_id: str) -> Document:
        """Read a file that must hold exactly one document, and give it ``file_id``."""
        if os.path.isdir(path):
            raise InputError(path, "is a folder; a pairs file must name files")
        if not os.path.exists(path):
            raise InputError(path, "no such file or folder")
        found = self.read(path, file_id)
        if len(found) != 1:
            reason = f"holds {len(found)} documents; a file in a pairs file must hold exactly one"
            raise InputError(path, reason)
        return replace(found[0][0], id=file_id)

    def decode(self, data: bytes, source: str) -> str:
        """Decode UTF-8 (dropping a BOM), else the detected charset with a notice.

        Newlines are left exactly as they are, so offsets index the text the user has.
        """
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        hint = "if letters look wrong, save it as UTF-8"
        western = _as_western(data)
        if western is not None:
            self.notices.append(Notice(source, f"not UTF-8; decoded as cp1252 ({hint})", False))
            return western
        matches = list(charset_normalizer.from_bytes(data))
        # cp1252 was just ruled out; a detector's tie often still ranks it (or its
        # Latin-1 cousins) first, ahead of the right cp1250 or cp1251.
        others = [m for m in matches if m.encoding not in _WESTERN_CODECS]
        match = next(iter(others or matches), None)
        if match is None:
            reason = "is not UTF-8 and its encoding cannot be detected; save it as UTF-8"
            raise InputError(source, reason)
        note = f"not UTF-8; decoded as {match.encoding} ({hint})"
        self.notices.append(Notice(source, note, False))
        return str(match)


def _as_western(data: bytes) -> str | None:
    """Decode as Windows-1252 when the result reads like Western European text.

    Charset detection is unreliable on article-sized samples (Spanish comes out as
    hp_roman8, English with curly quotes as cp775), and cp1252 is by far the most common
    legacy encoding of news pages. It is taken only when few letters are accented (not
    Cyrillic or Greek read as Latin) and no symbol sits against a letter, as "¿adne"
    does when Polish is misread.

    >>> _as_western("El señor Muñoz".encode("cp1252")), _as_western("Привет".encode("cp1251"))
    ('El señor Muñoz', None)
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = accented = 0
    for char in text:
        if char.isalpha():
            letters += 1
            accented += not char.isascii()
    if not letters or accented > _MAX_ACCENTED * letters:
        return None
    for i, char in enumerate(text):
        if char.isascii() or char.isalpha():
            continue
        category = unicodedata.category(char)
        near_letter = (i > 0 and text[i - 1].isalpha()) or (
            i + 1 < len(text) and text[i + 1].isalpha()
        )
        if category[0] == "C":
            return None
        if near_letter and category[0] in "SN" and char not in _WESTERN_SYMBOLS:
            return None
        if char in "¿¡" and i > 0 and text[i - 1].isalpha():
            return None
    return text


_EMPTY = "is empty; put the article's text in it or leave it out"


def _size(path: str) -> int:
    """The file's size in bytes; 0 for stdin or what cannot be read (reading says why)."""
    if path == _STDIN:
        return 0
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_bytes(path: str, stdin: BinaryIO | None = None) -> bytes:
    """Return the bytes of the file at ``path``, or of ``stdin`` when ``path`` is "-"."""
    if path == _STDIN and stdin is None:
        raise InputError(_STDIN, "no standard input to read; pipe the article in or name a file")
    try:
        return stdin.read() if path == _STDIN and stdin is not None else Path(path).read_bytes()
    except OSError as error:
        raise InputError(path, _unreadable(error)) from error


def _unreadable(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"could not be read ({reason}); check that it exists and that you may read it"


def _title(text: str) -> str | None:
    """Return the first non-empty line, stripped, when it looks like a headline.

    A headline is short and does not end with a full stop; a first line that does is the
    article's opening sentence (many saved articles have no headline at all).

    >>> _title("\\n  Storm hits coast \\nBody text."), _title("Rain fell. It was wet.")
    ('Storm hits coast', None)
    """
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            headline = len(stripped) <= _TITLE_MAX_CHARS and not stripped.endswith(".")
            return stripped if headline else None
    return None


def _is_new(doc_id: str, where: str, seen: dict[str, str], notices: list[Notice]) -> bool:
    """Record ``doc_id`` as seen at ``where``; if it was seen before, add a notice instead."""
    if doc_id in seen:
        notices.append(
            Notice(where, f"duplicate id {doc_id} (first seen in {seen[doc_id]}); skipped")
        )
        return False
    seen[doc_id] = where
    return True


def _slashes(path: str) -> str:
    """Return ``path`` with "/" separators, so ids read the same on every system."""
    return path.replace(os.sep, "/")

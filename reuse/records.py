"""Records inside JSON, JSON Lines and CSV/TSV files, turned into `Document`s.

A bad record becomes a notice naming ``FILE:LINE`` (or ``FILE#INDEX``) and the reason;
the other records of the file are still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from reuse.errors import InputError, SettingsError
from reuse.model import Document, Notice

__all__ = ["JSONL_SUFFIXES", "RECORD_SUFFIXES", "Columns", "RecordParser"]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_DELIMITERS = {".csv": ",", ".tsv": "\t"}
RECORD_SUFFIXES = frozenset({".json", *JSONL_SUFFIXES, *_DELIMITERS})
# sys.maxsize overflows the C long the csv module uses on Windows; 2 GiB is plenty per field.
_CSV_FIELD_LIMIT = 2**31 - 1

# (where, id when the record has none, the record itself)
_Record = tuple[str, str, object]
# Records between two reports of how far through its file the parser is.
_ADVANCE_EVERY = 5_000


@dataclass(frozen=True, slots=True)
class Columns:
    """Names of the CSV columns / JSON fields that hold each part of a document."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "date"
    outlet: str = "outlet"
    url: str = "url"

    def __post_init__(self) -> None:
        for name in ("text", "id", "title", "date", "outlet", "url"):
            if not getattr(self, name):
                raise SettingsError(f"columns: the {name} column name cannot be empty")


class RecordParser:
    """Parses one file's records, adding a notice for every record it skips.

    Methods raise `InputError` when the whole file is unusable.
    """

    def __init__(
        self,
        columns: Columns,
        notices: list[Notice],
        advance: Callable[[float], None] | None = None,
    ) -> None:
        """``advance`` is told, now and then, the share of a file's text parsed so far."""
        self.columns = columns
        self.notices = notices
        self.advance = advance or (lambda share: None)

    def skip(self, error: InputError) -> None:
        self.notices.append(Notice(error.source, error.reason))

    def parse(self, text: str, suffix: str, path: str, file_id: str) -> list[tuple[Document, str]]:
        """Return ``(document, where it came from)`` for each good record of a file."""
        if suffix in JSONL_SUFFIXES:
            lines = text.split("\n")
            records = self._jsonl_records(lines, lambda n: n / len(lines), path)
        elif suffix == ".json":
            records = self._json_records(text, path)
        else:
            records = self._csv_records(text, path, _DELIMITERS[suffix])
        return self._documents(records, path, file_id)

    def parse_jsonl(
        self, lines: Iterable[str], share: Callable[[int], float], path: str, file_id: str
    ) -> list[tuple[Document, str]]:
        """`parse` for JSON Lines given one line at a time (with or without its
        "\\n"), so a large file is never whole in memory; ``share(n)`` is how far
        through the file the first ``n`` lines are, for progress."""
        return self._documents(self._jsonl_records(lines, share, path), path, file_id)

    def _jsonl_records(
        self, lines: Iterable[str], share: Callable[[int], float], path: str
    ) -> Iterator[_Record]:
        # Lines split on "\n" only: JSON strings may hold a raw U+2028, which
        # splitlines() would cut.
        for number, line in enumerate(lines, start=1):
            if number % _ADVANCE_EVERY == 0:
                self.advance(share(number))
            if not line or line.isspace():  # no copy, as strip() would make
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                reason = f"is not valid JSON ({error.msg}); fix it"
                self.notices.append(Notice(f"{path}:{number}", reason))
                continue
            yield f"{path}:{number}", str(number), record

    def _json_records(self, text: str, path: str) -> Iterator[_Record]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            where = f"at line {error.lineno}, column {error.colno}"
            raise InputError(path, f"is not valid JSON ({error.msg} {where}); fix it") from error
        if isinstance(data, dict) and "reuse" in data and "pairs" in data:
            # reuse's own JSON report (say, written into the folder being compared).
            self.notices.append(Notice(path, "is a reuse report, not articles; ignored", False))
            return
        if isinstance(data, dict) and isinstance(data.get("documents"), list):
            items: list[object] = data["documents"]
        elif isinstance(data, dict):
            items = [data]
        elif isinstance(data, list):
            items = data
        else:
            raise InputError(path, "holds neither a JSON object nor a list of objects; fix it")
        for index, item in enumerate(items, start=1):
            yield f"{path}#{index}", str(index), item

    def _csv_records(self, text: str, path: str, delimiter: str) -> Iterator[_Record]:
        csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
        # newline="" keeps "\r\n" inside quoted fields as written.
        # strict: an unclosed quote is an error, not the rest of the file in one field.
        stream = io.StringIO(text, newline="")
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        try:
            header = next(reader, [])
            if self.columns.text not in header:
                raise InputError(
                    path,
                    f"has no {self.columns.text!r} column (its columns: "
                    f"{', '.join(header) or 'none'}); name the text column with --text-col",
                )
            line = reader.line_num + 1
            for rows, row in enumerate(reader, start=1):
                if rows % _ADVANCE_EVERY == 0:
                    self.advance(stream.tell() / len(text))
                if row:
                    # Missing cells of a short row are empty; of two same-named columns, the
                    # first wins.
                    cells: dict[str, str] = {}
                    for name, value in zip(header, row + [""] * len(header), strict=False):
                        cells.setdefault(name, value)
                    yield f"{path}:{line}", str(line), cells
                line = reader.line_num + 1
        except csv.Error as error:
            reason = f"is not valid CSV ({error}); the rest of the file was skipped, fix it"
            self.notices.append(Notice(f"{path}:{reader.line_num}", reason))

    def _documents(
        self, records: Iterable[_Record], path: str, file_id: str
    ) -> list[tuple[Document, str]]:
        found: list[tuple[Document, str]] = []
        noted = len(self.notices)
        for where, fallback_id, record in records:
            # Only the record is guarded: an InputError from ``records`` itself spoils the file.
            try:
                document = self._document(record, where, fallback_id, path, file_id)
            except InputError as error:
                self.skip(error)
            else:
                found.append((document, where))
        # Every record gives a document or a notice, so neither means there were no records.
        if not found and len(self.notices) == noted:
            raise InputError(path, "holds no records; add some or leave it out")
        return found

    def _document(
        self, record: object, where: str, fallback_id: str, path: str, file_id: str
    ) -> Document:
        """Build a document from one JSON object or CSV row."""
        name = self.columns.text
        if not isinstance(record, dict):
            raise InputError(
                where, 'is not a JSON object; each record must look like {"text": ...}'
            )
        text = record.get(name)
        if text is None:
            raise InputError(
                where, f"has no {name!r} field; add it or name the text field with --text-col"
            )
        if not isinstance(text, str):
            raise InputError(where, f"its {name!r} field is not a string; make it one")
        if not text or text.isspace():  # not strip(), which copies the text
            raise InputError(where, f"its {name!r} field is empty; fill it in or remove it")
        record_id = self._field(record, self.columns.id, where)
        return Document(
            id=f"{file_id}#{record_id or fallback_id}",
            text=text,
            path=path,
            title=self._field(record, self.columns.title, where),
            date=self._field(record, self.columns.date, where),
            outlet=self._field(record, self.columns.outlet, where),
            url=self._field(record, self.columns.url, where),
        )

    def _field(self, record: Mapping[str, object], name: str, where: str) -> str | None:
        """Return a metadata field as a string; numbers are converted, empty means absent."""
        value = record.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        reason = f"its {name!r} field is not a string or a number; ignored it"
        self.notices.append(Notice(where, reason, skipped=False))
        return None

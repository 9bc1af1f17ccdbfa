"""Read a cases file (CSV, JSONL or Parquet) into a raw table of strings, keeping the user's row numbers.

Row numbers are the rows a user sees: in a CSV the header is row 1 and the first case row 2, as in a
spreadsheet; in a JSONL file the line number; in a Parquet file the record number, from 1.
Bytes that are not UTF-8 are kept as lone surrogates (Python's `surrogateescape`) so that validation can
name the row, field and offset; `clustering.load` reports them.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import stat
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from clustering.csv_rows import swallowed_rows, unclosed_quote
from clustering.problems import LoadError, Problem, file_problem
from clustering.settings import MAX_COLUMNS, MAX_INPUT_BYTES

CHUNK_BYTES = 1 << 20  # a compressed file is decompressed this much at a time, up to the limit
PARQUET_BATCH_ROWS = 8_192  # a Parquet file is decoded this many rows at a time, up to the limit

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass
class RawTable:
    """A file's cells before validation: mostly strings, numbers and timestamps left as Parquet typed them."""

    path: str
    format: str
    frame: pd.DataFrame
    rows: np.ndarray  # the user's row number of each frame row
    bad_bytes: bool  # some text was not UTF-8 (kept as lone surrogates)
    problems: list[Problem]  # rows that could not be read (JSONL lines, CSV rows swallowing others), already dropped
    sha256: str = ""  # of the file's bytes as they were read (compressed, when gzip): identifies the input


def file_format(path: Path) -> tuple[str, bool]:
    """The format of a file by its extension, and whether it is gzip-compressed."""
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext not in FORMATS or (compressed and FORMATS[ext] == "parquet"):
        known = ", ".join(sorted(FORMATS))
        raise file_problem(path, f"unsupported file type '{ext or path.name}'; use one of {known} "
                                 "(csv/jsonl may be .gz)")
    return FORMATS[ext], compressed


def read_raw(path: str | Path, max_bytes: int = MAX_INPUT_BYTES, max_columns: int = MAX_COLUMNS) -> RawTable:
    """Read a cases file into a RawTable; raise LoadError when the file cannot be read at all.

    max_bytes bounds what is read into memory, after gzip decompression (a small .gz can decompress to
    gigabytes) and Parquet decoding: a larger file is refused as bad input, naming the limit. A file of more than
    max_columns columns is refused before its rows are parsed."""
    path = Path(path)
    fmt, compressed = file_format(path)
    try:
        kind = path.stat().st_mode
    except FileNotFoundError:
        raise file_problem(path, "no such file") from None
    except OSError as exc:  # a name too long, a folder that cannot be entered, a loop of links
        raise file_problem(path, f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(kind):
        raise file_problem(path, "is a folder, not a file")
    if not stat.S_ISREG(kind):  # a pipe or a device would block or never end
        raise file_problem(path, "is not a regular file")
    try:
        data, sha256 = _read_bounded(path, compressed, max_bytes)
    except OSError as exc:
        raise file_problem(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise file_problem(path, "the file is empty")
    return replace(_parse(path, fmt, data, max_bytes, max_columns), sha256=sha256)


def _parse(path: Path, fmt: str, data: bytes | bytearray, max_bytes: int, max_columns: int) -> RawTable:
    if fmt == "parquet":
        return _read_parquet(path, data, max_bytes, max_columns)
    text, bad_at = _decode(data)
    if fmt == "jsonl":
        return _read_jsonl(path, text, bad_at is not None, max_columns)
    sep = "\t" if fmt == "tsv" else ","
    header = next((r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r), [])
    _check_columns(path, len(header), max_columns)
    return _read_delimited(path, text, bad_at, sep, fmt)


def _check_columns(path: Path, count: int, max_columns: int) -> None:
    if count > max_columns:
        raise file_problem(path, f"the file has {count:,} columns, more than {max_columns:,} (max_columns); a cases "
                                 "export has tens: leave out the columns the analysis does not use")


def _too_large(path: Path, what: str, max_bytes: int) -> LoadError:
    return file_problem(path, f"{what} more than {max_bytes:,} bytes, the limit of what is read into memory "
                              "(max_input_bytes); split the file or raise the limit")


class _Hashed(io.RawIOBase):
    """A binary file that adds every byte read from it to a hash."""

    def __init__(self, handle: io.BufferedReader, digest):  # digest: a hashlib hash
        self.handle, self.digest = handle, digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.handle.readinto(buffer)
        self.digest.update(memoryview(buffer)[:n])
        return n


def _read_bounded(path: Path, compressed: bool, max_bytes: int) -> tuple[bytes | bytearray, str]:
    """The file's bytes, decompressed when gzip, streamed so that no more than max_bytes + 1 are ever held; and the
    SHA-256 of the file as read (one pass: the bytes hashed are the bytes loaded, whatever happens to the file)."""
    if not compressed:
        if path.stat().st_size > max_bytes:
            raise _too_large(path, "the file holds", max_bytes)
        data = path.read_bytes()
        return data, hashlib.sha256(data).hexdigest()
    out, digest = bytearray(), hashlib.sha256()
    try:
        with open(path, "rb") as raw, gzip.GzipFile(fileobj=_Hashed(raw, digest), mode="rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                out += chunk
                if len(out) > max_bytes:
                    raise _too_large(path, "the file decompresses to", max_bytes)
            while rest := raw.read(CHUNK_BYTES):  # what gzip left unread (nothing, normally)
                digest.update(rest)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise file_problem(path, f"not a readable gzip file: {exc}") from exc
    return out, digest.hexdigest()  # not copied to bytes: that would hold the file twice


def _decode(data: bytes | bytearray) -> tuple[str, int | None]:
    """The text, and the byte offset in the file of the first byte that is not UTF-8 (None when all are)."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        return data.decode("utf-8-sig", errors="surrogateescape"), exc.start + bom


def _no_rows(path: Path) -> LoadError:
    return file_problem(path, "the file has no data rows (only a header)")


def _header_bytes(path: Path, header: list[str], offset: int) -> None:
    """Refuse a header that is not UTF-8, naming row 1, the column and the byte's offset in the file."""
    for k, name in enumerate(header):
        bad = next((ch for ch in name if "\udc80" <= ch <= "\udcff"), None)
        if bad is not None:
            raise LoadError([Problem(str(path), 1, f"column {k + 1}",
                                     f"the header is not valid UTF-8: byte 0x{ord(bad) - 0xDC00:02X} at byte offset "
                                     f"{offset:,} of the file; save the file as UTF-8")])


def _read_delimited(path: Path, text: str, bad_at: int | None, sep: str, fmt: str) -> RawTable:
    if bad_at is not None:
        # The C parser cannot carry lone surrogates; the csv module can. Only taken for broken files.
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        records = [r for r in records if r]
        if records:
            _header_bytes(path, records[0], bad_at)
        if len(records) < 2:
            raise _no_rows(path)
        header, body = records[0], records[1:]
        for i, rec in enumerate(body):
            if len(rec) != len(header):
                raise file_problem(path, f"row {i + 2} has {len(rec)} fields, the header has {len(header)}")
        frame = pd.DataFrame(body, columns=header, dtype=object)
    else:
        try:
            frame = pd.read_csv(
                io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                skip_blank_lines=True,
            )
        except pd.errors.EmptyDataError as exc:
            raise file_problem(path, "the file is empty") from exc
        except pd.errors.ParserError as exc:
            if "EOF inside string" in str(exc):
                raise unclosed_quote(str(path), text, sep) from exc
            raise file_problem(path, f"not a readable {fmt.upper()} file: {exc}") from exc
        if frame.empty:
            raise _no_rows(path)
        header = next((r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r), [])
        if len(header) == len(frame.columns):  # pandas renames a repeated name 'x.1'; keep it, to be reported
            frame.columns = header
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    swallowed, problems = swallowed_rows(str(path), text, frame, sep)
    if problems:
        frame, rows = frame.loc[~swallowed].reset_index(drop=True), rows[~swallowed]
        if frame.empty:
            raise LoadError(problems)
    return RawTable(str(path), fmt, frame, rows, bad_at is not None, problems)


def _json_cell(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    return json.dumps(value, ensure_ascii=False)


def _read_jsonl(path: Path, text: str, bad_bytes: bool, max_columns: int = MAX_COLUMNS) -> RawTable:
    records: list[dict] = []
    keys: set[str] = set()
    rows: list[int] = []
    problems: list[Problem] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), lineno, None, f"not valid JSON: {exc.msg} at character {exc.colno}"))
            continue
        except RecursionError:
            problems.append(Problem(str(path), lineno, None, "not readable: arrays or objects nested too deep"))
            continue
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            problems.append(Problem(str(path), lineno, None, f"not readable JSON: {exc}"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(str(path), lineno, None, f"expected a JSON object, found {type(obj).__name__}"))
            continue
        keys.update(obj)
        _check_columns(path, len(keys), max_columns)
        records.append({k: _json_cell(v) for k, v in obj.items()})
        rows.append(lineno)
    if not records and not problems:
        raise file_problem(path, "the file is empty")
    if not records:
        raise LoadError(problems)
    frame = pd.DataFrame(records, dtype=object)
    frame = frame.where(frame.notna(), None)
    return RawTable(str(path), "jsonl", frame, np.asarray(rows, dtype=np.int64), bad_bytes, problems)


def _read_parquet(path: Path, data: bytes, max_bytes: int, max_columns: int = MAX_COLUMNS) -> RawTable:
    """The sizes in a Parquet file's metadata are the writer's word, and dictionary pages decode to far more than
    they take: the file is decoded a batch of rows at a time and refused once the decoded batches pass max_bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        meta = parquet.metadata
        _check_columns(path, meta.num_columns, max_columns)
        if sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) > max_bytes:
            raise _too_large(path, "the file's columns decompress to", max_bytes)
        batches, decoded = [], 0
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            decoded += batch.nbytes
            if decoded > max_bytes:
                raise _too_large(path, "the file's columns decode to", max_bytes)
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=parquet.schema_arrow)
    except (pa.ArrowException, OSError) as exc:
        raise file_problem(path, f"not a readable Parquet file: {exc}") from exc
    if table.num_rows == 0:
        raise file_problem(path, "the file has no data rows")
    bad_bytes = False
    columns = {}
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            values = column.to_pylist()
            decoded = []
            for v in values:
                if v is None:
                    decoded.append(None)
                    continue
                try:
                    decoded.append(v.decode("utf-8"))
                except UnicodeDecodeError:
                    decoded.append(v.decode("utf-8", errors="surrogateescape"))
                    bad_bytes = True
            columns[name] = pd.Series(decoded, dtype=object)
        else:
            columns[name] = column.to_pandas()
    frame = pd.DataFrame(columns)
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawTable(str(path), "parquet", frame, rows, bad_bytes, [])

"""Load and validate a cases file into the typed frame of `clustering.schema`.

Strict by default: every problem is collected and reported as `file:row:field: message`, and the load
fails as a whole (ValidationError) so nothing downstream sees half a file. With `lenient=True` each bad
row is skipped with a warning naming it. Field values longer than `max_field_chars` are truncated with a
warning in both modes. How a file is read is `clustering.settings.LoadSettings` (the settings file's `load`
section).
"""

from __future__ import annotations

import difflib
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from clustering import schema
from clustering.problems import LoadError, Problem, ValidationError, file_problem
from clustering.read import RawTable, read_raw
from clustering.settings import LoadSettings
from clustering.weeks import week_names

MAX_PROBLEMS_KEPT = 10_000
NS_RANGE = (pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC"))  # what datetime64[ns] holds


@dataclass
class LoadResult:
    """A loaded file: the typed cases frame and what happened on the way. Loaded once, it is handed on whole (the
    digest's runs take it, `assistant.analysis.analyse_loaded`): the file is read and hashed once."""

    path: str
    cases: pd.DataFrame
    rows_read: int
    rows_skipped: int
    warnings: list[Problem]
    columns_found: list[str]
    sha256: str  # of the file's bytes as read (`clustering.read.RawTable.sha256`): identifies a run's input
    seconds: float = 0.0  # how long reading and validating took

    @property
    def has_correct_rows(self) -> bool:
        """Whether the file holds correct decisions too, so that rates have their denominators."""
        return bool((~self.cases["misjudged"]).any())


def read_column_map(path: str | Path) -> dict[str, str]:
    """Read a column mapping file (YAML or JSON): `{their_column: schema_field}`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise file_problem(path, f"cannot read the column mapping: {exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            mapping = json.loads(text)
        else:
            import yaml

            mapping = yaml.safe_load(text)
    except Exception as exc:  # yaml and json raise different classes; both mean "unreadable"
        raise file_problem(path, f"the column mapping is not valid {path.suffix.lstrip('.').upper()}: {exc}") from exc
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise file_problem(path, "the column mapping must be a table of `their_column: schema_field` strings")
    return mapping


def parse_map_options(options: list[str]) -> dict[str, str]:
    """Turn `--map their_name=case_id` options into a column mapping."""
    mapping = {}
    for option in options:
        their, sep, ours = option.partition("=")
        if not sep or not their.strip() or not ours.strip():
            raise ValueError(f"--map expects THEIR_COLUMN=FIELD, got {option!r}")
        mapping[their.strip()] = ours.strip()
    return mapping


def load_cases(path: str | Path, settings: LoadSettings | None = None) -> LoadResult:
    """Read, map, validate and type a cases file. Raises LoadError / ValidationError on bad input."""
    settings = settings or LoadSettings()
    start = time.perf_counter()
    raw = read_raw(path, settings.max_input_bytes, settings.max_columns)
    frame = _map_columns(raw, settings.column_map, settings.echo_values)
    return _Validator(raw, frame, settings, start).run()


def _map_columns(raw: RawTable, column_map: dict[str, str], echo: bool = True) -> pd.DataFrame:
    path = raw.path
    original = [str(c) for c in raw.frame.columns]
    normalised = [schema.normalise_header(c) for c in original]
    seen: dict[str, str] = {}
    for k, (orig, norm) in enumerate(zip(original, normalised)):
        if norm in seen:
            raise file_problem(path, f"columns '{seen[norm]}' and '{orig}' have the same name" if echo
                               else f"column {k + 1} has the name of an earlier column", field=norm if echo else None)
        seen[norm] = orig
    renames = dict(zip(original, normalised))
    for their, ours in column_map.items():
        if ours not in schema.FIELD_NAMES:
            close = difflib.get_close_matches(ours, schema.FIELD_NAMES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise file_problem(path, f"the column mapping names an unknown field '{ours}'{hint}; "
                               f"fields are: {', '.join(schema.FIELD_NAMES)}")
        key = schema.normalise_header(their)
        if key not in seen:
            has = f"it has: {', '.join(original)}" if echo else f"it has {len(original)} columns"
            raise file_problem(path, f"the column mapping names column '{their}', which the file does not have; {has}")
        renames[seen[key]] = ours
    counts = Counter(renames.values())  # counted once: a file of many columns stays linear
    for name, count in counts.items():
        if count > 1 and name in schema.FIELD_NAMES:
            sources = [k for k, v in renames.items() if v == name]
            which = f"columns {', '.join(map(repr, sources))}" if echo else f"{len(sources)} columns"
            raise file_problem(path, f"{which} all map to '{name}'", field=name)
    frame = raw.frame.rename(columns=renames)
    _check_required_columns(path, frame, original, echo)
    return frame


def _suggest(field_names: list[str], columns: list[str]) -> tuple[str, str] | None:
    """A column of the file that probably holds one of these fields, as (column, field)."""
    lowered = {schema.normalise_header(c): c for c in columns}
    for name in field_names:
        for alias in schema.KNOWN_ALIASES.get(name, ()):
            if alias in lowered:
                return lowered[alias], name
    for name in field_names:
        close = difflib.get_close_matches(name, list(lowered), n=1, cutoff=0.6)
        if close:
            return lowered[close[0]], name
    return None


def _check_required_columns(path: str, frame: pd.DataFrame, original: list[str], echo: bool) -> None:
    present = set(frame.columns)
    missing = [[f] for f in schema.REQUIRED if f not in present]
    if not any(f in present for f in schema.ONE_OF_TEXT):
        missing.append(list(schema.ONE_OF_TEXT))
    if not missing:
        return
    problems = []
    for names in missing:
        suggestion = _suggest(names, [c for c in original if schema.normalise_header(c) not in schema.FIELD_NAMES])
        hint = f"; map one with --map '{suggestion[0]}={suggestion[1]}'" if suggestion else ""
        has = f"the file has: {', '.join(original)}{hint}" if echo else f"the file has {len(original)} other columns"
        problems.append(Problem(path, None, " or ".join(names), f"missing required column; {has}"))
    raise LoadError(problems)


class _Validator:
    """Checks every row of a mapped frame and builds the typed cases frame."""

    def __init__(self, raw: RawTable, frame: pd.DataFrame, settings: LoadSettings, started: float):
        self.started = started  # time.perf_counter() when the load began
        self.raw = raw
        self.path = raw.path
        self.frame = frame
        self.settings = settings
        self.rows = raw.rows
        self.bad = np.zeros(len(frame), dtype=bool)
        self.problems: list[Problem] = list(raw.problems)
        self.total_errors = len(raw.problems)
        self.warnings: list[Problem] = []

    def quoted(self, value, lead: str = " ") -> str:
        """`lead'value'` for a message, or nothing when values are not echoed."""
        return f"{lead}'{value}'" if self.settings.echo_values else ""

    def error(self, mask: np.ndarray, field_name: str | None, message) -> None:
        """Flag the rows under `mask`; `message(i)` gives the text for frame row i."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.bad[idx] = True
        self.total_errors += len(idx)
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        for i in idx[: max(room, 0)]:
            self.problems.append(Problem(self.path, int(self.rows[i]), field_name, message(i)))

    def warn(self, mask: np.ndarray, field_name: str | None, message) -> None:
        for i in np.flatnonzero(mask)[:MAX_PROBLEMS_KEPT]:
            self.warnings.append(Problem(self.path, int(self.rows[i]), field_name, message(i), "warning"))

    def column(self, name: str) -> pd.Series:
        if name in self.frame.columns:
            return self.frame[name]
        return pd.Series([None] * len(self.frame), index=self.frame.index, dtype=object)

    def run(self) -> LoadResult:
        self.frame = self.frame.reset_index(drop=True)
        if self.raw.bad_bytes:
            self._check_encoding()
        out = pd.DataFrame(index=self.frame.index)
        for name in schema.STRING_FIELDS:
            out[name] = self._string_field(name)
        out["case_id"] = self._case_ids(out["case_id"])
        self._required_present(out, "policy")
        out["original_decision"] = self._decision("original_decision")
        out["final_decision"] = self._decision("final_decision")
        out["misjudged"] = (out["original_decision"] != out["final_decision"]).fillna(False).astype(bool)
        out["error_type"] = self._error_type(out)
        out["decision_source"] = self._decision_source()
        out["model_score"] = self._score()
        for name in schema.TIME_FIELDS:
            out[name] = self._timestamp(name)
        self._text_present(out)
        out["week"] = week_names(out["decided_at"])
        out["source_row"] = self.rows
        known = {*schema.FIELD_NAMES, *schema.DERIVED}
        extra = [c for c in self.frame.columns if c not in known]
        if extra:  # added at once: inserting them one by one costs pandas a copy each (quadratic in columns)
            out = pd.concat([out, self.frame[extra]], axis=1)
        order = [*schema.FIELD_NAMES, "misjudged", "week", "source_row", *extra]
        return self._finish(out[order])

    def _finish(self, out: pd.DataFrame) -> LoadResult:
        rows_read = len(out) + len(self.raw.problems)
        if self.total_errors and not self.settings.lenient:
            self.problems.sort(key=lambda p: (p.row or 0, p.field or ""))
            bad_rows = int(self.bad.sum()) + len(self.raw.problems)
            raise ValidationError(self.problems, self.total_errors, bad_rows, self.path)
        skipped = int(self.bad.sum()) + len(self.raw.problems)
        if self.total_errors:
            self.warnings.extend(Problem(p.path, p.row, p.field, f"row skipped: {p.message}", "warning")
                                 for p in self.problems)
        kept = out.loc[~self.bad].reset_index(drop=True)
        if kept.empty:
            raise file_problem(self.path, f"no valid rows: all {rows_read:,} rows have problems")
        self.warnings.sort(key=lambda p: (p.row or 0, p.field or ""))
        return LoadResult(self.path, kept, rows_read, skipped, self.warnings, [str(c) for c in self.raw.frame.columns],
                          self.raw.sha256, time.perf_counter() - self.started)

    def _check_encoding(self) -> None:
        for name in self.frame.columns:
            values = self.frame[name].tolist()
            changed = False
            for i, value in enumerate(values):
                if not isinstance(value, str):
                    continue
                bad_at = next((k for k, ch in enumerate(value) if "\udc80" <= ch <= "\udcff"), None)
                if bad_at is None:
                    continue
                byte = ord(value[bad_at]) - 0xDC00
                mask = np.zeros(len(values), dtype=bool)
                mask[i] = True
                self.error(mask, str(name),
                           lambda _, b=byte, k=bad_at: f"not valid UTF-8: byte 0x{b:02X} at character {k + 1}")
                values[i] = value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
                changed = True
            if changed:
                self.frame[name] = pd.Series(values, index=self.frame.index, dtype=object)

    def _string_field(self, name: str) -> pd.Series:
        col = self.column(name)
        if col.dtype != object and not pd.api.types.is_string_dtype(col):
            col = col.astype(object).where(col.notna(), None)
        s = col.astype("string")
        if name in schema.TEXT_FIELDS:
            s = s.mask(s.str.strip() == "")
        else:
            s = s.str.strip().replace("", pd.NA)
        limit = self.settings.max_field_chars
        lengths = s.str.len()
        too_long = (lengths > limit).fillna(False).to_numpy()
        if too_long.any():
            self.warn(too_long, name, lambda i: f"{int(lengths.iat[i]):,} characters, truncated to {limit:,} "
                      "(raise the limit with --max-field-chars)")
            s = s.where(~too_long, s.str.slice(0, limit))
        return s

    def _case_ids(self, ids: pd.Series) -> pd.Series:
        self.error(ids.isna().to_numpy(), "case_id", lambda i: "missing case_id")
        dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
        if dup.any():
            first_row = pd.Series(self.rows, index=ids.index).groupby(ids).transform("first")
            self.error(dup, "case_id",
                       lambda i: f"duplicate case_id{self.quoted(ids.iat[i])} (first on row {int(first_row.iat[i])})")
        return ids

    def _required_present(self, out: pd.DataFrame, name: str) -> None:
        self.error(out[name].isna().to_numpy(), name, lambda i: f"missing {name}")

    def _normalised(self, name: str) -> tuple[pd.Series, pd.Series]:
        col = self.column(name)
        raw = col.astype(object).where(col.notna(), None).astype("string")
        return raw, raw.str.strip().str.lower()

    def _decision(self, name: str) -> pd.Series:
        raw, value = self._normalised(name)
        missing = value.isna() | (value == "")
        unknown = ~missing & ~value.isin(schema.DECISIONS)
        self.error(missing.to_numpy(), name, lambda i: f"missing {name}; expected reject or approve")
        self.error(unknown.fillna(False).to_numpy(), name,
                   lambda i: f"unknown decision{self.quoted(raw.iat[i])}; expected reject or approve")
        return pd.Categorical(value.where(value.isin(schema.DECISIONS)), categories=schema.DECISIONS)

    def _error_type(self, out: pd.DataFrame) -> pd.Series:
        orig = out["original_decision"].astype(object)
        final = out["final_decision"].astype(object)
        derived = pd.Series(np.where((orig == "reject") & (final == "approve"), "FP",
                                     np.where((orig == "approve") & (final == "reject"), "FN", None)),
                            index=out.index, dtype=object)
        if "error_type" in self.frame.columns:
            raw, given = self._normalised("error_type")
            given = given.str.upper().replace("", pd.NA)
            known = given.isin(schema.ERROR_TYPES).fillna(False)
            unknown = given.notna() & ~known
            self.error(unknown.fillna(False).to_numpy(), "error_type",
                       lambda i: f"unknown error_type{self.quoted(raw.iat[i])}; expected FP, FN or empty for a "
                                 "correct decision")
            decided = (orig.notna() & final.notna()).to_numpy()
            differs = given.fillna("").to_numpy(dtype=object) != derived.fillna("").to_numpy(dtype=object)
            mismatch = known.to_numpy() & decided & differs
            self.error(mismatch, "error_type",
                       lambda i: self._mismatch_message(given.iat[i], orig.iat[i], final.iat[i], derived.iat[i]))
        return pd.Categorical(derived, categories=schema.ERROR_TYPES)

    @staticmethod
    def _mismatch_message(given, orig, final, derived) -> str:
        expected = f"make it {derived}" if derived else "make it a correct decision (error_type should be empty)"
        return f"error_type is {given} but original_decision={orig} and final_decision={final} {expected}"

    def _decision_source(self) -> pd.Series:
        raw, value = self._normalised("decision_source")
        value = value.replace("", pd.NA)
        unknown = (value.notna() & ~value.isin(schema.DECISION_SOURCES)).fillna(False)
        self.error(unknown.to_numpy(), "decision_source",
                   lambda i: f"unknown decision_source{self.quoted(raw.iat[i])}; expected model, human or empty")
        return pd.Categorical(value.where(value.isin(schema.DECISION_SOURCES)), categories=schema.DECISION_SOURCES)

    def _score(self) -> pd.Series:
        col = self.column("model_score")
        if pd.api.types.is_numeric_dtype(col):
            return col.astype("float64")
        raw = col.astype(object).where(col.notna(), None).astype("string").str.strip().replace("", pd.NA)
        score = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = (raw.notna() & score.isna()).fillna(False).to_numpy()
        self.error(bad, "model_score", lambda i: f"not a number{self.quoted(raw.iat[i], ': ')}")
        return score

    def _timestamp(self, name: str) -> pd.Series:
        col = self.column(name)
        if pd.api.types.is_datetime64_any_dtype(col):
            parsed = col.dt.tz_localize("UTC") if col.dt.tz is None else col.dt.tz_convert("UTC")
            self._in_range(parsed, name, "a date beyond the years 1677-2262")
            return parsed.where(parsed.between(*NS_RANGE)).astype("datetime64[ns, UTC]")
        raw = col.astype(object).where(col.notna(), None).astype("string").str.strip().replace("", pd.NA)
        parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601")
        retry = (raw.notna() & parsed.isna()).fillna(False)
        if retry.any():
            parsed[retry] = pd.to_datetime(raw[retry], utc=True, errors="coerce", format="mixed")
        parsed = parsed.where(parsed.between(*NS_RANGE))  # e.g. a JSON number -28 read as the year -28
        bad = (raw.notna() & parsed.isna()).fillna(False).to_numpy()
        self.error(bad, name,
                   lambda i: f"not a date and time{self.quoted(raw.iat[i], ': ')} "
                             "(use ISO 8601, e.g. 2026-11-02T14:05:00Z)")
        return parsed.astype("datetime64[ns, UTC]")

    def _in_range(self, parsed: pd.Series, name: str, message: str) -> None:
        self.error((parsed.notna() & ~parsed.between(*NS_RANGE)).to_numpy(), name, lambda i: message)

    def _text_present(self, out: pd.DataFrame) -> None:
        empty = out["ad_text"].isna() & out["reviewer_note"].isna()
        mask = (empty & out["misjudged"]).to_numpy()
        self.error(mask, "reviewer_note", lambda i: "misjudged row has neither reviewer_note nor ad_text")

"""The workspace folder: the shared embedding cache and one folder per run, never overwritten in place.

    WORKSPACE/
      cache/embeddings/<model key>/*.npz    vectors by text hash, shared by runs (clustering.embed_cache)
      cache/reductions/<key>.npz            UMAP coordinates by vectors + settings (clustering.reduce)
      runs/<run id>/cases.parquet           misjudged cases with theme_id, unthemed, attached, x, y
      runs/<run id>/themes.json             clustering.theme_model.ThemeRun
      runs/<run id>/summary.md              a short readable summary
      runs/<run id>/metrics.json            quality metrics of all loaded rows, overall and by facet
      drafts.sqlite                         drafts, reviews and their history (assistant.workspace.store);
                                            the theme registry (assistant.workspace.registry)

A run folder is written under a temporary name and renamed when complete, so a reader never sees half a run;
its id is claimed first (`runs/.<run id>.claim`), so analyses running at once never take the same id.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from clustering.files import atomic_folder
from clustering.theme_model import ThemeRun

DEFAULT_WORKSPACE = Path("workspace")
THEMES_FILE, CASES_FILE, SUMMARY_FILE, METRICS_FILE = "themes.json", "cases.parquet", "summary.md", "metrics.json"
CLAIM_SUFFIX = ".claim"  # runs/.<run id>.claim: an id taken by an analysis that has not saved its run yet


PARQUET_BATCH_ROWS = 16_384  # rows converted to Arrow at a time when a run's cases are written


def write_parquet(frame: pd.DataFrame, path: Path, batch_rows: int = PARQUET_BATCH_ROWS) -> None:
    """`frame` as a Parquet file, converted to Arrow a batch of rows at a time (one row group each), so that the
    Arrow copy of a large run's texts is one batch's, not all of them beside the frame."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, max(len(frame), 1), batch_rows):
            part = frame.iloc[start:start + batch_rows]
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))


class Workspace:
    """A workspace folder (created on first write)."""

    def __init__(self, root: str | Path = DEFAULT_WORKSPACE):
        self.root = Path(root)

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def store_path(self) -> Path:
        """The SQLite store of drafts and reviews."""
        return self.root / "drafts.sqlite"

    def new_run_id(self, input_sha256: str, now: datetime | None = None) -> str:
        """`20261125-031500-ab12cd34`: time of the run and the start of the input's hash (`-2`, `-3`, ... after it
        when taken); unique in the folder. The id is claimed (`runs/.<id>.claim`, made exclusively) until
        `save_run` has written its folder, so two analyses of one file ending in the same second, in two
        processes, get two ids and both runs are saved."""
        now = now or datetime.now(timezone.utc)
        base = f"{now:%Y%m%d-%H%M%S}-{input_sha256[:8]}"
        self.runs.mkdir(parents=True, exist_ok=True)
        n = 1
        while True:
            run_id = base if n == 1 else f"{base}-{n}"
            if not (self.runs / run_id).exists() and self._claim(run_id):
                if not (self.runs / run_id).exists():  # saved by another process between the check and the claim
                    return run_id
                self._release(run_id)
            n += 1

    def _claim_path(self, run_id: str) -> Path:
        return self.runs / f".{run_id}{CLAIM_SUFFIX}"

    def _claim(self, run_id: str) -> bool:
        try:
            os.close(os.open(self._claim_path(run_id), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            return False
        return True

    def _release(self, run_id: str) -> None:
        self._claim_path(run_id).unlink(missing_ok=True)

    def save_run(self, run: ThemeRun, assignments: pd.DataFrame, summary_md: str,
                 extra_files: dict[str, str] | None = None) -> Path:
        """Write a run folder atomically (plus any extra text files) and return its path; the run's id (from
        `new_run_id`) is released once its folder is there, or the writing failed."""
        final = self.runs / run.run_id
        try:
            if final.exists():
                raise FileExistsError(f"run {run.run_id} already exists in {self.runs}")
            with atomic_folder(final) as tmp:
                write_parquet(assignments, tmp / CASES_FILE)
                files = {THEMES_FILE: run.model_dump_json(indent=2), SUMMARY_FILE: summary_md, **(extra_files or {})}
                for name, text in files.items():
                    (tmp / name).write_text(text, encoding="utf-8")
        finally:
            self._release(run.run_id)
        return final

    def run_ids(self) -> list[str]:
        """Complete runs, oldest first."""
        if not self.runs.exists():
            return []
        return sorted(p.name for p in self.runs.iterdir() if p.is_dir() and not p.name.startswith("."))

    def run_dir(self, run: str) -> Path:
        """The folder of a run given its id, `latest`, or a path to a run folder."""
        if run == "latest":
            ids = self.run_ids()
            if not ids:
                raise FileNotFoundError(f"no runs in {self.runs}")
            return self.runs / ids[-1]
        path = Path(run)
        if (path / THEMES_FILE).exists():
            return path
        if (self.runs / run / THEMES_FILE).exists():
            return self.runs / run
        raise FileNotFoundError(f"no run '{run}' in {self.runs} (runs: {', '.join(self.run_ids()) or 'none'})")


def load_themes(run_dir: str | Path) -> ThemeRun:
    """The run's `themes.json` (what it covered, its settings and themes), without its cases: the one reader.

    Raises FileNotFoundError for a folder without one, ValueError naming the file for a damaged one.
    """
    path = Path(run_dir) / THEMES_FILE
    try:
        return ThemeRun.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file; {Path(run_dir).name} is not a complete run") from None
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ValueError(f"{path}: cannot read the run ({detail}); run the analysis again to replace it") from exc


def load_run(run_dir: str | Path) -> tuple[ThemeRun, pd.DataFrame]:
    """The themes and case assignments of a saved run."""
    return load_themes(run_dir), pd.read_parquet(Path(run_dir) / CASES_FILE)


def load_metrics(run_dir: str | Path) -> dict:
    """The run's saved quality metrics: {"overall": MetricsReport dict, "by": {facet: [MetricsReport dict]}}."""
    return json.loads((Path(run_dir) / METRICS_FILE).read_text(encoding="utf-8"))


def saved_runs(workspace: Workspace) -> list[tuple[Path, ThemeRun]]:
    """Every complete saved run, oldest first, with its `themes.json` (input hash, weeks, settings, themes).

    A run whose files are missing or unreadable (an older schema, a damaged file) is left out.
    """
    found = []
    for run_id in workspace.run_ids():
        run_dir = workspace.runs / run_id
        if not (run_dir / CASES_FILE).exists():
            continue
        try:
            found.append((run_dir, load_themes(run_dir)))
        except (OSError, ValueError):
            continue
    return found

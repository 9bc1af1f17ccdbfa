"""The workspace folder: the shared embedding cache and one folder per run, never overwritten in place.

    WORKSPACE/
      cache/embeddings/<model key>/*.npz    vectors by text hash, shared by runs (clustering.embed_cache)
      cache/reductions/<key>.npz            UMAP coordinates by vectors + settings (clustering.reduce)
      runs/<run id>/cases.parquet           misjudged cases with theme_id, unthemed, attached, x, y
      runs/<run id>/themes.json             clustering.theme_model.ThemeRun
      runs/<run id>/summary.md              a short readable summary
      runs/<run id>/metrics.json            quality metrics of all loaded rows, overall and by facet
      drafts.sqlite                         drafts, reviews and their history (assistant.workspace.store)

A run folder is written under a temporary name and renamed when complete, so a reader never sees half a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from clustering.theme_model import ThemeRun

DEFAULT_WORKSPACE = Path("workspace")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (identifies a run's input)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        """`20261125-031500-ab12cd34`: time of the run and the start of the input's hash; unique in the folder."""
        now = now or datetime.now(timezone.utc)
        base = f"{now:%Y%m%d-%H%M%S}-{input_sha256[:8]}"
        run_id, n = base, 1
        while (self.runs / run_id).exists():
            n += 1
            run_id = f"{base}-{n}"
        return run_id

    def save_run(self, run: ThemeRun, assignments: pd.DataFrame, summary_md: str,
                 extra_files: dict[str, str] | None = None) -> Path:
        """Write a run folder atomically (plus any extra text files) and return its path."""
        self.runs.mkdir(parents=True, exist_ok=True)
        final = self.runs / run.run_id
        if final.exists():
            raise FileExistsError(f"run {run.run_id} already exists in {self.runs}")
        tmp = self.runs / f".tmp-{run.run_id}-{os.getpid()}"
        tmp.mkdir()
        try:
            assignments.to_parquet(tmp / "cases.parquet", index=False)
            (tmp / "themes.json").write_text(run.model_dump_json(indent=2), encoding="utf-8")
            (tmp / "summary.md").write_text(summary_md, encoding="utf-8")
            for name, text in (extra_files or {}).items():
                (tmp / name).write_text(text, encoding="utf-8")
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
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
        if (path / "themes.json").exists():
            return path
        if (self.runs / run / "themes.json").exists():
            return self.runs / run
        raise FileNotFoundError(f"no run '{run}' in {self.runs} (runs: {', '.join(self.run_ids()) or 'none'})")


def load_run(run_dir: str | Path) -> tuple[ThemeRun, pd.DataFrame]:
    """The themes and case assignments of a saved run."""
    run_dir = Path(run_dir)
    run = ThemeRun.model_validate_json((run_dir / "themes.json").read_text(encoding="utf-8"))
    return run, pd.read_parquet(run_dir / "cases.parquet")


def load_metrics(run_dir: str | Path) -> dict:
    """The run's saved quality metrics: {"overall": MetricsReport dict, "by": {facet: [MetricsReport dict]}}."""
    return json.loads((Path(run_dir) / "metrics.json").read_text(encoding="utf-8"))


def saved_runs(workspace: Workspace) -> list[tuple[Path, ThemeRun]]:
    """Every complete saved run, oldest first, with its `themes.json` (input hash, weeks, settings, themes).

    A run whose files are missing or unreadable (an older schema, a damaged file) is left out.
    """
    found = []
    for run_id in workspace.run_ids():
        run_dir = workspace.runs / run_id
        if not (run_dir / "cases.parquet").exists():
            continue
        try:
            found.append((run_dir, ThemeRun.model_validate_json((run_dir / "themes.json").read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return found

"""The workspace as the app sees it: runs opened once and kept, and the draft store. Shared by every session."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from assistant.config import UISettings
from assistant.views.names import theme_names
from assistant.webapp.charts import map_figure
from assistant.webapp.groups import theme_members
from assistant.workspace.registry import Registry
from assistant.workspace.registry_sync import sync_saved_runs
from assistant.workspace.runs import Workspace, load_metrics, load_run
from assistant.workspace.store import DraftStore
from clustering.settings import StatsSettings
from clustering.theme_model import Theme, ThemeRun


@dataclass
class RunData:
    """A saved run, loaded once: themes, cases, metrics, each theme's rows, and the map (built on demand)."""

    run_dir: Path
    run: ThemeRun
    cases: pd.DataFrame
    metrics: dict | None
    themes: dict[str, Theme]
    members: dict[str, np.ndarray]
    _map: go.Figure | None = field(default=None, repr=False)
    _map_labels: tuple = field(default=(), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def run_id(self) -> str:
        return self.run.run_id

    @property
    def facets(self) -> list[str]:
        """The facets the run's metrics are broken down by."""
        return list((self.metrics or {}).get("by", {}))

    def map(self, labels: dict[str, str] | None = None) -> go.Figure:
        """The map, built once per set of theme labels (a label accepted since is shown at the next open)."""
        key = tuple(sorted((labels or {}).items()))
        with self._lock:
            if self._map is None or key != self._map_labels:
                self._map, self._map_labels = map_figure(self.cases, self.run, labels, self.members), key
            return self._map

    def theme_cases(self, theme_id: str) -> pd.DataFrame:
        return self.cases.iloc[self.members.get(theme_id, np.array([], dtype=int))]


class Explorer:
    """The workspace behind the app: its runs (cached, a few at a time), its draft store, the UI settings and the
    noise tests' (whether an action worked)."""

    def __init__(self, workspace: str | Path, ui: UISettings | None = None, stats: StatsSettings | None = None):
        self.workspace = Workspace(workspace)
        self.store = DraftStore(self.workspace.store_path)
        self.ui = ui or UISettings()
        self.stats = stats or StatsSettings()
        self._runs: OrderedDict[str, RunData] = OrderedDict()
        self._labels: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def run_ids(self) -> list[str]:
        """Complete runs, newest first."""
        return list(reversed(self.workspace.run_ids()))

    def run_label(self, run_id: str) -> str:
        """`run id · input file · N themes, M misjudged`, read from themes.json once per change."""
        path = self.workspace.runs / run_id / "themes.json"
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return run_id
        cached = self._labels.get(run_id)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weeks = data["input"].get("weeks") or []
            week = (f", week {data['input']['week']}" if data["input"].get("week")
                    else f", weeks {weeks[0]}..{weeks[-1]}" if weeks else "")
            label = (f"{run_id} · {Path(data['input']['path']).name}{week} · {len(data['themes'])} themes, "
                     f"{data['input']['misjudged']:,} misjudged")
        except (OSError, ValueError, KeyError, TypeError):
            label = f"{run_id} (unreadable)"
        self._labels[run_id] = (mtime, label)
        return label

    def run_choices(self) -> list[tuple[str, str]]:
        return [(self.run_label(r), r) for r in self.run_ids()]

    def open(self, run_id: str) -> RunData:
        """A run of the workspace, loaded from disk the first time only (nothing is recomputed).

        Only a run id of this workspace is opened: never a path (`?run=/other/workspace/runs/...`), so the app
        shows nothing outside its own workspace."""
        with self._lock:
            if run_id in self._runs:
                self._runs.move_to_end(run_id)
                return self._runs[run_id]
        if run_id not in self.run_ids():  # checked once, when the run is first read from disk
            raise FileNotFoundError(f"no run {run_id!r} in this workspace")
        run_dir = self.workspace.run_dir(run_id)
        run, cases = load_run(run_dir)
        try:
            metrics = load_metrics(run_dir)
        except FileNotFoundError:
            metrics = None
        cases = cases.reset_index(drop=True)
        data = RunData(run_dir, run, cases, metrics, {t.theme_id: t for t in run.themes}, theme_members(cases))
        with self._lock:
            self._runs[run_id] = data
            while len(self._runs) > self.ui.runs_cached:
                self._runs.popitem(last=False)
        return data

    @property
    def read_only(self) -> bool:
        """Whether the workspace can only be read: browsing works, every change is refused with a message."""
        return self.store.read_only

    def latest(self) -> str | None:
        """The run opened first: the newest one with drafts (what people review), else the newest."""
        ids = self.run_ids()
        drafted = self.store.drafted_runs()
        return next((r for r in ids if r in drafted), ids[0] if ids else None)

    @property
    def registry(self) -> Registry:
        return Registry(self.workspace.store_path)

    def labels(self, run_id: str) -> dict[str, str]:
        """The name each theme of a run is shown by (`assistant.views.names`: the analyst's registry name, else the
        drafted label); runs the registry has not seen yet are synced first, oldest first."""
        registry = self.registry
        if not registry.synced(run_id) and not self.read_only:  # read-only: the names the registry has
            sync_saved_runs(self.workspace, registry)
        return theme_names(self.workspace.store_path, run_id)

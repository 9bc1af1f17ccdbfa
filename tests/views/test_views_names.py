"""The name a theme is shown by (assistant/views/names.py): the analyst's registry name beats the drafted label,
merges followed; a registry theme with no analyst's name is shown by its run theme's drafted label, not the
keywords it was stored with."""

from __future__ import annotations

import pandas as pd

from assistant.views.names import names_of_drafts, registry_names, theme_names
from assistant.workspace.registry import Registry
from assistant.workspace.registry_sync import sync_run
from assistant.workspace.runs import Workspace
from assistant.workspace.store import DraftStore
from clustering.settings import ThemeSettings
from clustering.theme_model import InputInfo, Keyword, Theme, ThemeRun

LABEL = {"name": "Alcohol-free beer rejected", "sentence": "0.0% drinks are treated as alcohol.",
         "cited_case_ids": ["C1"]}


def add(store: DraftStore, theme_id: str, name: str) -> int:
    return store.add(run_id="R1", theme_id=theme_id, kind="label", status="draft", content=LABEL | {"name": name},
                     raw_output="{}", error=None, flags=[], prompt_name="theme_label", prompt_version=1,
                     model="offline-drafter/1", evidence_hash="abc", evidence_json="{}")


def theme(theme_id: str, centroid: list[float], word: str) -> Theme:
    return Theme(theme_id=theme_id, rank=1, size=3, share_of_misjudged=0.1, cohesion=0.8,
                 keywords=[Keyword(term=word, score=1.0)], representatives=[], error_types={}, sources={}, facets={},
                 impact_pp={}, weekly=[], last_week_change=None, trend="steady", inconsistent_ads=[],
                 centroid=centroid)


def run_of(run_id: str, *themes: Theme) -> tuple[ThemeRun, pd.DataFrame]:
    info = InputInfo(path="x.csv", sha256="0" * 64, rows_read=1, rows_loaded=1, rows_skipped=0, misjudged=1,
                     has_correct_rows=True)
    run = ThemeRun(run_id=run_id, created_at="2026-11-30T00:00:00+00:00", input=info, settings=ThemeSettings(),
                   embedding_model="toy", min_cluster_size=5, unthemed=0, attached=0, hdbscan_members=1,
                   timings_s={}, embed_stats={}, themes=list(themes))
    return run, pd.DataFrame([(t.theme_id, 0.9) for t in themes for _ in range(t.size)],
                             columns=["theme_id", "similarity"])


def test_the_analyst_name_beats_the_drafted_label_and_the_keywords_give_way_to_the_label(tmp_path):
    workspace = Workspace(tmp_path)
    (workspace.runs / "R1").mkdir(parents=True)
    store, registry = DraftStore(workspace.store_path), Registry(workspace.store_path)
    add(store, "T01", LABEL["name"])
    add(store, "T02", "Wine ads rejected")
    add(store, "P01", "Drinks")
    sync_run(registry, *run_of("R1", theme("T01", [1.0, 0.0], "beer"), theme("T02", [0.0, 1.0], "wine")))
    assert registry.get("K1").label == "beer"  # synced before drafts exist: the keywords are stored
    assert theme_names(workspace.store_path, "R1") == {"T01": LABEL["name"], "T02": "Wine ads rejected",
                                                       "P01": "Drinks"}
    assert registry_names(workspace, registry) == {"K1": LABEL["name"], "K2": "Wine ads rejected"}
    registry.rename("K2", "Wine: age gate", "ana")
    registry.merge("K2", "K1", "ana")
    names = theme_names(workspace.store_path, "R1")
    assert names["T01"] == names["T02"] == "Wine: age gate" and names["P01"] == "Drinks"
    assert registry_names(workspace, registry) == {"K1": "Wine: age gate", "K2": "Wine: age gate"}
    assert names_of_drafts(workspace.store_path, store.list())[("R1", "T01")] == "Wine: age gate"
    assert theme_names(tmp_path / "none.sqlite", "R1") == {}

"""The theme registry: runs synced into stable ids with lineage, analysts' renames, merges, splits, marks, actions,
and the conflict rule for stale edits."""

import pandas as pd
import pytest

from assistant.workspace.registry import Registry, RegistryConflict
from assistant.workspace.registry_sync import split_theme, sync_run
from assistant.workspace.store import DraftStore
from clustering.settings import ThemeSettings
from clustering.theme_model import InputInfo, Keyword, Theme, ThemeRun

A, B, C = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]


def near(v, other, w=0.25):
    return [x + w * y for x, y in zip(v, other)]


def theme(theme_id, centroid, word, size=10, known_id=None):
    return Theme(theme_id=theme_id, rank=int(theme_id[1:]), size=size, share_of_misjudged=0.1, cohesion=0.8,
                 keywords=[Keyword(term=word, score=1.0)], representatives=[], error_types={}, sources={}, facets={},
                 impact_pp={}, weekly=[], last_week_change=None, trend="steady", inconsistent_ads=[],
                 centroid=centroid, known_id=known_id)


def run_of(run_id, *themes):
    info = InputInfo(path="x.csv", sha256="0" * 64, rows_read=1, rows_loaded=1, rows_skipped=0, misjudged=1,
                     has_correct_rows=True)
    run = ThemeRun(run_id=run_id, created_at="2026-11-30T00:00:00+00:00", input=info, settings=ThemeSettings(),
                   embedding_model="toy", min_cluster_size=5, unthemed=0, attached=0, hdbscan_members=1,
                   timings_s={}, embed_stats={}, themes=list(themes))
    rows = [(t.theme_id, 0.9 - 0.01 * i) for t in themes for i in range(t.size)]
    return run, pd.DataFrame(rows, columns=["theme_id", "similarity"])


@pytest.fixture
def registry(tmp_path):
    return Registry(tmp_path / "drafts.sqlite")


def sync(registry, run_id, *themes):
    run, cases = run_of(run_id, *themes)
    return {k.run_theme_id: k for k in sync_run(registry, run, cases)}


def test_a_first_run_creates_registry_themes_and_syncing_again_changes_nothing(registry):
    first = sync(registry, "r1", theme("T1", A, "beer"), theme("T2", B, "pills"))
    assert {k: (v.theme_id, v.lineage) for k, v in first.items()} == {"T1": ("K1", "new"), "T2": ("K2", "new")}
    again = sync(registry, "r1", theme("T1", A, "beer"), theme("T2", B, "pills"))
    assert again == first and len(registry.themes()) == 2
    assert registry.get("K1").label == "beer" and registry.history("K1")[0]["action"] == "created"


def test_the_next_run_keeps_ids_with_lineage_split_new_and_gone(registry):
    sync(registry, "r1", theme("T1", A, "beer"), theme("T2", B, "pills"))
    links = sync(registry, "r2", theme("T1", near(A, C), "beer"), theme("T2", near(A, [0, -1, 0]), "wine"),
                 theme("T3", C, "guns"))
    assert (links["T1"].theme_id, links["T1"].lineage) == ("K1", "continues")
    assert (links["T2"].lineage, links["T2"].sources, links["T2"].theme_id) == ("split from", ("K1",), "K3")
    assert (links["T3"].lineage, links["T3"].theme_id) == ("new", "K4")
    gone = [k for k in registry.links("r2") if k.run_theme_id is None]
    assert [(k.theme_id, k.lineage) for k in gone] == [("K2", "gone")]
    assert registry.get("K1").centroid == near(A, C) and registry.get("K1").last_run == "r2"


def test_a_run_theme_close_to_two_registry_themes_is_merged_from_both(registry):
    sync(registry, "r1", theme("T1", near(A, B, 0.9), "beer"), theme("T2", near(B, A, 0.8), "wine"))
    links = sync(registry, "r2", theme("T1", [1.0, 1.0, 0.0], "drinks"))
    assert links["T1"].lineage == "merged from" and set(links["T1"].sources) == {"K1", "K2"}
    assert all(k.run_theme_id for k in registry.links("r2"))  # neither is gone


def test_a_rename_survives_the_next_run_and_beats_the_label(registry):
    sync(registry, "r1", theme("T1", A, "beer"))
    registry.rename("K1", "0.0% beer rejected", "ana")
    sync(registry, "r2", theme("T4", near(A, B, 0.1), "lager"))
    assert registry.names_for_run("r2") == {"T4": ("K1", "0.0% beer rejected")}
    assert registry.get("K1").label == "lager"  # the drafted label follows the run; the name stays


def test_a_merge_survives_the_next_run(registry):
    sync(registry, "r1", theme("T1", A, "beer"), theme("T2", B, "wine"))
    registry.merge("K1", "K2", "ana")
    assert registry.get("K2").state == "merged" and registry.get("K2").merged_into == "K1"
    links = sync(registry, "r2", theme("T1", near(A, C, 0.1), "beer"), theme("T2", near(B, C, 0.1), "wine"))
    assert {k: v.theme_id for k, v in links.items()} == {"T1": "K1", "T2": "K1"}
    assert [t.theme_id for t in registry.themes()] == ["K1"]


def test_a_split_makes_each_linked_run_theme_a_registry_theme(registry):
    sync(registry, "r1", theme("T1", A, "beer"), theme("T2", B, "wine"))
    registry.merge("K1", "K2", "ana")
    run, cases = run_of("r2", theme("T1", A, "beer"), theme("T2", B, "wine"))
    sync_run(registry, run, cases)
    children = split_theme(registry, "K1", run, cases, "ana")
    assert [c.label for c in children] == ["beer", "wine"] and registry.get("K1").state == "split"
    assert {k.run_theme_id: (k.theme_id, k.lineage) for k in registry.links("r2")} == {
        "T1": (children[0].theme_id, "split from"), "T2": (children[1].theme_id, "split from")}
    with pytest.raises(ValueError, match="needs two or more"):
        split_theme(registry, children[0].theme_id, run, cases, "ana")


def test_a_merge_names_both_run_themes_at_once_and_splits_again_on_the_same_run(registry):
    run, cases = run_of("r1", theme("T1", A, "beer"), theme("T2", B, "wine"))
    sync_run(registry, run, cases)
    registry.rename("K1", "Drinks rejected", "ana")
    registry.merge("K1", "K2", "ana")  # no new run yet: T2's link still says K2, which is now K1
    assert registry.analyst_names("r1") == {"T1": "Drinks rejected", "T2": "Drinks rejected"}
    assert registry.names_for_run("r1")["T2"] == ("K1", "Drinks rejected")
    children = split_theme(registry, "K1", run, cases, "bo")  # undo the merge on the run it was made on
    assert [c.label for c in children] == ["beer", "wine"] and {c.state for c in children} == {"active"}
    assert registry.analyst_names("r1") == {} and registry.get("K2").state == "merged"


def test_a_known_theme_assigned_first_continues_its_registry_theme(registry):
    sync(registry, "r1", theme("T1", A, "beer"))
    registry.mark("K1", "ana", status="investigating", owner="bo")
    assert [k.key for k in registry.known_themes("toy")] == ["K1"] and registry.known_themes("other") == []
    links = sync(registry, "r2", theme("T3", near(A, B, 0.9), "beer", known_id="K1"))
    assert (links["T3"].theme_id, links["T3"].lineage) == ("K1", "continues")


def test_a_stale_edit_is_refused_showing_the_newer_state(registry):
    sync(registry, "r1", theme("T1", A, "beer"))
    seen = registry.get("K1").version
    registry.mark("K1", "bo", status="investigating", owner="bo", based_on=seen)
    with pytest.raises(RegistryConflict, match="investigating") as caught:
        registry.rename("K1", "beer", "ana", based_on=seen)
    assert caught.value.current.owner == "bo" and registry.get("K1").name is None
    renamed = registry.rename("K1", "beer", "ana", based_on=caught.value.current.version)
    assert renamed.name == "beer"
    assert [h["action"] for h in registry.history("K1")] == ["created", "marked", "renamed"]
    assert registry.history("K1")[-1]["actor"] == "ana"


def test_marks_need_a_known_status_and_a_name(registry):
    sync(registry, "r1", theme("T1", A, "beer"))
    with pytest.raises(ValueError, match="unknown status"):
        registry.mark("K1", "ana", status="done")
    with pytest.raises(ValueError, match="name"):
        registry.rename("K1", "x", " ")


def test_actions_are_dated_records_and_a_draft_makes_one_once(registry):
    sync(registry, "r1", theme("T1", A, "beer"), theme("T2", B, "wine"))
    assert registry.add_action("K2", "policy clarification", "0.0% is not alcohol", "2026-11-16", "ana", 7)
    assert registry.add_action("K2", "policy clarification", "again", "2026-11-17", "ana", 7) is None
    registry.merge("K1", "K2", "ana")
    assert [(a.theme_id, a.text) for a in registry.actions()] == [("K1", "0.0% is not alcohol")]


def test_the_registry_shares_the_draft_store_file(tmp_path):
    path = tmp_path / "drafts.sqlite"
    DraftStore(path)
    registry = Registry(path)
    sync(registry, "r1", theme("T1", A, "beer"))
    assert DraftStore(path).list() == [] and registry.get("K1")

"""The theme pipeline end to end with the real default model: determinism, input order, cache, output."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.load import load_cases
from clustering.settings import ClusterSettings, ThemeSettings
from clustering.theme_model import InputInfo, RunFindings, RunIdentity, ThemeRun
from clustering.themes import find_themes
from eval_sets.scorer import read_labels, score_run


@pytest.fixture(scope="module")
def small_cases(small_demo_csv):
    return load_cases(small_demo_csv).cases


@pytest.fixture(scope="module")
def first_result(small_cases, tmp_path_factory):
    return find_themes(small_cases, cache_root=tmp_path_factory.mktemp("ws") / "cache")


def assignment_map(result) -> dict[str, str | None]:
    frame = result.assignments
    return dict(zip(frame["case_id"], frame["theme_id"].astype(object).where(frame["theme_id"].notna(), None)))


def test_themes_are_found_and_described(first_result, small_cases):
    themes = first_result.themes
    assert len(themes) >= 3
    assert [t.rank for t in themes] == list(range(1, len(themes) + 1))
    misjudged = int(small_cases["misjudged"].sum())
    assert len(first_result.assignments) == misjudged
    themed = first_result.assignments["theme_id"].notna().sum()
    assert sum(t.size for t in themes) == themed
    for t in themes:
        assert t.keywords and 3 <= len(t.representatives) <= 8
        assert sum(t.error_types.values()) == t.size
        assert t.impact_pp["ATA"] == pytest.approx(t.size / len(small_cases) * 100, abs=1e-3)
        assert len(t.centroid) == 384 and abs(np.linalg.norm(t.centroid) - 1) < 1e-3
        members = set(first_result.assignments.loc[first_result.assignments["theme_id"] == t.theme_id, "case_id"])
        assert {r.case_id for r in t.representatives} <= members


def test_same_input_and_seed_give_identical_themes(first_result, small_cases, tmp_path):
    again = find_themes(small_cases, cache_root=tmp_path / "cache")
    assert assignment_map(again) == assignment_map(first_result)
    assert [t.model_dump() for t in again.themes] == [t.model_dump() for t in first_result.themes]


def test_input_order_does_not_change_the_themes(first_result, small_cases, tmp_path):
    shuffled = small_cases.sample(frac=1.0, random_state=11).reset_index(drop=True)
    again = find_themes(shuffled, cache_root=tmp_path / "cache")
    assert assignment_map(again) == assignment_map(first_result)
    assert list(again.assignments["case_id"]) == list(shuffled.loc[shuffled["misjudged"], "case_id"])


def test_evoc_backend_end_to_end(small_demo_csv, small_cases, tmp_path):
    settings = ThemeSettings(cluster=ClusterSettings(backend="evoc"))
    result = find_themes(small_cases, settings, cache_root=tmp_path / "cache")
    frame = result.assignments
    assert len(result.themes) >= 3 and sum(t.size for t in result.themes) == frame["theme_id"].notna().sum()
    assert frame["x"].std() > 0 and frame["y"].std() > 0  # UMAP still draws the 2-D map
    assert result.umap_neighbors is None  # ... but no UMAP neighbourhood made the themes
    score = score_run(frame, read_labels(small_demo_csv, "theme"))
    assert score.mean_f1 >= 0.5 and score.recovered_share >= 0.5
    again = find_themes(small_cases, settings, cache_root=tmp_path / "cache")
    assert assignment_map(again) == assignment_map(result) and again.reduction_cached


def test_parents_group_themes_and_are_described_like_themes(first_result, small_cases):
    themes = {t.theme_id: t for t in first_result.themes}
    parents = first_result.parents
    assert parents, "the demo's themes fall into families (e.g. weight loss, gambling and finance)"
    grouped = [tid for p in parents for tid in p.children]
    assert len(grouped) == len(set(grouped)) and set(grouped) <= set(themes)
    assert [p.theme_id for p in parents] == [f"P{i:02d}" for i in range(1, len(parents) + 1)]
    for p in parents:
        assert p.level == 1 and len(p.children) >= 2 and p.theme_ids == sorted(p.children, key=int_of)
        assert p.size == sum(themes[c].size for c in p.children)
        assert p.error_types.get("FP", 0) + p.error_types.get("FN", 0) == p.size
        assert p.impact_pp["ATA"] == pytest.approx(p.size / len(small_cases) * 100, abs=1e-3)
        assert p.keywords and {r.case_id for r in p.representatives} <= members_of(first_result, p.children)
        child_terms = {k.term for c in p.children for k in themes[c].keywords}
        assert child_terms & {k.term for k in p.keywords[:5]}  # drawn from the union of its members' notes


def int_of(theme_id: str) -> int:
    return int(theme_id[1:])


def members_of(result, theme_ids: list[str]) -> set[str]:
    frame = result.assignments
    return set(frame.loc[frame["theme_id"].isin(theme_ids), "case_id"])


def test_a_run_saves_every_finding_of_the_result(first_result):
    """`ThemeResult` and `ThemeRun` share their findings' fields (`RunFindings`, declared once): the run made of a
    result holds each of them unchanged, whatever fields are added."""
    identity = RunIdentity(run_id="r1", created_at="2026-11-23T00:00:00+00:00", settings=ThemeSettings(),
                           embedding_model="m", input=InputInfo(path="cases.csv", sha256="0" * 64, rows_read=1,
                                                                rows_loaded=1, rows_skipped=0, misjudged=1,
                                                                has_correct_rows=True))
    run = ThemeRun.of(identity, first_result)
    for name in RunFindings.model_fields:
        assert getattr(run, name) == getattr(first_result, name), name
    assert run.run_id == "r1" and set(ThemeRun.model_fields) == {*RunIdentity.model_fields, *RunFindings.model_fields}
    assert run.unthemed == int(first_result.assignments["unthemed"].sum())
    assert run.attached == int(first_result.assignments["attached"].sum())


def test_a_run_lets_go_of_the_encoder_once_its_texts_are_embedded(small_cases, tmp_path, monkeypatch):
    """e5's fast-path encoder holds ~1 GB: kept through UMAP and HDBSCAN it made the 100k first run's peak."""
    import clustering.themes as themes_module
    from clustering.embedders import e5_fast

    seen = {}
    real_compose = themes_module.compose

    def compose_and_look(*args, **kwargs):  # the real compose; records what it left loaded
        out = real_compose(*args, **kwargs)
        seen["after compose"] = len(e5_fast._encoders)
        return out

    monkeypatch.setattr(themes_module, "compose", compose_and_look)
    find_themes(small_cases, cache_root=tmp_path / "cache")  # an empty cache: every text is embedded
    assert seen["after compose"] >= 1  # the encoder was loaded to embed ...
    assert len(e5_fast._encoders) == 0  # ... and is gone once the run is done

"""The demo's loop, as planted in eval_sets/demo: the team's dated actions (eval_sets/demo/actions.csv) recorded on
the registry themes that best match their planted themes, then the W47 digest: the theme with the policy
clarification reads *fixed*, the one with the moderator training *no change yet*, and the theme that splits in the
last week shows as a new theme split from last week's."""

import shutil

import pytest

from assistant.cli.demo import record_actions
from assistant.digest.build import write_digest
from assistant.workspace.registry import Registry
from assistant.workspace.runs import Workspace, load_run
from eval_sets import DEMO_CASES
from eval_sets.demo_actions import read_actions
from eval_sets.scorer import read_labels, score_run

pytestmark = pytest.mark.slow  # the demo's loop end to end: weekly runs and digests

WEEK = "2026-W47"
FIXED_THEME, UNCHANGED_THEME = "non_alcoholic_beer_rejected", "firearm_accessories_overkill"
SPLIT_THEME = "commercial_ads_routed_political"


@pytest.fixture(scope="module")
def loop(demo_digest, tmp_path_factory):
    """The demo digest's workspace with the actions recorded, and the W47 digest written again."""
    workspace = Workspace(shutil.copytree(demo_digest[0].root, tmp_path_factory.mktemp("loop") / "ws"))
    run_id = demo_digest[1].digest.coverage.run_id  # W42-W47: every row of the file, as the demo's run
    _, assignments = load_run(workspace.runs / run_id)
    labels = read_labels(DEMO_CASES, "theme")
    best = {m.planted: m.best_theme for m in score_run(assignments, labels).planted}
    lines = record_actions(workspace, run_id, best, read_actions())
    again = record_actions(workspace, run_id, best, read_actions())
    result = write_digest(DEMO_CASES, WEEK, workspace)
    return workspace, run_id, best, lines, again, result, assignments, labels


def test_actions_are_recorded_once_on_the_best_matching_registry_themes(loop):
    workspace, run_id, best, lines, again, *_ = loop
    registry = Registry(workspace.store_path)
    linked = {k.run_theme_id: k.theme_id for k in registry.links(run_id) if k.run_theme_id}
    actions = read_actions()
    assert [a.planted_theme for a in actions] == [FIXED_THEME, UNCHANGED_THEME]
    for action, line in zip(actions, lines, strict=True):
        theme_id = linked[best[action.planted_theme]]
        assert line.startswith(f"{theme_id} (run theme {best[action.planted_theme]}, best match of "
                               f"{action.planted_theme}): {action.date} {action.kind} by {action.who}")
        assert [(a.date, a.kind, a.text, a.who) for a in registry.actions(theme_id)] == [
            (action.date, action.kind, action.text, action.who)]
    assert all(line.endswith("(already recorded)") for line in again)


def test_the_clarified_theme_is_fixed_and_the_trained_one_is_not(loop):
    workspace, run_id, best, *_, result, _, _ = loop
    linked = {k.run_theme_id: k.theme_id for k in Registry(workspace.store_path).links(run_id) if k.run_theme_id}
    fixes = {f.theme_id: f for f in result.digest.fixes}
    fixed, unchanged = fixes[linked[best[FIXED_THEME]]], fixes[linked[best[UNCHANGED_THEME]]]
    for fix in (fixed, unchanged):
        assert fix.run_id == run_id and fix.effect.weeks_before == ("2026-W42", "2026-W43")
        assert fix.effect.weeks_after == ("2026-W45", "2026-W46", "2026-W47")
    # planted: 34 of 618 decisions before the clarification, 9 of 1,017 after; far beyond the test's noise line
    # (the theme that best matches it holds most of them: measured 21 of 618 -> 6 of 1,017, p = 0.00004)
    effect = fixed.effect
    assert fixed.verdict == "fixed" and effect.p_value < 1e-3 and effect.ci_high < -0.005
    assert effect.share_after < 0.4 * effect.share_before
    # planted: 13 of 618 before the training, 22 of 1,017 after (2.1% and 2.2%): far from it either way
    assert unchanged.verdict == "no change yet" and unchanged.effect.p_value > 0.3
    assert abs(unchanged.effect.change) < 0.01
    section = result.paths["digest.md"].read_text(encoding="utf-8").split("## Did the fixes work?")[1].split("## ")[0]
    assert "2026-10-28 policy clarification" in section and "**fixed: " in section
    assert "2026-10-28 moderator training" in section and "**no change yet: " in section


def test_the_theme_that_splits_in_the_last_week_shows_as_split(loop):
    *_, result, assignments, labels = loop
    digest = result.digest
    # the run's themes made mostly of the planted theme: its old variant and the last week's new one
    frame = assignments.assign(label=labels.reindex(assignments["case_id"]).to_numpy())
    frame = frame[frame["theme_id"].notna() & ~frame["unthemed"]]
    share = frame.groupby("theme_id")["label"].apply(lambda s: (s == SPLIT_THEME).mean())
    parts = {t.theme_id: t for t in digest.themes if share.get(t.theme_id, 0) > 0.8}
    assert len(parts) == 2, share.sort_values().tail(4)
    kept = next(t for t in parts.values() if t.matched_previous)
    split = next(t for t in parts.values() if not t.matched_previous)
    assert split.status == "new" and split.this_week >= 0.6 * split.size  # mostly the last week's surge
    assert split.nearest_matched_to == kept.theme_id and split.nearest_previous == kept.matched_previous
    # not the same theme (unmatched), but close enough to be its sibling under one parent: the split hint's bar
    assert digest.related_threshold <= split.nearest_similarity and digest.related_threshold < digest.match_threshold
    md = result.paths["digest.md"].read_text(encoding="utf-8")
    assert f"{split.theme_id} " in md and f"likely split from last week's {kept.matched_previous}" in md

"""Matching themes across runs (clustering/tracking.py): one-to-one above a threshold, and the status words."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.tracking import match_centroids, theme_status


def unit(*xs: float) -> list[float]:
    v = np.asarray(xs, dtype=float)
    return list(v / np.linalg.norm(v))


def test_matching_is_one_to_one_with_a_threshold():
    previous = {"P1": unit(1, 0, 0, 0), "P2": unit(0, 1, 0, 0), "P3": unit(0, 0, 0, 1)}
    current = {
        "C1": unit(0.1, 1, 0, 0),  # close to P2
        "C2": unit(1, 0.05, 0, 0),  # closest to P1
        "C3": unit(1, 0.3, 0, 0),  # also close to P1 (0.96), but P1 is taken by C2: one-to-one
        "C4": unit(0, 0, 1, 0.8),  # nearest is P3 at 0.62: below the threshold
    }
    result = match_centroids(current, previous, threshold=0.8)
    pairs = {m.current: m.previous for m in result.matches}
    assert pairs == {"C1": "P2", "C2": "P1"}
    assert result.new == ("C3", "C4") and result.gone == ("P3",)
    assert result.of_current("C1").similarity == pytest.approx(0.995, abs=0.001)
    assert result.nearest_previous["C3"][0] == "P1"
    # the threshold decides: lowered to 0.6, C4 matches P3
    assert {m.current for m in match_centroids(current, previous, threshold=0.6).matches} == {"C1", "C2", "C4"}


def test_pairs_below_the_threshold_do_not_steer_the_assignment():
    # similarities: A-X 0.82, A-Y 0.10, B-X 0.85, B-Y 0.50. Maximising raw similarity pairs A-X and B-Y
    # (1.32 in all), leaving B unmatched although B-X is the closest pair; only pairs above 0.8 may count.
    previous = {"X": [1.0, 0.0, 0.0, 0.0], "Y": [0.0, 1.0, 0.0, 0.0]}
    current = {"A": [0.82, 0.10, 0.0, (1 - 0.82**2 - 0.10**2) ** 0.5],
               "B": [0.85, 0.50, (1 - 0.85**2 - 0.50**2) ** 0.5, 0.0]}
    result = match_centroids(current, previous, threshold=0.8)
    assert [(m.current, m.previous, m.similarity) for m in result.matches] == [("B", "X", 0.85)]
    assert result.new == ("A",) and result.gone == ("Y",)


def test_empty_sides():
    assert match_centroids({}, {"P": [1.0, 0.0]}, 0.8).gone == ("P",)
    assert match_centroids({"C": [1.0, 0.0]}, {}, 0.8).new == ("C",)


@pytest.mark.parametrize(("trend", "matched", "has_previous", "status"), [
    ("steady", False, True, "new"),
    ("growing", False, True, "new"),
    ("growing", True, True, "growing"),
    ("new", True, True, "growing"),  # new in its own weeks, but last week's run had it
    ("shrinking", True, True, "shrinking"),
    ("gone", True, True, "shrinking"),
    ("steady", True, True, "steady"),
    ("single week", False, False, "new"),
    ("growing", False, False, "growing"),  # no previous week: the theme's own trend
    ("new", False, False, "new"),
])
def test_theme_status(trend, matched, has_previous, status):
    assert theme_status(trend, matched, has_previous) == status


def test_centroids_of_different_models_match_nothing():
    result = match_centroids({"T01": [1.0, 0.0, 0.0]}, {"T01": [1.0, 0.0]}, 0.8)
    assert (result.matches, result.new, result.gone) == ((), ("T01",), ("T01",))


def test_the_same_theme_bar_follows_the_spread_of_the_themes_not_a_fixed_cosine():
    from clustering.settings import TrackingSettings
    from clustering.tracking import same_theme_threshold

    settings = TrackingSettings(same_theme_spreads=0.5)
    # MiniLM-like themes (members ~0.6 from their centre) and a multilingual model's (~0.88): the bar moves with them
    loose, tight = same_theme_threshold([0.4, 0.35, 0.45], settings), same_theme_threshold([0.12, 0.1, 0.14], settings)
    assert loose == 1 - 0.5 * 0.4 and tight == 1 - 0.5 * 0.12
    assert tight > 0.9 > loose
    assert same_theme_threshold([], settings) == 1.0  # nothing to measure: only identical centres
    assert same_theme_threshold([0.4], TrackingSettings(match_similarity=0.8)) == 0.8  # a fixed bar when set


def test_in_the_multilingual_default_space_the_relative_bar_tells_themes_apart_where_a_fixed_cosine_cannot():
    """The demo's planted themes (ads in several languages), each cut into two halves as if two weeks, embedded by the
    default model (real multilingual-e5): each half matches its own other half and no other theme at the bar relative
    to the themes' spread, while MiniLM's old fixed 0.8 finds every pair of unrelated themes 'the same theme'."""
    from clustering.compose import compose
    from clustering.load import load_cases
    from clustering.settings import ComposeSettings, EmbedSettings, TrackingSettings
    from clustering.tracking import same_theme_threshold
    from eval_sets import DEMO_CASES
    from eval_sets.scorer import NOISE, read_labels

    cases = load_cases(DEMO_CASES).cases
    misjudged = cases.loc[cases["misjudged"]].reset_index(drop=True)
    labels = read_labels(DEMO_CASES, "theme").loc[misjudged["case_id"].astype(str)].reset_index(drop=True)
    planted = (labels != NOISE).to_numpy()
    misjudged, labels = misjudged[planted].reset_index(drop=True), labels[planted].reset_index(drop=True)
    vectors = compose(misjudged, ComposeSettings(), EmbedSettings(progress=False)).vectors
    first = np.arange(len(misjudged)) % 2 == 0
    names = sorted(labels.unique())

    def centres(half):
        out, spreads = [], []
        for name in names:
            members = vectors[half & (labels == name).to_numpy()]
            centre = members.mean(axis=0) / np.linalg.norm(members.mean(axis=0))
            out.append(centre)
            spreads.append(1.0 - float((members @ centre).mean()))
        return np.array(out), spreads

    (a, _), (b, spreads) = centres(first), centres(~first)
    sims = b @ a.T
    same, other = np.diagonal(sims), sims[~np.eye(len(names), dtype=bool)]
    bar = same_theme_threshold(spreads, TrackingSettings())
    assert same.min() >= bar > other.max()  # every theme is itself and nothing else
    assert (other >= 0.8).all()  # a fixed cosine chosen for MiniLM calls every unrelated pair one theme here

"""The scorer on labels with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from eval_sets.scorer import language_dominated_share, score_labels, score_run


def test_perfect_recovery_with_noise_left_out():
    truth = pd.Series(["a", "a", "b", "b", "noise", "noise"])
    predicted = pd.Series(["T1", "T1", "T2", "T2", None, None])
    score = score_labels(predicted, truth)
    assert score.ari == 1.0 and score.nmi == 1.0
    assert score.recovered_share == 1.0 and score.noise_unthemed_share == 1.0 and score.planted_unthemed_share == 0.0
    assert [(m.planted, m.best_theme, m.f1) for m in score.planted] == [("a", "T1", 1.0), ("b", "T2", 1.0)]


def test_partial_recovery_figures():
    truth = pd.Series(["a"] * 4 + ["b"] * 4 + ["noise"] * 2)
    predicted = pd.Series(["T1", "T1", "T1", None, "T1", "T2", None, None, "T2", None])
    score = score_labels(predicted, truth)
    a, b = score.planted
    # a: T1 holds 3 of a's 4 and 1 of b -> precision 3/4, recall 3/4
    assert (a.best_theme, a.precision, a.recall, a.f1) == ("T1", 0.75, 0.75, 0.75)
    # b: T2 holds 1 of b and 1 noise -> precision 1/2, recall 1/4, F1 1/3
    assert (b.best_theme, b.precision, b.recall) == ("T2", 0.5, 0.25)
    assert b.f1 == pytest.approx(1 / 3, abs=1e-4)
    assert score.recovered_share == 0.5
    assert score.noise_unthemed_share == 0.5 and score.planted_unthemed_share == pytest.approx(3 / 8, abs=1e-4)


def test_run_without_labels_for_some_cases_is_an_error():
    labels = pd.Series(["a"], index=["C1"])
    with pytest.raises(ValueError, match="no label"):
        score_run(pd.DataFrame({"case_id": ["C1", "C2"], "theme_id": ["T01", None]}), labels)


def test_mean_f1_labelled_ari_and_language_dominance():
    truth = pd.Series(["a"] * 4 + ["b"] * 4 + ["noise"] * 2)
    predicted = pd.Series(["T1"] * 4 + ["T2"] * 4 + ["T1", None])
    score = score_labels(predicted, truth)
    assert score.ari_labelled == 1.0 and score.ari < 1.0  # a one-off inside T1 costs only the all-rows ARI
    assert score.mean_f1 == pytest.approx((0.8889 + 1.0) / 2, abs=1e-3)  # a: precision 4/5, recall 1
    langs = pd.Series(["en"] * 4 + ["en", "de", "en", "de"] + ["en", "de"])
    assert language_dominated_share(predicted, langs) == 0.5  # T1 all en; T2 half en, half de
    assert language_dominated_share(predicted, pd.Series(["en"] * 10)) == 1.0
    assert language_dominated_share(pd.Series([None] * 10, dtype="string"), langs) == 0.0

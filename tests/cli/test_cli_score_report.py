"""`score`'s report names which ARI is which: the planted-theme rows' (the benchmark's) and all rows'."""

from __future__ import annotations

import re

import pandas as pd

from assistant.cli.themes import score_report
from eval_sets.scorer import NOISE, score_labels


def test_report_gives_the_labelled_ari_of_the_benchmark_beside_the_all_rows_ari():
    truth = pd.Series(["a"] * 4 + ["b"] * 4 + [NOISE] * 4, dtype="string")
    # the planted themes are found exactly; the noise rows are pulled into them, which costs only the all-rows ARI
    predicted = pd.Series(["T1"] * 4 + ["T2"] * 4 + ["T1", "T2", "T1", "T2"], dtype="string")
    score = score_labels(predicted, truth)
    assert score.ari_labelled == 1.0 and score.ari < 0.9
    text = score_report(score)
    labelled = re.search(r"ARI (\d\.\d{3}), NMI \d\.\d{3} on the planted-theme rows", text)
    every = re.search(r"ARI (\d\.\d{3}), NMI \d\.\d{3} on all rows \(noise as one more label\)", text)
    assert labelled and float(labelled.group(1)) == 1.0
    assert every and float(every.group(1)) == round(score.ari, 3)

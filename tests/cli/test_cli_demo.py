"""`demo`: the main job on the shipped data, from validation to the digest."""

from __future__ import annotations

import re

import pytest
from cli_helpers import run

pytestmark = pytest.mark.slow  # the `demo` command end to end on the full demo


def test_demo_runs_metrics_themes_and_score(tmp_path):
    result = run("demo", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stderr
    for name in ("FPR", "FDR", "FNR", "ATA", "IR"):
        assert f"\n{name} " in result.stdout
    assert "95% CI" in result.stdout and "By week:" in result.stdout and "2026-W47" in result.stdout
    assert "== 3. Error themes" in result.stdout and "T01" in result.stdout
    assert "planted themes recovered (F1 >= 0.5)" in result.stdout
    # the whole file (reused as the digest's W42-W47 window, which holds every row) and the W41-W46 window
    assert len(list((tmp_path / "ws" / "runs").iterdir())) == 2
    assert (tmp_path / "ws" / "digests" / "2026-W47" / "digest.html").exists()
    assert "[offline drafter: written by rules from the evidence, no LLM]" in result.stdout
    agreed = re.search(r"RCA root causes agree with the planted ones for (\d+) of (\d+)", result.stdout)
    assert agreed and int(agreed.group(2)) == 12 and int(agreed.group(1)) >= 9
    # the loop: the actions of eval_sets/demo/actions.csv recorded, the clarified theme fixed, the trained one not,
    # and the theme that splits in the last week (tests/workspace/test_demo_loop.py checks which theme)
    assert "best match of non_alcoholic_beer_rejected): 2026-10-28 policy clarification by policy team" in result.stdout
    assert "best match of firearm_accessories_overkill): 2026-10-28 moderator training by qa lead" in result.stdout
    fixes = result.stdout.split("\nDid the fixes work?\n")[1]
    assert re.search(r"2026-10-28 policy clarification: .*\n    fixed: ", fixes)
    assert re.search(r"2026-10-28 moderator training: .*\n    no change yet: ", fixes)
    assert re.search(r"Split this week:\n(  .*\n)*  T\d+ .*political.*likely split from last week's T\d+", fixes)

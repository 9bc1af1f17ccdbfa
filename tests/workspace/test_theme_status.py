"""Which run a registry theme's effect is measured on (`assistant.workspace.theme_status`)."""

import json
from types import SimpleNamespace

from assistant.workspace.runs import METRICS_FILE
from assistant.workspace.theme_status import _preference


def run_with_weeks(tmp_path, run_id: str, weeks: list[str]):
    folder = tmp_path / run_id
    folder.mkdir()
    by_week = [{"group": week, "rows": 100} for week in weeks]
    (folder / METRICS_FILE).write_text(json.dumps({"overall": {}, "by": {"week": by_week}}), encoding="utf-8")
    return folder, SimpleNamespace(run_id=run_id)


def best(runs, prefer=None) -> str:
    return sorted(runs, key=lambda item: _preference(item[0], item[1], prefer))[-1][1].run_id


def test_the_whole_file_run_beats_a_one_week_run_of_an_earlier_week_analysed_later(tmp_path):
    whole = run_with_weeks(tmp_path, "20261201-1000-a", ["2026-W44", "2026-W45", "2026-W46", "2026-W47"])
    earlier_week = run_with_weeks(tmp_path, "20261201-1001-b", ["2026-W46"])
    assert best([whole, earlier_week]) == "20261201-1000-a"


def test_newer_data_wins_then_more_weeks_then_the_newest_run(tmp_path):
    old_data = run_with_weeks(tmp_path, "r3", ["2026-W40", "2026-W41", "2026-W42"])
    new_week = run_with_weeks(tmp_path, "r1", ["2026-W47"])
    new_two = run_with_weeks(tmp_path, "r2", ["2026-W46", "2026-W47"])
    assert best([old_data, new_week, new_two]) == "r2"
    same = run_with_weeks(tmp_path, "r4", ["2026-W46", "2026-W47"])
    assert best([new_two, same]) == "r4"


def test_a_preferred_run_wins_whatever_its_weeks(tmp_path):
    whole = run_with_weeks(tmp_path, "a", ["2026-W46", "2026-W47"])
    one = run_with_weeks(tmp_path, "b", ["2026-W45"])
    assert best([whole, one], prefer="b") == "b"

"""Tests of the demo-set generator and of the shipped eval_sets/demo/cases.csv."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from eval_sets import demo_data

SHIPPED = Path(demo_data.__file__).resolve().parent / "demo" / "cases.csv"
LOCALES = {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "es-MX", "pt-BR", "ja-JP", "en-AU"}
QUEUES = {"general", "health", "finance", "gambling", "political_ads", "regulated_goods", "dating", "ecommerce"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return demo_data.generate_demo_cases()


def _misjudged(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["original_decision"] != r["final_decision"]]


def _by_theme(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["theme"]:
            out[r["theme"]].append(r)
    return out


def _parse(ts: str) -> dt.datetime:
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")


def test_shipped_csv_is_reproduced_byte_for_byte(rows, tmp_path):
    written = demo_data.write_csv(rows, tmp_path / "cases.csv")
    assert written.read_bytes() == SHIPPED.read_bytes(), (
        "regenerate with: python -m eval_sets.demo_data --out eval_sets/demo/cases.csv"
    )


def test_shipped_csv_reads_back_as_the_rows(rows):
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == demo_data.COLUMNS
        assert list(reader) == rows


def test_same_seed_same_rows_other_seed_other_rows():
    first = demo_data.generate_demo_cases(seed=11, scale=0.3)
    assert first == demo_data.generate_demo_cases(seed=11, scale=0.3)
    assert first != demo_data.generate_demo_cases(seed=12, scale=0.3)


def test_sizes(rows):
    misjudged = _misjudged(rows)
    assert len(rows) >= 1500
    assert len(misjudged) >= 600
    planted = {r["theme"] for r in misjudged} - {"noise"}
    assert len(planted) >= 10
    assert planted == set(demo_data.PLANTED_THEMES)
    sizes = Counter(r["theme"] for r in misjudged)
    assert all(25 <= sizes[t] <= 80 for t in planted), sizes
    assert 70 <= sizes["noise"] <= 90


def test_columns_and_value_formats(rows):
    assert all(list(r) == demo_data.COLUMNS for r in rows)
    assert all(isinstance(v, str) for r in rows for v in r.values())
    ids = [r["case_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    for r in rows:
        assert re.fullmatch(r"C\d{6}", r["case_id"])
        assert re.fullmatch(r"AD\d{6}", r["ad_id"])
        assert re.fullmatch(r"ADV\d{4}", r["advertiser_id"])
        assert r["original_decision"] in ("reject", "approve")
        assert r["final_decision"] in ("reject", "approve")
        assert r["locale"] in LOCALES and r["queue"] in QUEUES
        assert r["ad_text"] and r["policy"]
        if r["decision_source"] == "model":
            assert r["moderator_id"] == ""
            assert re.fullmatch(r"0\.\d{2,3}", r["model_score"])
        else:
            assert r["decision_source"] == "human"
            assert re.fullmatch(r"mod_\d{3}", r["moderator_id"]) and r["model_score"] == ""


def test_error_type_and_theme_follow_the_decisions(rows):
    for r in rows:
        expected = {("reject", "approve"): "FP", ("approve", "reject"): "FN"}.get(
            (r["original_decision"], r["final_decision"]), "")
        assert r["error_type"] == expected
        assert bool(r["theme"]) == bool(expected)
        if expected:
            assert r["reviewer_note"]
    correct = [r for r in rows if not r["error_type"]]
    outcomes = Counter(r["final_decision"] for r in correct)
    assert outcomes["approve"] > outcomes["reject"] > 0
    assert sum(1 for r in correct if r["reviewer_note"]) < 0.1 * len(correct)


def test_planted_error_types_match_the_catalogue(rows):
    for theme, theme_rows in _by_theme(_misjudged(rows)).items():
        if theme != "noise":
            assert {r["error_type"] for r in theme_rows} == set(demo_data.PLANTED_THEMES[theme]["error_types"])
            assert {r["policy"] for r in theme_rows} == {demo_data.PLANTED_THEMES[theme]["policy"]}


def test_six_iso_weeks_and_audit_delay(rows):
    weeks = Counter(demo_data.iso_week(r["decided_at"]) for r in rows)
    assert sorted(weeks) == [f"2026-W{w}" for w in range(42, 48)]
    for r in rows:
        delay = _parse(r["audited_at"]) - _parse(r["decided_at"])
        assert dt.timedelta(days=1) <= delay <= dt.timedelta(days=4)


def test_deepfake_theme_only_in_last_week(rows):
    weeks = {demo_data.iso_week(r["decided_at"]) for r in rows if r["theme"] == "deepfake_celebrity_investment_scam"}
    assert weeks == {"2026-W47"}


FIXED, UNCHANGED, SPLITTING = ("non_alcoholic_beer_rejected", "firearm_accessories_overkill",
                               "commercial_ads_routed_political")
SPEC = {t["label"]: t for t in demo_data._THEMES}
SPLIT = SPEC[SPLITTING]["split"]


def _share(rows: list[dict], theme: str, weeks: list[str]) -> tuple[int, int]:
    in_weeks = [r for r in rows if demo_data.iso_week(r["decided_at"]) in weeks]
    return sum(1 for r in in_weeks if r["theme"] == theme), len(in_weeks)


def test_the_actions_file_names_planted_themes_and_dates_mid_w44():
    from eval_sets.demo_actions import read_actions

    actions = {a.planted_theme: a for a in read_actions()}
    assert set(actions) == {FIXED, UNCHANGED}
    assert actions[FIXED].kind == "policy clarification" and actions[UNCHANGED].kind == "moderator training"
    for action in actions.values():
        assert demo_data.iso_week(f"{action.date}T12:00:00Z") == "2026-W44"


def test_planted_effects_of_the_actions(rows):
    """The clarified theme's share of decisions falls by four fifths after W44; the trained one's stays put."""
    before, after = ["2026-W42", "2026-W43"], ["2026-W45", "2026-W46", "2026-W47"]
    (fb, nb), (fa, na) = _share(rows, FIXED, before), _share(rows, FIXED, after)
    assert fa / na < 0.2 * fb / nb and fb >= 30
    (ub, nb), (ua, na) = _share(rows, UNCHANGED, before), _share(rows, UNCHANGED, after)
    assert abs(ua / na - ub / nb) < 0.002


def test_the_splitting_theme_gets_a_variant_with_its_own_wording_that_surges_in_the_last_week(rows):
    theme = [r for r in rows if r["theme"] == SPLITTING]
    heads = {demo_data._split_tag(h)[1].split("{")[0] for h in SPLIT["ads"]["en"][0]}
    variant = [r for r in theme if any(r["ad_text"].startswith(h) for h in heads)]
    weeks = Counter(demo_data.iso_week(r["decided_at"]) for r in variant)
    assert len(variant) == sum(SPLIT["weeks"]) and weeks["2026-W47"] >= 30
    # before the last week fewer than the smallest theme (14 cases here): they cannot stand as a theme of their own
    assert sum(weeks.values()) - weeks["2026-W47"] < 14
    old_notes = {demo_data._split_tag(n)[1].lower()[:30] for n in SPEC[SPLITTING]["notes"]["FP"]}
    assert not any(any(n in r["reviewer_note"].lower() for n in old_notes) for r in variant)
    assert all("tree" in r["ad_text"].lower() for r in variant)


def test_the_loop_changes_only_the_clarified_themes_weeks_and_adds_the_variant():
    with_loop, without = (demo_data.generate_demo_cases(seed=11, scale=0.3, loop=loop) for loop in (True, False))

    def content(r: dict) -> tuple:
        return tuple(v for k, v in r.items() if k not in ("case_id", "decided_at", "audited_at"))

    assert Counter(map(content, without)) - Counter(map(content, with_loop)) == Counter()
    assert len(with_loop) - len(without) == sum(round(n * 0.3) for n in SPLIT["weeks"])
    moved = {content(r) for r in without if r["theme"] != FIXED} - {content(r) for r in with_loop}
    assert not moved
    kept = {(content(r), r["decided_at"]) for r in with_loop}
    assert all((content(r), r["decided_at"]) in kept for r in without if r["theme"] != FIXED)


def test_glp1_theme_grows_every_week(rows):
    weeks = Counter(demo_data.iso_week(r["decided_at"]) for r in rows
                    if r["theme"] == "compounded_glp1_telehealth_growing")
    counts = [weeks[f"2026-W{w}"] for w in range(42, 48)]
    assert all(a < b for a, b in zip(counts, counts[1:], strict=False)), counts


def _ads_judged_twice(rows: list[dict]) -> list[list[dict]]:
    by_ad: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_ad[r["ad_id"]].append(r)
    return [v for v in by_ad.values() if len(v) > 1]


def test_ads_judged_twice_disagree_or_agree(rows):
    pairs = _ads_judged_twice(rows)
    same_ad = ("ad_text", "landing_page_text", "advertiser_id", "policy", "locale", "queue", "final_decision")
    disagreeing, agreeing = [], []
    for pair in pairs:
        a, b = pair
        assert all(a[c] == b[c] for c in same_ad)
        assert a["moderator_id"] != b["moderator_id"] and a["decision_source"] == b["decision_source"] == "human"
        assert a["case_id"] != b["case_id"]
        (disagreeing if a["original_decision"] != b["original_decision"] else agreeing).append(pair)
    assert 30 <= len(disagreeing) <= 50
    in_dating = sum(1 for p in disagreeing if any(r["theme"] == "dating_suggestive_imagery_disagreement" for r in p))
    assert in_dating > len(disagreeing) / 2
    assert 90 <= len(agreeing) <= 130
    for a, b in agreeing:
        assert a["original_decision"] == a["final_decision"] and a["error_type"] == b["error_type"] == ""
        weeks = sorted(int(demo_data.iso_week(r["decided_at"])[-2:]) for r in (a, b))
        assert weeks[1] - weeks[0] in (0, 1)
    assert len({a["policy"] for a, _ in agreeing}) >= 10
    assert len({a["locale"] for a, _ in agreeing}) == len(LOCALES)
    assert len({demo_data.iso_week(a["decided_at"]) for a, _ in agreeing}) == 6


def test_inconsistency_rate_is_plausible(rows):
    repeated = _ads_judged_twice(rows)
    differing = [v for v in repeated if len({r["original_decision"] for r in v}) > 1]
    assert 0.15 <= len(differing) / len(repeated) <= 0.5, (len(differing), len(repeated))


def test_agreeing_twins_leave_the_other_rows_unchanged():
    rows = demo_data.generate_demo_cases(seed=11, scale=0.3)
    without = demo_data.BASE_AGREEING_TWINS
    try:
        demo_data.BASE_AGREEING_TWINS = 0
        base = demo_data.generate_demo_cases(seed=11, scale=0.3)
    finally:
        demo_data.BASE_AGREEING_TWINS = without

    def content(r: dict) -> tuple:
        return tuple(v for k, v in r.items() if k != "case_id")

    remaining = iter(map(content, rows))
    assert all(any(c == x for x in remaining) for c in map(content, base))  # same rows, same order
    assert len(rows) - len(base) == round(demo_data.BASE_AGREEING_TWINS * 0.3)


def test_injection_and_fake_personal_data_present(rows):
    injected = [r for r in rows if any(m in r["ad_text"].lower() for m in demo_data.INJECTION_MARKERS)]
    assert 5 <= len(injected) <= 8
    assert sum(1 for r in injected if r["theme"] not in ("", "noise")) >= 3
    pii = [r for r in rows if any(demo_data.PII_PATTERN.search(r[c])
                                  for c in ("ad_text", "landing_page_text", "reviewer_note"))]
    assert len(pii) >= 8
    assert any(demo_data.PII_PATTERN.search(r["reviewer_note"]) for r in pii)


def test_theme_notes_vary(rows):
    for theme, theme_rows in _by_theme(_misjudged(rows)).items():
        notes = [r["reviewer_note"] for r in theme_rows]
        tokens = Counter(t for note in notes for t in set(re.findall(r"\w+", note.lower())))
        word, count = tokens.most_common(1)[0]
        assert count <= 0.7 * len(notes), (theme, word, count, len(notes))
        duplicates = len(notes) - len(set(notes))
        assert duplicates < 0.05 * len(notes), (theme, duplicates)


def test_noise_notes_are_all_different(rows):
    notes = [r["reviewer_note"].lower() for r in rows if r["theme"] == "noise"]
    assert len(set(notes)) == len(notes)
    noise = [r for r in rows if r["theme"] == "noise"]
    assert {r["error_type"] for r in noise} == {"FP", "FN"}
    assert {r["decision_source"] for r in noise} == {"model", "human"}
    assert len({r["policy"] for r in noise}) >= 10


def test_scale_keeps_ids_unique():
    big = demo_data.generate_demo_cases(seed=3, scale=2.5)
    added = round(demo_data.BASE_AGREEING_TWINS * 2.5) + sum(round(n * 2.5) for n in SPLIT["weeks"])
    assert abs(len(big) - 4500 - added) <= 5
    assert len({r["case_id"] for r in big}) == len(big)
    ads = Counter(r["ad_id"] for r in big)
    assert max(ads.values()) == 2
    texts = [r["reviewer_note"] for r in big if r["theme"] not in ("", "noise")]
    assert len(set(texts)) > 0.95 * len(texts)


def test_command_line_writes_file(tmp_path):
    out = tmp_path / "small.csv"
    assert demo_data.main(["--out", str(out), "--seed", "5", "--scale", "0.05"]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert written == demo_data.generate_demo_cases(seed=5, scale=0.05)

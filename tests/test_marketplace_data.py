"""Tests of the marketplace-set generator and of the shipped eval_sets/marketplace/cases.csv."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from clustering.load import load_cases
from eval_sets import demo_data, marketplace_data

SHIPPED = Path(marketplace_data.__file__).resolve().parent / "marketplace" / "cases.csv"
ANALYSED = ("ad_text", "landing_page_text", "reviewer_note")
MULTILINGUAL = ("online_pharmacy_without_prescription", "festival_food_promos_tagged_religious",
                "hair_restoration_read_as_adult")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return marketplace_data.generate_marketplace_cases()


def _by_theme(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["theme"]:
            out[r["theme"]].append(r)
    return out


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_shipped_csv_is_reproduced_byte_for_byte(rows, tmp_path):
    written = marketplace_data.write_csv(rows, tmp_path / "cases.csv")
    assert written.read_bytes() == SHIPPED.read_bytes(), (
        "regenerate with: python -m eval_sets.marketplace_data --out eval_sets/marketplace/cases.csv"
    )


def test_other_seed_other_rows():
    assert marketplace_data.generate_marketplace_cases(seed=3) != marketplace_data.generate_marketplace_cases(seed=4)


def test_loads_through_the_project_loader_without_problems():
    result = load_cases(SHIPPED)
    assert result.rows_skipped == 0 and not result.warnings
    cases = result.cases
    assert len(cases) == result.rows_read
    assert sorted(cases["week"].unique()) == marketplace_data.WEEK_LABELS
    assert result.has_correct_rows
    assert cases["misjudged"].sum() == sum(1 for r in csv.DictReader(SHIPPED.open(encoding="utf-8")) if r["theme"])


def test_planted_themes_exist_with_their_sizes_and_error_types(rows):
    themes = _by_theme(rows)
    assert set(themes) - {"noise"} == set(marketplace_data.PLANTED_THEMES)
    assert 12 <= len(marketplace_data.PLANTED_THEMES) <= 15
    for spec in marketplace_data._THEMES:
        theme_rows = themes[spec["label"]]
        assert len(theme_rows) == spec["size"]
        assert {r["error_type"] for r in theme_rows} == {spec["et"]}
        assert {r["policy"] for r in theme_rows} == {spec["policy"]}
    sizes = [len(v) for k, v in themes.items() if k != "noise"]
    assert min(sizes) <= 15 and max(sizes) >= 60
    misjudged = sum(len(v) for v in themes.values())
    assert 500 <= misjudged <= 700
    correct = len(rows) - misjudged
    assert 1.1 <= correct / misjudged <= 1.3
    assert len({info["root_cause"] for info in marketplace_data.PLANTED_THEMES.values()}) >= 7


def test_noise_share_and_noise_rows_are_one_offs(rows):
    themes = _by_theme(rows)
    misjudged = sum(len(v) for v in themes.values())
    noise = themes["noise"]
    assert 0.12 <= len(noise) / misjudged <= 0.15
    assert len({r["reviewer_note"].lower() for r in noise}) == len(noise)
    assert len({r["ad_text"] for r in noise}) == len(noise)
    assert {r["error_type"] for r in noise} == {"FP", "FN"}
    assert len({r["policy"] for r in noise}) >= 12 and len({r["locale"] for r in noise}) >= 10


def test_no_word_dominates_a_theme(rows):
    for theme, theme_rows in _by_theme(rows).items():
        notes = [r["reviewer_note"] for r in theme_rows]
        word, count = Counter(t for note in notes for t in _tokens(note)).most_common(1)[0]
        assert count <= 0.7 * len(notes), (theme, word, count, len(notes))
        assert len(notes) - len(set(notes)) < 0.1 * len(notes), theme


def test_notes_come_in_several_styles(rows):
    notes = [r["reviewer_note"] for r in rows if r["theme"] not in ("", "noise")]
    checklist = sum("|" in n or "=>" in n or " / " in n for n in notes)
    terse = sum(bool(re.match(r"(?i)(ovk|miss|fp/|fn/|rej->|appr->|missed:)", n)) for n in notes)
    non_ascii = sum(not n.isascii() for n in notes)
    for share in (checklist, terse, non_ascii):
        assert 0.08 * len(notes) <= share <= 0.5 * len(notes)


def test_multilingual_themes_span_three_languages_in_ads_and_notes(rows):
    themes = _by_theme(rows)
    for theme in MULTILINGUAL:
        theme_rows = themes[theme]
        locales = Counter(r["locale"] for r in theme_rows)
        assert len(locales) >= 3 and max(locales.values()) <= 0.5 * len(theme_rows), (theme, locales)
        note_langs = {marketplace_data.LANG[r["locale"]] for r in theme_rows if not r["reviewer_note"].isascii()}
        assert len(note_langs) >= 3, (theme, note_langs)
    scripts = {r["locale"] for r in rows if re.search(r"[\u0600-\u06ff\u0e00-\u0e7f\uac00-\ud7af]", r["ad_text"])}
    assert {"ar-SA", "th-TH", "ko-KR"} <= scripts


def test_labels_never_leak_into_the_analysed_columns(rows):
    causes = {info["root_cause"] for info in marketplace_data.PLANTED_THEMES.values()}
    for r in rows:
        text = " ".join(r[c] for c in ANALYSED).lower()
        assert not any(label in text for label in marketplace_data.PLANTED_THEMES)
        assert not any(cause in text for cause in causes)
        assert "theme" not in _tokens(text) and "noise" not in _tokens(text)


def test_shares_no_phrases_with_the_demo_set(rows):
    demo_notes = {r["reviewer_note"].lower() for r in demo_data.generate_demo_cases(scale=0.3) if r["reviewer_note"]}
    demo_ads = {r["ad_text"] for r in demo_data.generate_demo_cases(scale=0.3)}
    ours = [r for r in rows if r["error_type"]]
    assert not {r["reviewer_note"].lower() for r in ours} & demo_notes
    assert not {r["ad_text"] for r in rows} & demo_ads
    assert not set(marketplace_data.PLANTED_THEMES) & set(demo_data.PLANTED_THEMES)


def test_weeks_trends_and_locales(rows):
    def weeks(theme: str) -> list[int]:
        found = Counter(marketplace_data.iso_week(r["decided_at"]) for r in rows if r["theme"] == theme)
        return [found[w] for w in marketplace_data.WEEK_LABELS]

    assert {marketplace_data.iso_week(r["decided_at"]) for r in rows} == set(marketplace_data.WEEK_LABELS)
    growing = weeks("solar_subsidy_lead_scam")
    assert all(a < b for a, b in zip(growing, growing[1:], strict=False))
    assert weeks("ticket_resale_markup_unseen")[:2] == [0, 0]
    fading = weeks("festival_food_promos_tagged_religious")
    assert fading[-1] < fading[0] / 3
    assert len({r["locale"] for r in rows}) >= 10


def test_ads_judged_twice_show_inconsistency(rows):
    by_ad: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_ad[r["ad_id"]].append(r)
    repeated = [v for v in by_ad.values() if len(v) > 1]
    differing = [v for v in repeated if len({r["original_decision"] for r in v}) > 1]
    assert len(repeated) >= 40 and 0.15 <= len(differing) / len(repeated) <= 0.45
    for pair in repeated:
        a, b = pair
        assert a["ad_text"] == b["ad_text"] and a["final_decision"] == b["final_decision"]
        assert a["moderator_id"] != b["moderator_id"] and a["case_id"] != b["case_id"]
    in_wine = sum(any(r["theme"] == "winery_tours_alcohol_split" for r in v) for v in differing)
    assert in_wine > len(differing) / 2


def test_command_line_writes_file_and_summary(tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert marketplace_data.main(["--out", str(out), "--seed", "5", "--summary"]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == marketplace_data.generate_marketplace_cases(seed=5)
    printed = capsys.readouterr().out
    assert "| `solar_subsidy_lead_scam` |" in printed and "| noise rows" in printed

"""Tests of the fieldnotes generator and of the shipped, held-out eval_sets/fieldnotes/ set."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from clustering.load import load_cases
from eval_sets import fieldnotes_bank, fieldnotes_data
from eval_sets.fieldnotes_data import NOISE, PLANTED_THEMES

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "eval_sets" / "fieldnotes"
CATEGORIES = {"policy_ambiguity", "guideline_gap", "model_overkill", "model_miss", "moderator_knowledge",
              "locale_rule", "missing_context", "tooling", "other"}  # DESIGN.md §3
SCRIPT = {"ja": r"[\u3040-\u30ff\u4e00-\u9fff]", "ar": r"[\u0600-\u06ff]", "hi": r"[\u0900-\u097f]"}
TAG = re.compile(r"(?i)(\[?f[pn]\]?|ovk|overkill|miss|\bue\b|under-enf|false pos|rej→appr|appr→rej)")


@pytest.fixture(scope="module")
def planned() -> list[fieldnotes_data.Planned]:
    return fieldnotes_data.build()


@pytest.fixture(scope="module")
def rows(planned) -> list[dict]:
    return [p.row for p in planned]


def _by_theme(planned) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for p in planned:
        if p.row["theme"]:
            out[p.row["theme"]].append(p)
    return out


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_shipped_files_are_reproduced_byte_for_byte(tmp_path):
    fieldnotes_data.write_set(tmp_path)
    for name in ("cases.csv", "root_causes.json", "README.md"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), (
            f"{name} differs; regenerate with: python -m eval_sets.fieldnotes_data")


def test_other_seed_other_rows():
    assert fieldnotes_data.generate_fieldnotes(seed=3) != fieldnotes_data.generate_fieldnotes(seed=4)


def test_schema_valid_through_the_project_loader_and_validate_command():
    result = load_cases(SHIPPED / "cases.csv")
    assert result.rows_skipped == 0 and not result.warnings and result.has_correct_rows
    cases = result.cases
    assert sorted(cases["week"].unique()) == fieldnotes_data.WEEKS
    assert cases["misjudged"].sum() == sum(1 for r in _csv(SHIPPED / "cases.csv") if r["theme"])
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "validate", str(SHIPPED / "cases.csv")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "OK: the file is usable." in done.stdout


def test_every_schema_field_is_filled_where_it_applies(rows):
    assert set(rows[0]) == set(fieldnotes_data.COLUMNS)
    for r in rows:
        assert r["case_id"] and r["ad_id"] and r["advertiser_id"] and r["ad_text"] and r["policy"] and r["queue"]
        assert r["audited_at"] > r["decided_at"]
        assert r["error_type"] == ("" if r["original_decision"] == r["final_decision"] else
                                   "FP" if r["original_decision"] == "reject" else "FN")
        if r["decision_source"] == "model":
            assert r["model_score"] and not r["moderator_id"]
        else:
            assert r["moderator_id"] and not r["model_score"]
    assert len({r["case_id"] for r in rows}) == len(rows)
    assert len({r["queue"] for r in rows}) >= 20 and len({r["moderator_id"] for r in rows}) >= 40


def test_planted_label_counts(planned, rows):
    themes = _by_theme(planned)
    assert set(themes) - {NOISE} == set(PLANTED_THEMES)
    assert 12 <= len(PLANTED_THEMES) <= 16
    for spec in fieldnotes_bank.THEMES:
        theme_rows = [p.row for p in themes[spec["label"]]]
        assert len(theme_rows) == spec["size"]
        assert {r["error_type"] for r in theme_rows} == ({"FP", "FN"} if spec["et"] == "mix" else {spec["et"]})
    sizes = sorted(len(v) for k, v in themes.items() if k != NOISE)
    assert sizes[0] == 10 and sizes[-1] >= 60 and sum(s >= 45 for s in sizes) >= 3
    assert sum(15 <= s <= 30 for s in sizes) >= 5
    misjudged = sum(len(v) for v in themes.values())
    assert 400 <= misjudged <= 800
    assert 0.13 <= len(themes[NOISE]) / misjudged <= 0.17
    assert 1.0 <= (len(rows) - misjudged) / misjudged <= 1.2
    causes = json.loads((SHIPPED / "root_causes.json").read_text(encoding="utf-8"))
    assert causes == {k: v["root_cause"] for k, v in PLANTED_THEMES.items()}
    assert set(causes.values()) <= CATEGORIES and len(set(causes.values())) >= 8
    shipped = Counter(r["theme"] for r in _csv(SHIPPED / "cases.csv"))
    assert shipped == Counter(r["theme"] for r in rows)


def test_every_theme_spans_three_languages_of_ad_text(planned):
    for label, group in _by_theme(planned).items():
        if label == NOISE:
            continue
        spec = next(t for t in fieldnotes_bank.THEMES if t["label"] == label)
        langs = Counter(p.ad_lang for p in group)
        assert len(spec["mix"]) >= 3 and len(langs) >= 3, (label, langs)
        assert max(langs.values()) <= 0.5 * len(group), (label, langs)
        for p in group:  # the language is the ad's, not a label: scripts agree
            for lang, script in SCRIPT.items():
                assert bool(re.search(script, p.row["ad_text"])) == (p.ad_lang == lang), (lang, p.row["ad_text"])


def test_locales_scripts_and_landing_pages(rows):
    assert len({r["locale"] for r in rows}) >= 10
    for lang, script in SCRIPT.items():
        assert any(re.search(script, r["ad_text"]) for r in rows), lang
    with_lp = Counter(r["locale"] for r in rows if r["landing_page_text"])
    assert len(with_lp) >= 8
    assert any(re.search(SCRIPT["ja"], r["landing_page_text"]) for r in rows)
    assert any(re.search(SCRIPT["ar"], r["landing_page_text"]) for r in rows)


def test_gacha_notes_mostly_japanese_while_its_ads_are_in_five_languages(planned):
    group = _by_theme(planned)["gacha_games_outside_gambling_guideline"]
    japanese = sum(bool(re.search(SCRIPT["ja"], p.row["reviewer_note"])) for p in group)
    assert japanese >= 0.6 * len(group)
    assert len({p.ad_lang for p in group}) >= 5


def test_shared_policies_with_different_causes(planned):
    by_policy: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for spec in fieldnotes_bank.THEMES:
        by_policy[spec["policy"]].add((spec["root"], spec["et"]))
    shared = [p for p, kinds in by_policy.items() if len(kinds) >= 2 and len({c for c, _ in kinds}) >= 2]
    assert {"weight_loss", "alcohol"} <= set(shared)


def test_near_duplicate_wording_across_themes(planned):
    themes = _by_theme(planned)

    def says(label: str, phrase: str) -> bool:
        return any(phrase in (p.row["reviewer_note"] + " " + p.row["ad_text"]).lower() for p in themes[label])

    assert says("loan_advance_fee_on_landing_page", "upfront fee")
    assert says("job_ads_charging_registration_fee", "upfront")
    assert says("slimming_kg_guarantee_missed", "weight loss claim")
    assert says("dietitian_services_rejected", "weight loss claim")
    assert sum(says(label, "guarantee") for label in PLANTED_THEMES) >= 3


def test_notes_are_terse_tagged_quoted_and_partly_local(planned):
    notes = [p for p in planned if p.row["theme"] not in ("", NOISE)]
    english = [p for p in notes if p.note_lang == "en"]
    tagged = sum(bool(TAG.search(p.row["reviewer_note"])) for p in english)
    assert 0.7 * len(english) <= tagged <= 0.95 * len(english)  # most, not all, carry an error-type tag
    assert sum("pol:" in p.row["reviewer_note"] for p in notes) >= 0.15 * len(notes)
    for p in notes:  # a policy code names the row's policy
        for code in re.findall(r"pol:(\w+)", p.row["reviewer_note"]):
            assert code == fieldnotes_bank.POLICY_CODE[p.row["policy"]], p.row
    quoted = [p for p in notes if p.ad_lang != "en" and p.note_lang == "en"
              and any(q and q in p.row["ad_text"] + p.row["landing_page_text"]
                      for q in re.findall(r"['„«「]\s?([^'“»」”]+?)\s?['“»」”]", p.row["reviewer_note"]))]
    assert len(quoted) >= 0.25 * len(notes)  # English notes quoting a non-English ad or landing page
    local = sum(p.note_lang != "en" for p in notes)
    assert 0.1 * len(notes) <= local <= 0.35 * len(notes)
    assert len({p.note_lang for p in notes}) >= 9
    assert max(len(p.row["reviewer_note"]) for p in notes) <= 160
    assert min(len(p.row["reviewer_note"]) for p in notes) >= 15


def test_one_offs_are_distinct_and_some_nearly_empty(planned):
    noise = [p.row for p in _by_theme(planned)[NOISE]]
    assert len({r["reviewer_note"].lower() for r in noise}) == len(noise)
    assert len({r["ad_text"] for r in noise}) == len(noise)
    assert {r["error_type"] for r in noise} == {"FP", "FN"}
    assert len({r["policy"] for r in noise}) >= 12 and len({r["locale"] for r in noise}) >= 10
    short = [r["reviewer_note"] for r in noise if len(r["reviewer_note"]) <= 12]
    assert len(short) >= 15 and {"see LP", "dup of prev"} <= set(short)


def test_labels_never_leak_into_the_analysed_columns(rows):
    for r in rows:
        text = " ".join(r[c] for c in ("ad_text", "landing_page_text", "reviewer_note")).lower()
        assert not any(label in text for label in PLANTED_THEMES)
        assert not any(cause in text for cause in CATEGORIES - {"other"})
        assert not re.search(r"\b(theme|noise)\b", text)
        assert not re.search(r"[{}\[\]]", r["ad_text"] + r["landing_page_text"])  # slots and quote marks gone


def test_shares_no_phrases_or_themes_with_the_other_planted_sets(rows):
    for other in ("demo", "marketplace"):
        theirs = _csv(ROOT / "eval_sets" / other / "cases.csv")
        assert not {r["reviewer_note"].lower() for r in rows if r["error_type"]} & \
            {r["reviewer_note"].lower() for r in theirs if r["reviewer_note"]}
        assert not {r["ad_text"] for r in rows} & {r["ad_text"] for r in theirs}
        assert not set(PLANTED_THEMES) & {r["theme"] for r in theirs}


def test_ads_judged_twice_and_moderators_concentrated(planned, rows):
    by_ad: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_ad[r["ad_id"]].append(r)
    repeated = [v for v in by_ad.values() if len(v) > 1]
    differing = [v for v in repeated if len({r["original_decision"] for r in v}) > 1]
    assert len(repeated) >= 40 and len(differing) >= 10
    for a, b in repeated:
        assert a["ad_text"] == b["ad_text"] and a["final_decision"] == b["final_decision"]
        assert a["moderator_id"] != b["moderator_id"]
    assert all(any(r["theme"] == "astrology_services_split" for r in v) for v in differing)
    knives = [p.row for p in _by_theme(planned)["kitchen_knives_rejected_as_weapons"]]
    assert sum(r["moderator_id"] in fieldnotes_data.OVERFLOW_TEAM for r in knives) >= 0.7 * len(knives)
    routed = [p.row for p in _by_theme(planned)["non_latin_ads_routed_to_en_queue"]]
    assert {r["queue"] for r in routed} == {"uk.general"} and "en-GB" not in {r["locale"] for r in routed}


def test_weeks_and_trends(rows):
    def weeks(theme: str) -> list[int]:
        found = Counter(fieldnotes_data.iso_week(r["decided_at"]) for r in rows if r["theme"] == theme)
        return [found[w] for w in fieldnotes_data.WEEKS]

    assert {fieldnotes_data.iso_week(r["decided_at"]) for r in rows} == set(fieldnotes_data.WEEKS)
    assert weeks("gacha_games_outside_gambling_guideline")[:2] == [0, 0]
    replica = weeks("replica_goods_slang_missed")
    assert replica.index(max(replica)) == fieldnotes_data.WEEKS.index("2026-W48")


def test_registered_in_the_quality_benchmark_as_held_out():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import quality_sets
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert "fieldnotes" in quality_sets.available_sets() and "fieldnotes" in quality_sets.HELD_OUT
    data = quality_sets.load_set("fieldnotes")
    assert data.held_out and not quality_sets.load_set("demo").held_out
    assert data.multilingual and len(data.cases) == len(data.labels) == 545
    counts = data.labels.value_counts()
    assert counts[NOISE] == 82 and len(counts) == len(PLANTED_THEMES) + 1
    assert data.languages.nunique() == 11


def test_command_line_writes_the_three_files(tmp_path, capsys):
    assert fieldnotes_data.main(["--out-dir", str(tmp_path), "--seed", "5", "--summary"]) == 0
    assert _csv(tmp_path / "cases.csv") == fieldnotes_data.generate_fieldnotes(seed=5)
    assert json.loads((tmp_path / "root_causes.json").read_text(encoding="utf-8")) == fieldnotes_data.root_causes()
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "never used to choose a default" in readme and "(seed 5)" in readme
    assert "| `astrology_services_split` |" in capsys.readouterr().out

"""Display values of a run and its themes (assistant/webapp/display.py), without a browser."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import case, write_csv

from assistant.webapp.display import (
    cases_count_md,
    cases_display,
    export_csv,
    facet_frame,
    facets_frame,
    inconsistent_md,
    keywords_md,
    load_error_text,
    metrics_frame,
    metrics_summary_md,
    parse_column_map,
    representatives_frame,
    search_cases,
    theme_choices,
    theme_header_md,
    themes_frame,
)
from assistant.webapp.groups import UNTHEMED
from clustering.load import load_cases
from clustering.problems import LoadError, ValidationError


def test_load_error_names_the_uploaded_file_row_and_field(tmp_path):
    path = write_csv(tmp_path / "cases.csv",
                     [case("C1"), case("C2", original="maybe"), case("C3", decided_at="not a date")])
    with pytest.raises(ValidationError) as caught:
        load_cases(path)
    status, details = load_error_text(caught.value, path, "audit-week45.csv")
    assert "2 problem(s) in 2 row(s); nothing was loaded" in status
    lines = details.splitlines()
    assert lines[0].startswith("audit-week45.csv:3:original_decision: unknown decision 'maybe'")
    assert lines[1].startswith("audit-week45.csv:4:decided_at:")
    assert str(tmp_path) not in details


def test_load_error_of_an_unusable_file_and_a_limit(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(LoadError) as caught:
        load_cases(missing)
    status, details = load_error_text(caught.value)
    assert status.startswith("The file cannot be used") and "nope.csv" in details
    rows = [case(f"C{i}", original="maybe") for i in range(30)]
    with pytest.raises(ValidationError) as caught:
        load_cases(write_csv(tmp_path / "many.csv", rows))
    _, details = load_error_text(caught.value, limit=5)
    assert len(details.splitlines()) == 6 and details.splitlines()[-1] == "... and 25 more (30 in all)"


def test_column_map_text():
    assert parse_column_map("Ticket=case_id\nQA comment=reviewer_note, Verdict=final_decision\n\n") == {
        "Ticket": "case_id", "QA comment": "reviewer_note", "Verdict": "final_decision"}
    assert parse_column_map("") == {}
    with pytest.raises(ValueError, match="column mapping: expected lines of 'their column=field'"):
        parse_column_map("Ticket")


def test_metrics_tables(run_data):
    frame = metrics_frame(run_data.metrics)
    assert list(frame["metric"]) == ["FPR", "FDR", "FNR", "ATA", "IR"]
    overall = run_data.metrics["overall"]["rates"]["ATA"]
    assert frame.loc[3, "rate"] == f"{overall['value'] * 100:.1f}%"
    assert frame.loc[3, "count"] == f"{overall['numerator']:,} / {overall['denominator']:,}"
    assert " to " in frame.loc[3, "95% CI"] and frame.loc[0, "meaning"] == "good ads wrongly rejected"
    assert "audited decisions" in metrics_summary_md(run_data.metrics)
    by_policy = facet_frame(run_data.metrics, "policy")
    assert len(by_policy) == len(run_data.metrics["by"]["policy"]) and list(by_policy.columns)[0] == "policy"
    assert "%" in by_policy.iloc[0]["FPR"] and "/" in by_policy.iloc[0]["FPR"]
    assert facet_frame(run_data.metrics, "nope").empty and metrics_frame(None).empty
    assert "no saved metrics" in metrics_summary_md(None)


def test_metrics_unavailable_rates_say_so(run_data):
    metrics = json.loads(json.dumps(run_data.metrics))
    metrics["overall"]["rates"]["FPR"].update(value=None, numerator=None, denominator=None, ci_low=None,
                                              ci_high=None, unavailable="the input holds only misjudged cases")
    row = metrics_frame(metrics).iloc[0]
    assert row["rate"] == "n/a" and "only misjudged" in row["meaning"]


def test_theme_table_and_choices(run_data):
    run = run_data.run
    frame = themes_frame(run, {run.themes[0].theme_id: "Named theme"})
    assert list(frame["theme"]) == [t.theme_id for t in run.themes]
    assert frame.loc[0, "label"] == "Named theme" and frame.loc[1, "label"] == ""
    assert {"size", "FP/FN", "top policy", "top locale", "ATA pp", "trend"} <= set(frame.columns)
    choices = theme_choices(run, {}, unthemed=5)
    assert [v for _, v in choices] == [t.theme_id for t in run.themes] + [UNTHEMED]
    assert choices[0][0].startswith(f"{run.themes[0].theme_id} · ") and choices[-1][0] == "Unthemed cases (5)"


def test_theme_page_values(run_data):
    theme = run_data.run.themes[0]
    header = theme_header_md(theme, "Fake mirror watches")
    assert header.startswith(f"### {theme.theme_id} · Fake mirror watches") and f"{theme.size:,} cases" in header
    assert "pp" in header and theme.trend in header
    assert all(f"`{k.term}`" in keywords_md(theme) for k in theme.keywords)
    facets = facets_frame(theme)
    assert len(facets) == sum(len(v) for v in theme.facets.values())
    assert facets.iloc[0]["lift"].startswith("x")
    reps = representatives_frame(theme)
    assert list(reps["case_id"]) == [r.case_id for r in theme.representatives]


def test_theme_cases_search_and_export(run_data, tmp_path):
    theme = run_data.run.themes[0]
    members = run_data.theme_cases(theme.theme_id)
    assert len(members) == theme.size and set(members["theme_id"]) == {theme.theme_id}
    shown = cases_display(members)
    assert list(shown.columns)[:3] == ["case_id", "type", "policy"] and len(shown) == theme.size
    assert shown["similarity"].tolist() == sorted(shown["similarity"].tolist(), reverse=True)
    target = str(members.iloc[3]["case_id"])
    assert search_cases(members, target.lower())["case_id"].astype(str).tolist() == [target]
    word = str(members.iloc[0]["reviewer_note"]).split()[0]
    hits = search_cases(members, word.upper())
    assert 1 <= len(hits) <= len(members)
    assert search_cases(members, "no such words anywhere 123").empty
    assert cases_display(members, limit=5).shape[0] == 5
    assert cases_count_md(100, 100, 100, "") == "100 case(s)"
    assert cases_count_md(100, 40, 10, "wine") == ("40 case(s) matching “wine” of 100; showing the 10 most similar"
                                                      " to the theme, the CSV holds all 40")
    path = export_csv(hits, "RUN", theme.theme_id, word, folder=tmp_path)
    back = pd.read_csv(path)
    assert len(back) == len(hits) and "reviewer_note" in back.columns and "search" in path.name


def test_the_cases_csv_opens_formulas_as_text(run_data, tmp_path):
    theme = run_data.run.themes[0]
    members = run_data.theme_cases(theme.theme_id).head(3).copy()
    members["ad_text"] = ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)", "fine"]
    members["locale"] = ["+cmd|' /C calc'!A0", "en-US", "-1+2"]
    back = pd.read_csv(export_csv(members, "RUN", theme.theme_id, None, folder=tmp_path), dtype=str)
    assert back["ad_text"].tolist() == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(1+1)", "fine"]
    assert back["locale"].tolist() == ["'+cmd|' /C calc'!A0", "en-US", "'-1+2"]


def test_inconsistent_ads_say_how_many_there_are_beyond_the_listed_ones():
    from clustering.theme_model import InconsistentAd, Theme

    ads = [InconsistentAd(ad_id=f"AD{i}", case_ids=[f"C{i}a", f"C{i}b"], decisions=["reject", "approve"],
                          moderators=["m1", "m2"], final_decision="approve") for i in range(10)]
    theme = Theme(theme_id="T01", rank=1, size=40, share_of_misjudged=0.1, cohesion=0.7, keywords=[],
                  representatives=[], error_types={}, sources={}, facets={}, impact_pp={}, weekly=[],
                  last_week_change=None, trend="steady", inconsistent_ads=ads, inconsistent_ads_total=23,
                  centroid=[1.0])
    text = inconsistent_md(theme, limit=5)
    assert "23 ad(s) (the first 5 below)" in text and text.count("- ad `") == 5
    older = theme.model_copy(update={"inconsistent_ads": ads[:3], "inconsistent_ads_total": None})
    assert "3 ad(s)" in inconsistent_md(older, limit=5) and "first" not in inconsistent_md(older, limit=5)

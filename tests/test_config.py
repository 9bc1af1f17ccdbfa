"""Settings from a file and the environment: one `Settings` object, every default named and described once."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

import assistant.config
import clustering.settings
from assistant.config import LLMSettings, Settings, load_settings
from clustering.settings import LoadSettings, StatsSettings, ThemeSettings


def test_defaults_file_then_environment(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("cluster:\n  min_cluster_size: 12\nembed:\n  batch_size: 16\n", encoding="utf-8")
    settings = load_settings(path, environ={"ERROR_THEMES_CLUSTER__MIN_CLUSTER_SIZE": "20",
                                            "ERROR_THEMES_EMBED__MODEL": "/models/e5",
                                            "UNRELATED": "x"}).theme
    assert settings.cluster.min_cluster_size == 20
    assert settings.embed.batch_size == 16 and settings.embed.model == "/models/e5"
    assert load_settings(None, environ={}).theme.cluster.min_cluster_size is None


def test_unknown_or_bad_settings_are_named(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("cluster:\n  min_cluster_sise: 12\n", encoding="utf-8")
    with pytest.raises(ValueError, match="min_cluster_sise"):
        load_settings(path, environ={})
    with pytest.raises(ValueError, match="batch_size"):
        load_settings(None, environ={"ERROR_THEMES_EMBED__BATCH_SIZE": "lots"})


def test_drafting_thresholds_from_the_llm_section(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("llm:\n  evidence_extra_members: 2\n  policy_share: 0.8\n", encoding="utf-8")
    llm = load_settings(path, environ={"ERROR_THEMES_LLM__OFFLINE_MIN_SCORE": "0.3"}).llm
    assert (llm.evidence_extra_members, llm.policy_share, llm.offline_min_score) == (2, 0.8, 0.3)
    assert (llm.token_budget, llm.chars_per_token) == (3000, 4)
    with pytest.raises(ValueError, match="policy_share"):
        load_settings(None, environ={"ERROR_THEMES_LLM__POLICY_SHARE": "1.5"})


def test_older_settings_with_backoff_still_load():
    assert load_settings(None, environ={"ERROR_THEMES_LLM__BACKOFF_S": "2"}).llm.backoff_s == 2.0


@pytest.mark.parametrize("section", sorted(Settings.model_fields))
def test_every_setting_is_described(section):
    model = type(getattr(Settings(), section))
    undocumented = [name for name, field in model.model_fields.items() if not field.description]
    assert undocumented == [], f"{section}: {undocumented}"


def test_every_settings_class_is_a_section_of_the_one_tree():
    """No settings class lives outside `Settings` (where the file and the environment could not reach it, nor the
    check above)."""
    sections = {type(getattr(Settings(), name)) for name in Settings.model_fields}
    classes = {value for module in (clustering.settings, assistant.config) for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__}
    assert {LoadSettings, StatsSettings} <= sections
    assert classes - sections - {ThemeSettings, Settings} == set()


def test_load_and_stats_sections_from_the_file_then_the_environment(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("load:\n  lenient: true\n  column_map: {id: case_id}\n  max_columns: 50\n"
                    "stats:\n  noise_p: 0.01\n", encoding="utf-8")
    settings = load_settings(path, environ={"ERROR_THEMES_LOAD__MAX_COLUMNS": "40",
                                            "ERROR_THEMES_STATS__EFFECT_CONFIDENCE": "0.9"})
    assert (settings.load.lenient, settings.load.column_map, settings.load.max_columns) == (True, {"id": "case_id"}, 40)
    assert (settings.stats.noise_p, settings.stats.effect_confidence) == (0.01, 0.9)
    # a table in an environment variable: THEIR=FIELD pairs, as --map takes them
    mapped = load_settings(None, environ={"ERROR_THEMES_LOAD__COLUMN_MAP": "id=case_id, QA note=reviewer_note"})
    assert mapped.load.column_map == {"id": "case_id", "QA note": "reviewer_note"}
    with pytest.raises(ValueError, match="column_map"):
        load_settings(None, environ={"ERROR_THEMES_LOAD__COLUMN_MAP": "id"})
    with pytest.raises(ValueError, match="max_columns"):
        load_settings(None, environ={"ERROR_THEMES_LOAD__MAX_COLUMNS": "0"})


def test_whether_problems_quote_values_is_the_callers_not_a_setting(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("load:\n  echo_values: true\n", encoding="utf-8")
    with pytest.raises(ValueError, match="echo_values"):
        load_settings(path, environ={})
    quiet = load_settings(None, environ={"ERROR_THEMES_LOAD__LENIENT": "true"}).load.hiding_values()
    assert quiet.lenient and not quiet.echo_values and LoadSettings().echo_values
    assert not quiet.model_copy(update={"lenient": False}).echo_values  # a copy with the caller's choices keeps it
    assert "echo_values" not in Settings().model_dump()["load"]


def test_one_significance_level_and_older_files_with_digest_noise_p_still_load(tmp_path):
    assert "noise_p" not in Settings.model_fields["digest"].annotation.model_fields
    path = tmp_path / "settings.yaml"
    path.write_text("digest:\n  top: 3\n  noise_p: 0.02\n", encoding="utf-8")
    older = load_settings(path, environ={})
    assert (older.digest.top, older.stats.noise_p) == (3, 0.02)
    assert load_settings(None, environ={"ERROR_THEMES_DIGEST__NOISE_P": "0.03"}).stats.noise_p == 0.03
    # the new place wins over the older one
    both = load_settings(path, environ={"ERROR_THEMES_STATS__NOISE_P": "0.04"})
    assert both.stats.noise_p == 0.04


def test_llm_settings_default_is_the_offline_drafter():
    assert LLMSettings().backend == "offline"

"""Settings from a file and the environment: one `Settings` object, every default named and described once."""

from __future__ import annotations

import pytest

from assistant.config import LLMSettings, Settings, load_settings


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


def test_llm_settings_default_is_the_offline_drafter():
    assert LLMSettings().backend == "offline"

"""Settings from a file and the environment."""

from __future__ import annotations

import pytest

from assistant.config import load_theme_settings


def test_defaults_file_then_environment(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("cluster:\n  min_cluster_size: 12\nembed:\n  batch_size: 16\n", encoding="utf-8")
    settings = load_theme_settings(path, environ={"ERROR_THEMES_CLUSTER__MIN_CLUSTER_SIZE": "20",
                                                  "ERROR_THEMES_EMBED__MODEL": "/models/e5",
                                                  "UNRELATED": "x"})
    assert settings.cluster.min_cluster_size == 20
    assert settings.embed.batch_size == 16 and settings.embed.model == "/models/e5"
    assert load_theme_settings(None, environ={}).cluster.min_cluster_size is None


def test_unknown_or_bad_settings_are_named(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("cluster:\n  min_cluster_sise: 12\n", encoding="utf-8")
    with pytest.raises(ValueError, match="min_cluster_sise"):
        load_theme_settings(path, environ={})
    with pytest.raises(ValueError, match="batch_size"):
        load_theme_settings(None, environ={"ERROR_THEMES_EMBED__BATCH_SIZE": "lots"})

"""`config`: the settings in force, never an API key."""

from __future__ import annotations

from cli_helpers import run


def test_config_shows_settings_but_never_the_key(tmp_path):
    settings = tmp_path / "s.yaml"
    settings.write_text("llm:\n  backend: openai\n  model: m1\n  api_key_env: MY_KEY\n")
    env_run = run("config", "--config", str(settings), env={"MY_KEY": "sk-secret"})
    assert env_run.returncode == 0
    assert "model: m1" in env_run.stdout and "set in $MY_KEY" in env_run.stdout
    assert "sk-secret" not in env_run.stdout

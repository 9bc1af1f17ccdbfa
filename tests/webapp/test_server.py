"""Serving the app: the bind check and the logins (assistant/webapp/server.py)."""

from __future__ import annotations

import pytest

from assistant.hosts import is_loopback_host
from assistant.webapp.server import AUTH_ENV, launch, main, read_auth


def test_only_local_hosts_go_without_a_login(tmp_path, capsys):
    assert is_loopback_host("127.0.0.1") and is_loopback_host("localhost") and not is_loopback_host("0.0.0.0")
    with pytest.raises(ValueError, match="refusing to listen on 0.0.0.0 without a login"):
        launch(tmp_path, host="0.0.0.0", block=False)
    assert main(["--workspace", str(tmp_path), "--host", "0.0.0.0"]) == 2
    assert "without a login" in capsys.readouterr().err


def test_logins_from_a_file_or_the_environment(tmp_path):
    logins = tmp_path / "logins"
    logins.write_text("# team\nana:s3cret:with:colons\n\nbo:pw\n")
    assert read_auth(logins, {}) == [("ana", "s3cret:with:colons"), ("bo", "pw")]
    assert read_auth(None, {AUTH_ENV: "cy:pw"}) == [("cy", "pw")]
    assert read_auth(None, {}) is None
    logins.write_text("nopassword\n")
    with pytest.raises(ValueError, match=r"logins:1: expected user:password"):
        read_auth(logins, {})
    with pytest.raises(ValueError, match="cannot read"):
        read_auth(tmp_path / "missing", {})


def test_settings_file_gives_the_ui_defaults_and_options_override_them(tmp_path, capsys):
    config = tmp_path / "settings.yaml"
    config.write_text("ui:\n  host: 0.0.0.0\n")
    assert main(["--workspace", str(tmp_path), "--config", str(config)]) == 2
    assert "refusing to listen on 0.0.0.0" in capsys.readouterr().err
    config.write_text("ui:\n  max_case_rows: 3\n")  # invalid: at least 10
    assert main(["--workspace", str(tmp_path), "--config", str(config)]) == 2
    assert "max_case_rows" in capsys.readouterr().err

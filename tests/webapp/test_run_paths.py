"""The Run tab opens files by path only in the allowed folders, and never echoes a cell value
(assistant/webapp/paths.py, run_tab.py)."""

from __future__ import annotations

import os

import pytest
from conftest import HEADER, case, write_csv

from assistant.cli import build_parser
from assistant.config import Settings, load_settings
from assistant.webapp.paths import AllowedFiles
from assistant.webapp.run_tab import validate
from assistant.webapp.server import with_ui


@pytest.fixture
def folders(tmp_path):
    """(allowed files over a workspace and one data folder, the data folder, a file outside both)."""
    data = tmp_path / "data"
    data.mkdir()
    outside = write_csv(tmp_path / "secret.csv", [case("C1")])
    return AllowedFiles(tmp_path / "ws", [data]), data, outside


def test_the_inbox_is_made_and_paths_in_it_or_a_data_folder_are_read(folders):
    allowed, data, _ = folders
    assert allowed.inbox.is_dir()
    inside = write_csv(allowed.inbox / "week45.csv", [case("C1")])
    assert allowed.resolve("week45.csv") == inside.resolve()  # a relative path is read in the inbox
    assert allowed.resolve(f"  {inside}  ") == inside.resolve()
    assert allowed.resolve(str(data / "later.csv")) == (data / "later.csv").resolve()  # missing: the loader says


@pytest.mark.parametrize("typed", ["{outside}", "{outside}.missing", "/etc/passwd", "../secret.csv",
                                   "{inbox}/../../secret.csv", "~/x.csv", "link.csv", "loop.csv", "a\0b.csv", "/"])
def test_any_other_path_gets_one_refusal_that_tells_nothing_about_the_file(folders, typed):
    allowed, _, outside = folders
    os.symlink(outside, allowed.inbox / "link.csv")  # a link in the inbox to a file outside
    os.symlink(allowed.inbox / "loop.csv", allowed.inbox / "loop.csv")
    with pytest.raises(ValueError) as err:
        allowed.resolve(typed.format(outside=outside, inbox=allowed.inbox))
    assert str(err.value) == allowed.refusal()
    assert "secret" not in str(err.value) and "exist" not in str(err.value)


def test_validating_by_path_refuses_outside_files_and_never_echoes_values(folders):
    allowed, _, outside = folders
    settings = Settings()
    status, details = validate(None, str(outside), False, "", allowed, settings)
    assert status == f"❌ **{allowed.refusal()}**" and details == ""
    header = [("pw" if name == "original_decision" else name) for name in HEADER]
    hashes = write_csv(allowed.inbox / "users.csv", [case("C1", pw="$2b$12$abcdefSECRET")], header)
    status, details = validate(None, "users.csv", False, "pw=original_decision", allowed, settings)
    assert "nothing was loaded" in status and "SECRET" not in details
    assert details == f"{hashes.resolve()}:2:original_decision: unknown decision; expected reject or approve"
    status, details = validate(None, "users.csv", False, "", allowed, settings)  # no map: no header shown
    assert "nothing was loaded" in status and "pw" not in details and "missing required column" in details
    write_csv(allowed.inbox / "fine.csv", [case("C1")])
    status, details = validate(None, "fine.csv", False, "", allowed, settings)
    assert status.startswith("✅") and "rows read" in details


def test_data_folders_come_from_the_settings_file_and_the_command_line(tmp_path):
    config = tmp_path / "settings.yaml"
    config.write_text("ui:\n  data_dirs: [/srv/audits]\n", encoding="utf-8")
    args = build_parser().parse_args(["ui", "--data-dir", "/mnt/a", "--data-dir", "/mnt/b"])
    settings = with_ui(load_settings(config), data_dirs=args.data_dir)
    assert [str(p) for p in settings.ui.data_dirs] == ["/srv/audits", "/mnt/a", "/mnt/b"]
    with pytest.raises(ValueError, match="max_input_bytes .* is below the upload limit"):
        with_ui(Settings.model_validate({"ui": {"max_input_bytes": 1 << 30}}), max_file_size="2gb")
    assert with_ui(Settings(), max_file_size="2gb").ui.input_limit == 2 << 30  # the upload limit, by default


def test_a_gzip_bomb_in_the_inbox_is_refused_under_the_apps_input_limit(folders):
    import gzip

    allowed, _, _ = folders
    with gzip.open(allowed.inbox / "bomb.csv.gz", "wb") as handle:
        handle.write(b"case_id\n" + b"0" * 5_000_000)
    settings = Settings.model_validate({"ui": {"max_file_size": "1mb", "max_input_bytes": 2_000_000}})
    status, details = validate(None, "bomb.csv.gz", False, "", allowed, settings)
    assert "cannot be used" in status
    assert details.endswith("the file decompresses to more than 2,000,000 bytes, the limit of what is read into "
                            "memory (max_input_bytes); split the file or raise the limit")


def test_folders_and_host_names_can_come_from_the_environment():
    settings = load_settings(None, {"ERROR_THEMES_UI__DATA_DIRS": "/srv/a, /srv/b",
                                    "ERROR_THEMES_UI__ALLOWED_HOSTS": "themes.corp.example"})
    assert [str(p) for p in settings.ui.data_dirs] == ["/srv/a", "/srv/b"]
    assert settings.ui.allowed_hosts == ["themes.corp.example"]


def test_the_apps_input_limit_follows_its_upload_limit(folders):
    """A .gz (or Parquet) upload may not hold more than a plain upload could: by default the bound on what is
    decompressed and decoded is max_file_size."""
    import gzip

    allowed, _, _ = folders
    with gzip.open(allowed.inbox / "small-bomb.csv.gz", "wb") as handle:
        handle.write(b"case_id\n" + b"0" * 3_000_000)
    settings = Settings.model_validate({"ui": {"max_file_size": "1mb"}})
    status, details = validate(None, "small-bomb.csv.gz", False, "", allowed, settings)
    assert "cannot be used" in status
    assert "the file decompresses to more than 1,048,576 bytes" in details


def test_the_app_reads_with_the_settings_load_section_and_never_echoes_values(folders):
    """The settings' `load` section reaches the app (its column map overlaid by the one typed, its column bar), but
    no setting turns quoting values back on there."""
    allowed, _, _ = folders
    header = ["id", *(h for h in HEADER if h != "case_id")]
    write_csv(allowed.inbox / "theirs.csv", [{**case("C1"), "id": "C1", "final_decision": "SECRET"}], header)
    settings = Settings.model_validate({"load": {"column_map": {"id": "case_id"}, "max_columns": 20}})
    status, details = validate(None, "theirs.csv", False, "", allowed, settings)
    assert "nothing was loaded" in status and "final_decision: unknown decision;" in details
    assert "SECRET" not in details  # the settings' map applied (case_id found), the value not quoted
    narrow = Settings.model_validate({"load": {"column_map": {"id": "case_id"}, "max_columns": 13}})
    status, details = validate(None, "theirs.csv", False, "", allowed, narrow)
    assert "cannot be used" in status and "more than 13" in details

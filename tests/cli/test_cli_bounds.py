"""Options and settings out of range are refused before any work, naming the option (exit 2): weeks at the ends
of the calendar, counts of zero or below, similarity bars that are NaN or beyond 1, an output that cannot be
written."""

from __future__ import annotations

import time

import pytest
from conftest import case

from assistant.cli import main
from assistant.config import load_settings
from assistant.exit_codes import EXIT_BAD_INPUT
from clustering.weeks import parse_week, shift_week, window_weeks


def refused(capsys, argv: list[str]) -> str:
    """Run argv; it must exit 2 without a traceback; returns stderr."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses a bad option value this way
        code = exc.code
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("week,message", [("0001-W01", "outside the calendar"),
                                          ("0001-W03", "outside the calendar"),  # its window of 6 weeks is not
                                          ("9999-W52", "ends after the last date")])
def test_a_digest_week_at_the_ends_of_the_calendar_is_refused(week, message, make_csv, tmp_path, capsys):
    path = make_csv([case("C1")])
    err = refused(capsys, ["digest", str(path), "--week", week, "--workspace", str(tmp_path / "ws")])
    assert err.startswith("error: ") and week in err and message in err
    assert not (tmp_path / "ws").exists()


def test_weeks_outside_the_calendar_are_value_errors():
    with pytest.raises(ValueError, match="outside the calendar"):
        shift_week("0001-W01", -1)
    with pytest.raises(ValueError, match="outside the calendar"):
        window_weeks("0001-W02", 3)
    with pytest.raises(ValueError, match="ends after"):
        parse_week("9999-W52")
    assert shift_week("9999-W51", 0) == "9999-W51" and window_weeks("0001-W02", 2) == ["0001-W01", "0001-W02"]


@pytest.mark.parametrize("argv,option", [
    (["eval-drafts", "latest", "--labels", "f.csv:theme", "--expected", "e.json", "--limit", "0"], "--limit"),
    (["eval-drafts", "latest", "--labels", "f.csv:theme", "--expected", "e.json", "--limit", "-1"], "--limit"),
    (["draft", "latest", "--top", "-1"], "--top"),
    (["draft", "latest", "--top", "0"], "--top"),
    (["digest", "f.csv", "--week", "2026-W45", "--match-threshold", "nan"], "--match-threshold"),
    (["digest", "f.csv", "--week", "2026-W45", "--match-threshold", "5"], "--match-threshold"),
    (["themes", "f.csv", "--attach-outliers", "5"], "--attach-outliers"),
    (["themes", "f.csv", "--attach-outliers", "nan"], "--attach-outliers"),
    (["themes", "f.csv", "--attach-outliers", "-inf"], "--attach-outliers"),
    (["themes", "f.csv", "--min-cluster-size", "1"], "--min-cluster-size"),
    (["themes", "f.csv", "--seed", "-1"], "--seed"),
    (["validate", "f.csv", "--max-errors", "-1"], "--max-errors"),
    (["validate", "f.csv", "--max-field-chars", "0"], "--max-field-chars"),
])
def test_counts_and_bars_out_of_range_are_refused_naming_the_option(argv, option, capsys):
    err = refused(capsys, argv)
    assert f"argument {option}:" in err and "expected" in err


@pytest.mark.parametrize("environ,key", [
    ({"ERROR_THEMES_CLUSTER__ATTACH_OUTLIERS": "5"}, "cluster.attach_outliers"),
    ({"ERROR_THEMES_CLUSTER__ATTACH_OUTLIERS": "nan"}, "cluster.attach_outliers"),
    ({"ERROR_THEMES_TRACKING__MATCH_SIMILARITY": "nan"}, "tracking.match_similarity"),
    ({"ERROR_THEMES_TRACKING__MATCH_SIMILARITY": "1.5"}, "tracking.match_similarity"),
    ({"ERROR_THEMES_KNOWN__ABSORB_SIMILARITY": "nan"}, "known.absorb_similarity"),
    ({"ERROR_THEMES_REDUCE__SEED": "-1"}, "reduce.seed"),
])
def test_the_settings_file_and_environment_follow_the_same_rules(environ, key):
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        load_settings(None, environ)


def test_a_match_threshold_out_of_range_in_the_settings_file_is_refused(tmp_path):
    from assistant.digest.build import write_digest
    from eval_sets import DEMO_CASES

    config = tmp_path / "settings.yaml"
    config.write_text("tracking:\n  match_similarity: .nan\n", encoding="utf-8")
    with pytest.raises(ValueError, match="match_similarity"):
        write_digest(DEMO_CASES, "2026-W47", tmp_path / "ws", config=config)
    assert not (tmp_path / "ws").exists()


def test_eval_drafts_refuses_an_out_folder_before_drafting(small_run, tmp_path, capsys):
    from eval_sets import DEMO_CASES, DEMO_DIR

    workspace, _, _ = small_run
    expected = DEMO_DIR / "root_causes.json"

    started = time.monotonic()
    err = refused(capsys, ["eval-drafts", "latest", "--workspace", str(workspace.root), "--labels",
                           f"{DEMO_CASES}:theme", "--expected", str(expected), "--out", str(tmp_path)])
    assert f"--out expects a file to write, e.g. eval.json; {tmp_path} is a folder" in err
    assert time.monotonic() - started < 10  # before any drafting
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    err = refused(capsys, ["eval-drafts", "latest", "--workspace", str(workspace.root), "--labels",
                           f"{DEMO_CASES}:theme", "--expected", str(expected), "--out",
                           str(blocker / "eval.json")])
    assert "cannot write there" in err


@pytest.mark.slow  # four runs of the script in fresh processes
@pytest.mark.parametrize("args,named", [
    ([b"themes", b"rename", b"K1", b"caf\xe9", b"--who", b"ana", b"--workspace", b"WS"], "NAME"),
    ([b"themes", b"rename", b"K1", b"x", b"--who", b"\xff", b"--workspace", b"WS"], "--who"),
    ([b"themes", b"rename", b"K1", b"x", b"--who=an\xe4", b"--workspace", b"WS"], "--who"),
    ([b"validate", b"/tmp/caf\xe9.csv"], "FILE"),
])
def test_an_argument_that_is_not_utf8_is_named(args, named, tmp_path):
    """As a shell passes Latin-1 bytes: the error names the option or argument, and its bytes."""
    import subprocess
    import sys

    args = [str(tmp_path / "ws").encode() if a == b"WS" else a for a in args]
    result = subprocess.run([sys.executable.encode(), b"-m", b"assistant.cli", *args], capture_output=True,
                            timeout=120)
    err = result.stderr.decode("utf-8")
    assert result.returncode == EXIT_BAD_INPUT, err
    assert err.startswith(f"error: {named} is not valid UTF-8: b'") and "Traceback" not in err
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("command", [["themes", "status"], ["themes", "history", "K1"], ["drafts", "list"],
                                     ["drafts", "show", "1"], ["themes", "rename", "K1", "x", "--who", "ana"]])
def test_a_mistyped_workspace_is_refused_not_made(command, tmp_path, capsys):
    typo = tmp_path / "worksapce"
    err = refused(capsys, [*command, "--workspace", str(typo)])
    assert f"{typo}: no workspace there" in err
    assert not typo.exists()


@pytest.mark.slow  # several runs of the script in fresh processes
def test_output_to_a_closed_pipe_or_a_full_device_ends_without_a_traceback(small_demo_csv):
    """`error-themes validate FILE | head -0`, and stdout on /dev/full."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "assistant.cli", "validate", str(small_demo_csv)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and err == ""
    with open("/dev/full", "wb") as full:
        result = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 5 and result.stderr == "error: the output: No space left on device\n"

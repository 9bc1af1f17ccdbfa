"""Delivering the digest (assistant/digest/deliver.py): the files, the workspace's record, the webhook, exit codes."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.digest.build import write_digest
from assistant.exit_codes import EXIT_BAD_INPUT, EXIT_DELIVERY_FAILED, EXIT_NO_DATA, EXIT_OK
from eval_sets import DEMO_CASES

WEEK = "2026-W47"


class Hook:
    """A tiny HTTP server on 127.0.0.1 that records POSTed bodies and answers with `status`."""

    def __init__(self, status: int):
        self.status, self.bodies = status, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append((self.headers.get("Content-Type"), self.rfile.read(length)))
                self.send_response(hook.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if hook.status == 200 else b"boom")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/digest"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def hook_factory():
    hooks = []

    def make(status: int) -> Hook:
        hooks.append(Hook(status))
        return hooks[-1]

    yield make
    for hook in hooks:
        hook.close()


def test_files_go_to_out_and_the_workspace_keeps_a_record(demo_digest, tmp_path):
    workspace, _, files = demo_digest
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out")
    assert set(result.paths) == {"digest.md", "digest.html", "digest.json"}
    assert all(path.parent == tmp_path / "out" for path in result.paths.values())
    assert result.record == workspace.root / "digests" / WEEK
    for name, data in files.items():
        assert (tmp_path / "out" / name).read_bytes() == data and (result.record / name).read_bytes() == data
    assert not list((tmp_path / "out").glob(".*.tmp"))  # written through a temporary file, nothing left over


def test_out_naming_a_file_is_bad_input_before_any_work(tmp_path):
    taken = tmp_path / "digest.md"
    taken.write_text("someone else's file", encoding="utf-8")
    with pytest.raises(ValueError, match="--out expects a folder"):
        write_digest(DEMO_CASES, WEEK, tmp_path / "ws", out=taken)
    assert taken.read_text(encoding="utf-8") == "someone else's file" and not (tmp_path / "ws").exists()


def test_webhook_delivery(demo_digest, tmp_path, hook_factory):
    workspace, _, _ = demo_digest
    hook = hook_factory(200)
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", webhook=hook.url)
    assert result.exit_code == EXIT_OK and result.delivery == "delivered (HTTP 200)"
    ((content_type, body),) = hook.bodies
    assert content_type.startswith("application/json")
    payload = json.loads(body)
    assert payload["text"] == result.digest.headline
    assert payload["blocks"][0]["type"] == "header" and WEEK in payload["blocks"][0]["text"]["text"]
    text = json.dumps(payload["blocks"])
    assert "[new]" in text and "[growing]" in text and "ATA" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in payload["blocks"])


def test_webhook_failure_exits_4_with_files_written(demo_digest, tmp_path, hook_factory):
    workspace, _, files = demo_digest
    hook = hook_factory(500)
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", webhook=hook.url)
    assert result.exit_code == EXIT_DELIVERY_FAILED
    assert result.delivery == "delivery failed: HTTP 500 Internal Server Error" and len(hook.bodies) == 1
    assert (tmp_path / "out" / "digest.md").read_bytes() == files["digest.md"]
    # an unreachable hook is a failed delivery too; a URL that is not http(s) is bad input
    closed = hook_factory(200)
    closed.close()
    assert write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out2", webhook=closed.url).exit_code == 4
    with pytest.raises(ValueError, match="webhook"):
        write_digest(DEMO_CASES, WEEK, workspace, webhook="file:///etc/passwd")


def test_a_week_without_data_keeps_exit_3_when_the_webhook_fails(tmp_path, hook_factory):
    hook = hook_factory(500)
    result = write_digest(DEMO_CASES, "2026-W50", tmp_path / "ws", webhook=hook.url)
    assert result.exit_code == EXIT_NO_DATA and result.delivery.startswith("delivery failed") and hook.bodies
    summary = result.summary().splitlines()  # what the command line prints
    assert summary[0] == result.digest.headline and "2026-W50" in summary[0]
    assert summary[-2] == f"webhook: {result.delivery}" and summary[-1] == "exit code 3"
    assert {f"wrote {p}" for p in result.paths.values()} <= set(summary)


# ---------------------------------------------------------------- the command line

def test_cli_digest_command(demo_digest, tmp_path, capsys):
    from assistant import cli

    workspace, _, files = demo_digest
    args = ["digest", str(DEMO_CASES), "--workspace", str(workspace.root), "--out", str(tmp_path / "out")]
    assert cli.main([*args, "--week", WEEK]) == EXIT_OK
    assert (tmp_path / "out" / "digest.md").read_bytes() == files["digest.md"]
    assert "exit code 0" in capsys.readouterr().out
    assert cli.main([*args, "--week", "2026-47"]) == EXIT_BAD_INPUT
    assert "--week expects an ISO week" in capsys.readouterr().err
    assert cli.main([*args, "--week", "2026-W50"]) == EXIT_NO_DATA
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert cli.main([*args[:-1], str(tmp_path / "a-file"), "--week", WEEK]) == EXIT_BAD_INPUT
    assert "--out expects a folder" in capsys.readouterr().err


def test_cli_digest_reads_top_from_the_environment_and_an_option_beats_it(demo_digest, tmp_path, monkeypatch, capsys):
    from assistant import cli

    workspace = shutil.copytree(demo_digest[0].root, tmp_path / "ws")
    args = ["digest", str(DEMO_CASES), "--week", WEEK, "--workspace", str(workspace), "--out", str(tmp_path / "out")]
    monkeypatch.setenv("ERROR_THEMES_DIGEST__TOP", "2")
    assert cli.main(args) == EXIT_OK
    written = json.loads((tmp_path / "out" / "digest.json").read_text(encoding="utf-8"))
    assert written["top"] == 2 and "The top 2 by impact" in (tmp_path / "out" / "digest.md").read_text()
    assert demo_digest[1].digest.top != 2
    assert cli.main([*args, "--top", "3"]) == EXIT_OK
    assert json.loads((tmp_path / "out" / "digest.json").read_text(encoding="utf-8"))["top"] == 3

"""A workspace that can only be read (a read-only mount, another user's files): the app starts and browses it, and
every change is refused with a message saying so; nothing saved is touched (issue 21, item 12).

The app runs in its own process on a read-only view of a copy of the test workspace: as root (who writes through
file modes) a read-only bind mount in a user namespace of its own (`unshare`), else the folder's write bits off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port

from assistant.webapp.review_display import ALL

pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


def _read_only_command(folder: Path, command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        return command
    unshare = shutil.which("unshare")
    probe = [unshare, "--user", "--map-root-user", "--mount", "true"] if unshare else None
    if probe is None or subprocess.run(probe, capture_output=True).returncode != 0:
        pytest.skip("root needs `unshare --user --mount` (util-linux) to make a read-only workspace")
    script = f"mount --bind -o ro '{folder}' '{folder}' && exec \"$@\""
    return [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", *command]


@pytest.fixture(scope="module")
def read_only_app(ui_workspace, tmp_path_factory):
    folder = tmp_path_factory.mktemp("read_only") / "ws"
    shutil.copytree(ui_workspace.root, folder)
    port = free_port()
    code = f"from assistant.webapp import launch; launch({str(folder)!r}, port={port}, quiet=True)"
    process = subprocess.Popen(_read_only_command(folder, [sys.executable, "-c", code]), cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    while True:
        try:
            if httpx.get(url).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() - started > START_TIMEOUT_S:
            process.kill()
            pytest.fail(f"the app did not start on a read-only workspace:\n{process.stdout.read()[-3000:]}")
        time.sleep(0.5)
    yield url, folder
    process.terminate()
    print(process.communicate(timeout=30)[0][-5000:])  # the app's output, shown when a test fails
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)


def test_the_app_browses_a_read_only_workspace_and_refuses_changes(read_only_app):
    from gradio_client import Client

    from assistant.workspace.store import DraftStore

    url, folder = read_only_app
    assert "read-only" in httpx.get(url + "config").text  # the page says so in its header
    before = DraftStore(folder / "drafts.sqlite").list()
    client = Client(url, verbose=False)
    queue = client.predict(True, ALL, ALL, ALL, ALL, api_name="/review_queue")[0]
    assert len(queue["data"]) == len(before)  # the drafts are read
    draft = before[0]
    shown = client.predict(draft.draft_id, api_name="/review_show_draft")
    assert f"Draft #{draft.draft_id}" in shown[0]
    message = client.predict(draft.draft_id, "", "Robin", "", True, ALL, ALL, ALL, ALL, api_name="/review_accept")[0]
    assert "Not saved" in message and "the workspace is read-only here" in message
    assert "move it aside" not in message
    after = DraftStore(folder / "drafts.sqlite").get(draft.draft_id)
    assert (after.status, after.version) == (draft.status, draft.version)


def test_a_read_only_workspace_without_a_store_reads_as_empty_and_refuses_writes(small_run, tmp_path):
    """Runs copied to a read-only place without their drafts.sqlite: browsing works (no drafts, no registry)."""
    workspace, run_dir, _ = small_run
    folder = tmp_path / "ws"
    shutil.copytree(run_dir, folder / "runs" / run_dir.name)
    code = ("from assistant.webapp.state import Explorer\n"
            f"e = Explorer({str(folder)!r})\n"
            "print(e.read_only, e.run_ids(), e.store.list(), e.labels(e.latest()))\n"
            "try:\n"
            "    e.registry.rename('K1', 'x', 'me')\n"
            "except ValueError as exc:\n"
            "    print(exc)\n")
    done = subprocess.run(_read_only_command(folder, [sys.executable, "-c", code]), cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"True ['{run_dir.name}'] [] {{}}" in done.stdout
    assert "the workspace is read-only here" in done.stdout
    assert not (folder / "drafts.sqlite").exists()

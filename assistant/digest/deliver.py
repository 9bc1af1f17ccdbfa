"""Deliver a digest: write `digest.md`, `digest.html` and `digest.json` atomically, and post to a webhook.

The files go to `out` (default `WORKSPACE/digests/<week>/`); the workspace keeps a copy of every digest even
when `out` is elsewhere, since the next digest reads what the earlier ones listed. The webhook gets a
Slack-compatible summary; a failed delivery (an error, no complete answer within `digest.webhook_timeout_s`, or a
redirect, which is not followed) is reported (exit code EXIT_DELIVERY_FAILED), never raised.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx2

from assistant.bounded_http import bounded_client
from assistant.config import DigestSettings
from assistant.digest import render
from assistant.digest.models import Digest, DigestResult
from assistant.exit_codes import EXIT_DELIVERY_FAILED, EXIT_NO_DATA
from assistant.urls import check_url, masked, printable, scrubbed
from assistant.workspace.runs import Workspace
from clustering.files import write_atomic

DIGEST_FILES = ("digest.md", "digest.html", "digest.json")


def check_webhook(url: str | None) -> None:
    """ValueError naming `--webhook` unless the URL is http(s) with a valid host and port (shown masked)."""
    check_url(url, "--webhook")


def check_out(out: str | Path | None) -> None:
    """ValueError when `out` names something that is not a folder (the digest writes three files into it)."""
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise ValueError(f"--out expects a folder for digest.md, digest.html and digest.json; {out} is a file")


def post_webhook(url: str, payload: dict, timeout: float) -> tuple[bool, str]:
    """POST the JSON payload; (delivered?, what happened). Never raises for network or HTTP failures.

    `timeout` bounds the whole delivery (connect, send, the answer's headers). No redirect is followed: a 3xx is
    not a delivery. User information in the URL is sent as HTTP basic auth; messages show URLs masked.
    """
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "error-themes-digest"}
    try:
        with bounded_client(url, timeout) as client, client.stream("POST", url, content=body,
                                                                   headers=headers) as response:
            status, reason, location = response.status_code, response.reason_phrase, response.headers.get("location")
    except httpx2.TimeoutException:
        return False, f"delivery failed: no complete answer within {timeout:g} s"
    except (httpx2.HTTPError, httpx2.InvalidURL, OSError, ValueError) as exc:
        return False, f"delivery failed: {printable(scrubbed(str(exc) or type(exc).__name__, url))}"
    if 300 <= status < 400:
        where = f"to {masked(location)}" if location else "without a Location"
        return False, f"not delivered: redirected (HTTP {status}) {where}; redirects are not followed"
    if status >= 400:
        return False, f"delivery failed: HTTP {status} {printable(reason)}".rstrip()
    return True, f"delivered (HTTP {status})"


def default_out(workspace: Workspace, week: str) -> Path:
    """Where a week's digest is kept in the workspace."""
    return workspace.root / "digests" / week


def digest_files(digest: Digest, settings: DigestSettings) -> dict[str, str]:
    """The text of each file of a digest."""
    return {"digest.md": render.markdown(digest, settings), "digest.html": render.html(digest, settings),
            "digest.json": digest.model_dump_json(indent=2) + "\n"}


def deliver(result: DigestResult, workspace: Workspace, out: str | Path | None, webhook: str | None,
            settings: DigestSettings) -> DigestResult:
    """Write the three files (and the workspace's record), then post to the webhook; sets the paths, the
    delivery and, when the delivery failed, the exit code."""
    digest = result.digest
    target = Path(out) if out is not None else default_out(workspace, digest.week)
    texts = digest_files(digest, settings)
    for name in DIGEST_FILES:
        write_atomic(target / name, texts[name])
        result.paths[name] = target / name
    record = default_out(workspace, digest.week)
    if record.resolve() != target.resolve():  # the workspace keeps every digest: the next one reads what it listed
        for name in DIGEST_FILES:
            write_atomic(record / name, texts[name])
        result.record = record
    if webhook:
        payload = render.slack_payload(digest, result.paths["digest.html"], settings)
        delivered, result.delivery = post_webhook(webhook, payload, settings.webhook_timeout_s)
        if not delivered and result.exit_code != EXIT_NO_DATA:
            result.exit_code = EXIT_DELIVERY_FAILED
    return result

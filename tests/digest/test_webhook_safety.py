"""The digest's webhook as a careless user or a hostile network meets it: credentials never shown, bad URLs refused
up front naming the option, redirects not followed (and not reported delivered), the whole delivery bounded."""

from __future__ import annotations

import base64
import json
import time

import pytest

from assistant import cli
from assistant.digest.build import write_digest
from assistant.digest.deliver import check_webhook, post_webhook
from assistant.exit_codes import EXIT_BAD_INPUT, EXIT_DELIVERY_FAILED
from devtools.http_stubs import Recorder, Trickler
from eval_sets import DEMO_CASES

WEEK = "2026-W47"
SECRET = "S3cretPW"


def _cli(capsys, workspace, out, *extra) -> tuple[int, str]:
    code = cli.main(["digest", str(DEMO_CASES), "--workspace", str(workspace.root), "--out", str(out),
                     "--week", WEEK, *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("url,said", [
    (f"http://user:{SECRET}@localhost:99999/ok", "port"),
    (f"http://user:{SECRET}@localhost:0/ok", "port"),
    (f"http://user:{SECRET}@localhost:http/ok", "port"),
    ("http://localhost:-1/ok", "port"),
    (f"ftp://user:{SECRET}@localhost/ok", "http:// or https://"),
    ("http:///ok", "no host"),
    ("http://exa mple.com/ok", "space"),
    ("http://hooks.example\u200b.com/ok", "control character"),
    ("http://bad_host!.example/ok", "invalid host"),
    ("", "empty"),
])
def test_a_bad_webhook_url_is_refused_naming_the_option_and_hiding_the_password(url, said):
    with pytest.raises(ValueError) as caught:
        check_webhook(url)
    message = str(caught.value)
    assert message.startswith("--webhook") and said in message and SECRET not in message


def test_cli_bad_webhook_url_exits_2_before_any_work_without_the_password(capsys, tmp_path):
    workspace = tmp_path / "ws"
    code = cli.main(["digest", str(DEMO_CASES), "--workspace", str(workspace), "--week", WEEK,
                     "--webhook", f"http://user:{SECRET}@localhost:99999/ok"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and "--webhook" in err and "99999" in err and SECRET not in err
    assert "Traceback" not in err and not (workspace / "digests").exists()


def test_credentials_in_the_url_are_sent_as_basic_auth_and_never_shown(demo_digest, tmp_path, capsys):
    workspace, _, _ = demo_digest
    with Recorder(200) as hook:
        url = hook.url.replace("http://", f"http://user:{SECRET}@")
        code, shown = _cli(capsys, workspace, tmp_path / "out", "--webhook", url)
    assert code == 0 and "delivered (HTTP 200)" in shown and SECRET not in shown
    (request,) = hook.requests
    assert request.headers["authorization"] == "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()
    # the same URL to a port nothing listens on: a failed delivery (exit 4), the password still not shown
    code, shown = _cli(capsys, workspace, tmp_path / "out2", "--webhook", url)
    assert code == EXIT_DELIVERY_FAILED and "delivery failed" in shown and SECRET not in shown


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirecting_webhook_is_not_delivered_and_the_redirect_is_not_followed(demo_digest, tmp_path, capsys,
                                                                                 status):
    workspace, _, _ = demo_digest
    with Recorder(200, host="127.0.0.2") as elsewhere:
        target = elsewhere.url.replace("http://", f"http://collector:{SECRET}@") + f"?token={SECRET}"
        with Recorder(status, location=target) as hook:
            code, shown = _cli(capsys, workspace, tmp_path / "out", "--webhook", hook.url)
    assert code == EXIT_DELIVERY_FAILED
    assert f"redirected (HTTP {status})" in shown and "not delivered" in shown and "delivered (HTTP" not in shown
    assert f"{elsewhere.origin.replace('http://', 'http://***@')}/hooks/digest?token=***" in shown
    assert SECRET not in shown
    assert len(hook.requests) == 1 and hook.requests[0].method == "POST" and json.loads(hook.requests[0].body)
    assert elsewhere.requests == []  # nothing went to the other host


def test_a_webhook_trickling_its_answer_is_cut_at_the_timeout():
    with Trickler(interval=0.25) as slow:  # 100 bytes at 4 a second: 25 s, each byte well within the timeout
        started = time.monotonic()
        delivered, said = post_webhook(slow.url, {"text": "hello"}, timeout=1.0)
        took = time.monotonic() - started
    assert not delivered and said == "delivery failed: no complete answer within 1 s"
    assert took < 10, f"the delivery took {took:.1f} s against a 1 s timeout"  # uncut: 25 s


def test_write_digest_checks_the_url_before_any_work(tmp_path):
    with pytest.raises(ValueError, match=r"^--webhook has an invalid port '99999'"):
        write_digest(DEMO_CASES, WEEK, tmp_path / "ws", webhook="https://hooks.example.com:99999/x")
    assert not (tmp_path / "ws").exists()


def test_urls_in_the_data_are_not_links_in_slack(demo_digest):
    """A theme title written by a model that read an ad may hold a URL: Slack shows it as text, fetches nothing."""
    from assistant.digest.render import slack_payload

    digest = demo_digest[1].digest.model_copy(deep=True)
    digest.headline = "Reset your password at https://phish.example/login #general @channel"
    payload = slack_payload(digest)
    texts = [b["text"] for b in payload["blocks"] if b["type"] == "section"]
    texts += [e for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert texts and all(t["type"] == "mrkdwn" and t["verbatim"] is True for t in texts)
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False


def test_what_the_webhook_answers_is_shown_with_control_characters_escaped():
    with Recorder(302, location="http://127.0.0.2:9/\x1b]52;c;ZXZpbA==\x07") as hook:
        delivered, said = post_webhook(hook.url, {"text": "hello"}, timeout=5.0)
    assert not delivered and "\x1b" not in said and "\x07" not in said

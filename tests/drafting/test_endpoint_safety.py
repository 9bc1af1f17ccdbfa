"""Where the evidence goes: the drafting endpoint's redirects are not followed (a loopback endpoint cannot forward
the unredacted evidence to another host), each attempt is bounded as a whole, and `llm.base_url` is checked up
front with its credentials masked."""

from __future__ import annotations

import time

import pytest
from drafting_helpers import drafter, no_key, settings  # noqa: F401 - no_key: an autouse fixture

from assistant.config import LLMSettings, load_settings
from assistant.drafting.backends import BackendError
from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend
from assistant.workspace.store import DraftStore
from devtools.http_stubs import Recorder, Trickler

SECRET = "S3cretPW"


class _Endpoint:
    """What `settings()` needs of a server: its base URL."""

    def __init__(self, base_url: str):
        self.base_url = base_url


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_loopback_endpoint_redirecting_elsewhere_gets_the_evidence_to_nobody(drafting_run, tmp_path, status):
    run_dir, _, _, _, theme = drafting_run
    with Recorder(200, host="127.0.0.2") as elsewhere:  # "another host": it records whatever reaches it
        target = elsewhere.origin.replace("http://", f"http://u:{SECRET}@") + "/v1/chat/completions"
        with Recorder(status, location=target) as local:
            llm = settings(_Endpoint(f"{local.origin}/v1"), max_retries=2)  # redact: auto, a loopback endpoint
            store = DraftStore(tmp_path / "drafts.sqlite")
            (outcome,) = drafter(run_dir, store, llm).draft_all([theme], ("label",))
    assert elsewhere.requests == []  # nothing, redacted or not, went to the other host
    assert len(local.requests) == 1  # and a redirect is not retried
    assert outcome.outcome == "failed"
    assert f"redirected (HTTP {status}) to {elsewhere.origin.replace('http://', 'http://***@')}" in outcome.error
    assert "llm.base_url" in outcome.error and SECRET not in outcome.error


def test_an_endpoint_trickling_its_answer_is_cut_at_the_timeout():
    with Trickler(interval=0.25) as slow:  # 100 bytes at 4 a second: 25 s, each byte well within the timeout
        backend = OpenAICompatibleBackend(LLMSettings(backend="openai", base_url=slow.url.rsplit("/", 2)[0] + "/v1",
                                                      model="m", timeout_s=1.0, max_retries=1))
        started = time.monotonic()
        with pytest.raises(BackendError, match=r"no answer after 2 attempt\(s\): timed out"):
            backend.generate("label", None, [{"role": "user", "content": "hello"}])
        took = time.monotonic() - started
    assert took < 12, f"two attempts of 1 s took {took:.1f} s"  # 2 x 1 s and the back-off; uncut: 50 s


@pytest.mark.parametrize("url,said", [
    (f"http://user:{SECRET}@localhost:99999/v1", "invalid port '99999'"),
    ("http://localhost:0/v1", "invalid port '0'"),
    (f"ftp://user:{SECRET}@localhost/v1", "expects an http:// or https:// URL"),
    ("localhost:8080/v1", "expects an http:// or https:// URL"),
    ("http:///v1", "names no host"),
    ("http://local host:8080/v1", "space"),
])
def test_base_url_is_checked_up_front_naming_the_setting(tmp_path, url, said):
    with pytest.raises(ValueError) as caught:
        LLMSettings(backend="openai", base_url=url, model="m")
    assert "llm.base_url" in str(caught.value) and said in str(caught.value) and SECRET not in str(caught.value)
    config = tmp_path / "settings.yaml"
    config.write_text(f"llm:\n  backend: openai\n  model: m\n  base_url: '{url}'\n", encoding="utf-8")
    for source in ({"path": config, "environ": {}}, {"environ": {"ERROR_THEMES_LLM__BASE_URL": url}}):
        with pytest.raises(ValueError) as caught:
            load_settings(**source)
        assert "llm.base_url" in str(caught.value) and said in str(caught.value)
        assert SECRET not in str(caught.value)


def test_config_and_failures_show_the_base_url_masked(tmp_path, capsys):
    from assistant import cli

    url = f"http://user:{SECRET}@127.0.0.1:1/v1?key={SECRET}"  # nothing listens on port 1
    config = tmp_path / "settings.yaml"
    config.write_text(f"llm:\n  backend: openai\n  model: m\n  base_url: '{url}'\n", encoding="utf-8")
    assert cli.main(["config", "--config", str(config)]) == 0
    shown = capsys.readouterr().out
    assert "base_url: http://***@127.0.0.1:1/v1?key=***" in shown and SECRET not in shown
    backend = OpenAICompatibleBackend(LLMSettings(backend="openai", base_url=url, model="m", max_retries=0))
    with pytest.raises(BackendError) as caught:
        backend.generate("label", None, [{"role": "user", "content": "hello"}])
    assert "could not connect" in str(caught.value) and SECRET not in str(caught.value)


def test_a_proxy_in_the_environment_never_sees_a_loopback_endpoints_evidence(llm_server, drafting_run, tmp_path,
                                                                              monkeypatch):
    """The evidence for a loopback endpoint is not redacted: it must not leave the machine through a proxy."""
    run_dir, _, _, members, theme = drafting_run
    from drafting_helpers import responder

    llm_server.responder = responder(members)
    with Recorder(200, host="127.0.0.2") as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.origin)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        store = DraftStore(tmp_path / "drafts.sqlite")
        (outcome,) = drafter(run_dir, store, settings(llm_server)).draft_all([theme], ("label",))
    assert proxy.requests == [] and outcome.outcome == "created" and llm_server.request_count == 1


def test_what_the_endpoint_says_is_shown_with_control_characters_escaped(llm_server):
    from devtools.llm_server import error

    llm_server.script(error(400, "bad request\x1b]52;c;ZXZpbA==\x07\n[done] all drafts accepted"))
    backend = OpenAICompatibleBackend(settings(llm_server, structured_output="off", max_retries=0))
    with pytest.raises(BackendError) as caught:
        backend.generate("label", None, [{"role": "user", "content": "hello"}])
    said = str(caught.value)
    assert "\x1b" not in said and "\x07" not in said and "\n" not in said and "\\x1b]52" in said

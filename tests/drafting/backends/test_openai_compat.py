"""The OpenAI-compatible backend alone, over HTTP against the scripted server in `devtools/llm_server.py`.

Retries and their waits are the openai SDK's: the tests check what the server saw (how many requests, how far
apart, the SDK's retry count header), not how the waiting is done.
"""

from __future__ import annotations

import json
import time

import pytest

from assistant.config import LLMSettings
from assistant.drafting.backends.base import BackendError
from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend
from assistant.drafting.models import parse_json_object
from devtools.llm_server import completion, delay, error, raw

KEY_ENV = "ERROR_THEMES_TEST_LLM_KEY"  # never set: a local endpoint needs no key
MESSAGES = [{"role": "system", "content": "You answer with JSON."}, {"role": "user", "content": "Say hi."}]


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


SDK_FIRST_WAIT_S = (0.375, 0.5)  # the SDK's first back-off: 0.5 s less up to 25% jitter, then doubling


def backend(server, **overrides) -> OpenAICompatibleBackend:
    options = dict(backend="openai", base_url=server.base_url, model="test-model", api_key_env=KEY_ENV,
                   timeout_s=5.0, max_retries=2)
    options.update(overrides)
    return OpenAICompatibleBackend(LLMSettings(**options))


def gaps(server) -> list[float]:
    """Seconds between the answer to each request and the next request: the client's waits."""
    requests = server.requests
    return [b.received_at - a.answered_at for a, b in zip(requests, requests[1:])]


def retry_counts(server) -> list[str | None]:
    return [r.headers.get("x-stainless-retry-count") for r in server.requests]


def test_good_reply_returns_text_model_and_usage(llm_server):
    llm_server.script(completion('{"greeting": "hi"}', prompt_tokens=123, completion_tokens=45))
    generation = backend(llm_server).generate("label", None, MESSAGES)

    assert generation.text == '{"greeting": "hi"}'
    assert generation.model == "test-model@127.0.0.1"
    assert generation.usage == {"prompt_tokens": 123, "completion_tokens": 45}
    assert generation.attempts == 1
    (request,) = llm_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "test-model"
    assert request.body["messages"] == MESSAGES
    assert request.body["temperature"] == 0.2
    assert request.body["max_tokens"] == 1500


def test_local_endpoint_needs_no_api_key(llm_server):
    llm_server.script(completion("{}"))
    client = backend(llm_server)
    assert client.leaves_machine is False
    client.generate("label", None, MESSAGES)
    assert llm_server.requests[0].headers["authorization"] == "Bearer not-needed"


@pytest.mark.parametrize("base_url", ["https://llm.example.com/v1", None])
def test_remote_endpoint_without_key_names_the_variable(base_url):
    settings = LLMSettings(backend="openai", base_url=base_url, model="test-model", api_key_env=KEY_ENV)
    with pytest.raises(BackendError, match=KEY_ENV):
        OpenAICompatibleBackend(settings)


def test_remote_endpoint_with_key_leaves_the_machine(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "sk-test")
    client = OpenAICompatibleBackend(LLMSettings(backend="openai", base_url="https://llm.example.com/v1",
                                                 model="m", api_key_env=KEY_ENV))
    assert client.leaves_machine is True
    assert client.model_id == "m@llm.example.com"


def test_no_model_configured_is_an_error(llm_server):
    with pytest.raises(BackendError, match="no model"):
        OpenAICompatibleBackend(LLMSettings(backend="openai", base_url=llm_server.base_url, api_key_env=KEY_ENV))


def test_429_waits_as_retry_after_says_then_succeeds(llm_server):
    llm_server.script(error(429, "slow down", retry_after=1.5), completion('{"ok": true}'))
    generation = backend(llm_server).generate("label", None, MESSAGES)

    assert generation.text == '{"ok": true}'
    assert generation.attempts == 2
    assert llm_server.request_count == 2
    (wait,) = gaps(llm_server)
    assert 1.5 <= wait < 2.5  # the server's Retry-After, not the SDK's 0.5 s back-off
    assert retry_counts(llm_server) == ["0", "1"]


def test_retry_after_ms_is_honoured(llm_server):
    llm_server.script(error(429, headers={"retry-after-ms": "1200"}), completion("{}"))
    backend(llm_server).generate("label", None, MESSAGES)
    (wait,) = gaps(llm_server)
    assert 1.2 <= wait < 2.2


def test_retry_after_beyond_two_minutes_is_not_waited_for(llm_server):
    llm_server.script(error(429, retry_after=3600), completion("{}"))
    started = time.monotonic()
    with pytest.raises(BackendError, match="HTTP 429") as caught:
        backend(llm_server).generate("label", None, MESSAGES)
    assert time.monotonic() - started < 5
    assert "1 attempt(s)" in str(caught.value)
    assert llm_server.request_count == 1


def test_5xx_backs_off_doubling_then_succeeds(llm_server):
    llm_server.script(error(500), error(502), completion('{"ok": 1}'))
    generation = backend(llm_server, max_retries=3).generate("label", None, MESSAGES)

    assert generation.text == '{"ok": 1}'
    assert generation.attempts == 3
    assert llm_server.request_count == 3
    first, second = gaps(llm_server)
    assert SDK_FIRST_WAIT_S[0] <= first < 1.0
    assert 2 * SDK_FIRST_WAIT_S[0] <= second < 2.0 and second > first
    assert retry_counts(llm_server) == ["0", "1", "2"]


def test_5xx_beyond_max_retries_is_a_backend_error(llm_server):
    llm_server.script(*(error(500) for _ in range(5)))
    started = time.monotonic()
    with pytest.raises(BackendError, match="HTTP 500") as caught:
        backend(llm_server, max_retries=2).generate("label", None, MESSAGES)

    assert "3 attempt(s)" in str(caught.value)
    assert llm_server.request_count == 3
    assert llm_server.pending == 2
    assert time.monotonic() - llm_server.requests[-1].answered_at < 0.3  # no wait after the last attempt
    assert time.monotonic() - started >= 3 * SDK_FIRST_WAIT_S[0]  # two waits: about 0.5 s, then 1 s


def test_no_retries_when_max_retries_is_0(llm_server):
    llm_server.script(error(503), completion("{}"))
    with pytest.raises(BackendError, match="1 attempt\\(s\\): HTTP 503"):
        backend(llm_server, max_retries=0).generate("label", None, MESSAGES)
    assert llm_server.request_count == 1


def test_other_4xx_is_not_retried(llm_server):
    llm_server.script(error(401, "bad key", error_type="invalid_api_key"), completion("{}"))
    with pytest.raises(BackendError, match="401"):
        backend(llm_server).generate("label", None, MESSAGES)
    assert llm_server.request_count == 1


def test_slow_reply_times_out_is_retried_then_fails(llm_server):
    llm_server.script(delay(2.0), delay(2.0))
    client = backend(llm_server, timeout_s=0.5, max_retries=1)
    started = time.monotonic()
    with pytest.raises(BackendError, match="timed out") as caught:
        client.generate("label", None, MESSAGES)
    elapsed = time.monotonic() - started

    assert "2 attempt(s)" in str(caught.value)
    assert llm_server.request_count == 2
    assert retry_counts(llm_server) == ["0", "1"]
    # two time-outs of 0.5 s and one back-off wait (without the time-outs: 2 × 2 s)
    assert 1.0 + SDK_FIRST_WAIT_S[0] <= elapsed < 3.0


def test_slow_reply_then_fast_reply_succeeds(llm_server):
    llm_server.script(delay(2.0), completion('{"late": false}'))
    generation = backend(llm_server, timeout_s=0.5, max_retries=1).generate("label", None, MESSAGES)
    assert generation.text == '{"late": false}'
    assert generation.attempts == 2


def test_connection_refused_is_retried_then_reported(llm_server):
    url = llm_server.base_url
    llm_server.stop()  # nothing listens on the port any more
    client = OpenAICompatibleBackend(LLMSettings(backend="openai", base_url=url, model="test-model",
                                                 api_key_env=KEY_ENV, timeout_s=2, max_retries=1))
    started = time.monotonic()
    with pytest.raises(BackendError, match="could not connect") as caught:
        client.generate("label", None, MESSAGES)
    assert "2 attempt(s)" in str(caught.value)
    assert time.monotonic() - started >= SDK_FIRST_WAIT_S[0]  # a back-off wait before the second attempt


def test_json_mode_refused_falls_back_to_plain_text(llm_server):
    llm_server.accept_forms("off")  # a server that takes no response_format at all
    llm_server.script(completion('Sure! Here it is:\n```json\n{"name": "x"}\n```'), completion('{"again": true}'))
    client = backend(llm_server)
    generation = client.generate("label", None, MESSAGES)

    assert parse_json_object(generation.text) == {"name": "x"}
    assert generation.attempts == 1  # the refusals are not counted as attempts
    assert max(gaps(llm_server)) < SDK_FIRST_WAIT_S[0]  # asked again at once, not after a back-off
    assert [r.form for r in llm_server.requests] == ["json_schema", "json_object_schema", "json_object", "off"]
    assert llm_server.requests[-1].body["messages"] == MESSAGES

    client.generate("label", None, MESSAGES)  # remembered: no second refusal
    assert llm_server.requests[4].form == "off"


def test_json_mode_on_does_not_fall_back(llm_server):
    llm_server.script(error(400, "response_format is not supported"), completion("{}"))
    with pytest.raises(BackendError, match="refused the request \\(400\\)"):
        backend(llm_server, json_mode="on").generate("label", None, MESSAGES)
    assert llm_server.request_count == 1


def test_other_400_is_not_a_json_mode_fallback(llm_server):
    llm_server.script(error(400, "maximum context length exceeded"), completion("{}"))
    with pytest.raises(BackendError, match="maximum context length"):
        backend(llm_server).generate("label", None, MESSAGES)
    assert llm_server.request_count == 1


def test_json_mode_off_sends_no_response_format(llm_server):
    llm_server.script(completion("{}"))
    backend(llm_server, json_mode="off").generate("label", None, MESSAGES)
    assert "response_format" not in llm_server.requests[0].body


def test_reply_with_no_choices_gives_empty_text(llm_server):
    llm_server.script(raw(json.dumps({"object": "chat.completion", "choices": []}), content_type="application/json"))
    generation = backend(llm_server).generate("label", None, MESSAGES)
    assert generation.text == ""
    assert generation.usage == {"prompt_tokens": 0, "completion_tokens": 0}


@pytest.mark.parametrize("reply", [raw("<html><body>Welcome to the gateway</body></html>"),
                                   raw('{"id": "chatcmpl-1", "choices": [', content_type="application/json")],
                         ids=["html", "truncated-json"])
def test_non_json_200_answer_is_a_backend_error(llm_server, reply):
    llm_server.script(reply, reply)
    with pytest.raises(BackendError):
        backend(llm_server, max_retries=0).generate("label", None, MESSAGES)

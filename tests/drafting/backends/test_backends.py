"""`make_backend`: the one place a drafting backend is built from the settings."""

from __future__ import annotations

import pytest

from assistant.config import LLMSettings
from assistant.drafting.backends import BackendError, make_backend
from assistant.drafting.backends.offline import MODEL_ID, OfflineDrafter
from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend

KEY_ENV = "ERROR_THEMES_TEST_LLM_KEY"  # never set


def test_offline_is_the_default_and_takes_its_threshold_from_the_settings():
    backend = make_backend(LLMSettings(offline_min_score=0.4))
    assert isinstance(backend, OfflineDrafter)
    assert backend.model_id == MODEL_ID and backend.leaves_machine is False
    assert backend.min_score == 0.4
    assert make_backend(LLMSettings()).min_score == LLMSettings().offline_min_score


def test_openai_backend_gets_the_retries_and_timeout_of_the_settings(llm_server):
    backend = make_backend(LLMSettings(backend="openai", base_url=llm_server.base_url, model="m", max_retries=5,
                                       timeout_s=7.5, api_key_env=KEY_ENV))
    assert isinstance(backend, OpenAICompatibleBackend)
    assert backend.client.max_retries == 5
    assert backend.client.timeout == 7.5


def test_openai_backend_without_a_model_fails_before_any_request(llm_server):
    with pytest.raises(BackendError, match="no model"):
        make_backend(LLMSettings(backend="openai", base_url=llm_server.base_url, api_key_env=KEY_ENV))
    assert llm_server.request_count == 0

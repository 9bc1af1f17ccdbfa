"""Helpers shared by the drafting tests: settings for the scripted server, valid drafts, reading requests."""

from __future__ import annotations

import json
import re

import pytest

from assistant.config import LLMSettings
from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend
from assistant.drafting.drafter import Drafter
from assistant.workspace.store import DraftStore
from devtools.llm_server import Reply, completion, error

KEY_ENV = "ERROR_THEMES_TEST_LLM_KEY"  # never set: a local endpoint needs no key
MODEL_ID = "test-model@127.0.0.1"
SCHEMA_TITLES = {"label": "ThemeLabel", "rca": "RcaNarrative", "policy": "PolicyClarification"}


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    """Import into a test module: the test endpoint's key variable is unset."""
    monkeypatch.delenv(KEY_ENV, raising=False)


def settings(server, **overrides) -> LLMSettings:
    """Settings for the scripted server (no key, one retry, two themes at once)."""
    options = dict(backend="openai", base_url=server.base_url, model="test-model", api_key_env=KEY_ENV,
                   timeout_s=5.0, max_retries=1, concurrency=2)
    options.update(overrides)
    return LLMSettings(**options)

def drafter(run_dir, store: DraftStore, llm: LLMSettings) -> Drafter:
    return Drafter(run_dir, store, OpenAICompatibleBackend(llm), llm)

def draft(kind: str, ids: list[str]) -> dict:
    """A valid draft of `kind` citing `ids`, with no figures in its text."""
    if kind == "label":
        return {"name": "Compounded drugs approved without proof", "cited_case_ids": ids,
                "sentence": "Moderators approve telehealth ads without checking the pharmacy's certification."}
    if kind == "rca":
        return {
            "title": "Compounded drugs approved without certification",
            "summary": "Moderators approve compounded drug ads because the guideline does not ask for proof.",
            "root_cause_category": "guideline_gap",
            "root_cause": "The guideline does not say that compounded drugs need a pharmacy certification.",
            "evidence": [{"claim": "Reviewer notes say the certification was never checked.", "case_ids": ids,
                          "figures": []}],
            "impact": "The theme's errors would disappear with a clear rule.",
            "actions": [{"action": "Add compounded drugs to the prescription guideline", "owner": "Policy"}],
            "confidence": "medium",
            "open_questions": ["Do model-decided cases share the cause?"],
        }
    return {"policy": "prescription_drugs", "ambiguity": "The policy does not mention compounded drugs.",
            "proposed_wording": "Compounded drugs are prescription drugs.", "allowed_examples": ["A pharmacy ad."],
            "disallowed_examples": ["A telehealth ad without certification."], "cited_case_ids": ids,
            "rationale": "Moderators would apply the same rule."}

def evidence_block(user_message: str) -> str:
    assert user_message.count("<<<EVIDENCE") == 1 and user_message.count("EVIDENCE>>>") == 1
    return user_message.split("<<<EVIDENCE", 1)[1].split("EVIDENCE>>>", 1)[0]

def requested(request) -> tuple[str, str]:
    """The (kind, theme id) a drafting request asks for, read from its messages."""
    system, user = request.content("system"), request.content("user")
    kind = next(k for k, title in SCHEMA_TITLES.items() if f'"title":"{title}"' in system)
    theme = re.search(r"\btheme (T\d+)", user).group(1)
    return kind, theme

def responder(members: dict[str, list[str]], pause: float = 0.0, failing: str | None = None):
    """Answers each request with a valid draft for the kind and theme it asks for (500 for `failing`)."""

    def respond(request) -> Reply:
        kind, theme = requested(request)
        if theme == failing:
            return error(500, "the model server crashed", delay_s=pause)
        return completion(json.dumps(draft(kind, members[theme][:3])), prompt_tokens=100, completion_tokens=20,
                          delay_s=pause)

    return respond


def with_ad_text(pack, text: str):
    """A copy of the pack whose first case has this ad text."""
    changed = pack.model_copy(deep=True)
    changed.cases[0].ad_text = text
    return changed

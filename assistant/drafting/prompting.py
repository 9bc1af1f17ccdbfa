"""Load prompt templates from `prompts/` by name and render them for a theme's evidence pack.

langchain-core does the templating: each YAML file becomes a `ChatPromptTemplate` (f-string variables such as
`{evidence}`; one left unfilled fails naming it), whose messages langchain-core converts to the OpenAI chat
format. Reading the answer back is `assistant.drafting.models.parse_draft`: langchain-core's JSON output parsers
complete JSON that was cut short, which would let a truncated draft validate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from langchain_core.messages import convert_to_openai_messages
from langchain_core.prompts import ChatPromptTemplate

from assistant.drafting.evidence import EvidencePack
from assistant.drafting.models import DRAFT_MODELS, PROMPT_OF_KIND
from prompts import PROMPTS_DIR


@dataclass(frozen=True)
class PromptTemplateFile:
    """A prompt template with its name and version."""

    name: str
    version: int
    template: ChatPromptTemplate


@lru_cache(maxsize=16)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> PromptTemplateFile:
    """The template `folder/<name>.yaml`; raises FileNotFoundError / ValueError naming the file."""
    path = Path(folder) / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in Path(folder).glob("*.yaml")))
        raise FileNotFoundError(f"no prompt template '{name}' in {folder} (templates: {known})")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [key for key in ("name", "version", "user") if key not in (data or {})]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    messages = ([("system", data["system"])] if data.get("system") else []) + [("human", data["user"])]
    template = ChatPromptTemplate.from_messages(messages)
    return PromptTemplateFile(str(data["name"]), int(data["version"]), template)


def output_schema(kind: str) -> str:
    """The JSON schema a draft of this kind must match, compact."""
    return json.dumps(DRAFT_MODELS[kind].model_json_schema(), separators=(",", ":"))


def fence_safe(text: str) -> str:
    """Data that cannot close (or open) the evidence fence: `<<<` and `>>>` are replaced."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def render_messages(kind: str, pack: EvidencePack) -> tuple[PromptTemplateFile, list[dict[str, str]]]:
    """The prompt of a draft kind and its chat messages (OpenAI format) for an evidence pack."""
    prompt = load_prompt(PROMPT_OF_KIND[kind])
    evidence = fence_safe(json.dumps(pack.model_dump(), ensure_ascii=False, separators=(", ", ": ")))
    messages = prompt.template.format_messages(schema=output_schema(kind), theme_id=pack.theme_id, evidence=evidence)
    return prompt, convert_to_openai_messages(messages)


def repair_messages(messages: list[dict[str, str]], raw: str, error: str) -> list[dict[str, str]]:
    """The conversation extended by the failed answer and the `repair` template's request to fix it."""
    prompt = load_prompt("repair")
    ask = prompt.template.format_messages(error=error)
    return [*messages, {"role": "assistant", "content": raw}, *convert_to_openai_messages(ask)]

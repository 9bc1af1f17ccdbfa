"""What a draft is (docs/design.md §4): the structured output an LLM or the offline drafter must produce, per kind,
and how a raw answer is read into it (`parse_draft`).

Every kind cites case ids; grounding (`assistant.drafting.grounding`) removes ids that are not in the theme and
flags them, so a stored draft may cite none: it is read back with the validation context `{"stored": True}`,
which accepts that and nothing else. A stored draft's content is always one of these models (`Draft`).
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

RootCause = Literal["policy_ambiguity", "guideline_gap", "model_overkill", "model_miss", "moderator_knowledge",
                    "locale_rule", "missing_context", "tooling", "other"]
ROOT_CAUSES: tuple[str, ...] = RootCause.__args__
Owner = Literal["Policy", "Model team", "Moderation ops", "Product"]
Confidence = Literal["low", "medium", "high"]
KINDS = ("label", "rca", "policy")
NAME_MAX_WORDS = 8  # a label's name
# the same rule as a pattern, for grammar-constrained decoding (a small model otherwise writes 10-word names):
# 1 to 8 words of at most 24 characters, single spaces between them; a word holds no quote, backslash or control
# character such as a line break (the grammar runs inside the JSON string: a quote would end it)
_WORD = r'[^ "\\\x00-\x1F\x7F]{1,24}'
NAME_PATTERN = f"^{_WORD}( {_WORD}){{0,{NAME_MAX_WORDS - 1}}}$"


def _cites_some(value: list, info: ValidationInfo) -> list:
    """A draft must cite at least one case, unless it is a stored draft whose citations grounding removed."""
    if not value and not (info.context or {}).get("stored"):
        raise ValueError("cite at least one case of the theme")
    return value


class ThemeLabel(BaseModel):
    """A short name for a theme (at most 8 words) and one sentence on what sets it apart."""

    # pattern: a decoding bound that keeps a constrained model's name short (the words are checked below)
    name: str = Field(min_length=1, json_schema_extra={"pattern": NAME_PATTERN})
    sentence: str = Field(min_length=1)
    cited_case_ids: list[str] = Field(json_schema_extra={"minItems": 1})

    _cited = field_validator("cited_case_ids")(_cites_some)

    @field_validator("name")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value.split()) > NAME_MAX_WORDS:
            raise ValueError(f"the name must have at most {NAME_MAX_WORDS} words")
        return value.strip()


class Claim(BaseModel):
    """One piece of evidence: a statement, the cases it rests on, and the figures it quotes."""

    claim: str = Field(min_length=1)
    case_ids: list[str] = Field(min_length=1)
    figures: list[str] = Field(default_factory=list)


class Action(BaseModel):
    action: str = Field(min_length=1)
    owner: Owner


class RcaNarrative(BaseModel):
    """Root-cause analysis of a theme."""

    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    root_cause_category: RootCause
    root_cause: str = Field(min_length=1)
    evidence: list[Claim] = Field(json_schema_extra={"minItems": 1})
    impact: str = Field(min_length=1)
    actions: list[Action] = Field(min_length=1)
    confidence: Confidence
    open_questions: list[str] = Field(default_factory=list)

    _cited = field_validator("evidence")(_cites_some)


class PolicyClarification(BaseModel):
    """A proposed clarification of a policy's wording, grounded in the theme's cases."""

    policy: str = Field(min_length=1)
    ambiguity: str = Field(min_length=1)
    proposed_wording: str = Field(min_length=1)
    allowed_examples: list[str] = Field(min_length=1)
    disallowed_examples: list[str] = Field(min_length=1)
    cited_case_ids: list[str] = Field(json_schema_extra={"minItems": 1})
    rationale: str = Field(min_length=1)

    _cited = field_validator("cited_case_ids")(_cites_some)


Draft = ThemeLabel | RcaNarrative | PolicyClarification
DRAFT_MODELS: dict[str, type[Draft]] = {"label": ThemeLabel, "rca": RcaNarrative, "policy": PolicyClarification}
PROMPT_OF_KIND = {"label": "theme_label", "rca": "rca_narrative", "policy": "policy_clarification"}


def stored_draft(kind: str, data: dict | str) -> Draft:
    """A stored draft's content (a dict or its JSON) as its kind's model; grounding may have left it citing none."""
    model = DRAFT_MODELS[kind]
    if isinstance(data, str):
        return model.model_validate_json(data, context={"stored": True})
    return model.model_validate(data, context={"stored": True})


def cited_ids(draft: BaseModel | None) -> list[str]:
    """Every case id a draft cites, in order of appearance, without repeats."""
    ids: list[str] = []
    if draft is None:
        return ids
    if isinstance(draft, RcaNarrative):
        for claim in draft.evidence:
            ids.extend(claim.case_ids)
    else:
        ids.extend(getattr(draft, "cited_case_ids", []))
    return list(dict.fromkeys(ids))


FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", flags=re.IGNORECASE)


def parse_json_object(text: str) -> dict:
    """The JSON object in a model's answer (code fences and text around it are ignored).

    Strict JSON: an answer cut short (e.g. at max_tokens) is an error, never completed into a shorter object.
    """
    cleaned = FENCE.sub("", text.strip())
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the answer holds no JSON object")
    try:
        value = json.loads(cleaned[start:end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON: {exc.msg} at character {exc.pos}") from exc
    if not isinstance(value, dict):
        raise ValueError("the answer is not a JSON object")
    return value


def parse_draft(kind: str, text: str) -> Draft:
    """A raw answer as the kind's model; raises ValueError with a message a model can act on (the repair)."""
    data = parse_json_object(text)
    try:
        return DRAFT_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'object'}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"the JSON does not match the schema: {problems}") from exc

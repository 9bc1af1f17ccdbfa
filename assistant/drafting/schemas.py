"""The JSON schema of each draft kind in the form a server's constrained decoding accepts.

Pydantic's schema (`model_json_schema`) is what the prompt shows. A decoding constraint needs a self-contained
schema the server's grammar compiler understands:

- `strict_schema` (OpenAI structured outputs, `strict: true`): every object has `additionalProperties: false`
  and lists every property as required; `$ref`s are inlined; keywords strict mode refuses or ignores
  (`minItems`, `minLength`, `format`, `pattern`, `default`, `title`, ...) are dropped.
- `grammar_schema` (llama.cpp's grammar, vLLM, Ollama): the same, but keeping `minItems` / `minLength`, which
  those grammar compilers enforce and which keep a small model from answering with an empty citation list, and
  bounding every list and free text (`GRAMMAR_MAX_ITEMS`, `GRAMMAR_MAX_CHARS`) so that a small model that repeats
  itself closes the JSON instead of running into max_tokens with a cut-off answer; every free text also gets a
  `pattern` of characters JSON allows raw in a string (`TEXT_CHAR`), which llama-cpp-python's grammar does not
  enforce by itself.

Either way the answer is validated by the pydantic model afterwards (`models.parse_draft`): the schema
constrains what the model can write, the model decides what is valid.
"""

from __future__ import annotations

from functools import lru_cache

from assistant.drafting.models import DRAFT_MODELS

STRUCTURAL = {"type", "properties", "items", "enum", "const", "anyOf", "required", "additionalProperties",
              "description"}
GRAMMAR_BOUNDS = {"minItems", "maxItems", "minLength", "maxLength", "pattern"}
GRAMMAR_MAX_ITEMS = 8  # a list in a draft: more than a reviewer reads
GRAMMAR_MAX_CHARS = 600  # one text field of a draft: a few sentences
# A character of free text in the grammar form: no control character (JSON forbids them raw in a string, and
# llama-cpp-python's json-schema-to-grammar lets a model write them: SmolLM2 wrote a raw line break, "Invalid
# control character"), no quote or backslash (the pattern runs on the JSON string's raw text; this keeps it
# equal to the decoded text, for servers that read the pattern either way)
TEXT_CHAR = r'[^"\\\x00-\x1F\x7F]'


def _resolve(node, defs: dict, keep: set[str]):
    if isinstance(node, list):
        return [_resolve(item, defs, keep) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _resolve(merged, defs, keep)
    out = {key: value for key, value in node.items() if key in keep}
    if "properties" in out:
        out["properties"] = {name: _resolve(prop, defs, keep) for name, prop in node["properties"].items()}
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    for key in ("items", "anyOf"):
        if key in out:
            out[key] = _resolve(out[key], defs, keep)
    if "maxItems" in keep and out.get("type") == "array":
        out.setdefault("maxItems", GRAMMAR_MAX_ITEMS)
    if "maxLength" in keep and out.get("type") == "string" and "enum" not in out and "pattern" not in out:
        out.setdefault("maxLength", GRAMMAR_MAX_CHARS)
        out["pattern"] = f"^{TEXT_CHAR}{{{out.get('minLength', 0)},{out['maxLength']}}}$"
    return out


def _constraint_schema(kind: str, keep: set[str]) -> dict:
    schema = DRAFT_MODELS[kind].model_json_schema()
    return _resolve({k: v for k, v in schema.items() if k != "$defs"}, schema.get("$defs", {}), keep)


@lru_cache(maxsize=8)
def _cached(kind: str, strict: bool) -> dict:
    return _constraint_schema(kind, STRUCTURAL if strict else STRUCTURAL | GRAMMAR_BOUNDS)


def strict_schema(kind: str) -> dict:
    """The kind's schema for OpenAI strict structured outputs (a fresh copy)."""
    return _copy(_cached(kind, True))


def grammar_schema(kind: str) -> dict:
    """The kind's schema for a grammar-constrained server (llama.cpp, vLLM, Ollama), with length bounds."""
    return _copy(_cached(kind, False))


def schema_name(kind: str) -> str:
    """The name structured outputs give the schema (letters, digits, `_` and `-` only)."""
    return DRAFT_MODELS[kind].__name__


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


CITATION_FIELDS = ("case_ids", "cited_case_ids")


def cite_only(schema: dict, case_ids: list[str]) -> dict:
    """The schema with every citation list limited to `case_ids` (an `enum`): a constrained model can cite only
    cases its evidence shows. Grounding still checks membership of the theme afterwards."""
    if not case_ids:
        return schema
    for name, prop in (schema.get("properties") or {}).items():
        if name in CITATION_FIELDS and prop.get("type") == "array":
            prop["items"] = {"type": "string", "enum": list(dict.fromkeys(case_ids))}
        else:
            cite_only(prop, case_ids)
    if isinstance(schema.get("items"), dict):
        cite_only(schema["items"], case_ids)
    return schema

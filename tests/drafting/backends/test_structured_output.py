"""Schema-constrained output over HTTP against the scripted server: each `response_format` form, the `auto`
fallback when an endpoint refuses a form (400 or 422), remembered once per endpoint, also under concurrency."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import pytest

from assistant.config import LLMSettings
from assistant.drafting.backends.base import BackendError
from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend
from assistant.drafting.backends.structured import FORMS, EndpointForms
from assistant.drafting.evidence import build_pack
from assistant.drafting.models import DRAFT_MODELS, KINDS
from assistant.drafting.schemas import grammar_schema, strict_schema
from devtools.llm_server import completion, error

KEY_ENV = "ERROR_THEMES_TEST_LLM_KEY"  # never set: a local endpoint needs no key
MESSAGES = [{"role": "system", "content": "You answer with JSON."}, {"role": "user", "content": "Say hi."}]
LABEL = json.dumps({"name": "Weapons in photo sessions", "sentence": "Props are flagged.", "cited_case_ids": ["C1"]})
STRICT_KEYWORDS = {"type", "properties", "items", "enum", "const", "anyOf", "required", "additionalProperties",
                   "description"}


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


def backend(server, forms: EndpointForms | None = None, **overrides) -> OpenAICompatibleBackend:
    options = dict(backend="openai", base_url=server.base_url, model="test-model", api_key_env=KEY_ENV,
                   timeout_s=5.0, max_retries=0)
    options.update(overrides)
    return OpenAICompatibleBackend(LLMSettings(**options), forms or EndpointForms())


def objects(schema: dict):
    """Every object schema in a schema."""
    if schema.get("type") == "object":
        yield schema
    for prop in (schema.get("properties") or {}).values():
        yield from objects(prop)
    if isinstance(schema.get("items"), dict):
        yield from objects(schema["items"])


def keywords(schema) -> set[str]:
    """Every keyword used in a schema (property names are not keywords)."""
    if isinstance(schema, list):
        return {k for item in schema for k in keywords(item)}
    if not isinstance(schema, dict):
        return set()
    found = set(schema) - {"properties"}
    for key, value in schema.items():
        if key == "properties":
            found |= {k for prop in value.values() for k in keywords(prop)}
        elif isinstance(value, (dict, list)):
            found |= keywords(value)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_strict_schema_follows_structured_outputs_rules(kind):
    schema = strict_schema(kind)
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    assert keywords(schema) <= STRICT_KEYWORDS, keywords(schema) - STRICT_KEYWORDS
    for obj in objects(schema):
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    assert "minItems" in keywords(grammar_schema(kind))  # llama.cpp's grammar enforces it: kept there


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_draft_matches_both_schemas_and_an_extra_key_does_not(drafting_run, kind):
    from assistant.drafting.backends.offline import OfflineDrafter
    from assistant.workspace.runs import load_run

    run_dir, _, _, _, theme = drafting_run
    pack = build_pack(*load_run(run_dir), theme)
    text = OfflineDrafter().generate(kind, pack, []).text
    data = DRAFT_MODELS[kind].model_validate_json(text).model_dump()  # every field, defaults too
    for schema in (strict_schema(kind), grammar_schema(kind)):
        jsonschema.validate(data, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**data, "extra": 1}, schema)


@pytest.mark.parametrize("form", FORMS)
def test_each_form_is_sent_as_asked(llm_server, drafting_run, form):
    from assistant.workspace.runs import load_run

    run_dir, _, _, _, theme = drafting_run
    pack = build_pack(*load_run(run_dir), theme)
    llm_server.script(completion(LABEL))
    generation = backend(llm_server, structured_output=form).generate("label", pack, MESSAGES)

    (request,) = llm_server.requests
    assert request.form == form and generation.structured_output == form
    fmt = request.body.get("response_format")
    shown = [c.case_id for c in pack.cases]
    if form == "json_schema":
        assert fmt["type"] == "json_schema"
        assert fmt["json_schema"]["name"] == "ThemeLabel" and fmt["json_schema"]["strict"] is True
        schema = fmt["json_schema"]["schema"]
        assert schema["additionalProperties"] is False
        assert schema["properties"]["cited_case_ids"]["items"]["enum"] == shown  # only cases the evidence shows
    elif form == "json_object_schema":
        assert fmt["type"] == "json_object"
        assert fmt["schema"]["properties"]["cited_case_ids"]["minItems"] == 1
        assert fmt["schema"]["properties"]["cited_case_ids"]["items"]["enum"] == shown
    elif form == "json_object":
        assert fmt == {"type": "json_object"}
    else:
        assert fmt is None


@pytest.mark.parametrize(("accepted", "status"), [("json_object_schema", 500), ("json_object_schema", 422),
                                                  ("json_object", 400), ("off", 400)])
def test_auto_falls_back_to_the_form_the_endpoint_takes_once(llm_server, accepted, status):
    llm_server.accept_forms(accepted, status=status)
    llm_server.script(completion(LABEL), completion(LABEL))
    forms = EndpointForms()
    client = backend(llm_server, forms)

    generation = client.generate("label", None, MESSAGES)
    tried = [r.form for r in llm_server.requests]
    assert tried == list(FORMS[:FORMS.index(accepted) + 1])
    assert [r.status for r in llm_server.requests] == [status] * (len(tried) - 1) + [200]
    assert generation.structured_output == accepted and generation.text == LABEL

    again = backend(llm_server, forms)  # a new backend for the same endpoint: learnt, no refusal again
    again.generate("label", None, MESSAGES)
    assert llm_server.requests[len(tried)].form == accepted
    assert llm_server.request_count == len(tried) + 1
    assert forms.known() == {client.endpoint: accepted}


def test_a_chosen_form_that_is_refused_fails_without_fallback(llm_server):
    llm_server.accept_forms("json_object")
    with pytest.raises(BackendError, match="refused the request \\(400\\).*json_schema"):
        backend(llm_server, structured_output="json_schema").generate("label", None, MESSAGES)
    assert llm_server.request_count == 1


def test_a_500_that_is_not_about_the_format_is_not_a_fallback(llm_server):
    llm_server.script(error(500, "llama_decode returned -1"))
    with pytest.raises(BackendError, match="HTTP 500"):
        backend(llm_server).generate("label", None, MESSAGES)
    assert [r.form for r in llm_server.requests] == ["json_schema"]


def test_a_refusal_of_a_form_that_worked_before_is_not_a_fallback(llm_server):
    llm_server.script(completion(LABEL), error(400, "the schema is too large for this request"))
    forms = EndpointForms()
    client = backend(llm_server, forms)
    client.generate("label", None, MESSAGES)
    with pytest.raises(BackendError, match="too large"):
        client.generate("label", None, MESSAGES)
    assert [r.form for r in llm_server.requests] == ["json_schema", "json_schema"]
    assert forms.current(client.endpoint) == "json_schema"


def test_concurrent_drafts_learn_the_form_once(llm_server):
    """Eight drafts at once through backends sharing one record: each form is refused at most once per draft in
    flight, every draft ends with the form the endpoint takes, and the drafts after them ask with it at once."""
    llm_server.accept_forms("json_object", status=400)
    llm_server.responder = lambda request: completion(LABEL, delay_s=0.05)
    forms = EndpointForms()
    clients = [backend(llm_server, forms) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: c.generate("label", None, MESSAGES), clients))
    assert {g.structured_output for g in results} == {"json_object"}
    refused = [r for r in llm_server.requests if r.status != 200]
    assert all(r.form in ("json_schema", "json_object_schema") for r in refused)
    assert len(refused) <= 2 * 4  # at most the drafts in flight before the first refusal was recorded
    before = llm_server.request_count
    clients[0].generate("label", None, MESSAGES)
    assert llm_server.request_count == before + 1 and llm_server.requests[-1].form == "json_object"


def test_older_json_mode_settings_still_load():
    assert LLMSettings(json_mode="off").structured_output == "off"
    assert LLMSettings(json_mode="on").structured_output == "json_object"
    assert LLMSettings(json_mode="on", structured_output="json_schema").structured_output == "json_schema"
    assert LLMSettings().structured_output == "auto"


@pytest.mark.parametrize("name, valid", [
    ("Alcohol-free beer rejected", True), ("one two three four five six seven eight", True),
    ("one two three four five six seven eight nine", False), ("double  space", False), ("", False)])
def test_the_grammar_schema_bounds_a_label_name_to_the_words_the_model_accepts(name, valid):
    """The grammar form carries the name's word rule as a pattern, so a constrained model cannot write a name that
    the pydantic model then refuses (a small model wrote 10-word names); the strict form leaves patterns out."""
    pattern = grammar_schema("label")["properties"]["name"]["pattern"]
    assert bool(re.fullmatch(pattern.strip("^$"), name)) is valid
    if valid:
        DRAFT_MODELS["label"].model_validate({"name": name, "sentence": "s", "cited_case_ids": ["C1"]})
    assert "pattern" not in strict_schema("label")["properties"]["name"]


def free_texts(schema: dict, path: str = ""):
    """(path, schema) of every string of a schema that is neither an enum nor a citation list's item."""
    if schema.get("type") == "string" and "enum" not in schema:
        yield path, schema
    for name, prop in (schema.get("properties") or {}).items():
        yield from free_texts(prop, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from free_texts(schema["items"], f"{path}[]")


@pytest.mark.parametrize("kind", KINDS)
def test_the_grammar_schema_keeps_control_characters_out_of_every_string(kind):
    """A grammar-constrained model may write only what JSON allows raw inside a string: llama-cpp-python's own
    string rule lets through a raw line break (SmolLM2 wrote one: "Invalid control character"), so every string
    of the grammar form carries a pattern without control characters, quotes or backslashes."""
    texts = dict(free_texts(grammar_schema(kind)))
    assert texts
    for path, prop in texts.items():
        pattern = prop["pattern"].strip("^$")
        assert re.fullmatch(pattern, "Ads für Café-Gutscheine, 12.5% (FR), 'free' — approved") or path.endswith(
            ".name"), path
        for bad in ("line\nbreak", "tab\there", 'a "quote"', "back\\slash", "nul\x00"):
            assert not re.fullmatch(pattern, bad), (path, bad)


def test_llama_cpp_compiles_the_text_pattern_into_its_grammar():
    """The grammar llama-cpp-python makes of the schema uses the pattern, not its permissive string rule."""
    grammar = pytest.importorskip("llama_cpp.llama_grammar", reason="llama-cpp-python is not installed (local-llm)")
    gbnf = grammar.json_schema_to_gbnf(json.dumps(grammar_schema("label")))
    assert r'[^"\\\x00-\x1F\x7F]' in gbnf
    assert not re.search(r"\bchar\b", gbnf.split("::=", 1)[1])  # the built-in char rule is not used

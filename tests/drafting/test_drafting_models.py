"""What a draft is: reading a raw answer into its kind's model, stored drafts, the cited case ids."""

from __future__ import annotations

import json

import pytest

from assistant.drafting.models import (
    PolicyClarification,
    RcaNarrative,
    ThemeLabel,
    cited_ids,
    parse_draft,
    parse_json_object,
    stored_draft,
)

LABEL = {"name": "Alcohol-free beer rejected", "sentence": "0.0% drinks are treated as alcohol.",
         "cited_case_ids": ["C1", "C2"]}
RCA = {"title": "t", "summary": "s", "root_cause_category": "guideline_gap", "root_cause": "r",
       "evidence": [{"claim": "a", "case_ids": ["C1", "C2"]}, {"claim": "b", "case_ids": ["C2", "C3"]}],
       "impact": "i", "actions": [{"action": "x", "owner": "Policy"}], "confidence": "low"}


@pytest.mark.parametrize("text", [
    json.dumps(LABEL),
    "```json\n" + json.dumps(LABEL) + "\n```",
    "Sure! Here it is:\n```json\n" + json.dumps(LABEL) + "\n```\nAnything else?",
    "The label: " + json.dumps(LABEL) + " (as asked)",
], ids=["plain", "fenced", "fenced-in-prose", "in-prose"])
def test_the_json_object_is_found_in_the_answer(text):
    assert parse_draft("label", text) == ThemeLabel(**LABEL)


@pytest.mark.parametrize("text,message", [
    ("I cannot help with that.", "the answer holds no JSON object"),
    ('{"name": "A label", "sentence": "cut short", "cited_case_ids": ["C1"', "the answer holds no JSON object"),
    ('{"title": "still broken",}', "the answer is not valid JSON"),
    ('{"a": {"b": 1}, "c": [1, 2', "the answer is not valid JSON"),
], ids=["prose", "truncated", "trailing-comma", "truncated-nested"])
def test_an_answer_cut_short_or_broken_is_never_completed(text, message):
    with pytest.raises(ValueError, match=message):
        parse_json_object(text)


def test_schema_errors_name_the_fields():
    with pytest.raises(ValueError, match="does not match the schema") as caught:
        parse_draft("label", '{"name": "one two three four five six seven eight nine"}')
    message = str(caught.value)
    assert "name: Value error, the name must have at most 8 words" in message
    assert "sentence: Field required" in message and "cited_case_ids: Field required" in message


def test_a_new_draft_must_cite_a_case_but_a_stored_one_may_not():
    with pytest.raises(ValueError, match="cite at least one case"):
        parse_draft("label", json.dumps({**LABEL, "cited_case_ids": []}))
    assert stored_draft("label", {**LABEL, "cited_case_ids": []}).cited_case_ids == []
    assert stored_draft("rca", json.dumps(RCA)) == RcaNarrative(**RCA)


def test_cited_ids_in_order_without_repeats():
    assert cited_ids(RcaNarrative(**RCA)) == ["C1", "C2", "C3"]
    assert cited_ids(ThemeLabel(**LABEL)) == ["C1", "C2"]
    policy = PolicyClarification(policy="p", ambiguity="a", proposed_wording="w", allowed_examples=["x"],
                                 disallowed_examples=["y"], cited_case_ids=["C9", "C9", "C1"], rationale="r")
    assert cited_ids(policy) == ["C9", "C1"]
    assert cited_ids(None) == []
